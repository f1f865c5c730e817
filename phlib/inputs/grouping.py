"""Grouping repeated problems: one line for "90 rows: the same fault", with the first few rows.

A file with the same fault on many rows (a period written one unreadable way throughout, a
column of fractions) would otherwise print one near-identical line per row. Problems with the
same file, column, message and fix are gathered once there are more than `LIMIT`; the group
names how many rows, the first rows and their values.

>>> from phlib.errors import Problem
>>> many = [Problem("obs.csv", "the period cannot be read", "write 2022-23", r, "period", f"x{r}")
...         for r in range(2, 92)]
>>> [str(p) for p in group_problems(many)]  # doctest: +NORMALIZE_WHITESPACE
["obs.csv, row 2, column 'period': 90 rows: the period cannot be read (rows 2, 3, 4 and 87
  more; values 'x2', 'x3', 'x4'). Fix: write 2022-23"]
"""

from __future__ import annotations

from dataclasses import replace

from phlib.errors import Problem

LIMIT = 3  # up to this many alike problems are listed one by one
SHOWN = 3  # rows named in a group


def group_problems(problems: list[Problem]) -> list[Problem]:
    """`problems` with each run of more than `LIMIT` alike ones replaced by one, in order."""
    groups: dict[tuple, list[Problem]] = {}
    for problem in problems:
        key = (problem.file, problem.column, problem.message, problem.fix, problem.severity)
        groups.setdefault(key, []).append(problem)
    result: list[Problem] = []
    for problem in problems:
        key = (problem.file, problem.column, problem.message, problem.fix, problem.severity)
        alike = groups[key]
        if len(alike) <= LIMIT:
            result.append(problem)
        elif alike[0] is problem:
            result.append(_grouped(alike))
    return result


def _grouped(alike: list[Problem]) -> Problem:
    first = alike[0]
    rows = [str(p.cell or p.row) for p in alike[:SHOWN] if p.cell or p.row is not None]
    values = [repr(p.value) for p in alike[:SHOWN] if p.value not in (None, "")]
    where = f"rows {', '.join(rows)} and {len(alike) - len(rows)} more" if rows else ""
    details = "; ".join(part for part in (where, values and "values " + ", ".join(values)) if part)
    message = f"{len(alike)} rows: {first.message}" + (f" ({details})" if details else "")
    return replace(first, message=message, value=None, cell=None)
