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
from functools import lru_cache, partial

import pandas as pd

from phlib.errors import ObservationsError, PeriodError, Problem
from phlib.inputs.areas import area_lookup
from phlib.inputs.columns import check_columns, did_you_mean, one_of
from phlib.inputs.grouping import group_problems
from phlib.inputs.mistakes import fingertips_problem, fraction_problems, looks_like_fingertips
from phlib.inputs.reading import read_table
from phlib.inputs.table import formula_error, to_number
from phlib.rules.intervals import COMPARISONS
from phlib.rules.period_parsing import parse_period

REQUIRED = ("indicator_id", "area", "period", "value")
#: Published intervals and comparisons (as `phreport import fingertips` writes them).
PUBLISHED = ("lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998", "region_mean")
COMPARED = ("compared_to_england", "compared_to_region")
OPTIONAL = (
    "breakdown", "numerator", "denominator", "target", "stat_neighbour_mean", "england_mean",
    "comparator_period", "note", *PUBLISHED, *COMPARED,
)  # fmt: skip
NUMERIC = ("value", "numerator", "denominator", "target", "stat_neighbour_mean", "england_mean",
           *PUBLISHED)  # fmt: skip
COLUMNS = [
    "indicator_id", "area", "period", "period_kind", "period_start", "period_end", "breakdown",
    "value", "numerator", "denominator", "target", "stat_neighbour_mean", "england_mean",
    "comparator_period", "note", *PUBLISHED, *COMPARED, "source_file", "source_row",
]  # fmt: skip
PERIOD_FORMS = (
    "a month as 2022-10 or Oct 2022, a quarter as 2022-23-Q3 or Q3 2022/23, "
    "a financial year as 2022-23 or 2022/23, a calendar year as 2017, "
    "or a range as 2019 - 21, 2018/19 - 20/21 or 2021/22 Q1 - 2022/23 Q3"
)
_NOT_AVAILABLE = "or leave the cell blank if the value is not available"


def _report(problems, table, number, row, column, message, fix) -> None:
    where = table.where(number, column)
    problems.append(Problem(message=message, fix=fix, value=row.get(column, ""), **where))


def _numbers(row: dict, unit: str | None, problem) -> dict[str, float]:
    """The numeric cells of a row (NaN when blank or bad), with range checks by unit."""
    values = {}
    for column in NUMERIC:
        try:
            number = to_number(row.get(column, ""))
        except ValueError:
            code = formula_error(row[column])
            if code:
                fix = f"correct the formula in the spreadsheet, {_NOT_AVAILABLE}"
                problem(column, f"the {column} cell shows {code}, a formula error", fix)
            else:
                fix = f"type a number such as 56.1, without words or units, {_NOT_AVAILABLE}"
                problem(column, f"the {column} is not a number", fix)
            number = None
        values[column] = float("nan") if number is None else number
        if number is None or column in ("numerator", "denominator"):
            continue
        if unit == "percent" and not 0 <= number <= 100:
            fix = "percentages are on the 0-100 scale (56.1 means 56.1%): check the figure"
            problem(column, f"the {column} is a percentage outside 0 to 100", fix)
        elif unit in ("count", "per_1000", "per_100000") and number < 0:
            kind = "count" if unit == "count" else "rate"
            fix = f"enter the figure as 0 or more, {_NOT_AVAILABLE}"
            problem(column, f"the {column} is a {kind} and cannot be negative", fix)
        elif unit == "count" and column == "value" and not number.is_integer():
            fix = "enter a whole number: counts have no decimal places"
            problem(column, "the value is a count and must be a whole number", fix)
    low, high = values["lower_ci95"], values["upper_ci95"]
    if low > high:
        fix = "check the two limits are not swapped: the lower limit comes first"
        problem("lower_ci95", f"the lower limit ({low:g}) is above the upper ({high:g})", fix)
    num, den = values["numerator"], values["denominator"]
    for column, number in (("numerator", num), ("denominator", den)):
        if number < 0:
            problem(column, f"the {column} cannot be negative", "enter the figure as 0 or more")
    if den == 0:
        fix = "correct the denominator, or leave value, numerator and denominator blank"
        problem(
            "denominator", "the denominator is 0, so no rate or percentage can be worked out", fix
        )
    elif unit == "percent" and num > den >= 0:
        fix = "check the figures are not swapped: the numerator counts part of the denominator"
        problem(
            "numerator", f"the numerator ({num:g}) is greater than the denominator ({den:g})", fix
        )
    return values


@lru_cache(maxsize=4096)
def _read_period(text: str) -> tuple[str, str, pd.Timestamp, pd.Timestamp]:
    period = parse_period(text)
    return period.id, period.kind, pd.Timestamp(period.start), pd.Timestamp(period.end)


def _period(text: str, column: str, problem):
    if not text:
        if column == "period":
            problem(column, "the period is blank", f"write {PERIOD_FORMS}")
        return None
    try:
        return _read_period(text)
    except PeriodError as exc:
        reason = getattr(exc, "reason", "")
        problem(column, f"the {column} cannot be read" + (f": {reason}" if reason else ""),
                f"write {PERIOD_FORMS}")  # fmt: skip
        return None


_WORDS = {word.lower(): word for word in COMPARISONS}


def _comparison(row: dict, column: str, problem) -> str:
    text = " ".join(str(row.get(column, "") or "").split())
    if text and text.lower() not in _WORDS:
        problem(column, f"the {column} is not a comparison", one_of(COMPARISONS) + " or blank")
    return _WORDS.get(text.lower(), "")


def _check_row(row: dict, catalogue, units: dict, problem, areas: dict) -> dict:
    """One observation row as a record (with NaN or None where cells are bad)."""
    iid, area = row["indicator_id"], row["area"]
    area = areas.get(" ".join(area.split()).lower(), area)  # an ONS code or name reads as a key
    if not iid:
        problem("indicator_id", "the indicator_id is blank", "type the id used in the catalogue")
    elif iid not in units:
        fix = did_you_mean(iid, units) + "use an indicator_id listed in the catalogue"
        fix += f" ({catalogue.file})" if catalogue.file else ""
        problem("indicator_id", "unknown indicator", fix)
    if not area:
        problem("area", "the area is blank", one_of(catalogue.areas))
    elif area not in catalogue.areas:
        problem(
            "area", "unknown area", did_you_mean(area, catalogue.areas) + one_of(catalogue.areas)
        )
    period = _period(row["period"], "period", problem)
    comparator = _period(row.get("comparator_period", ""), "comparator_period", problem)
    record = {"indicator_id": iid, "area": area, "breakdown": row.get("breakdown", "")}
    record |= _numbers(row, units.get(iid), problem)
    record |= dict(zip(("period", "period_kind", "period_start", "period_end"),
                       period or (None, None, pd.NaT, pd.NaT), strict=True))  # fmt: skip
    record |= {
        "comparator_period": comparator[0] if comparator else "",
        "note": row.get("note", ""),
    }
    return record | {column: _comparison(row, column, problem) for column in COMPARED}


def _paths(path_or_paths) -> list:
    if isinstance(path_or_paths, (str, os.PathLike)):
        return [path_or_paths]
    return list(path_or_paths)


def load_observations(path_or_paths, catalogue, areas=None) -> pd.DataFrame:
    """Read and check one or more observations files (CSV or .xlsx) against a `Catalogue`.

    Returns a tidy DataFrame with the columns `COLUMNS`; `period` is the canonical id
    (`2022-10`, `2022-23-Q3`, `2022-23`) and `breakdown` is "" for headline values. Raises
    `ObservationsError` listing every problem in every file. With `areas` (keys), only the
    rows of those areas are checked and kept: a notebook for one area, whose run has already
    checked every row, builds and checks only its own rows (the others are dropped as each
    file is read), whether the files hold 2 areas or 150.
    """
    units = catalogue.indicators["unit"].to_dict()
    lookup = area_lookup(catalogue.areas, catalogue.area_codes)
    problems: list[Problem] = []
    records: list[dict] = []
    seen: dict[tuple, tuple[str, int]] = {}
    wanted = None
    if areas is not None:  # rows of other areas are dropped as each file is read, compared
        # as keys however a row writes its area (key, name, ONS code)

        def _ours(text: str) -> bool:
            return lookup.get(" ".join(text.split()).lower(), text) in chosen

        chosen = set(areas)
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
        columns = [table.frame[name].tolist() for name in table.columns]
        first_record = len(records)
        for number, values in zip(table.frame.index, zip(*columns, strict=True), strict=True):
            row = dict(zip(table.columns, values, strict=True))
            problem = partial(_report, problems, table, number, row)
            record = _check_row(row, catalogue, units, problem, lookup)
            key = (record["indicator_id"], record["area"], record["period"], record["breakdown"])
            if record["period"] and key in seen:
                file, first = seen[key]
                where = f"row {first}" if file == table.file else f"{file} row {first}"
                breakdown = f"breakdown {key[3]!r}" if key[3] else "the headline (no breakdown)"
                message = (
                    f"duplicate row: {key[0]}, {key[1]}, {key[2]}, {breakdown} is also in {where}"
                )
                fix = f"keep one of the two rows ({where} and row {number}), or correct the period"
                problems.append(Problem(table.file, message, fix + " or breakdown", number))
            seen.setdefault(key, (table.file, number))
            records.append(record | {"source_file": table.file, "source_row": number})
        problems += fraction_problems(table.file, records[first_record:], catalogue.indicators)
    problems = group_problems(problems)
    if problems:
        count = sum(p.severity == "error" for p in problems)
        raise ObservationsError(problems, f"The observations have {count} problem(s)")
    frame = pd.DataFrame(records, columns=COLUMNS)
    frame[list(NUMERIC)] = frame[list(NUMERIC)].astype(float)
    for column in ("period_start", "period_end"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame.astype({"source_row": int})
