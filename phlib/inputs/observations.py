"""Observations: `load_observations` reads tidy CSV/xlsx files and checks every row.

One row per value of one indicator, area, period and breakdown (schema in
docs/ARCHITECTURE.md). Every problem in every file is collected in one pass and raised as one
`ObservationsError`; each names the file, the row (or Excel cell), the column, the bad value,
what is wrong and how to fix it. A blank value on its own means "not available" and is allowed.

>>> import tempfile, pathlib
>>> from phlib.inputs.catalogue import load_catalogue
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "catalogue.csv").write_text(
...     "indicator_id,title,service,unit,direction,target_kind,frequency,publication\\n"
...     "sh_a,STI offered,sexual_health,percent,higher,threshold,quarter,public\\n")
>>> _ = (folder / "obs.csv").write_text(
...     "indicator_id,area,period,value,numerator,denominator\\n"
...     "sh_a,peterborough,Q3 2022/23,56.0,56,100\\n"
...     "sh_a,peterborough,Q2 2022/23,,,\\n")
>>> obs = load_observations(folder / "obs.csv", load_catalogue(folder / "catalogue.csv"))
>>> obs[["period", "period_kind", "value", "source_row"]].to_dict("records")
[{'period': '2022-23-Q3', 'period_kind': 'quarter', 'value': 56.0, 'source_row': 2}, \
{'period': '2022-23-Q2', 'period_kind': 'quarter', 'value': nan, 'source_row': 3}]
"""

from __future__ import annotations

import os
from functools import partial

import pandas as pd

from phlib.errors import ObservationsError, Problem
from phlib.inputs.areas import area_key, area_lookup
from phlib.inputs.columns import check_columns
from phlib.inputs.grouping import group_problems
from phlib.inputs.mistakes import fingertips_problem, fraction_problems, looks_like_fingertips
from phlib.inputs.observation_columns import checked_frame
from phlib.inputs.observation_rows import COLUMNS, NUMERIC, OPTIONAL, REQUIRED, check_row
from phlib.inputs.reading import read_table

__all__ = ["COLUMNS", "load_observations"]
_KEY = ["indicator_id", "area", "period", "breakdown"]  # a row's identity: one value each


def _report(problems, table, number, row, column, message, fix) -> None:
    where = table.where(number, column)
    problems.append(Problem(message=message, fix=fix, value=row.get(column, ""), **where))


def _frame(records: list[dict]) -> pd.DataFrame:
    """Records (dicts) as the tidy frame: the columns `COLUMNS` with their types."""
    frame = pd.DataFrame(records, columns=COLUMNS)
    frame[list(NUMERIC)] = frame[list(NUMERIC)].astype(float)
    for column in ("period_start", "period_end"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame.astype({"source_row": int})


def _repeats(parts: list[pd.DataFrame], frame: pd.DataFrame) -> bool:
    """True when a row of `frame` has the key of an earlier row, in it or in `parts`."""
    keys = pd.concat([part[_KEY] for part in parts if len(part)] + [frame[_KEY]])
    return bool(keys.duplicated().to_numpy()[len(keys) - len(frame) :].any())


def _seen(parts: list[pd.DataFrame]) -> dict[tuple, tuple[str, int]]:
    """Each key of the rows in `parts` -> (file, row) where it first appears."""
    seen: dict[tuple, tuple[str, int]] = {}
    for part in parts:
        keys = zip(*(part[name] for name in _KEY), strict=True)
        for key, file, row in zip(keys, part["source_file"], part["source_row"], strict=True):
            seen.setdefault(key, (file, int(row)))
    return seen


def _check_rows(table, catalogue, units, lookup, parts, problems) -> list[dict]:
    """A table's rows checked one by one (`check_row`), duplicates of earlier rows (in the
    table or in `parts`) included: the records, with every problem added to `problems`."""
    seen = _seen(parts)
    records: list[dict] = []
    columns = [table.frame[name].tolist() for name in table.columns]
    for number, values in zip(table.frame.index, zip(*columns, strict=True), strict=True):
        row = dict(zip(table.columns, values, strict=True))
        problem = partial(_report, problems, table, number, row)
        record = check_row(row, catalogue, units, problem, lookup)
        key = (record["indicator_id"], record["area"], record["period"], record["breakdown"])
        if record["period"] and key in seen:
            file, first = seen[key]
            where = f"row {first}" if file == table.file else f"{file} row {first}"
            breakdown = f"breakdown {key[3]!r}" if key[3] else "the headline (no breakdown)"
            message = f"duplicate row: {key[0]}, {key[1]}, {key[2]}, {breakdown} is also in {where}"
            fix = f"keep one of the two rows ({where} and row {number}), or correct the period"
            problems.append(Problem(table.file, message, fix + " or breakdown", number))
        seen.setdefault(key, (table.file, number))
        records.append(record | {"source_file": table.file, "source_row": number})
    return records


def _paths(path_or_paths) -> list:
    if isinstance(path_or_paths, (str, os.PathLike)):
        return [path_or_paths]
    return list(path_or_paths)


def load_observations(path_or_paths, catalogue, areas=None, *, row_by_row=False) -> pd.DataFrame:
    """Read and check one or more observations files (CSV or .xlsx) against a `Catalogue`.

    Returns a tidy DataFrame with the columns `COLUMNS`; `period` is the canonical id
    (`2022-10`, `2022-23-Q3`, `2022-23`) and `breakdown` is "" for headline values. Raises
    `ObservationsError` listing every problem in every file. With `areas` (keys), only the
    rows of those areas are checked and kept: a notebook for one area, whose run has already
    checked every row, builds and checks only its own rows (the others are dropped as each
    file is read), whether the files hold 2 areas or 150.

    Each file's rows are checked a column at a time (`observation_columns`); a file in which
    any row may have a problem is checked again row by row (`check_row`), which names each
    problem. `row_by_row=True` checks every file row by row: the same result, more slowly
    (the reference the column checks are tested against).
    """
    units = catalogue.indicators["unit"].to_dict()
    lookup = area_lookup(catalogue.areas, catalogue.area_codes)
    problems: list[Problem] = []
    parts: list[pd.DataFrame] = []  # each file's checked rows, in order
    records: list[dict] = []  # every row's record, when checked row by row
    wanted = None
    if areas is not None:  # rows of other areas are dropped as each file is read, compared
        chosen = set(areas)  # as keys however a row writes its area (key, name, ONS code)
        ours: dict[str, bool] = {}  # each way of writing an area looked up once

        def _ours(text: str) -> bool:
            if text not in ours:
                ours[text] = area_key(text, lookup) in chosen
            return ours[text]

        wanted = ("area", _ours)
    for path in _paths(path_or_paths):
        table = read_table(path, REQUIRED, keep=wanted)
        problems += table.problems
        if table.header_row is None:
            continue
        if looks_like_fingertips(table.columns):
            problems.append(fingertips_problem(table.file, table.header_row))
            continue
        table, found = check_columns(table, REQUIRED, OPTIONAL)
        problems += found
        if table.frame.empty and not table.dropped:  # not merely none of the chosen areas
            fix = "add one row per value under the header, or take the file out of the run"
            problems.append(Problem(table.file, "the file has no data rows", fix))
        if any(name not in table.columns for name in REQUIRED):
            continue  # the missing column is reported; row checks would only repeat it
        checked = None if row_by_row else checked_frame(table, catalogue, units, lookup)
        if checked is None or _repeats(parts, checked):
            rows = _check_rows(table, catalogue, units, lookup, parts, problems)
            records += rows
            checked = _frame(rows)
        problems += fraction_problems(table.file, checked, catalogue.indicators)
        parts.append(checked)
    problems = group_problems(problems)
    if problems:
        count = sum(p.severity == "error" for p in problems)
        raise ObservationsError(problems, f"The observations have {count} problem(s)")
    filled = [part for part in parts if len(part)]
    if row_by_row or not filled:
        return _frame(records)
    return filled[0] if len(filled) == 1 else pd.concat(filled, ignore_index=True)
