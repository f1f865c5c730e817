"""Reading one worksheet of an Excel (.xlsx) workbook into a `phlib.inputs.table.RawTable`.

Cells become the text a person sees: numbers without float noise (`56.1`, `12`), percentages
formatted as such in Excel as `45%`, dates as ISO dates (`2022-10-01`), formula errors as
Excel shows them (`#DIV/0!`). Merged cells in data rows are reported (each cell of the range
is filled with the merged value so later checks still see it); merges above the header (title
rows) are ignored.

>>> import tempfile, pathlib, openpyxl
>>> path = pathlib.Path(tempfile.mkdtemp()) / "obs.xlsx"
>>> wb = openpyxl.Workbook(); ws = wb.active
>>> ws.append(["Q3 2022/23 data"]); ws.append(["area", "value"]); ws.append(["peterborough", 0.5])
>>> ws["B3"].number_format = "0%"; wb.save(path)
>>> table = read_sheet(path, {"area", "value"})
>>> table.header_row, table.frame.loc[3, "value"], table.cell(3, "value")
(2, '50%', 'B3')
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time
from pathlib import Path

from phlib.errors import Problem
from phlib.inputs.table import RawTable, build_table, empty_table, find_header, snake_case


def number_text(value: float) -> str:
    """A number as text without binary noise: `0.1 + 0.2` reads `0.3`, `12.0` reads `12`.

    >>> number_text(0.1 + 0.2), number_text(12.0), number_text(123456789012.0), number_text(1e-9)
    ('0.3', '12', '123456789012', '1e-09')
    """
    return f"{value:.15g}"


def cell_text(value, number_format: str = "General") -> str:
    """The text of one cell value as a person reads it in Excel.

    >>> cell_text(datetime(2022, 10, 1)), cell_text(0.561, "0.0%"), cell_text(True)
    ('2022-10-01', '56.1%', 'TRUE')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        if "%" in (number_format or ""):
            return number_text(round(value * 100, 10)) + "%"
        return number_text(value)
    return str(value).strip()


def _open(path: Path):
    from openpyxl import load_workbook  # deferred: only Excel files need it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(path, data_only=True), None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        return None, f"cannot be opened as an Excel workbook ({type(exc).__name__}: {exc})"


def _rows(ws) -> dict[int, list[str]]:
    # Walk only the cells that exist: a sheet formatted to the last column reports a huge
    # max_column, and iter_rows would create every empty cell.
    rows: dict[int, dict[int, str]] = {}
    for (row, col), c in list(ws._cells.items()):
        text = cell_text(c.value, c.number_format)
        if text:
            rows.setdefault(row, {})[col] = text
    return {
        row: [cells.get(col, "") for col in range(1, max(cells) + 1)]
        for row, cells in sorted(rows.items())
    }


def _score(rows: dict[int, list[str]], expected: set[str]) -> int:
    header = find_header(rows, expected)
    return sum(snake_case(c) in expected for c in rows.get(header, []))


def _merges(ws, rows, header_row, file) -> list[Problem]:
    problems = []
    for merged in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        if merged.max_row < header_row:
            continue  # title rows above the header
        ref = merged.coord
        if merged.min_row <= header_row and merged.max_row == header_row:
            message = f"merged cells in the header row ({ref})"
            fix = "unmerge them and give each column its own header"
            problems.append(Problem(file, message, fix, header_row, cell=ref))
            continue
        value = rows.get(merged.min_row, [])
        value = value[merged.min_col - 1] if merged.min_col <= len(value) else ""
        for r in range(max(merged.min_row, header_row + 1), merged.max_row + 1):
            cells = rows.setdefault(r, [])
            cells.extend([""] * (merged.max_col - len(cells)))
            for c in range(merged.min_col, merged.max_col + 1):
                cells[c - 1] = value
        message = f"merged cells in data rows ({ref})"
        fix = "unmerge the cells and fill each cell with its own value"
        problems.append(Problem(file, message, fix, merged.min_row, cell=ref, value=value))
    return problems


def read_sheet(path, expected=(), sheet: str | None = None, keep=None) -> RawTable:
    """Read the worksheet `sheet`, or the first visible sheet whose header fits `expected`.

    Prefer `phlib.inputs.reading.read_table`, which also reads CSV files.
    """
    path = Path(path)
    file = str(path)
    expected = {snake_case(name) for name in expected}
    wb, failure = _open(path)
    if wb is None:
        return empty_table(
            file, f"the file {failure}", "save it again from Excel as .xlsx, or as CSV"
        )
    if sheet is not None and sheet not in wb.sheetnames:
        fix = f"use one of the sheets: {', '.join(wb.sheetnames)}"
        return empty_table(file, f"the workbook has no sheet named {sheet!r}", fix)
    if sheet is not None:
        ws = wb[sheet]
    else:
        visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"] or wb.worksheets
        ws = max(visible, key=lambda ws: _score(_rows(ws), expected))  # first of equals wins
    rows = _rows(ws)
    header_row = find_header(rows, expected)
    if header_row is None:
        return empty_table(
            file, f"the sheet {ws.title!r} is empty", "put the data on the first sheet"
        )
    from openpyxl.utils import get_column_letter  # with openpyxl, only for Excel files

    problems = _merges(ws, rows, header_row, file)
    table = build_table(file, rows, expected, lambda i: get_column_letter(i + 1), problems, keep)
    table.sheet = ws.title
    wb.close()
    return table
