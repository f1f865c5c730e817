"""Checking a table's columns against a schema, and suggesting the name that was meant.

Headers are matched by their snake_case form, so `Indicator ID` and `indicator_id` are the
same column. A required column that is missing but looks misspelt (`indicatorid`) is reported
as a misspelling and read as the column it was meant to be, so its values are still checked.

>>> closest("peterbrough", ["cambridgeshire", "peterborough"])
'peterborough'
>>> closest("zzz", ["cambridgeshire", "peterborough"]) is None
True
"""

from __future__ import annotations

import difflib

from phlib.errors import Problem
from phlib.inputs.table import RawTable, snake_case


def closest(word: str, choices, cutoff: float = 0.6) -> str | None:
    """The choice most like `word` (ignoring case), or None when none is close."""
    lowered = {str(c).lower(): c for c in choices}
    found = difflib.get_close_matches(str(word).lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[found[0]] if found else None


def did_you_mean(word: str, choices) -> str:
    """`"did you mean 'x'? "` when a choice is close to `word`, else an empty string.

    >>> did_you_mean("hihger", ["higher", "lower", "none"])
    "did you mean 'higher'? "
    """
    found = closest(word, choices)
    return f"did you mean {found!r}? " if found else ""


def one_of(choices) -> str:
    """The allowed values listed for a fix: `use one of: a, b, c`.

    >>> one_of(["higher", "lower"])
    'use one of: higher, lower'
    """
    return "use one of: " + ", ".join(str(c) for c in choices)


def check_columns(table: RawTable, required, optional) -> tuple[RawTable, list[Problem]]:
    """Rename `table`'s columns to their schema names and list every column problem.

    Problems: a required column missing (or misspelt: the fix names the header to rename),
    two headers meaning the same column, and unknown columns (with the closest known name).

    >>> import pandas as pd
    >>> raw = RawTable("obs.csv", pd.DataFrame(columns=["Indicator ID", "vaule", "colour"]), 1)
    >>> fixed, problems = check_columns(raw, ["indicator_id", "value"], ["note"])
    >>> fixed.columns
    ['indicator_id', 'value', 'colour']
    >>> [(p.column, p.fix) for p in problems]  # doctest: +NORMALIZE_WHITESPACE
    [('vaule', "rename the header 'vaule' to 'value'"),
     ('colour', 'delete the column, or rename it to one of: note')]
    """
    required, optional = list(required), list(optional)
    known = required + [name for name in optional if name not in required]
    where = lambda header: table.where(table.header_row, header)  # noqa: E731
    problems: list[Problem] = []
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for header in table.columns:
        key = snake_case(header)
        if key in known and key in mapping.values():
            first = next(h for h, k in mapping.items() if k == key)
            message = f"the headers {first!r} and {header!r} are both the column {key!r}"
            problems.append(Problem(message=message, fix="delete one of them", **where(header)))
        elif key in known:
            mapping[header] = key
        else:
            unknown.append(header)
    for name in required:
        if name in mapping.values():
            continue
        guess = closest(name, [snake_case(h) for h in unknown], cutoff=0.75)
        if guess:
            header = next(h for h in unknown if snake_case(h) == guess)
            unknown.remove(header)
            mapping[header] = name
            message = (
                f"the required column {name!r} is missing and the header {header!r} looks "
                "like a misspelling of it"
            )
            fix = f"rename the header {header!r} to {name!r}"
            problems.append(Problem(message=message, fix=fix, **where(header)))
        else:
            found = ", ".join(repr(h) for h in table.columns) or "none"
            message = f"the required column {name!r} is missing (columns found: {found})"
            fix = f"add a column headed {name!r}"
            problems.append(Problem(message=message, fix=fix, **where(None)))
    spare = [name for name in known if name not in mapping.values()]
    for header in unknown:
        guess = closest(snake_case(header), known, cutoff=0.75)
        if guess in spare:
            fix = f"rename it to {guess!r}"
        elif guess:
            fix = f"it looks like a second {guess!r} column: merge the two, or delete one"
        else:
            fix = "delete the column, or rename it to one of: " + ", ".join(spare or known)
        message = f"unknown column {header!r}"
        problems.append(Problem(message=message, fix=fix, **where(header)))
    return table.renamed(mapping), problems
