"""The index page and each area's annex.

`index_html` lists every annex and section (with the state of each: produced in this run,
kept from the previous run after a failure, failed, not run), a scorecard of every
indicator's RAG rating and change by area, the indicators by variation and assurance
(`phlib.report.variation_table`), and anything that failed. `scorecard.csv` is
`phlib.report.scorecard_file`'s. `annex_html` assembles one area's sections into one document.

>>> status = SectionStatus("peterborough", "lifestyles", "3. Lifestyles", "previous",
...                        error="KeyError: 'x'")
>>> status.page_href, status.failed_href
('peterborough/lifestyles.html', 'peterborough/lifestyles.failed.html')
>>> status.label
'Failed: previous run shown'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from phlib.display.style import rag_class
from phlib.report.overview import area_rows, many_areas
from phlib.report.pages import AnnexPart, Notice, Page, annex_page, render
from phlib.report.review import review_context
from phlib.report.section import Section

__all__ = [
    "SectionStatus", "annex_html", "failed_part", "index_html", "page_anchors",
    "previous_notice",
]  # fmt: skip
from phlib.report.scorecard_file import scorecard_rows
from phlib.report.variation_table import counts, groups

STATES = {
    "ok": "Produced in this run",
    "previous": "Failed: previous run shown",
    "failed": "Failed",
    "carried": "From an earlier run",
    "missing": "Not run yet",
}


@dataclass(frozen=True)
class SectionStatus:
    """The state of one area's section after a run, and where its pages are."""

    area: str
    service: str
    heading: str
    state: str
    error: str = ""
    produced: str = ""

    @property
    def label(self) -> str:
        return STATES[self.state]

    @property
    def has_page(self) -> bool:
        return self.state in ("ok", "previous", "carried")

    @property
    def page_href(self) -> str | None:
        return f"{self.area}/{self.service}.html" if self.has_page else None

    @property
    def failed_href(self) -> str | None:
        failed = self.state in ("previous", "failed")
        return f"{self.area}/{self.service}.failed.html" if failed else None


def _anchor(anchors, area: str, service: str, indicator_id: str) -> str:
    """The indicator's card on its page if it has one, else its row in the section's table.

    >>> pages = {("north", "sexual_health"): {"ind-x", "sc-x", "sc-y"}}
    >>> [_anchor(pages, "north", "sexual_health", i) for i in ("x", "y", "z")]
    ['#ind-x', '#sc-y', '']
    """
    ids = anchors.get((area, service)) if anchors is not None else None
    if ids is None or f"ind-{indicator_id}" in ids:
        return f"#ind-{indicator_id}"
    return f"#sc-{indicator_id}" if f"sc-{indicator_id}" in ids else ""


def page_anchors(html: str) -> set[str]:
    """The element ids of a page.

    >>> sorted(page_anchors('<section id="ind-a"></section><tr id="sc-b">'))
    ['ind-a', 'sc-b']
    """
    return set(re.findall(r"""\bid=["']([^"']+)["']""", html))


def _scorecard_groups(
    scorecard, areas, services, statuses, publication, suppression, anchors=None
) -> list:
    groups = []
    rows = scorecard_rows(scorecard, publication, suppression) if scorecard is not None else []
    for service, heading in services:
        found: dict[str, dict] = {}
        for row in rows:
            if row["service"] != service:
                continue
            entry = found.setdefault(
                row["indicator_id"],
                {"indicator_id": row["indicator_id"], "title": _title(row), "by_area": {}},
            )
            entry["by_area"][row["area"]] = row
        if not found:
            continue
        for entry in found.values():
            cells = []
            for area, _ in areas:
                row = entry["by_area"].get(area, {})
                status = statuses.get((area, service))
                href = status.page_href if status else None
                rag = row.get("rag") or "No rating"
                cells.append(
                    {
                        "area": area,
                        "rag": rag,
                        "rag_class": rag_class(row.get("rag")),
                        "change": row.get("change", ""),
                        "href": (
                            href + _anchor(anchors, area, service, entry["indicator_id"])
                            if href
                            else None
                        ),
                    }
                )
            entry["cells"] = cells
        groups.append({"service": service, "heading": heading, "rows": list(found.values())})
    return groups


def _title(row: dict) -> str:
    return f"{row['ref']}. {row['title']}" if row.get("ref") else row["title"]


def index_html(
    page: Page,
    areas,
    services,
    statuses,
    scorecard,
    publication,
    summary,
    suppression=(1, 4),
    anchors=None,
    review=(),
) -> str:
    """The index page. `areas` and `services` are (key, display) pairs in report order;
    `statuses` maps (area, service) to `SectionStatus`; `suppression` is the range of small
    counts a public build hides; `anchors` maps (area, service) to the ids its page has, so
    each rating links to the indicator's card, or to its row when it has no card; `review` is
    the review list (`phlib.report.review.ReviewItem`), shown in internal builds. With many
    areas the page shows `phlib.report.overview` (by area and service) instead of the grids."""
    overview = None
    rows = scorecard_rows(scorecard, publication, suppression) if scorecard is not None else []
    if many_areas(len(areas)):
        overview = area_rows(areas, services, statuses, rows)
    grid = []
    for service, heading in services:
        cells = []
        for area, area_name in areas:
            status = statuses.get((area, service))
            if status is None:
                cells.append({"status": "missing", "text": STATES["missing"], "href": None,
                              "failed_href": None, "label": ""})  # fmt: skip
                continue
            cells.append(
                {
                    "status": status.state,
                    "text": f"{status.label}",
                    "href": status.page_href,
                    "failed_href": status.failed_href,
                    "label": f"{heading}, {area_name}",
                }
            )
        grid.append({"service": service, "heading": heading, "cells": cells})
    names = dict(areas)
    headings = dict(services)
    failures = []
    for status in statuses.values():
        if status.state not in ("failed", "previous"):
            continue
        text = "failed in this run" if publication == "public" else f"failed: {status.error}"
        if status.state == "previous":
            text += ". The page from the previous run is still shown"
        failures.append(
            {
                "area": status.area,
                "service": status.service,
                "area_name": names.get(status.area, status.area),
                "heading": headings.get(status.service, status.service),
                "text": text + ".",
                "failed_href": status.failed_href,
            }
        )
    return render(
        "index.html.j2",
        page=page,
        page_title=f"{page.report_title} \u2014 {page.quarter_label} \u2014 Index",
        summary=summary,
        areas=[{"key": key, "name": name} for key, name in areas],
        sections=grid,
        sections_heads=[{"service": s, "heading": h} for s, h in services],
        overview=overview,
        scorecard=[]
        if overview
        else _scorecard_groups(
            scorecard, areas, services, statuses, publication, suppression, anchors
        ),
        failures=failures,
        review=review_context(review, names, headings) if publication != "public" else None,
        variation=_variation(rows, names, headings, listed=overview is None),
    )


def _variation(rows, names, headings, listed: bool) -> dict | None:
    """The index's variation and assurance section: the counts, and with a few areas the rows
    in both orders (None when no indicator has a control chart)."""
    table = counts(rows, linked=listed)
    if not table["total"]:
        return None
    return {
        "counts": table,
        "by_variation": groups(rows, "variation", names, headings) if listed else [],
        "by_assurance": groups(rows, "assurance", names, headings) if listed else [],
    }


def annex_html(page: Page, parts) -> str:
    """One area's annex from its `AnnexPart`s, in report order."""
    return annex_page(list(parts), page)


def failed_part(status: SectionStatus, section: Section | None, publication: str) -> AnnexPart:
    """The annex part of a section that failed with no earlier page to fall back on."""
    if publication == "public" or section is None:
        text = "This section could not be produced in this run. The run log says why."
        section = Section(html="", headings=(), title="", error=status.error or "failed")
    else:
        text = f"This section failed to run: {status.error}. The output stops there."
    return AnnexPart(status.service, status.heading, section, (Notice("failed", text),))


def previous_notice(status: SectionStatus, publication: str) -> Notice:
    """The note on a section kept from the previous run because this run's failed."""
    when = f" (produced {status.produced})" if status.produced else ""
    why = "" if publication == "public" else f": {status.error}"
    return Notice(
        "previous",
        f"This section is from the previous run{when}, because it failed in this run{why}.",
    )
