"""The scorecard read by variation and assurance: every monthly indicator with a control
chart, counted and listed in two orders, so a reader can go from a class to its rows without
any script.

The index shows a small table of counts (variation down, assurance across); each count links
to its rows. With a few areas the rows follow in two tables, one ordered by variation (special
cause concern first, then by assurance, consistently failing first) and one ordered by
assurance (consistently failing first, then by variation), each in groups with an id:
``v-<variation>`` and ``v-<variation>--<assurance>`` in the first, ``a-<assurance>`` in the
second. With many areas (`phlib.report.overview`) only the counts are shown, keeping the page
small; each indicator's words are in its section's scorecard and in `scorecard.csv`.

The words come from `phlib.rules.variation` (in `scorecard.csv` as the `variation` and
`assurance` columns) and are shown with their symbols, never by colour alone.

>>> rows = [{"indicator_id": "a", "title": "A", "area": "n", "service": "s", "rag": "Green",
...          "variation": "Common cause", "assurance": "Hit and miss"},
...         {"indicator_id": "b", "title": "B", "area": "n", "service": "s", "rag": "Red",
...          "variation": "Special cause concern", "assurance": "Consistently failing"},
...         {"indicator_id": "c", "title": "C", "area": "n", "service": "s", "rag": "Red",
...          "variation": "Common cause", "assurance": "Consistently failing"}]
>>> [r["indicator_id"] for r in sorted_by_variation(rows)]
['b', 'c', 'a']
>>> [r["indicator_id"] for r in sorted_by_assurance(rows)]
['b', 'c', 'a']
>>> [g["id"] for g in groups(rows, "assurance")]
['a-consistently-failing', 'a-hit-and-miss']
"""

from __future__ import annotations

from phlib.display.markup import slug
from phlib.display.signals import signal_html
from phlib.rules.variation import ASSURANCE, VARIATION

NO_TARGET = "No target"
VARIATION_WORDS = tuple(VARIATION.values())
ASSURANCE_WORDS = (*ASSURANCE.values(), NO_TARGET)
_VARIATION_ORDER = {word: i for i, word in enumerate(VARIATION_WORDS)}
_ASSURANCE_ORDER = {word: i for i, word in enumerate(ASSURANCE_WORDS)}


def assurance_of(row) -> str:
    """The assurance word of a row, "No target" when it has none."""
    return row.get("assurance") or NO_TARGET


def _charted(rows) -> list[dict]:
    return [r for r in rows if r.get("variation") in _VARIATION_ORDER]


def _rest(r) -> tuple:
    return (r.get("service", ""), r.get("title", ""), r.get("area", ""))


def sorted_by_variation(rows) -> list[dict]:
    """Rows with a variation word, concern first, then by assurance (failing first)."""
    return sorted(
        _charted(rows),
        key=lambda r: (
            _VARIATION_ORDER[r["variation"]],
            _ASSURANCE_ORDER[assurance_of(r)],
            *_rest(r),
        ),
    )


def sorted_by_assurance(rows) -> list[dict]:
    """Rows with a variation word, consistently failing first, then by variation."""
    return sorted(
        _charted(rows),
        key=lambda r: (
            _ASSURANCE_ORDER[assurance_of(r)],
            _VARIATION_ORDER[r["variation"]],
            *_rest(r),
        ),
    )


def variation_id(variation: str, assurance: str = "") -> str:
    """The id of a group of rows in the table ordered by variation.

    >>> variation_id("Special cause concern"), variation_id("Common cause", "Hit and miss")
    ('v-special-cause-concern', 'v-common-cause--hit-and-miss')
    """
    return f"v-{slug(variation)}" + (f"--{slug(assurance)}" if assurance else "")


def assurance_id(assurance: str) -> str:
    """The id of a group of rows in the table ordered by assurance."""
    return f"a-{slug(assurance)}"


def _row(r, area_names, service_names) -> dict:
    return {
        "indicator_id": r["indicator_id"],
        "title": r["title"],
        "area_name": area_names.get(r["area"], r["area"]),
        "heading": service_names.get(r["service"], r["service"]),
        "rag": r.get("rag") or "",
        "variation_html": signal_html(r["variation"]),
        "assurance_html": signal_html(r.get("assurance") or "") or NO_TARGET,
        "id": "",
    }


def groups(rows, order: str = "variation", area_names=None, service_names=None) -> list[dict]:
    """The rows the index lists, in groups of one class (`order`: "variation" or
    "assurance"), each group with its id, its word as HTML with the symbol, and its rows;
    in the variation order the first row of each (variation, assurance) pair has its id."""
    area_names, service_names = dict(area_names or {}), dict(service_names or {})
    by_variation = order == "variation"
    ordered = sorted_by_variation(rows) if by_variation else sorted_by_assurance(rows)
    found: list[dict] = []
    pair = None
    for r in ordered:
        word = r["variation"] if by_variation else assurance_of(r)
        if not found or found[-1]["word"] != word:
            gid = variation_id(word) if by_variation else assurance_id(word)
            html = signal_html(word) if word != NO_TARGET else NO_TARGET
            found.append({"id": gid, "word": word, "word_html": html, "rows": []})
        row = _row(r, area_names, service_names)
        if by_variation and pair != (word, assurance_of(r)):
            pair = (word, assurance_of(r))
            row["id"] = variation_id(*pair)
        found[-1]["rows"].append(row)
    return found


def variation_rows(rows, area_names=None, service_names=None) -> list[dict]:
    """The rows of the table ordered by variation, one list (see `groups`)."""
    return [
        row for group in groups(rows, "variation", area_names, service_names)
        for row in group["rows"]
    ]  # fmt: skip


def counts(rows, linked: bool = True) -> dict:
    """How many rows have each variation (down) and assurance (across), each count linking to
    its rows when `linked` (the index lists them), for the index's summary table."""
    charted = _charted(rows)
    table = {(v, a): 0 for v in VARIATION_WORDS for a in ASSURANCE_WORDS}
    for r in charted:
        table[(r["variation"], assurance_of(r))] += 1

    def link(count, href):
        return {"count": count, "href": f"#{href}" if linked and count else None}

    lines = []
    for v in VARIATION_WORDS:
        total = sum(table[(v, a)] for a in ASSURANCE_WORDS)
        cells = [link(table[(v, a)], variation_id(v, a)) for a in ASSURANCE_WORDS]
        lines.append({"word_html": signal_html(v), "cells": cells,
                      "total": link(total, variation_id(v))})  # fmt: skip
    totals = [
        link(sum(table[(v, a)] for v in VARIATION_WORDS), assurance_id(a)) for a in ASSURANCE_WORDS
    ]
    heads = [signal_html(a) if a != NO_TARGET else NO_TARGET for a in ASSURANCE_WORDS]
    return {"heads": heads, "rows": lines, "totals": totals, "total": len(charted)}
