"""The periods a view shows for one indicator and area: the latest period a quarter's report
can include, and a window of periods ending there, one row each (gaps kept as missing values).

Pure: used by `phlib.display.views` for cards, charts and KPI rows, and by the stale-figure
check, which needs the figures but none of the charts.
"""

from __future__ import annotations

import pandas as pd

from phlib.rules.headline_rows import headline_series, row_dicts
from phlib.rules.period_parsing import parse_period
from phlib.rules.periods import FinancialYear, Month, Quarter
from phlib.rules.selection import cutoff, number

WINDOW = {"month": 24, "quarter": 12, "year": 5}  # periods a trend chart shows
_KIND = {"month": Month, "quarter": Quarter, "year": FinancialYear}


def last_period(indicator, quarter):
    """The latest period of the indicator's frequency that a report for `quarter` can include."""
    end = cutoff(quarter, indicator.frequency, indicator.lag_months)
    if indicator.frequency == "year":
        year = FinancialYear.containing(end)
        return year if year.end <= end else year.previous()
    return _KIND[indicator.frequency].containing(end)


def series_end(rows: dict, last, quarter, indicator):
    """`last`, or the series' own latest period when its periods are of another kind than
    the frequency's usual one (calendar years or ranges for a yearly indicator)."""
    if not rows or any(row["period_kind"] == last.kind for row in rows.values()):
        return last
    end = pd.Timestamp(cutoff(quarter, indicator.frequency, indicator.lag_months))
    usable = [parse_period(p) for p, row in rows.items() if row["period_end"] <= end]
    return max(usable) if usable else last


def by_period(indicator, observations, area) -> dict:
    """Period id -> the indicator's headline row for the area, as a dict of its columns."""
    series = headline_series(observations, indicator.indicator_id, area, indicator.frequency)
    return {row["period"]: row for row in row_dicts(series)}


def period_row(indicator, rows: dict, period) -> dict:
    """The figures of one period (missing ones None); the threshold falls back to the catalogue."""
    row = rows.get(period.id)

    def get(name):
        return None if row is None else number(row.get(name))

    target = get("target")
    if target is None and indicator.target_kind == "threshold":
        target = number(indicator.target_value)
    return {
        "period": period,
        "label": period.label,
        "value": get("value"),
        "numerator": get("numerator"),
        "denominator": get("denominator"),
        "target": target,
        "stat_neighbour_mean": get("stat_neighbour_mean"),
        "england_mean": get("england_mean"),
    }


def window(indicator, observations, quarter, area, count: int | None = None) -> pd.DataFrame:
    """One row per period (oldest first) ending at `last_period`, gaps kept as missing values.

    Periods before the first with any data are left out (at least two rows are kept)."""
    return rows_window(indicator, by_period(indicator, observations, area), quarter, count)


def rows_window(indicator, rows: dict, quarter, count: int | None = None) -> pd.DataFrame:
    """`window` from the series' rows already found, period id -> row (a dict, as
    `phlib.rules.headline_rows.headline_index` and `by_period` give them)."""
    last = series_end(rows, last_period(indicator, quarter), quarter, indicator)
    count = count or WINDOW[indicator.frequency]
    periods = [last.shift(-i) for i in range(count - 1, -1, -1)]
    frame = pd.DataFrame([period_row(indicator, rows, p) for p in periods])
    has = frame[["value", "stat_neighbour_mean", "england_mean"]].notna().any(axis=1)
    first = int(has.idxmax()) if has.any() else len(frame) - 1
    return frame.iloc[max(0, min(first, len(frame) - 2)) :].reset_index(drop=True)


def window_values(indicator, rows: dict, quarter, count: int | None = None) -> list[float]:
    """The values in `rows_window`, oldest first, without the missing ones (the periods it
    leaves out have none), worked out without building the frame."""
    last = series_end(rows, last_period(indicator, quarter), quarter, indicator)
    count = count or WINDOW[indicator.frequency]
    values = (
        period_row(indicator, rows, last.shift(-i))["value"] for i in range(count - 1, -1, -1)
    )
    return [v for v in values if v is not None]
