"""An indicator's confidence interval and its comparison with England and the region.

Published figures win: an interval or a comparison word in the data (as Fingertips publishes
them) is used as it is. Otherwise the interval is worked out from the numerator and
denominator by the catalogue's `ci_method` (`wilson` for proportions, `byar` for rates of
counts, `none`), and the comparison follows Fingertips' rule (`compare_to_benchmark`): the
benchmark's value against the area's 95% interval, Better/Similar/Worse by the indicator's
direction, Higher/Similar/Lower when it has none. England compared with itself is "Not
compared", and so is a benchmark without an interval to compare it with.

>>> from types import SimpleNamespace as NS
>>> ind = NS(unit="percent", ci_method="wilson", direction="higher")
>>> s = significance(ind, {"value": 26.6, "numerator": 266, "denominator": 1000,
...                        "england_mean": 20.0})
>>> round(s.lower, 1), round(s.upper, 1), s.interval_source, s.england, s.region
(24.0, 29.4, 'computed', 'Better', '')
>>> significance(ind, {"value": 26.6, "compared_to_england": "Similar", "lower_ci95": 20,
...                    "upper_ci95": 30, "england_mean": 10.0}).england
'Similar'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from phlib.rules.intervals import byar_ci, compare_to_benchmark, wilson_ci

ENGLAND_CODE = "E92000001"
MULTIPLIERS = {"percent": 100, "per_1000": 1000, "per_100000": 100_000}
NOT_COMPARED = "Not compared"


@dataclass(frozen=True)
class Significance:
    """The 95% interval (None when there is none) and the comparison words ("" = not shown)."""

    lower: float | None = None
    upper: float | None = None
    interval_source: str = ""  # "published", "computed" or ""
    england: str = ""
    region: str = ""
    region_mean: float | None = None


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _word(value) -> str:
    text = " ".join(str(value or "").split())
    return "" if text.lower() == "nan" else text


def interval(indicator, row: dict) -> tuple[float | None, float | None, str]:
    """(lower, upper, source) of the 95% interval of a data row."""
    lower, upper = _number(row.get("lower_ci95")), _number(row.get("upper_ci95"))
    if lower is not None and upper is not None:
        return lower, upper, "published"
    num, den = _number(row.get("numerator")), _number(row.get("denominator"))
    multiplier = MULTIPLIERS.get(indicator.unit)
    if num is None or den is None or multiplier is None or den <= 0 or num < 0:
        return None, None, ""
    try:
        if indicator.ci_method == "wilson" and num <= den:
            return (*wilson_ci(num, den, multiplier=multiplier), "computed")
        if indicator.ci_method == "byar":
            return (*byar_ci(num, den, multiplier=multiplier), "computed")
    except ValueError:
        pass
    return None, None, ""


def _compare(indicator, row, published: str, benchmark, lower, upper) -> str:
    word = _word(row.get(published))
    if word:
        return word
    benchmark = _number(row.get(benchmark))
    if benchmark is None:
        return ""
    if lower is None or _number(row.get("value")) is None:
        return NOT_COMPARED
    direction = None if indicator.direction == "none" else indicator.direction
    return compare_to_benchmark(row.get("value"), lower, upper, benchmark, direction)


def significance(indicator, row: dict | None, is_england: bool = False) -> Significance:
    """The interval and comparisons of the row a card shows (None: nothing to show)."""
    if not row:
        return Significance()
    lower, upper, source = interval(indicator, row)
    england = _compare(indicator, row, "compared_to_england", "england_mean", lower, upper)
    region = _compare(indicator, row, "compared_to_region", "region_mean", lower, upper)
    return Significance(
        lower=lower,
        upper=upper,
        interval_source=source,
        england=NOT_COMPARED if is_england and (england or lower is not None) else england,
        region=NOT_COMPARED if is_england and region else region,
        region_mean=_number(row.get("region_mean")),
    )
