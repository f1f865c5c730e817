"""One observation row: the columns of an observations file and the checks of its cells.

`check_row` checks one row cell by cell and reports each problem with its message and fix;
the checks it applies are defined here once, as predicates that take a number or a whole
column (a NumPy array) alike, so `phlib.inputs.observation_columns` applies the very same
rules to every row of a file at once. `load_observations` (`phlib.inputs.observations`)
uses the column checks and comes back to `check_row` for a file where any row fails them.

>>> RANGE_RULES[0].bad(101.0), bool(RANGE_RULES[0].bad(56.1))
(True, False)
>>> comparison_word("  better "), comparison_word(""), comparison_word("above") is None
('Better', '', True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from phlib.errors import PeriodError
from phlib.inputs.areas import area_key
from phlib.inputs.columns import did_you_mean, one_of
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
#: The numeric columns that are counts whatever the indicator's unit (no range by unit).
COUNTS = ("numerator", "denominator")
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


@dataclass(frozen=True)
class RangeRule:
    """A range a number must keep for some units: `bad(x)` (a float or an array) is true
    where it does not; `columns` None means every numeric column but the `COUNTS`."""

    units: frozenset
    columns: tuple | None
    bad: Callable
    message: Callable  # (column, unit) -> the problem's message
    fix: str

    def applies(self, unit, column: str) -> bool:
        if self.columns is None:
            return unit in self.units and column not in COUNTS
        return unit in self.units and column in self.columns


#: In order: the first rule that applies and fails is the one reported for a cell.
RANGE_RULES = (
    RangeRule(
        frozenset({"percent"}),
        None,
        lambda x: (x < 0) | (x > 100),
        lambda column, unit: f"the {column} is a percentage outside 0 to 100",
        "percentages are on the 0-100 scale (56.1 means 56.1%): check the figure",
    ),
    RangeRule(
        frozenset({"count", "per_1000", "per_100000"}),
        None,
        lambda x: x < 0,
        lambda column, unit: (
            f"the {column} is a {'count' if unit == 'count' else 'rate'} and cannot be negative"
        ),
        f"enter the figure as 0 or more, {_NOT_AVAILABLE}",
    ),
    RangeRule(
        frozenset({"count"}),
        ("value",),
        lambda x: x != np.floor(x),
        lambda column, unit: "the value is a count and must be a whole number",
        "enter a whole number: counts have no decimal places",
    ),
)


def interval_swapped(low, high):
    """True where a lower limit is above its upper limit (NaN compares false)."""
    return low > high


def negative(number):
    return number < 0


def zero_denominator(denominator):
    return denominator == 0


def numerator_above(numerator, denominator):
    """True where a percentage's numerator exceeds its (non-negative) denominator."""
    return (numerator > denominator) & (denominator >= 0)


@lru_cache(maxsize=4096)
def read_period(text: str) -> tuple[str, str, pd.Timestamp, pd.Timestamp]:
    """A period's (id, kind, start, end); PeriodError when it cannot be read."""
    period = parse_period(text)
    return period.id, period.kind, pd.Timestamp(period.start), pd.Timestamp(period.end)


_WORDS = {word.lower(): word for word in COMPARISONS}


def comparison_word(text: str) -> str | None:
    """A comparison as its canonical word, "" when blank, None when it is not one."""
    text = " ".join(str(text or "").split())
    return _WORDS.get(text.lower(), None if text else "")


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
        if number is None:
            continue
        for rule in RANGE_RULES:
            if rule.applies(unit, column) and rule.bad(number):
                problem(column, rule.message(column, unit), rule.fix)
                break
    low, high = values["lower_ci95"], values["upper_ci95"]
    if interval_swapped(low, high):
        fix = "check the two limits are not swapped: the lower limit comes first"
        problem("lower_ci95", f"the lower limit ({low:g}) is above the upper ({high:g})", fix)
    num, den = values["numerator"], values["denominator"]
    for column, number in (("numerator", num), ("denominator", den)):
        if negative(number):
            problem(column, f"the {column} cannot be negative", "enter the figure as 0 or more")
    if zero_denominator(den):
        fix = "correct the denominator, or leave value, numerator and denominator blank"
        problem(
            "denominator", "the denominator is 0, so no rate or percentage can be worked out", fix
        )
    elif unit == "percent" and numerator_above(num, den):
        fix = "check the figures are not swapped: the numerator counts part of the denominator"
        problem(
            "numerator", f"the numerator ({num:g}) is greater than the denominator ({den:g})", fix
        )
    return values


def _period(text: str, column: str, problem):
    if not text:
        if column == "period":
            problem(column, "the period is blank", f"write {PERIOD_FORMS}")
        return None
    try:
        return read_period(text)
    except PeriodError as exc:
        reason = getattr(exc, "reason", "")
        problem(column, f"the {column} cannot be read" + (f": {reason}" if reason else ""),
                f"write {PERIOD_FORMS}")  # fmt: skip
        return None


def _comparison(row: dict, column: str, problem) -> str:
    word = comparison_word(row.get(column, ""))
    if word is None:
        problem(column, f"the {column} is not a comparison", one_of(COMPARISONS) + " or blank")
    return word or ""


def check_row(row: dict, catalogue, units: dict, problem, lookup: dict) -> dict:
    """One observation row as a record (with NaN or None where cells are bad).

    `units` maps indicator ids to units, `lookup` is `area_lookup`'s, and
    `problem(column, message, fix)` reports a problem in this row.
    """
    iid, area = row["indicator_id"], area_key(row["area"], lookup)
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
