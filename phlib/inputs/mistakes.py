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

import numpy as np
import pandas as pd

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


def fraction_problems(file: str, frame: pd.DataFrame, indicators) -> list[Problem]:
    """A problem per percent indicator whose every value in `frame` is at or below 1.

    `frame` holds one file's checked rows (`indicator_id`, `source_row` and the numbers of
    `FRACTION_COLUMNS`, NaN where missing); `indicators` is the catalogue's DataFrame (indexed
    by indicator id, with `unit` and `small_percent`). Indicators with no value above 0 at all
    (all zero) are left alone. Indicators are reported in the order they first appear.
    """
    if frame.empty:
        return []
    percent = set(indicators.index[indicators["unit"] == "percent"])
    codes, iids = pd.factorize(frame["indicator_id"])
    numbers = frame[list(FRACTION_COLUMNS)].to_numpy(dtype=float)
    magnitude = np.abs(numbers)  # NaN (missing) is neither large nor small
    large = np.bincount(codes, (magnitude > 1).any(axis=1), len(iids)) > 0
    small = ((numbers > 0) & (magnitude <= 1)).any(axis=1)
    some_small = np.bincount(codes, small, len(iids)) > 0
    values = frame["value"].to_numpy(dtype=float)
    source_rows = frame["source_row"].to_numpy()
    problems = []
    for code, iid in enumerate(iids):
        if iid not in percent or large[code] or not some_small[code]:
            continue
        if bool(indicators.at[iid, "small_percent"]):
            continue
        rows = np.flatnonzero(codes == code)
        shown = ", ".join(f"row {int(source_rows[r])} ({float(values[r]):g})" for r in rows[:3]
                          if abs(values[r]) <= 1)  # fmt: skip
        more = f" and {len(rows) - 3} more" if len(rows) > 3 else ""
        problems.append(Problem(
            file,
            f"{len(rows)} rows of {iid}, a percentage, hold only values at or below 1 "
            f"({shown}{more}): they look like fractions (0.088 for 8.8%)",
            "multiply the values and comparators by 100 (percentages are on the 0-100 scale); "
            "if the indicator is genuinely at or below 1%, write yes in its small_percent "
            "column of the catalogue",
            int(source_rows[rows[0]]),
            "value",
        ))  # fmt: skip
    return problems
