"""The index page, the scorecard file and each area's annex.

`index_html` lists every annex and section (with the state of each: produced in this run,
kept from the previous run after a failure, failed, not run), a scorecard of every
indicator's RAG rating and change by area, and anything that failed. `scorecard_rows` is what
`scorecard.csv` holds. `annex_html` assembles one area's sections into one document.

>>> status = SectionStatus("peterborough", "lifestyles", "3. Lifestyles", "previous",
...                        error="KeyError: 'x'")
>>> status.page_href, status.failed_href
('peterborough/lifestyles.html', 'peterborough/lifestyles.failed.html')
>>> status.label
'Failed: previous run shown'
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from types import SimpleNamespace

from phlib.display.formatting import SUPPRESSED
from phlib.display.style import rag_class
from phlib.report.overview import area_rows, many_areas
from phlib.report.pages import AnnexPart, Notice, Page, annex_page, render
from phlib.report.review import review_context
from phlib.report.section import Section
from phlib.report.variation_table import variation_rows
from phlib.rules.publication import Publication

STATES = {
    "ok": "Produced in this run",
    "previous": "Failed: previous run shown",
    "failed": "Failed",
    "carried": "From an earlier run",
    "missing": "Not run yet",
}
CSV_COLUMNS = (
    "indicator_id", "ref", "title", "service", "area", "period", "current", "previous",
    "target", "direction", "rag", "change", "variation", "assurance",
)  # fmt: skip
WITHHELD = "Not published"


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


def _number(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _withheld(row: dict, publication: str) -> bool:
    return publication == "public" and bool(row.get("restricted"))


def scorecard_rows(scorecard, publication: str = "internal", suppression=(1, 4)) -> list[dict]:
    """The scorecard as `CSV_COLUMNS` rows; a public build shows no figures of restricted
    indicators, and small counts (`suppression` is the range) and the figures made from
    them (rates, RAG, change) as ``*``, as the cards do.

    >>> import pandas as pd
    >>> frame = pd.DataFrame([{"indicator_id": "d1", "ref": "", "title": "T", "service": "s",
    ...     "area": "a", "period": "Q3", "current": 5.0, "previous": None, "target": 4,
    ...     "direction": "higher", "rag": "Blue", "change": "", "restricted": True}])
    >>> scorecard_rows(frame)[0]["current"], scorecard_rows(frame, "public")[0]["rag"]
    ('5', 'Not published')
    >>> frame = frame.assign(restricted=False, unit="count", current=3.0, previous=12.0)
    >>> [scorecard_rows(frame, "public")[0][k] for k in ("current", "previous", "rag")]
    ['*', '12', '*']
    """
    pub = Publication(publication, *suppression)
    rows = []
    for row in scorecard.to_dict("records"):
        out = {name: _number(row.get(name)) for name in CSV_COLUMNS}
        if _withheld(row, publication):
            out.update(current="", previous="", target="", rag=WITHHELD, change="")
            out.update(variation="", assurance="")
        elif pub.public and "unit" in row:
            unit = SimpleNamespace(unit=row["unit"], publication="public")
            if pub.hides(unit, row["current"], row.get("numerator"), row.get("denominator")):
                out.update(current=SUPPRESSED, rag=SUPPRESSED, change="")
                out.update(variation="", assurance="")
            parts = (row.get("previous_numerator"), row.get("previous_denominator"))
            if pub.hides(unit, row["previous"], *parts):
                out.update(previous=SUPPRESSED, change="")
        rows.append(out)
    return rows


def scorecard_csv(scorecard, publication: str = "internal", suppression=(1, 4)) -> str:
    """`scorecard.csv`: one row per indicator and area."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(scorecard_rows(scorecard, publication, suppression))
    return buffer.getvalue()


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
    if many_areas(len(areas)):
        rows = scorecard_rows(scorecard, publication, suppression) if scorecard is not None else []
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
        variation=variation_rows(
            scorecard_rows(scorecard, publication, suppression) if scorecard is not None else [],
            names,
            headings,
        ),
    )


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
