"""A file read as text cells (`RawTable`), and finding and building its header and rows.

`phlib.inputs.reading` reads CSV and xlsx files into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from itertools import islice

import pandas as pd

from phlib.errors import Problem

#: Values Excel shows in a cell whose formula failed.
FORMULA_ERRORS = frozenset(
    {"#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
)
HEADER_SCAN = 30  # rows searched for the header
_SAVE_UTF8 = "open it in Excel and use Save As > 'CSV UTF-8 (Comma delimited)'"


@dataclass
class RawTable:
    """A file read as text: header names as written, one row per non-blank data row.

    `frame` holds stripped strings ("" for blank) with the sheet row numbers as its index;
    `letters` maps each column to its Excel column letter (xlsx only); `dropped` counts the
    data rows left out as the file was read (`read_table(..., keep=...)`).
    """

    file: str
    frame: pd.DataFrame
    header_row: int | None = None
    problems: list[Problem] = field(default_factory=list)
    letters: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    sheet: str | None = None
    dropped: int = 0

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


def empty_table(file: str, message: str, fix: str, row: int | None = None) -> RawTable:
    return RawTable(file, pd.DataFrame(dtype=str), problems=[Problem(file, message, fix, row)])


def find_header(rows: dict[int, list[str]], expected: set[str]) -> int | None:
    """The number of the header row: among the first non-blank rows, the first naming most
    of `expected`, else the first non-blank row.

    >>> find_header({1: ["Report"], 2: ["area", "value"], 3: ["x", "1"]}, {"area", "value"})
    2
    """
    filled = list(islice((n for n, cells in rows.items() if any(cells)), HEADER_SCAN))
    if not filled:
        return None
    scores = {n: sum(snake_case(c) in expected for c in rows[n]) for n in filled}
    best = max(scores.values())
    return next(n for n in filled if scores[n] == best) if best else filled[0]


def _kept(data: dict[int, list[str]], header: list[str], keep) -> dict[int, list[str]]:
    """The data rows that `keep=(column, wanted)` keeps (all of them when the header has no
    such column: the missing column is reported later)."""
    column, wanted = keep
    names = [snake_case(cell) for cell in header]
    if column not in names:
        return data
    at = names.index(column)
    return {n: cells for n, cells in data.items() if wanted(cells[at] if at < len(cells) else "")}


def build_table(file, rows, expected, letter=None, extra_problems=(), keep=None) -> RawTable:
    """Turn numbered rows of text cells into a `RawTable` (used for CSV and Excel alike).

    `letter(i)` names the column at position `i` (0-based) for Excel references; `keep` is
    `read_table`'s (rows left out are counted in `.dropped`; rows keep their numbers).
    """
    problems = list(extra_problems)
    header_row = find_header(rows, expected)
    if header_row is None:
        return empty_table(file, "the file is empty", "export the data again, with its header row")
    header = rows[header_row]
    data = {n: cells for n, cells in rows.items() if n > header_row and any(cells)}
    dropped = 0
    if keep is not None:
        kept = _kept(data, header, keep)
        data, dropped = kept, len(data) - len(kept)
    width = max([len(header)] + [len(c) for c in data.values()])
    keep: list[int] = []
    seen: dict[str, int] = {}
    for i in range(width):
        name = header[i] if i < len(header) else ""
        where = f"cell {letter(i)}{header_row}" if letter else f"column {i + 1}"
        if not name:
            used = [n for n, cells in data.items() if i < len(cells) and cells[i]]
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
    if keep == list(range(width)) and all(len(cells) == width for cells in data.values()):
        records = list(data.values())  # every row has every column, and only those
    else:
        records = [[cells[i] if i < len(cells) else "" for i in keep] for cells in data.values()]
    frame = pd.DataFrame(records, columns=names, index=pd.Index(list(data), name="row"), dtype=str)
    letters = {header[i]: letter(i) for i in keep} if letter else {}
    return RawTable(file, frame, header_row, problems, letters, dropped=dropped)


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
