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
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from phlib.errors import Problem

#: Values Excel shows in a cell whose formula failed.
FORMULA_ERRORS = frozenset(
    {"#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
)
_HEADER_SCAN = 30  # rows searched for the header
_SAVE_UTF8 = "open it in Excel and use Save As > 'CSV UTF-8 (Comma delimited)'"


@dataclass
class RawTable:
    """A file read as text: header names as written, one row per non-blank data row.

    `frame` holds stripped strings ("" for blank) with the sheet row numbers as its index;
    `letters` maps each column to its Excel column letter (xlsx only).
    """

    file: str
    frame: pd.DataFrame
    header_row: int | None = None
    problems: list[Problem] = field(default_factory=list)
    letters: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    sheet: str | None = None

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)

    def cell(self, row: int, column: str) -> str | None:
        """The Excel reference of a cell (`"C7"`), or None for CSV files."""
        letter = self.letters.get(column)
        return f"{letter}{row}" if letter else None

    def where(self, row: int | None = None, column: str | None = None) -> dict:
        """Keyword arguments locating a `Problem` at a row and column of this file."""
        cell = self.cell(row, column) if row is not None and column else None
        return {"file": self.file, "row": row, "column": column, "cell": cell}

    def renamed(self, mapping: dict[str, str]) -> RawTable:
        """A copy with columns renamed (for example to their canonical names)."""
        letters = {mapping.get(k, k): v for k, v in self.letters.items()}
        return replace(self, frame=self.frame.rename(columns=mapping), letters=letters)


def snake_case(name: str) -> str:
    """A header as a snake_case name: lower case, runs of other characters become `_`.

    >>> snake_case(" Lower CI 95.0 limit"), snake_case("Indicator ID")
    ('lower_ci_95_0_limit', 'indicator_id')
    """
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_")


def read_table(path, expected=(), sheet: str | None = None) -> RawTable:
    """Read a CSV or .xlsx file; the header is the first row naming most `expected` columns.

    Title rows above the header and blank rows are skipped; trailing blank columns ignored.
    Problems with the file itself are returned in `.problems` rather than raised.

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
        return _empty(file, "the file does not exist", "check the path and the file name")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        from phlib.sheets import read_sheet

        return read_sheet(path, expected, sheet)
    if suffix == ".xls":
        return _empty(file, "old-style .xls workbooks cannot be read", "save it as .xlsx or CSV")
    return _read_csv(path, expected)


def _empty(file: str, message: str, fix: str, row: int | None = None) -> RawTable:
    return RawTable(file, pd.DataFrame(dtype=str), problems=[Problem(file, message, fix, row)])


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
    lines = [line for line in text.splitlines()[:_HEADER_SCAN] if line.strip()]
    unquoted = re.sub(r'"[^"]*"', "", "\n".join(lines))
    return max((",", ";", "\t"), key=lambda d: (unquoted.count(d), d == ","))


def _read_csv(path: Path, expected: set[str]) -> RawTable:
    file = str(path)
    data = path.read_bytes()
    text, encoding, problem = _decode(data, file)
    if problem:
        return RawTable(file, pd.DataFrame(dtype=str), problems=[problem], encoding=encoding)
    if not text.strip().strip(",;\t\r\n"):
        return _empty(file, "the file is empty", "export the data again, with its header row")
    stream = io.StringIO(text, newline="")
    reader = csv.reader(stream, delimiter=_delimiter(text), strict=True)
    rows: dict[int, list[str]] = {}
    try:
        for number, record in enumerate(reader, start=1):
            rows[number] = [value.strip() for value in record]
    except csv.Error as exc:
        fix = 'check the quotes on that line: a value with a quote in it is written "like ""this"""'
        return _empty(file, f"the file is not valid CSV ({exc})", fix, row=len(rows) + 1)
    header_row = find_header(rows, expected) or 0
    width = len(rows.get(header_row, []))
    fix = 'put double quotes around values that hold a comma, e.g. "per 100,000"'
    too_long = [
        Problem(file, f"the row has {len(cells)} values but the header has {width}", fix, n)
        for n, cells in rows.items()
        if header_row < n and len(cells) > width
    ]
    table = build_table(file, rows, expected, extra_problems=too_long)
    table.encoding = encoding
    return table


def find_header(rows: dict[int, list[str]], expected: set[str]) -> int | None:
    """The number of the header row: among the first non-blank rows, the first naming most
    of `expected`, else the first non-blank row.

    >>> find_header({1: ["Report"], 2: ["area", "value"], 3: ["x", "1"]}, {"area", "value"})
    2
    """
    filled = [n for n, cells in rows.items() if any(cells)][:_HEADER_SCAN]
    if not filled:
        return None
    scores = {n: sum(snake_case(c) in expected for c in rows[n]) for n in filled}
    best = max(scores.values())
    return next(n for n in filled if scores[n] == best) if best else filled[0]


def build_table(file, rows, expected, letter=None, extra_problems=()) -> RawTable:
    """Turn numbered rows of text cells into a `RawTable` (used for CSV and Excel alike).

    `letter(i)` names the column at position `i` (0-based) for Excel references.
    """
    problems = list(extra_problems)
    header_row = find_header(rows, expected)
    if header_row is None:
        return _empty(file, "the file is empty", "export the data again, with its header row")
    header = rows[header_row]
    data = {n: cells for n, cells in rows.items() if n > header_row and any(cells)}
    width = max([len(header)] + [len(c) for c in data.values()])
    keep: list[int] = []
    seen: dict[str, int] = {}
    for i in range(width):
        name = header[i] if i < len(header) else ""
        where = f"cell {letter(i)}{header_row}" if letter else f"column {i + 1}"
        used = [n for n, cells in data.items() if i < len(cells) and cells[i]]
        if not name:
            if used and (letter or i < len(header)):  # CSV rows past the header: see _read_csv
                message = f"{where} has values (first in row {used[0]}) but no header"
                fix = "type a header for that column, or delete the column"
                problems.append(Problem(file, message, fix, row=used[0]))
            continue
        if name in seen:
            message = f"the header {name!r} appears twice ({where} and an earlier column)"
            problems.append(
                Problem(file, message, "rename or delete one of them", header_row, name)
            )
            continue
        seen[name] = i
        keep.append(i)
    names = [header[i] for i in keep]
    records = [[cells[i] if i < len(cells) else "" for i in keep] for cells in data.values()]
    frame = pd.DataFrame(records, columns=names, index=pd.Index(list(data), name="row"), dtype=str)
    letters = {header[i]: letter(i) for i in keep} if letter else {}
    return RawTable(file, frame, header_row, problems, letters)


def formula_error(text: str) -> str | None:
    """The Excel formula error a cell shows (`#DIV/0!`, `#N/A`, ...), or None.

    >>> formula_error(" #div/0! "), formula_error("12")
    ('#DIV/0!', None)
    """
    upper = str(text).strip().upper()
    return upper if upper in FORMULA_ERRORS else None


def to_number(text: str) -> float | None:
    """A cell's number: None when blank; accepts `1,234`, `45%` (as 45) and spaces.

    Raises ValueError naming what is wrong otherwise.

    >>> to_number("1,234.5"), to_number(" 45% "), to_number("")
    (1234.5, 45.0, None)
    >>> to_number("#N/A")
    Traceback (most recent call last):
    ...
    ValueError: #N/A is a formula error in the spreadsheet
    """
    s = str(text).strip()
    if not s:
        return None
    if formula_error(s):
        raise ValueError(f"{formula_error(s)} is a formula error in the spreadsheet")
    s = s.removesuffix("%").strip()
    if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?", s):
        s = s.replace(",", "")
    try:
        value = float(s)
    except ValueError:
        raise ValueError("not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("not a finite number")
    return value
