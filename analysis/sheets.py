"""Writing a workbook sheet in write-only (streaming) mode: styled header, safe text cells.

Every piece of text a person typed or imported is written as a text cell, never a
formula, whatever it starts with (=, +, -, @, tab, CR): the cell is typed as a string
and carries Excel's quote prefix, so even editing it in Excel keeps it text. Characters
a workbook cannot hold are dropped, and text longer than Excel's 32,767-character cell
limit is cut with a visible marker.
"""

from __future__ import annotations

import re

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

EXCEL_CELL_LIMIT = 32_767
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")


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


class SheetWriter:
    """A write-only sheet with a styled, frozen, filtered header and sensible column widths."""

    def __init__(self, wb: Workbook, title: str, taken: set[str], headers: list[str], widths: list[int]) -> None:
        self.ws = wb.create_sheet(sheet_name(title, taken))
        for i, w in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = w
        self.ws.freeze_panes = "A2"
        self.ws.print_options.gridLines = False
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.fitToWidth = 1
        self.ws.print_title_rows = "1:1"
        self.headers = headers
        self.rows = 0
        self.ws.append([self._cell(h, header=True) for h in headers])

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
            cell.data_type = "s"  # never a formula, whatever it starts with
            if text.startswith(FORMULA_START):
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

    def append(self, values: list, formats: dict[int, str] | None = None, wrap: set[int] = frozenset()) -> None:
        formats = formats or {}
        out = []
        for i, v in enumerate(values):
            if i in formats or i in wrap or not isinstance(v, (str, int)) or isinstance(v, bool):
                out.append(self._cell(v, fmt=formats.get(i), wrap=i in wrap))
            elif isinstance(v, str) and (v.startswith(FORMULA_START) or _ILLEGAL.search(v) or len(v) > EXCEL_CELL_LIMIT):
                out.append(self._cell(v))
            else:
                out.append(v)  # plain text or a whole number: written as is, nothing to style or defuse
        self.ws.append(out)
        self.rows += 1

    def finish(self) -> None:
        last = get_column_letter(len(self.headers))
        self.ws.auto_filter.ref = f"A1:{last}{self.rows + 1}"
