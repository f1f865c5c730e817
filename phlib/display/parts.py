"""A total and its parts shown together (say four-week quitters by provider), for one area.

A public build hides a small count of one part; beside the total, the other parts would give
it away by subtraction, so `parts_view` applies `phlib.rules.suppression.suppress_table` to every
month of the financial year to date (one row per part and the total, one column per month)
and reports which parts have any hidden month: their cumulative charts must not be drawn
either, as a running total gives each month away.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from phlib.display.formatting import SUPPRESSED
from phlib.display.tables import KpiRow
from phlib.rules.headline_rows import headline_series
from phlib.rules.suppression import suppress_table

TOTAL = "Total"


@dataclass(frozen=True)
class PartsView:
    """The rows of a parts table (parts, then the total, each with its annual target) and the
    parts that must stay hidden."""

    rows: tuple[KpiRow, ...]
    labels: tuple[str, ...]
    hidden: frozenset[str]  # ids of parts with any suppressed month in the year to date


def _month_values(indicator, observations, area, months) -> list[float | None]:
    series = headline_series(observations, indicator.indicator_id, area, indicator.frequency)
    found = dict(zip(series["period"], series["value"], strict=True))
    return [None if pd.isna(found.get(m.id)) else float(found[m.id]) for m in months]


def parts_view(total, parts, observations, shown_months, pub, area) -> PartsView:
    """The table of `parts` (catalogue indicators, monthly counts) and `total` for the months
    `shown_months` (the last one ends the financial year to date that suppression covers).

    >>> from types import SimpleNamespace as Ind
    >>> from phlib.rules.periods import Month
    >>> from phlib.rules.publication import Publication
    >>> obs = pd.DataFrame({"indicator_id": ["t", "a", "b", "c"], "area": "x",
    ...     "period": "2022-04", "breakdown": "", "value": [30, 3, 12, 15],
    ...     "period_kind": "month", "period_start": pd.Timestamp("2022-04-01"),
    ...     "period_end": pd.Timestamp("2022-04-30")})
    >>> ind = lambda i, t: Ind(indicator_id=i, title=t, unit="count", decimals=0,
    ...                        frequency="month", publication="public", target_value=None)
    >>> view = parts_view(ind("t", "All"), [ind("a", "A"), ind("b", "B"), ind("c", "C")],
    ...                   obs, [Month(2022, 4)], Publication("public"), "x")
    >>> [dict(r.values)["Apr 2022"] for r in view.rows], sorted(view.hidden)
    (['*', '*', 15.0, 30.0], ['a', 'b'])
    """
    last = shown_months[-1]
    year = [m for m in last.year.months if m <= last]
    labels = [m.label for m in shown_months]
    values = {p.indicator_id: _month_values(p, observations, area, year) for p in parts}
    values[TOTAL] = _month_values(total, observations, area, year)
    frame = pd.DataFrame(
        {m.label: [values[k][i] for k in values] for i, m in enumerate(year)}, index=list(values)
    ).astype(float)
    shown = frame.astype(object)
    if pub.public:
        shown = suppress_table(
            frame, total_row=TOTAL, min_count=pub.min_count, max_count=pub.max_count
        ).table
    hidden = frozenset(
        p.indicator_id for p in parts if (shown.loc[p.indicator_id] == SUPPRESSED).any()
    )
    rows = []
    for indicator, key in [*((p, p.indicator_id) for p in parts), (total, TOTAL)]:
        cells = {
            label: None if pd.isna(shown.at[key, label]) else shown.at[key, label]
            for label in labels
        }
        name = TOTAL if key == TOTAL else indicator.title
        target = pd.to_numeric(indicator.target_value, errors="coerce")
        target = None if pd.isna(target) else float(target)
        trajectory = getattr(indicator, "target_kind", "") == "trajectory"
        text = getattr(indicator, "status", "") or ("Last year" if trajectory else "None set")
        rows.append(KpiRow(name, target, cells, "count", indicator.decimals, {}, text))
    return PartsView(tuple(rows), tuple(labels), hidden)
