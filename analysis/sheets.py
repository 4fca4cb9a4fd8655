"""Writing a workbook sheet from column specs, streamed with XlsxWriter in constant-memory mode.

A sheet is declared once as a tuple of `Column`s: header, width, number format, how a row
becomes the cell, and any colour scale or chart the column takes part in. Headers, widths,
formats, values, colour scales and charts all come from that one declaration, and a
column's letter comes from its place in it, so a scale or a chart cannot drift onto the
wrong column.

Every piece of text a person typed or imported is written as a text cell, never a
formula, whatever it starts with (=, +, -, @, tab, CR), and never an error value, even
when it reads like one (#N/A, #REF!, ...): the cell is a string cell and one that would
evaluate carries Excel's quote prefix, so even editing it in Excel keeps it text. Characters
a workbook cannot hold are dropped, and text longer than Excel's 32,767-character cell
limit is cut with a visible marker.

Every sheet prints: A4 landscape, fitted to one page wide (the sheet's fit-to-page property
is set, which LibreOffice and Excel both need before they honour the fit), its header row
repeated on every page, its print area the rows and charts written, the sheet's name and
the page number in the margins. A wrapped cell's row is made tall enough for its text,
since neither program grows a row on opening a file. Charts sit below the rows, each in a
print range of its own, so each starts a page and none crosses a page break.
"""

from __future__ import annotations

import math
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from typing import Any, Generic, NamedTuple, TypeVar

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import _preserve_whitespace, quote_sheetname, xl_col_to_name, xl_range_abs
from xlsxwriter.worksheet import Worksheet

EXCEL_CELL_LIMIT = 32_767  # in UTF-16 code units, as Excel counts
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Text Excel would take for an error value rather than text; compared in upper case,
# since Excel reads "#n/a" as #N/A too.
ERROR_CODES = frozenset({"#N/A", "#REF!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#VALUE!", "#GETTING_DATA",
                         "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
                         "#PYTHON!"})
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
HEADER_FILL = "#1F4E78"
HEADER_FONT = "#FFFFFF"
DATE_TIME = "yyyy-mm-dd hh:mm"

# -- the printed page ------------------------------------------------------------------------
# Every sheet prints on A4, landscape, so the rows a page holds are known when the charts are
# placed. Widths follow Excel's 7-pixel digit, which Arial 10 has too.
PAPER_A4 = 9                       # Excel's paper code
PAGE_WIDTH_PT = 297 / 25.4 * 72
PAGE_HEIGHT_PT = 210 / 25.4 * 72
MARGIN_SIDE_IN, MARGIN_END_IN, MARGIN_NOTE_IN = 0.5, 0.75, 0.3
FONT, FONT_SIZE = "Arial", 10
ROW_PT = 12.75                     # the default row's height for Arial 10
CHARTED_ROW_PT = 13.5              # a sheet with charts sets its rows' height, so a chart spans the same
                                   # rows, and fits its print range, in either program
MAX_ROW_PT = 409.0                 # Excel's tallest row
PAGE_SLACK_ROWS = 3                # a chart stays this many rows short of a page, for rounding between programs
CHART_GAP_ROWS = 2                 # blank rows between the last row and the first chart
TEXT_CACHE_LONGEST = 2_000         # characters: a longer text is written without being kept
TEXT_CACHE_CHARS = 2_000_000       # characters a sheet's cache of written texts holds before it is emptied
PX_PER_CM = 96 / 2.54

R = TypeVar("R")


def evaluates(text: str) -> bool:
    """Whether a spreadsheet would read this text as something other than text: a formula or an error value."""
    return text.startswith(FORMULA_START) or text.strip().upper() in ERROR_CODES


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def safe_text(value: str) -> str:
    """Text a workbook can hold: illegal control characters dropped, cut at Excel's cell limit."""
    text = _ILLEGAL.sub("", value)
    if len(text) > EXCEL_CELL_LIMIT // 2 and _utf16_len(text) > EXCEL_CELL_LIMIT:
        marker = f" … [cut: {len(text) - EXCEL_CELL_LIMIT + 60:,} more characters in Motive]"
        keep = EXCEL_CELL_LIMIT - len(marker)
        while _utf16_len(text[:keep]) > EXCEL_CELL_LIMIT - len(marker):  # characters beyond the BMP count twice
            keep -= (_utf16_len(text[:keep]) - (EXCEL_CELL_LIMIT - len(marker)) + 1) // 2 or 1
        text = text[:keep] + marker
    return text


def sheet_name(name: str, taken: set[str]) -> str:
    """A legal, unique sheet name: no []:*?/\\, not blank, at most 31 characters."""
    base = _SHEET_FORBIDDEN.sub("_", name).strip("'").strip() or "Sheet"
    base = base[:31]
    candidate, n = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate)
    return candidate


def column_pixels(width: float) -> int:
    """A column's width on screen and paper, in pixels, as Excel works it out from its width in characters."""
    return int(width * 12 + 0.5) if width < 1 else int(width * 7 + 0.5) + 5


def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes when wrapped in a column `width` characters wide (an overestimate, never under)."""
    per_line = max(1, int(width) - 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


class StreamedSheet(Worksheet):
    """XlsxWriter's worksheet in constant-memory mode, taking a whole row of cells at once.

    XlsxWriter keeps each cell as a tuple, then writes the row's XML once the next row starts;
    a report writes millions of cells, so SheetWriter hands over a row's cell XML ready made
    (`cell_tail` gives each cell's) and this class writes it with XlsxWriter's own row tag, its
    dimensions kept as XlsxWriter keeps them. The XML is XlsxWriter's, byte for byte (a test
    compares), with one exception: XlsxWriter writes a string that starts with "<r>" and ends
    with "</r>" as rich-text markup, unescaped, so typed text shaped like that could close its
    cell and open a formula; here every string is escaped.
    """

    def write_row_cells(self, row: int, first_col: int, last_col: int, cells: str) -> None:
        """Row `row` (after any row written before it), whose cells span `first_col` to `last_col`."""
        if row > self.previous_row:
            self._write_single_row(row)  # a row still held by XlsxWriter's own cell-by-cell writes
        info = self.row_info.get(row)
        if cells:
            self._check_dimensions(row, first_col)
            self._check_dimensions(row, last_col)
            self._write_row(row, None, info)
            self.fh.write(cells)
            self.fh.write("</row>")
        elif info is not None:
            self._write_empty_row(row, None, info)
        self.previous_row = row + 1  # written: XlsxWriter's next flush starts after it

    def cell_tail(self, value: Any, fmt: Format | None) -> str:
        """A cell's XML after its reference and the attribute's closing quote: `<c r="B7"` + this. Text is escaped, never markup."""
        style = "" if fmt is None else f' s="{fmt._get_xf_index() if fmt.xf_index is None else fmt.xf_index}"'
        if isinstance(value, str):
            text = self._escape_control_characters(value)
            preserve = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
            return f'{style} t="inlineStr"><is><t{preserve}>{self._escape_data(text)}</t></is></c>'
        if isinstance(value, bool):
            return f'{style} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, (datetime, date)):
            value = self._convert_date_time(value)
        return f"{style}><v>{value:.16G}</v></c>"


class Book:
    """An XlsxWriter workbook in constant-memory mode, written to bytes; its formats are made once and shared.

    Strings are never read as formulas, numbers or links: every cell is written by its own type.
    """

    def __init__(self) -> None:
        # A temporary file, not a BytesIO: returning a BytesIO's value copies it, so a long report would be
        # in memory twice at the end.
        self._out = tempfile.TemporaryFile()
        self.wb = xlsxwriter.Workbook(self._out, {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
            "strings_to_urls": False, "remove_timezone": True,
            # Arial, not the theme's Calibri: LibreOffice has its metric twin (Liberation Sans), so a
            # column is as wide, and a page breaks at the same row, in either program.
            "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE, "font_scheme": False},
            "default_row_height": round(ROW_PT * 4 / 3), "default_column_width": 64})
        self.taken: set[str] = set()
        self._formats: dict[tuple, Format] = {}

    def format(self, **props: Any) -> Format:
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.wb.add_format(props)
        return self._formats[key]

    def bytes(self) -> bytes:
        """Close the workbook and return the .xlsx file."""
        self.wb.close()
        with self._out:
            self._out.seek(0)
            return self._out.read()


@dataclass(frozen=True)
class ColourScale:
    """A colour scale over a column's data cells: (value, RGB colour) at each end, and optionally a midpoint."""

    start: tuple[float, str]
    end: tuple[float, str]
    mid: tuple[float, str] | None = None

    def options(self) -> dict[str, Any]:
        """XlsxWriter's conditional format for this scale."""
        out: dict[str, Any] = {"type": "3_color_scale" if self.mid else "2_color_scale",
                               "min_type": "num", "min_value": self.start[0], "min_color": f"#{self.start[1]}",
                               "max_type": "num", "max_value": self.end[0], "max_color": f"#{self.end[1]}"}
        if self.mid:
            out.update(mid_type="num", mid_value=self.mid[0], mid_color=f"#{self.mid[1]}")
        return out


@dataclass(frozen=True)
class Chart:
    """A bar chart of a sheet's first `max_rows` rows; its series and categories are the columns naming its key.

    When the sheet holds more rows than that, the title says how many of them it shows.
    """

    key: str
    title: str
    height: float  # centimetres
    width: float
    kind: str = "col"  # "col" draws vertical bars, "bar" horizontal ones
    grouping: str = "clustered"
    overlap: int | None = None
    y_title: str | None = None
    max_rows: int = 50
    per_row_cm: float = 0.0  # a chart of horizontal bars grows by this much a bar, up to a page

    def shown_title(self, rows: int) -> str:
        if rows <= self.max_rows:
            return self.title
        return f"{self.title}: the first {self.max_rows} of {rows:,} rows, in the table's order"


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column of a sheet; its letter is its place among the sheet's columns, never written by hand.

    `fmt` and `wrap` are constants, or functions of the row where rows of one sheet differ.
    `series_in` and `categories_in` name the keys of the sheet's charts this column feeds;
    `colour` fills this column's bars in them.
    """

    header: str
    width: float
    value: Callable[[R], Any]
    fmt: str | Callable[[R], str | None] | None = None
    wrap: bool | Callable[[R], bool] = False
    colour_scale: ColourScale | None = None
    series_in: tuple[str, ...] = ()
    categories_in: tuple[str, ...] = ()
    colour: str | None = None
    bold: bool = False
    align: str | None = None  # "center" keeps a number clear of the text in the next column


class Fact(NamedTuple):
    """One name and its value on a two-column sheet (About, Candidate); `wrap` lets a long value wrap."""

    name: str
    value: Any
    wrap: bool = False


def fact_columns(widths: tuple[float, float], headers: tuple[str, str] = ("", "")) -> tuple[Column[Fact], ...]:
    """The two columns of a name-and-value sheet; without headers the sheet has no header row."""
    return (Column(headers[0], widths[0], attrgetter("name"), wrap=True, bold=True),
            Column(headers[1], widths[1], attrgetter("value"), wrap=attrgetter("wrap")))


def _check(columns: Sequence[Column], charts: Sequence[Chart]) -> None:
    """A chart needs series and exactly one categories column; a column may only name charts the sheet has."""
    keys = {c.key for c in charts}
    for column in columns:
        unknown = (set(column.series_in) | set(column.categories_in)) - keys
        if unknown:
            raise ValueError(f"column {column.header!r} names charts the sheet does not have: {sorted(unknown)}")
    for chart in charts:
        if not any(chart.key in c.series_in for c in columns):
            raise ValueError(f"chart {chart.key!r} has no series column")
        if sum(chart.key in c.categories_in for c in columns) != 1:
            raise ValueError(f"chart {chart.key!r} needs exactly one categories column")


@dataclass(frozen=True)
class Page:
    """How a sheet's rows fall on landscape pages once it is fitted to one page wide."""

    scale: float
    rows_per_page: float  # in default-height rows, header included

    @classmethod
    def of(cls, pixels_wide: int, row_pt: float = ROW_PT) -> "Page":
        printable_w = PAGE_WIDTH_PT - 2 * 72 * MARGIN_SIDE_IN
        printable_h = PAGE_HEIGHT_PT - 2 * 72 * MARGIN_END_IN
        scale = min(1.0, math.floor(100 * printable_w / (pixels_wide * 0.75)) / 100)
        return cls(scale, printable_h / (row_pt * scale))


class SheetWriter(Generic[R]):
    """A sheet with a styled, frozen, filtered, repeated header, streamed row by row from its column specs.

    A sheet whose columns have no headers (About) has no header row, filter or frozen pane.
    Each row goes to the file as it is written; a text met again (a name, a question, a label)
    reuses its cell's XML from a small cache, which is emptied whenever it holds
    TEXT_CACHE_CHARS characters, so memory stays flat however many rows there are.
    """

    def __init__(self, book: Book, title: str, columns: Sequence[Column[R]], charts: Sequence[Chart] = ()) -> None:
        _check(columns, charts)
        self.book = book
        self.ws: StreamedSheet = book.wb.add_worksheet(sheet_name(title, book.taken), worksheet_class=StreamedSheet)
        self.columns = tuple(columns)
        self.charts = tuple(charts)
        self.has_header = any(c.header for c in self.columns)
        self._header_pt = 0.0
        self.pixels_wide = sum(column_pixels(c.width) for c in self.columns)
        self.rows = 0  # data rows written
        self._values = tuple(c.value for c in self.columns)
        self._refs = tuple(f'<c r="{xl_col_to_name(i)}' for i in range(len(self.columns)))
        self._wrapping = tuple((i, c.wrap, c.width) for i, c in enumerate(self.columns) if c.wrap is not False)
        self._per_row = any(callable(c.fmt) or callable(c.wrap) for c in self.columns)
        self._plain = [self._format(c, c.fmt if isinstance(c.fmt, str) else None, c.wrap is True, False)
                       for c in self.columns]
        self._texts: dict[tuple[str, int, Format | None], str] = {}
        self._cached_chars = 0
        ws = self.ws
        self.row_pt = CHARTED_ROW_PT if self.charts else ROW_PT
        if self.charts:
            ws.set_default_row(self.row_pt)
        for i, column in enumerate(self.columns):
            ws.set_column(i, i, column.width)
        ws.set_landscape()
        ws.set_paper(PAPER_A4)
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=MARGIN_SIDE_IN, right=MARGIN_SIDE_IN, top=MARGIN_END_IN, bottom=MARGIN_END_IN)
        ws.set_header("&L&A&RMotive", {"margin": MARGIN_NOTE_IN})  # the sheet's name: no typed text in margins
        ws.set_footer("&CPage &P of &N", {"margin": MARGIN_NOTE_IN})
        if self.has_header:
            header = book.format(bold=True, font_color=HEADER_FONT, bg_color=HEADER_FILL, text_wrap=True,
                                 valign="top")
            lines = max(wrapped_lines(c.header, c.width) for c in self.columns)
            self._header_pt = self.row_pt * lines
            if lines > 1:
                ws.set_row(0, self._header_pt)
            cells = [self._refs[i] + '1"' + self._text_tail(i, column.header, header, header=True)
                     for i, column in enumerate(self.columns)]
            ws.write_row_cells(0, 0, len(self.columns) - 1, "".join(cells))
            ws.freeze_panes(1, 0)
            ws.repeat_rows(0)

    @property
    def _first(self) -> int:
        return 1 if self.has_header else 0

    def _format(self, column: Column, fmt: str | None, wrap: bool, quote: bool) -> Format | None:
        props: dict[str, Any] = {"valign": "top"}  # beside a wrapped cell, a row's other cells read from its top
        if fmt:
            props["num_format"] = fmt
        if wrap:
            props["text_wrap"] = True
        if quote:
            props["quote_prefix"] = True
        if column.bold:
            props["bold"] = True
        if column.align:
            props["align"] = column.align
        return self.book.format(**props)

    def _text_tail(self, col: int, value: str, fmt: Format | None, header: bool = False) -> str:
        """A text cell's XML after its reference: never a formula or an error value, even once edited in Excel."""
        key = (value, col, fmt)
        tail = self._texts.get(key)
        if tail is not None:
            return tail
        text = value if header else safe_text(value)
        if evaluates(text):
            column = self.columns[col]
            fmt = self.book.format(bold=True, font_color=HEADER_FONT, bg_color=HEADER_FILL, quote_prefix=True) \
                if header else self._format(column, column.fmt if isinstance(column.fmt, str) else None,
                                            bool(column.wrap), True)
        tail = self.ws.cell_tail(text, fmt)
        if len(value) <= TEXT_CACHE_LONGEST:
            if self._cached_chars > TEXT_CACHE_CHARS:
                self._texts.clear()
                self._cached_chars = 0
            self._texts[key] = tail
            self._cached_chars += len(value) + len(tail)
        return tail

    def write(self, row: R) -> None:
        """One row: each column's value, format and wrapping taken from its spec."""
        r = self.rows + self._first
        values = [value(row) for value in self._values]
        if self._wrapping:
            lines = 1
            for i, wrap, width in self._wrapping:
                if callable(wrap):
                    wrap = wrap(row)
                v = values[i]
                if wrap and isinstance(v, str) and v:
                    lines = max(lines, wrapped_lines(v, width))
            if lines > 1:
                self.ws.set_row(r, min(MAX_ROW_PT, self.row_pt * lines))  # before its cells, which it sets the height of
        formats = self._plain
        if self._per_row:
            formats = [self._format(c, c.fmt(row) if callable(c.fmt) else c.fmt,
                                    bool(c.wrap(row) if callable(c.wrap) else c.wrap), False)
                       if callable(c.fmt) or callable(c.wrap) else formats[i] for i, c in enumerate(self.columns)]
        n = f'{r + 1}"'
        cells = []
        first = last = -1
        for i, v in enumerate(values):
            if v is None:
                continue
            if type(v) is str:
                tail = self._text_tail(i, v, formats[i])
            else:
                tail = self._tail(i, v, formats[i])
                if tail is None:
                    continue
            cells.append(self._refs[i] + n + tail)
            if first < 0:
                first = i
            last = i
        self.ws.write_row_cells(r, first, last, "".join(cells))
        self.rows += 1

    def _tail(self, col: int, v: Any, fmt: Format | None) -> str | None:
        """A cell that is not plain text: a number, a truth value, a date, or anything else as its text."""
        if isinstance(v, str):
            return self._text_tail(col, v, fmt)
        if hasattr(v, "item"):  # numpy scalars
            v = v.item()
        if isinstance(v, bool):
            return self.ws.cell_tail(v, fmt)
        if isinstance(v, (int, float)):
            return self.ws.cell_tail(v, fmt) if v == v and not math.isinf(v) else None  # NaN and infinity stay empty
        if isinstance(v, (datetime, date)):
            if hasattr(v, "to_pydatetime"):  # pandas' Timestamp
                v = v.to_pydatetime()
            return self.ws.cell_tail(v, fmt or self.book.format(num_format=DATE_TIME))
        return self._text_tail(col, str(v), fmt)

    def write_all(self, rows) -> None:
        for row in rows:
            self.write(row)

    def finish(self) -> None:
        """The filter over every row; with rows written, each column's colour scale, the charts and the print area."""
        last_col = len(self.columns) - 1
        last_row = self.rows + self._first - 1
        if self.has_header:
            self.ws.autofilter(0, 0, max(last_row, 0), last_col)
        areas = [(0, max(last_row, 0))]
        if self.rows:
            for i, column in enumerate(self.columns):
                if column.colour_scale:
                    self.ws.conditional_format(1, i, last_row, i, column.colour_scale.options())
            areas += self._place_charts(last_row)
        self.ws.print_area(0, 0, areas[0][1], last_col)
        if len(areas) > 1:  # XlsxWriter takes one range; the defined name Excel reads holds a list of them
            sheet = quote_sheetname(self.ws.name)
            self.ws.print_area_range = ",".join(f"{sheet}!{xl_range_abs(first, 0, last, last_col)}"
                                                for first, last in areas)

    # -- charts ----------------------------------------------------------------------------

    def _place_charts(self, last_row: int) -> list[tuple[int, int]]:
        """Charts below the rows, each in a print range of its own; returns those ranges' first and last rows.

        A sheet's print ranges each start a new page in Excel and LibreOffice alike, so a chart
        no taller than a page never crosses a break, wherever the rows above it ended.
        """
        page = Page.of(self.pixels_wide, self.row_pt)
        room = math.floor(page.rows_per_page) - math.ceil(self._header_pt / self.row_pt) - 2 * PAGE_SLACK_ROWS
        at, ranges = last_row + 1 + CHART_GAP_ROWS, []
        for spec in self.charts:
            shown = min(self.rows, spec.max_rows)
            height_px = min((spec.height + spec.per_row_cm * shown) * PX_PER_CM, room * self.row_pt * 4 / 3)
            tall = math.ceil(height_px / (self.row_pt * 4 / 3))
            width_px = min(spec.width * PX_PER_CM, self.pixels_wide)
            self.ws.insert_chart(at, 0, self._chart(spec, shown), {
                "x_scale": width_px / 480, "y_scale": height_px / 288, "object_position": 3})
            ranges.append((at, at + tall))
            at += tall + 1 + CHART_GAP_ROWS
        return ranges

    def _chart(self, spec: Chart, shown: int):
        chart = self.book.wb.add_chart({"type": "column" if spec.kind == "col" else "bar",
                                        **({"subtype": "percent_stacked"} if spec.grouping == "percentStacked"
                                           else {})})
        name = self.ws.name
        first, last = self._first, self._first + shown - 1
        categories = next(i for i, c in enumerate(self.columns) if spec.key in c.categories_in)
        for i, column in enumerate(self.columns):
            if spec.key in column.series_in:
                series: dict[str, Any] = {"name": [name, 0, i], "categories": [name, first, categories, last, categories],
                                          "values": [name, first, i, last, i], "gap": 50}
                if spec.overlap is not None:
                    series["overlap"] = spec.overlap
                if column.colour:
                    series["fill"] = {"color": column.colour}
                    series["border"] = {"none": True}
                chart.add_series(series)
        chart.set_title({"name": spec.shown_title(self.rows), "name_font": {"size": 12, "bold": True}})
        if spec.y_title is not None:
            chart.set_y_axis({"name": spec.y_title})
        if spec.kind == "bar":
            chart.set_y_axis({"reverse": True})  # the table's first row at the top, as it reads
        chart.set_x_axis({"num_font": {"rotation": -45}} if spec.kind == "col" else {})
        chart.set_legend({"position": "bottom"})
        return chart
