"""The scorecard: one row per indicator and area for a quarter, from `phlib.rules.selection`.

The index page, `scorecard.csv`, `phreport check` (Red indicators without actions) and the
public-build checks all read this table, and the notebooks' cards use the same
`selection.summarise`, so every page agrees on each indicator's RAG and change.
"""

from __future__ import annotations

import pandas as pd

from phlib.rules.headline_rows import headline_index
from phlib.rules.period_parsing import parse_period
from phlib.rules.selection import summarise_rows
from phlib.rules.variation import scorecard_signals

COLUMNS = [
    "indicator_id",
    "ref",
    "title",
    "service",
    "area",
    "period",
    "current",
    "previous",
    "target",
    "direction",
    "rag",
    "change",
    "restricted",
    "unit",
    "numerator",
    "denominator",
    "previous_numerator",
    "previous_denominator",
    "variation",
    "assurance",
]


def build_scorecard(
    catalogue, observations: pd.DataFrame, quarter, areas, services
) -> pd.DataFrame:
    """One row per indicator of `services` and area of `areas`, in catalogue order.

    `quarter` is a `phlib.rules.periods.Quarter`. Columns are `COLUMNS`; `period` is the label
    of the period the figures come from ("Oct 2022 (latest available)" when it is not the
    quarter); `variation` and `assurance` are the SPC words of monthly series with 15 or more
    months (`phlib.rules.variation`), blank for others.
    """
    rows = []
    parts = _headline_parts(observations)
    index = headline_index(observations)
    for service in services:
        for indicator in catalogue.for_service(service):
            for area in areas:
                series = index.get((indicator.indicator_id, area, indicator.frequency), [])
                summary = summarise_rows(indicator, series, quarter, area)
                before = _previous_parts(parts, indicator.indicator_id, area, summary.period)
                signals = scorecard_signals(indicator, series, quarter, summary.target)
                rows.append(
                    {
                        "indicator_id": indicator.indicator_id,
                        "ref": indicator.ref or "",
                        "title": indicator.title,
                        "service": service,
                        "area": area,
                        "period": summary.period_label,
                        "current": summary.current,
                        "previous": summary.previous,
                        "target": summary.target,
                        "direction": indicator.direction,
                        "rag": summary.rag,
                        "change": summary.change or "",
                        "restricted": indicator.publication == "restricted",
                        "unit": indicator.unit,
                        "numerator": summary.numerator,
                        "denominator": summary.denominator,
                        "previous_numerator": before[0],
                        "previous_denominator": before[1],
                        "variation": signals[0],
                        "assurance": signals[1],
                    }
                )
    return pd.DataFrame(rows, columns=COLUMNS)


def _headline_parts(observations: pd.DataFrame) -> dict:
    """(indicator, area, period id) -> (numerator, denominator) of each headline row."""
    heads = observations[observations["breakdown"].fillna("") == ""]
    return {
        (i, a, p): (n, d)
        for i, a, p, n, d in zip(
            heads["indicator_id"], heads["area"], heads["period"], heads["numerator"],
            heads["denominator"], strict=True,
        )
    }  # fmt: skip


def _previous_parts(parts: dict, indicator_id: str, area: str, period) -> tuple:
    """The numerator and denominator of the period before `period` (None, None if unknown)."""
    if period is None:
        return None, None
    found = parts.get((indicator_id, area, parse_period(period).previous().id), (None, None))
    return tuple(None if pd.isna(v) else float(v) for v in found)


def red_without_actions(scorecard: pd.DataFrame, actions_for) -> list[str]:
    """Describe each Red indicator whose narrative has no actions.

    `actions_for(area, service, indicator_id)` returns the actions text ('' when none).
    """
    found = []
    for row in scorecard[scorecard["rag"] == "Red"].itertuples():
        if not (actions_for(row.area, row.service, row.indicator_id) or "").strip():
            found.append(
                f"{row.area}/{row.service}: indicator {row.indicator_id} ({row.title}) is Red "
                "and has no actions; write them under '### Actions' in the section that covers "
                f"it in narratives/<quarter>/{row.area}/{row.service}.md"
            )
    return found
