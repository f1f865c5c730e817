"""The index of a run with many areas: one row per area, one column per service.

With a handful of areas the index shows every indicator's rating for every area. With many
(a region, or England's 152 upper-tier authorities) that grid would be thousands of columns
wide, so the index shows instead, for each area, a link to its annex and, for each service,
the section's state and how many of its indicators are rated Red, Amber, Green and Blue,
linking to the section. Each indicator's rating stays in the section's own scorecard and in
`scorecard.csv`.

>>> counts = rag_counts([{"area": "a", "service": "s", "rag": r} for r in
...                      ("Red", "Green", "Green", "Baseline", "*")])
>>> counts[("a", "s")]
{'Red': 1, 'Amber': 0, 'Green': 2, 'Blue': 0, 'other': 2}
>>> many_areas(12), many_areas(13)
(False, True)
"""

from __future__ import annotations

from phlib.display.style import rag_class

#: More areas than this and the index shows the area-by-service overview.
FEW_AREAS = 12
RAGS = ("Red", "Amber", "Green", "Blue")


def many_areas(count: int) -> bool:
    """Whether an index of `count` areas shows the overview instead of the full grid."""
    return count > FEW_AREAS


def rag_counts(rows) -> dict[tuple[str, str], dict[str, int]]:
    """How many indicators of each (area, service) have each rating (scorecard rows)."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for row in rows:
        found = counts.setdefault(
            (row["area"], row["service"]), {**dict.fromkeys(RAGS, 0), "other": 0}
        )
        found[row["rag"] if row.get("rag") in RAGS else "other"] += 1
    return counts


def area_rows(areas, services, statuses, rows) -> list[dict]:
    """One row per area: its annex and, per service, the section's state and RAG counts.

    `areas` and `services` are (key, display) pairs; `statuses` maps (area, service) to
    `SectionStatus`; `rows` are the scorecard rows
    (`phlib.report.scorecard_file.scorecard_rows`)."""
    counts = rag_counts(rows)
    found = []
    for area, name in areas:
        cells = []
        for service, heading in services:
            status = statuses.get((area, service))
            tally = counts.get((area, service), {})
            rated = [
                {"rag": rag, "count": tally[rag], "rag_class": rag_class(rag)}
                for rag in RAGS
                if tally.get(rag)
            ]
            cells.append(
                {
                    "service": service,
                    "state": status.state if status else "missing",
                    "text": status.label if status else "Not run yet",
                    "href": status.page_href if status else None,
                    "failed_href": status.failed_href if status else None,
                    "label": f"{heading}, {name}",
                    "rated": rated,
                    "words": ", ".join(f"{r['count']} {r['rag']}" for r in rated),
                }
            )
        found.append({"key": area, "name": name, "annex": f"{area}/annex.html", "cells": cells})
    return found
