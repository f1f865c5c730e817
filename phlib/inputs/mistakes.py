"""Analysts' common mistakes with observations files, caught with what to do instead.

- A Fingertips export given as observations: its headers (`Indicator ID`, `Area Code`,
  `Time period`, ...) are recognised and one problem says which command takes it.
- Percentages given as fractions (0.088 for 8.8%): when every value of a percent indicator in
  a file, and every comparator, is at or below 1, the file is refused with the rows, unless
  the catalogue marks the indicator `small_percent`.

>>> looks_like_fingertips(["Indicator ID", "Indicator Name", "Area Code", "Time period", "Value"])
True
>>> looks_like_fingertips(["indicator_id", "area", "period", "value"])
False
"""

from __future__ import annotations

import math

from phlib.errors import Problem
from phlib.inputs.table import snake_case

FINGERTIPS_HEADERS = {"indicator_id", "area_code", "time_period", "value"}
FINGERTIPS_HINTS = {"indicator_name", "area_name", "area_type", "category_type", "sex", "age",
                    "lower_ci_95_0_limit", "compared_to_england_value_or_percentiles"}  # fmt: skip
FRACTION_COLUMNS = ("value", "england_mean", "region_mean", "stat_neighbour_mean", "target")


def looks_like_fingertips(headers) -> bool:
    """True when the headers are those of a Fingertips export (not tidy observations)."""
    keys = {snake_case(h) for h in headers}
    return keys >= FINGERTIPS_HEADERS and bool(keys & FINGERTIPS_HINTS)


def fingertips_problem(file: str, header_row) -> Problem:
    """The one problem reported for a Fingertips export given as observations."""
    return Problem(
        file,
        "this is a Fingertips export, not a tidy observations file",
        f"run 'phreport import fingertips {file}', which writes data/fingertips.csv, and list "
        "that file under data: observations in the parameter file instead of this one",
        header_row,
    )


def _small(value) -> bool | None:
    """True at or below 1, False above, None when missing."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else abs(number) <= 1


def fraction_problems(file: str, records: list[dict], indicators) -> list[Problem]:
    """A problem per percent indicator whose every value in `records` is at or below 1.

    `indicators` is the catalogue's DataFrame (indexed by indicator id, with `unit` and
    `small_percent`). Indicators with no value above 0 at all (all zero) are left alone.
    """
    percent = {iid for iid, unit in indicators["unit"].items() if unit == "percent"}
    found: dict[str, list[dict]] = {}
    for record in records:
        iid = record.get("indicator_id")
        if iid in percent:
            found.setdefault(iid, []).append(record)
    problems = []
    for iid, rows in found.items():
        if bool(indicators.at[iid, "small_percent"]):
            continue
        flags = [_small(r.get(c)) for r in rows for c in FRACTION_COLUMNS]
        numbers = [float(r[c]) for r in rows for c in FRACTION_COLUMNS if _small(r.get(c))]
        if not numbers or any(f is False for f in flags) or not any(n > 0 for n in numbers):
            continue
        shown = ", ".join(f"row {r['source_row']} ({r['value']:g})" for r in rows[:3]
                          if _small(r.get("value")))  # fmt: skip
        more = f" and {len(rows) - 3} more" if len(rows) > 3 else ""
        problems.append(Problem(
            file,
            f"{len(rows)} rows of {iid}, a percentage, hold only values at or below 1 "
            f"({shown}{more}): they look like fractions (0.088 for 8.8%)",
            "multiply the values and comparators by 100 (percentages are on the 0-100 scale); "
            "if the indicator is genuinely at or below 1%, write yes in its small_percent "
            "column of the catalogue",
            rows[0]["source_row"],
            "value",
        ))  # fmt: skip
    return problems
