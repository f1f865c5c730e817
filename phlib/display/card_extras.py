"""What a card adds from its data row: the interval, the comparisons, the data's notes, and
a breakdown shown in place of a missing headline.

`card_extras` returns the `phlib.display.cards.Card` fields to set and `with_extras` sets them
on the card that `phlib.display.views.card_view` builds; `breakdown_summary` lets a card whose
area has figures only by breakdown (districts) show those, with a note.

>>> from types import SimpleNamespace as NS
>>> ind = NS(unit="per_100000", ci_method="byar", direction="lower", decimals=1)
>>> rows = [{"period": "2017", "value": 42.0, "lower_ci95": 37.2, "upper_ci95": 47.3,
...          "compared_to_england": "Better", "england_mean": 50.1, "note": "Provisional"}]
>>> extras = card_extras(ind, rows, NS(period="2017"))
>>> extras["lower_ci"], extras["compared_to_england"], extras["notes"]
(37.2, 'Better', ('Provisional',))
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from phlib.rules.period_parsing import parse_period
from phlib.rules.selection import cutoff
from phlib.rules.significance import significance

METHODS = {"wilson": "Wilson's score method", "byar": "Byar's method"}


def current_row(records: list[dict], period: str | None) -> dict | None:
    """The headline row of the card's period (records oldest first), or None."""
    if period is None:
        return None
    return next((r for r in reversed(records) if r["period"] == period), None)


def card_extras(indicator, records: list[dict], summary, is_england: bool = False) -> dict:
    """The Card fields for the interval, comparisons and notes of the summary's row."""
    row = current_row(records, summary.period)
    found = significance(indicator, row, is_england)
    note = " ".join(str((row or {}).get("note") or "").split())
    interval_note = ""
    if found.interval_source == "computed":
        method = METHODS.get(indicator.ci_method, indicator.ci_method)
        interval_note = f"95% confidence interval worked out from X and Y by {method}."
    return {
        "lower_ci": found.lower,
        "upper_ci": found.upper,
        "interval_note": interval_note,
        "compared_to_england": found.england,
        "compared_to_region": found.region,
        "region_mean": found.region_mean,
        "notes": (note,) if note and note.lower() != "nan" else (),
    }


def breakdown_period(observations, indicator_id: str, area: str, cutoff) -> tuple | None:
    """(period id, rows) of the latest breakdown rows with values, when there is no headline."""
    rows = observations[
        (observations["indicator_id"] == indicator_id)
        & (observations["area"] == area)
        & (observations["breakdown"].fillna("") != "")
        & observations["value"].notna()
        & (observations["period_end"] <= cutoff)
    ]
    if rows.empty:
        return None
    latest = rows.sort_values(["period_end", "period_start"]).iloc[-1]["period"]
    return latest, rows[rows["period"] == latest]


def with_extras(card, indicator, records, summary, is_england=False, note: str = ""):
    """The card with its interval, comparisons and the data's notes (and `note`) added."""
    extras = card_extras(indicator, records, summary, is_england)
    notes = card.notes + extras.pop("notes") + ((note,) if note else ())
    return replace(card, notes=notes, **extras)


def breakdown_summary(summary, observations, indicator, quarter, area):
    """(summary, note): a summary with no headline figure takes the period of the latest
    breakdown rows, so the card shows the breakdown; the note says so."""
    if summary.period is not None:
        return summary, ""
    limit = pd.Timestamp(cutoff(quarter, indicator.frequency, indicator.lag_months))
    found = breakdown_period(observations, indicator.indicator_id, area, limit)
    if found is None:
        return summary, ""
    period = parse_period(found[0])
    label = period.label if quarter.contains(period) or period.contains(quarter) else (
        f"{period.label} (latest available)")  # fmt: skip
    note = (f"There is no figure for the whole area for {period.label}: the figures by "
            f"{', '.join(sorted(found[1]['breakdown']))[:200]} are shown.")  # fmt: skip
    return replace(summary, period=period.id, period_label=label), note
