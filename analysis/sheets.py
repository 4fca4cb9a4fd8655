"""Writing a workbook sheet from column specs, in write-only (streaming) mode.

A sheet is declared once as a tuple of `Column`s: header, width, number format, how a row
becomes the cell, and any colour scale or chart the column takes part in. Headers, widths,
formats, values, colour scales and charts all come from that one declaration, and a
column's letter comes from its place in it, so a scale or a chart cannot drift onto the
wrong column.

Every piece of text a person typed or imported is written as a text cell, never a
formula, whatever it starts with (=, +, -, @, tab, CR), and never an error value, even
when it reads like one (#N/A, #REF!, ...): the cell is typed as a string and carries
Excel's quote prefix, so even editing it in Excel keeps it text. Characters
a workbook cannot hold are dropped, and text longer than Excel's 32,767-character cell
limit is cut with a visible marker.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Generic, NamedTuple, TypeVar

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import ColorScaleRule, Rule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

EXCEL_CELL_LIMIT = 32_767
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Text Excel (and openpyxl) would take for an error value rather than text; compared in upper case,
# since Excel reads "#n/a" as #N/A too.
ERROR_CODES = frozenset({"#N/A", "#REF!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#VALUE!", "#GETTING_DATA",
                         "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
                         "#PYTHON!"})
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
CHART_GAP = 3  # a sheet's charts sit this many columns right of its last column

R = TypeVar("R")


def evaluates(text: str) -> bool:
    """Whether a spreadsheet would read this text as something other than text: a formula or an error value."""
    return text.startswith(FORMULA_START) or text.strip().upper() in ERROR_CODES


def safe_text(value: str) -> str:
    """Text a workbook can hold: illegal control characters dropped, cut at Excel's cell limit."""
    text = _ILLEGAL.sub("", value)
    if len(text) > EXCEL_CELL_LIMIT:
        marker = f" … [cut: {len(text) - EXCEL_CELL_LIMIT + 60:,} more characters in Motive]"
        text = text[: EXCEL_CELL_LIMIT - len(marker)] + marker
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


@dataclass(frozen=True)
class ColourScale:
    """A colour scale over a column's data cells: (value, RGB colour) at each end, and optionally a midpoint."""

    start: tuple[float, str]
    end: tuple[float, str]
    mid: tuple[float, str] | None = None

    def rule(self) -> Rule:
        """A fresh rule each time: openpyxl stamps a priority on the rule it is given."""
        mid_value, mid_color = self.mid or (None, None)
        return ColorScaleRule(start_type="num", start_value=self.start[0], start_color=self.start[1],
                              mid_type="num" if self.mid else None, mid_value=mid_value, mid_color=mid_color,
                              end_type="num", end_value=self.end[0], end_color=self.end[1])


@dataclass(frozen=True)
class Chart:
    """A bar chart of a sheet's first `max_rows` rows; its series and categories are the columns naming its key."""

    key: str
    title: str
    anchor_row: int
    height: float
    width: float
    kind: str = "col"  # "col" draws vertical bars, "bar" horizontal ones
    grouping: str = "clustered"
    overlap: int | None = None
    y_title: str | None = None
    max_rows: int = 50


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column of a sheet; its letter is its place among the sheet's columns, never written by hand.

    `fmt` and `wrap` are constants, or functions of the row where rows of one sheet differ.
    `series_in` and `categories_in` name the keys of the sheet's charts this column feeds.
    """

    header: str
    width: float
    value: Callable[[R], Any]
    fmt: str | Callable[[R], str | None] | None = None
    wrap: bool | Callable[[R], bool] = False
    colour_scale: ColourScale | None = None
    series_in: tuple[str, ...] = ()
    categories_in: tuple[str, ...] = ()


class Fact(NamedTuple):
    """One name and its value on a two-column sheet (About, Candidate); `wrap` lets a long value wrap."""

    name: str
    value: Any
    wrap: bool = False


def fact_columns(widths: tuple[float, float], headers: tuple[str, str] = ("", "")) -> tuple[Column[Fact], ...]:
    """The two columns of a name-and-value sheet."""
    return (Column(headers[0], widths[0], attrgetter("name")),
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


class SheetWriter(Generic[R]):
    """A write-only sheet with a styled, frozen, filtered header, written row by row from its column specs."""

    def __init__(self, wb: Workbook, title: str, taken: set[str], columns: Sequence[Column[R]],
                 charts: Sequence[Chart] = ()) -> None:
        _check(columns, charts)
        self.ws = wb.create_sheet(sheet_name(title, taken))
        self.columns = tuple(columns)
        self.charts = tuple(charts)
        for i, column in enumerate(self.columns, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = column.width
        self.ws.freeze_panes = "A2"
        self.ws.print_options.gridLines = False
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.fitToWidth = 1
        self.ws.print_title_rows = "1:1"
        self.rows = 0
        self.ws.append([self._cell(c.header, header=True) for c in self.columns])

    def _cell(self, value, *, header: bool = False, fmt: str | None = None, wrap: bool = False):
        if isinstance(value, float) and value != value:  # NaN
            value = None
        if hasattr(value, "item"):  # numpy scalars
            value = value.item()
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        cell = WriteOnlyCell(self.ws, value=None)
        if isinstance(value, str):
            text = safe_text(value)
            cell.value = text
            cell.data_type = "s"  # never a formula or an error value, whatever it reads
            if evaluates(text):
                cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
        else:
            cell.value = value
        if header:
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        if fmt:
            cell.number_format = fmt
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        return cell

    def write(self, row: R) -> None:
        """One row: each column's value, format and wrapping taken from its spec."""
        out = []
        for column in self.columns:
            v = column.value(row)
            fmt = column.fmt(row) if callable(column.fmt) else column.fmt
            wrap = column.wrap(row) if callable(column.wrap) else column.wrap
            if fmt is not None or wrap or not isinstance(v, (str, int)) or isinstance(v, bool):
                out.append(self._cell(v, fmt=fmt, wrap=wrap))
            elif isinstance(v, str) and (evaluates(v) or _ILLEGAL.search(v) or len(v) > EXCEL_CELL_LIMIT):
                out.append(self._cell(v))
            else:
                out.append(v)  # plain text or a whole number: written as is, nothing to style or defuse
        self.ws.append(out)
        self.rows += 1

    def write_all(self, rows) -> None:
        for row in rows:
            self.write(row)

    def finish(self) -> None:
        """The filter over every row; with rows written, each column's colour scale and the sheet's charts."""
        self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.columns))}{self.rows + 1}"
        if not self.rows:
            return
        for i, column in enumerate(self.columns, start=1):
            if column.colour_scale:
                letter = get_column_letter(i)
                self.ws.conditional_formatting.add(f"{letter}2:{letter}{self.rows + 1}", column.colour_scale.rule())
        for chart in self.charts:
            self.ws.add_chart(self._bar_chart(chart), f"{get_column_letter(len(self.columns) + CHART_GAP)}"
                                                      f"{chart.anchor_row}")

    def _bar_chart(self, spec: Chart) -> BarChart:
        last = min(self.rows, spec.max_rows) + 1
        chart = BarChart()
        chart.type, chart.grouping, chart.title = spec.kind, spec.grouping, spec.title
        if spec.overlap is not None:
            chart.overlap = spec.overlap
        if spec.y_title is not None:
            chart.y_axis.title = spec.y_title
        for i, column in enumerate(self.columns, start=1):
            if spec.key in column.series_in:
                chart.add_data(Reference(self.ws, min_col=i, min_row=1, max_row=last), titles_from_data=True)
        categories = next(i for i, c in enumerate(self.columns, start=1) if spec.key in c.categories_in)
        chart.set_categories(Reference(self.ws, min_col=categories, min_row=2, max_row=last))
        chart.height, chart.width = spec.height, spec.width
        return chart
