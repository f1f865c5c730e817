"""Choosing the figures an indicator shows for a quarter and area.

The rules (one place, used by the notebooks' cards, the scorecard and `phreport check`):

* Only headline rows (blank `breakdown`) of the indicator's own `frequency` are used.
* The *cut-off* is the end of the quarter, moved back by the indicator's `lag_months` in whole
  periods of its frequency (a monthly indicator two months behind reports October at the end
  of December; a quarterly one keeps the quarter). Yearly indicators use the latest financial
  year that has ended by the cut-off.
* *Current* is the latest period with a value on or before the cut-off; when it is not the
  reporting quarter's own period the label says "latest available". *Previous* is the period
  just before current.
* The target for a period is the observation's `target`, else the catalogue's `target_value`.
  `threshold` targets compare the current value; `annual` targets compare the year-to-date
  total with the pro-rata year-to-date target; `trajectory` targets compare the year-to-date
  total with a cumulative profile (last year's monthly out-turn when it is complete, else a
  straight line), the annual figure defaulting to last year's total.
* Comparators come from the current row, else from the latest earlier row that has them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from phlib.rules import ratings
from phlib.rules.headline_rows import headline_series, row_dicts
from phlib.rules.period_parsing import parse_period

_MONTHS_PER = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class Summary:
    """The figures an indicator card and the scorecard show for one area and quarter."""

    indicator_id: str
    area: str
    period: str | None
    period_label: str
    current: float | None
    previous: float | None
    previous_label: str
    target: float | None
    target_label: str
    ytd_actual: float | None
    direction: str
    rag: str
    change: str | None
    stat_neighbour_mean: float | None
    england_mean: float | None
    comparator_period: str
    numerator: float | None
    denominator: float | None
    in_quarter: bool


def number(value) -> float | None:
    """`value` as a float, or None when it is missing (None, NaN, NA) or not a number.

    >>> number("56.0"), number(float("nan")), number(None), number("n/a")
    (56.0, None, None, None)
    """
    if value is None or value is pd.NA:
        return None
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(result) else result


def cutoff(quarter, frequency: str, lag_months: int = 0) -> date:
    """Last day whose data a report for `quarter` can include.

    >>> from phlib.rules.periods import Quarter
    >>> q = Quarter.parse("2022-23-Q3")
    >>> cutoff(q, "month", 2), cutoff(q, "quarter", 2), cutoff(q, "quarter", 3)
    (datetime.date(2022, 10, 31), datetime.date(2022, 12, 31), datetime.date(2022, 9, 30))
    """
    step = _MONTHS_PER.get(frequency, 1)
    periods_back = int(lag_months or 0) // step
    if frequency == "month":
        return quarter.months[-1].shift(-periods_back).end
    if frequency == "quarter":
        return quarter.shift(-periods_back).end
    return quarter.end


def _records(series) -> list[dict]:
    """Rows as plain dicts (much faster to walk than DataFrame rows), oldest first."""
    return row_dicts(series) if isinstance(series, pd.DataFrame) else series


def _row_for(records: list[dict], period_id: str):
    return next((r for r in reversed(records) if r["period"] == period_id), None)


def _in_year(records: list[dict], period) -> list[dict]:
    """The rows of `period`'s financial year up to and including it."""
    first, last = pd.Timestamp(period.year.start), pd.Timestamp(period.start)
    return [r for r in records if first <= r["period_start"] <= last]


def _year_to_date(records: list[dict], period) -> float | None:
    """Sum of the values of `period`'s financial year up to and including it (None if a gap)."""
    values = [number(r["value"]) for r in _in_year(records, period)]
    expected = period.months_elapsed // _MONTHS_PER[period.kind]
    if len(values) != expected or any(v is None for v in values):
        return None
    return float(sum(values))


def last_year_profile(series, period) -> list[float] | None:
    """Last financial year's monthly values, in April-to-March order, when all 12 exist."""
    if period.kind != "month":
        return None
    records = _records(series)
    values = []
    for month in period.year.previous().months:
        row = _row_for(records, month.id)
        value = None if row is None else number(row["value"])
        if value is None:
            return None
        values.append(value)
    return values if sum(values) > 0 else None


def annual_plan(indicator, series, period) -> tuple[float | None, list | None]:
    """The full-year target of `period`'s financial year and, for trajectories, the profile.

    The target is the latest one given on a row of that year up to `period`, else the
    catalogue's; a trajectory's profile is last year's monthly out-turn, whose total is also
    the target when none is given.
    """
    records = _records(series)
    targets = [
        t for t in (number(r.get("target")) for r in _in_year(records, period)) if t is not None
    ]
    annual = targets[-1] if targets else number(indicator.target_value)
    profile = last_year_profile(records, period) if indicator.target_kind == "trajectory" else None
    if annual is None and profile is not None:
        annual = float(sum(profile))
    return annual, profile


def _target(indicator, row, series, period) -> tuple[float | None, str, float | None]:
    """(target, label, actual compared with it) for the current period."""
    kind = indicator.target_kind
    value = number(row["value"])
    if kind == "threshold":
        given = number(row.get("target"))
        if given is None:
            given = number(indicator.target_value)
        return given, "Threshold" if indicator.frequency == "month" else "Target", value
    if kind in ("annual", "trajectory"):
        annual, profile = annual_plan(indicator, series, period)
        ytd = _year_to_date(series, period)
        if annual is None:
            return None, "YTD target", ytd
        trajectory = ratings.cumulative_trajectory(annual, profile=profile)
        target = float(list(trajectory)[period.months_elapsed - 1])
        return target, "YTD target", ytd
    return None, "Target", value


def _comparators(records: list[dict], index: int) -> tuple[float | None, float | None, str]:
    for i in range(index, -1, -1):
        row = records[i]
        sn, eng = number(row.get("stat_neighbour_mean")), number(row.get("england_mean"))
        if sn is not None or eng is not None:
            label = str(row.get("comparator_period") or "")
            if not label or label == "nan":
                label = "" if i == index else row["period"]
            return sn, eng, parse_period(label).label if label else ""
    return None, None, ""


def summarise(indicator, observations: pd.DataFrame, quarter, area: str) -> Summary:
    """Current, previous, target, RAG and change of `indicator` for `area` at `quarter`."""
    series = headline_series(observations, indicator.indicator_id, area, indicator.frequency)
    return summarise_rows(indicator, _records(series), quarter, area)


def summarise_rows(indicator, records: list[dict], quarter, area: str) -> Summary:
    """`summarise` for one series' headline rows (dicts, oldest first; see `headline_index`)."""
    limit = pd.Timestamp(cutoff(quarter, indicator.frequency, indicator.lag_months))
    usable = [
        i
        for i, r in enumerate(records)
        if r["period_end"] <= limit and number(r["value"]) is not None
    ]
    status = indicator.status or None
    if not usable:
        return Summary(
            indicator.indicator_id,
            area,
            None,
            "No data",
            None,
            None,
            "",
            None,
            "Target",
            None,
            indicator.direction,
            status or "TBC",
            None,
            None,
            None,
            "",
            None,
            None,
            False,
        )
    index = usable[-1]
    row = records[index]
    period = parse_period(row["period"])
    in_quarter = quarter.contains(period) or period.contains(quarter)
    label = period.label if in_quarter else f"{period.label} (latest available)"
    previous_period = period.previous()
    previous_row = _row_for(records, previous_period.id)
    previous = None if previous_row is None else number(previous_row["value"])
    current = number(row["value"])
    target, target_label, compared = _target(indicator, row, records, period)
    direction = None if indicator.direction == "none" else indicator.direction
    if target is None:
        rag = status or "TBC"
    else:
        rag = ratings.rag_rating(compared, target, direction, status=status)
    change = ratings.change_in_performance(current, previous, direction, indicator.decimals)
    sn, eng, comparator_period = _comparators(records, index)
    return Summary(
        indicator_id=indicator.indicator_id,
        area=area,
        period=period.id,
        period_label=label,
        current=current,
        previous=previous,
        previous_label=previous_period.label,
        target=target,
        target_label=target_label,
        ytd_actual=compared if indicator.target_kind in ("annual", "trajectory") else None,
        direction=indicator.direction,
        rag=rag,
        change=change,
        stat_neighbour_mean=sn,
        england_mean=eng,
        comparator_period=comparator_period,
        numerator=number(row.get("numerator")),
        denominator=number(row.get("denominator")),
        in_quarter=in_quarter,
    )
