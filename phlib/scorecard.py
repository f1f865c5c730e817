"""The scorecard: one row per indicator and area for a quarter, from `phlib.selection`.

The index page, `scorecard.csv`, `phreport check` (Red indicators without actions) and the
public-build checks all read this table, and the notebooks' cards use the same
`selection.summarise`, so every page agrees on each indicator's RAG and change.
"""

from __future__ import annotations

import pandas as pd

from phlib.selection import summarise

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
]


def build_scorecard(
    catalogue, observations: pd.DataFrame, quarter, areas, services
) -> pd.DataFrame:
    """One row per indicator of `services` and area of `areas`, in catalogue order.

    `quarter` is a `phlib.periods.Quarter`. Columns are `COLUMNS`; `period` is the label of the
    period the figures come from ("Oct 2022 (latest available)" when it is not the quarter).
    """
    rows = []
    for service in services:
        for indicator in catalogue.for_service(service):
            for area in areas:
                summary = summarise(indicator, observations, quarter, area)
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
                    }
                )
    return pd.DataFrame(rows, columns=COLUMNS)


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
