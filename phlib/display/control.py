"""The SPC (XmR) chart of a monthly indicator and its variation and assurance words.

`control_view` picks the months (`phlib.rules.variation.months_shown`: up to 36 ending at the
latest month a report for the quarter can include, or from the start of a fixed baseline),
leaves out every figure a public build hides, and returns the `Control` (numbers and words,
`phlib.rules.variation`) and the chart (`phlib.display.charts.spc_chart`). Fewer than 15
months with values: no chart, no words. `phlib.display.signals` shows the words with their
symbols, so the meaning never rests on colour; `with_signals` puts them on the card.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from phlib.display import charts, views
from phlib.display.cards import Card
from phlib.display.window import last_period, window
from phlib.rules.periods import Month
from phlib.rules.selection import number
from phlib.rules.variation import Control, control, months_shown, parse_settings, per_point


def settings_of(indicator):
    """The indicator's SPC settings from its catalogue columns (checked when it was loaded)."""
    return parse_settings(getattr(indicator, "spc_limits", ""), getattr(indicator, "spc_run", ""))


def control_series(indicator, observations, quarter, area, pub) -> pd.Series:
    """The values an SPC chart uses, by month id (hidden figures are gaps)."""
    months = months_shown(last_period(indicator, quarter), settings_of(indicator))
    frame = window(indicator, observations, quarter, area, count=len(months))
    values = views.shown_values(indicator, frame, pub)
    return pd.Series(values, index=[p.id for p in frame["period"]], dtype=float)


def control_of(indicator, observations, quarter, area, pub, target=None) -> Control | None:
    """The `Control` (numbers and words, no chart) of a monthly indicator with 15 or more
    months of values, else None; also None for figures a public build withholds."""
    if indicator.frequency != "month" or pub.withholds(indicator):
        return None
    series = control_series(indicator, observations, quarter, area, pub)
    target = per_point(indicator, number(target))
    return control(series, settings_of(indicator), indicator.direction, target)


def control_view(indicator, observations, quarter, area, pub, target=None):
    """(Control, Chart) for a monthly indicator with 15 or more months of values, else
    (None, None); also None for figures a public build withholds."""
    found = control_of(indicator, observations, quarter, area, pub, target)
    if found is None:
        return None, None
    points = found.points
    labels = [Month.parse(m).label for m in points.index]
    title = f"{indicator.title}: statistical process control"
    chart = charts.spc_chart(
        labels,
        [number(v) for v in points["value"]],
        list(points["mean"]),
        list(points["upper"]),
        list(points["lower"]),
        list(points["special_cause"]),
        title,
        unit=indicator.unit,
        decimals=indicator.decimals,
    )
    return found, chart


def caption(found: Control, area_name: str, title: str) -> str:
    """The figure caption: what is charted and how the limits were set."""
    return f"{area_name}, {title}: control chart ({found.settings.limits_text})"


def with_signals(card: Card, found: Control | None) -> Card:
    """The card with its variation and assurance words (unchanged without a control chart)."""
    if found is None or card.withheld:
        return card
    return replace(card, variation=found.variation, assurance=found.assurance)
