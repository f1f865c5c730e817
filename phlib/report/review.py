"""The review list: everything to resolve before a public build, shown every day.

`phreport check` on an internal build prints it as warnings (exit 0) and the index shows the
same list, with counts per area and service. Items come from `phlib.run.review_list`; each
names its area and service and says what to do.

>>> items = [ReviewItem("north", "lifestyles", "section 'summary' is missing"),
...          ReviewItem("north", "lifestyles", "indicator x has no data", blocking=False)]
>>> [(c["area"], c["service"], c["count"]) for c in counts(items)]
[('north', 'lifestyles', 2)]
>>> str(items[0])
"north/lifestyles: section 'summary' is missing"
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReviewItem:
    """One thing to review; `blocking` when a public build refuses while it remains."""

    area: str
    service: str
    text: str
    blocking: bool = True

    def __str__(self) -> str:
        return f"{self.area}/{self.service}: {self.text}"


def from_line(line: str, blocking: bool = True) -> ReviewItem:
    """An item from a line written as ``area/service: text``.

    >>> from_line("north/lifestyles: is Red").service
    'lifestyles'
    """
    where, _, text = line.partition(": ")
    area, _, service = where.partition("/")
    if not text or not service:
        return ReviewItem("", "", line, blocking)
    return ReviewItem(area, service, text, blocking)


def counts(items) -> list[dict]:
    """How many items each area and service has, in the order they first appear."""
    found: dict[tuple[str, str], int] = {}
    for item in items:
        found[(item.area, item.service)] = found.get((item.area, item.service), 0) + 1
    return [{"area": a, "service": s, "count": n} for (a, s), n in found.items()]


def review_context(items, area_names=None, service_names=None) -> dict:
    """What the index template needs: the items grouped by area and service, with counts."""
    area_names, service_names = dict(area_names or {}), dict(service_names or {})
    groups = []
    for entry in counts(items):
        area, service = entry["area"], entry["service"]
        groups.append(
            {
                **entry,
                "area_name": area_names.get(area, area),
                "heading": service_names.get(service, service),
                "items": [
                    {"text": i.text, "blocking": i.blocking}
                    for i in items
                    if (i.area, i.service) == (area, service)
                ],
            }
        )
    return {"total": len(items), "groups": groups}
