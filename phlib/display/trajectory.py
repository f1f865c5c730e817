"""A trajectory chart: the cumulative actual for the financial year against the cumulative
year-to-date target, and the figures its headline quotes.

`trajectory_of` works out the numbers once (`Trajectory`); `trajectory_chart_of` draws them
and `phlib.display.headline_view` writes the headline from the same numbers, so the sentence
above a chart always quotes what the chart shows. A public build draws no cumulative line when
any month's count is hidden (a running total would give it away), and then the headline has
no figure to quote either.
"""

from __future__ import annotations

from dataclasses import dataclass

from phlib.display import charts
from phlib.display.window import last_period
from phlib.rules import ratings
from phlib.rules.headline_rows import headline_series
from phlib.rules.selection import annual_plan, number


@dataclass(frozen=True)
class Trajectory:
    """One financial year's cumulative actual and target, period by period."""

    title: str
    year_label: str
    labels: tuple[str, ...]  # every period of the year ("Apr 2022" ... or "Q1 2022/23" ...)
    actual: tuple[float | None, ...]  # None after the latest period with data, or hidden
    target: tuple[float | None, ...]  # None when no target is set
    target_label: str
    unit: str
    decimals: int
    direction: str
    frequency: str
    last_label: str  # the latest period a report for the quarter can include
    behind: bool = False  # that period ends before the quarter does (late data)

    @property
    def latest(self) -> int | None:
        """The position of the latest period with a cumulative actual (None for none)."""
        shown = [i for i, v in enumerate(self.actual) if v is not None]
        return shown[-1] if shown else None


def trajectory_of(indicator, observations, quarter, area, pub) -> Trajectory | None:
    """The cumulative actual and target of the indicator's financial year (None when a public
    build withholds the indicator)."""
    if pub.withholds(indicator):
        return None
    last = last_period(indicator, quarter)
    year = last.year
    periods = year.months if indicator.frequency == "month" else year.quarters
    series = headline_series(observations, indicator.indicator_id, area, indicator.frequency)
    values = []
    for period in periods:
        found = series[series["period"] == period.id]
        value = None if found.empty or period > last else number(found.iloc[-1]["value"])
        values.append(value)
    actual = ratings.cumulative_actual(values)
    if any(v is not None and pub.hides(indicator, v) for v in values):
        actual = [None] * len(values)  # a running total would reveal the small count
    annual, profile = annual_plan(indicator, series, last)
    if annual is None:
        target = [None] * len(periods)
        label = "Cumulative target (none set)"
    else:
        monthly = list(ratings.cumulative_trajectory(annual, profile=profile))
        target = [monthly[p.months_elapsed - 1] for p in periods]
        label = (
            "Cumulative target (based on last year)"
            if profile
            else "Cumulative target (straight line)"
        )
    return Trajectory(
        title=indicator.title,
        year_label=year.label,
        labels=tuple(p.label for p in periods),
        actual=tuple(actual),
        target=tuple(target),
        target_label=label,
        unit=indicator.unit,
        decimals=indicator.decimals,
        direction=indicator.direction,
        frequency=indicator.frequency,
        last_label=last.label,
        behind=last.end < quarter.end,
    )


def trajectory_chart_of(found: Trajectory | None):
    """The chart of a `Trajectory` (None for None)."""
    if found is None:
        return None
    return charts.trajectory_chart(
        list(found.labels),
        list(found.actual),
        list(found.target),
        f"{found.title}: cumulative {found.year_label}",
        unit=found.unit,
        decimals=found.decimals,
        target_label=found.target_label,
    )


def trajectory_view(indicator, observations, quarter, area, pub):
    """Cumulative actual against the cumulative year-to-date target for the financial year."""
    return trajectory_chart_of(trajectory_of(indicator, observations, quarter, area, pub))
