"""Reading CSV and Excel (.xlsx) files into a raw table of text cells.

`read_table` never stops at the first problem: it returns a `RawTable` whose `.problems` lists
everything wrong with the file's shape (encoding, merged cells, blank or repeated headers), so
the caller can add its own checks and raise one error. Row numbers are the ones a person sees:
the line in a CSV file (header = row 1) or the sheet row in Excel, where a title row above the
header shifts them. Cells from Excel files are also named by reference, such as `C7`.

CSV files may be UTF-8 (with or without a byte-order mark), UTF-16 or Windows-1252 (cp1252, as
older Excel saves them), separated by commas, semicolons or tabs.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "obs.csv").write_text("area,value\\ncambridgeshire, 56.1\\n\\n")
>>> table = read_table(folder / "obs.csv")
>>> table.frame.to_dict("index"), table.header_row, table.problems
({2: {'area': 'cambridgeshire', 'value': '56.1'}}, 1, [])
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from phlib.errors import Problem
from phlib.inputs.sheets import read_sheet
from phlib.inputs.table import (
    HEADER_SCAN,
    RawTable,
    build_table,
    empty_table,
    find_header,
    snake_case,
)

SHEETS = {".xlsx", ".xlsm"}  # read by phlib.inputs.sheets
OLD_SHEETS = {".xls"}  # refused, with how to save them
_SAVE_UTF8 = "open it in Excel and use Save As > 'CSV UTF-8 (Comma delimited)'"

#: CSV files parsed ahead of need (`preread`): path -> (the file's identity on disk, its
#: numbered rows of cells, its encoding). Used only while the file is unchanged.
_PARSED: dict[str, tuple[tuple, dict[int, list[str]], str]] = {}


def _identity(path: Path) -> tuple:
    found = path.stat()
    return found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns


def preread(paths) -> None:
    """Parse these CSV files now and keep their cells, so that `read_table` on a file that
    has not changed since (same size, modification time and inode) skips parsing it.

    phreport's kernel zygote (`phlib.run.zygote`) calls this for the quarter's observation
    files: every kernel forked from it then finds them parsed, and a notebook reading its own
    area from a file of 150 areas pays only for picking out its rows. Files that cannot be
    read, or change while being read, are left to `read_table` to report.
    """
    for path in map(Path, paths):
        if path.suffix.lower() in SHEETS | OLD_SHEETS or not path.is_file():
            continue
        before = _identity(path)
        parsed = _parse_csv(path)
        if not isinstance(parsed, RawTable) and _identity(path) == before:
            _PARSED[str(path.resolve())] = (before, *parsed)


def read_table(path, expected=(), sheet: str | None = None, keep=None) -> RawTable:
    """Read a CSV or .xlsx file; the header is the first row naming most `expected` columns.

    Title rows above the header and blank rows are skipped; trailing blank columns ignored.
    Problems with the file itself are returned in `.problems` rather than raised.
    `keep=(column, wanted)` keeps only the data rows whose cell in that column (its header
    read as snake_case) passes `wanted(text)`, before the table is built (`build_table`): a
    notebook reading its own area from a file of 150 areas then pays for its rows only.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_bytes("Title\\n\\nid;note\\na;£5\\n".encode("cp1252"))
    >>> t = read_table(p, expected=["id"])
    >>> t.header_row, t.encoding, t.frame.loc[4, "note"]
    (3, 'cp1252', '£5')
    """
    path = Path(path)
    file = str(path)
    expected = {snake_case(name) for name in expected}
    if not path.is_file():
        return empty_table(file, "the file does not exist", "check the path and the file name")
    suffix = path.suffix.lower()
    if suffix in SHEETS:
        return read_sheet(path, expected, sheet, keep)
    if suffix in OLD_SHEETS:
        return empty_table(
            file, "old-style .xls workbooks cannot be read", "save it as .xlsx or CSV"
        )
    return _read_csv(path, expected, keep)


def _decode(data: bytes, file: str) -> tuple[str | None, str, Problem | None]:
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "cp1252"]
    first_error = None
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding, None
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
    offset = first_error.start
    bad = data[offset : offset + 1].hex()
    problem = Problem(
        file,
        f"the file is not readable text: byte 0x{bad} at byte offset {offset} is neither "
        "UTF-8 nor Windows-1252",
        f"check it is really a CSV file; if so {_SAVE_UTF8}",
        row=data[:offset].count(b"\n") + 1,
    )
    return None, candidates[0], problem


def _delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:HEADER_SCAN] if line.strip()]
    unquoted = re.sub(r'"[^"]*"', "", "\n".join(lines))
    return max((",", ";", "\t"), key=lambda d: (unquoted.count(d), d == ","))


def _parse_csv(path: Path) -> RawTable | tuple[dict[int, list[str]], str]:
    """The file's numbered rows of cells and its encoding, or a table of its problem."""
    file = str(path)
    data = path.read_bytes()
    text, encoding, problem = _decode(data, file)
    if problem:
        return RawTable(file, pd.DataFrame(dtype=str), problems=[problem], encoding=encoding)
    if not text.strip().strip(",;\t\r\n"):
        return empty_table(file, "the file is empty", "export the data again, with its header row")
    stream = io.StringIO(text, newline="")
    reader = csv.reader(stream, delimiter=_delimiter(text), strict=True)
    rows: dict[int, list[str]] = {}
    try:
        for number, record in enumerate(reader, start=1):
            rows[number] = list(map(str.strip, record))
    except csv.Error as exc:
        fix = 'check the quotes on that line: a value with a quote in it is written "like ""this"""'
        return empty_table(file, f"the file is not valid CSV ({exc})", fix, row=len(rows) + 1)
    return rows, encoding


def _read_csv(path: Path, expected: set[str], keep=None) -> RawTable:
    file = str(path)
    cached = _PARSED.get(str(path.resolve())) if _PARSED else None
    if cached is not None and cached[0] == _identity(path):
        rows, encoding = cached[1], cached[2]
    else:
        parsed = _parse_csv(path)
        if isinstance(parsed, RawTable):
            return parsed
        rows, encoding = parsed
    header_row = find_header(rows, expected) or 0
    width = len(rows.get(header_row, []))
    fix = 'put double quotes around values that hold a comma, e.g. "per 100,000"'
    too_long = [
        Problem(file, f"the row has {len(cells)} values but the header has {width}", fix, n)
        for n, cells in rows.items()
        if header_row < n and len(cells) > width
    ]
    table = build_table(file, rows, expected, extra_problems=too_long, keep=keep)
    table.encoding = encoding
    return table
