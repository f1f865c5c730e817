"""The scorecard read by variation and assurance: every monthly indicator with a control
chart, sorted so special cause concern and consistently failing come first.

The words come from `phlib.rules.variation` (in `scorecard.csv` as the `variation` and
`assurance` columns) and are shown with their symbols, never by colour alone.

>>> rows = [{"indicator_id": "a", "title": "A", "area": "n", "service": "s", "rag": "Green",
...          "variation": "Common cause", "assurance": "Hit and miss"},
...         {"indicator_id": "b", "title": "B", "area": "n", "service": "s", "rag": "Red",
...          "variation": "Special cause concern", "assurance": "Consistently failing"}]
>>> [r["indicator_id"] for r in sorted_by_variation(rows)]
['b', 'a']
"""

from __future__ import annotations

from phlib.display.signals import signal_html
from phlib.rules.variation import ASSURANCE, VARIATION

_VARIATION_ORDER = {word: i for i, word in enumerate(VARIATION.values())}
_ASSURANCE_ORDER = {word: i for i, word in enumerate(ASSURANCE.values())}


def sorted_by_variation(rows) -> list[dict]:
    """Rows with a variation word, concern first, then by assurance (failing first)."""
    shown = [r for r in rows if r.get("variation") in _VARIATION_ORDER]
    return sorted(
        shown,
        key=lambda r: (
            _VARIATION_ORDER[r["variation"]],
            _ASSURANCE_ORDER.get(r.get("assurance") or "", len(_ASSURANCE_ORDER)),
            r.get("service", ""),
            r.get("title", ""),
            r.get("area", ""),
        ),
    )


def variation_rows(rows, area_names=None, service_names=None) -> list[dict]:
    """The rows the index's variation table shows, with the words as HTML with symbols."""
    area_names, service_names = dict(area_names or {}), dict(service_names or {})
    return [
        {
            "indicator_id": r["indicator_id"],
            "title": r["title"],
            "area_name": area_names.get(r["area"], r["area"]),
            "heading": service_names.get(r["service"], r["service"]),
            "rag": r.get("rag") or "",
            "variation_html": signal_html(r["variation"]),
            "assurance_html": signal_html(r.get("assurance") or "") or "No target",
        }
        for r in sorted_by_variation(rows)
    ]
