"""The house style of the annex, as a reader sees it in Chromium: a title page naming the area,
the quarter and when it was produced; indicator cards laid out as in reference document 4;
figures and tables numbered in order. Screenshots of the index, one card and one chart are
saved under outputs/screenshots/ for people to review."""

from __future__ import annotations

import csv
import re

import numpy as np
import pytest
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: The labels of a card's two rows, in order, as in reference document 4 (prefixes, any case).
CARD_ROW_1 = (
    ("target", "threshold", "pro rata target", "ytd target", "year to date target"),
    ("direction for improvement",),
    ("current",),
    ("previous",),
    ("change in performance",),
)
CARD_ROW_2 = (("statistical neighbour mean",), ("england mean",), ("rag rating",))
#: What the optional third row (issue 11: intervals and comparisons) may show, and no more.
EXTRA_LABELS = {
    "95% confidence interval",
    "Region",
    "Compared with England",
    "Compared with region",
}
PRODUCED = re.compile(r"Produced (on )?\d{1,2} [A-Z][a-z]+ \d{4}")
LABEL = re.compile(r"^(Figure|Table) (\d+[a-z]?(?:\.\d+[a-z]?)*)(?::|$)")

LOOK_FACTS = """() => {
  const text = e => (e ? e.textContent : '').trim().replace(/\\s+/g, ' ');
  const title = document.querySelector('.title-page');
  return {
    title: text(title),
    titleHeading: text(title && title.querySelector('h1')),
    cards: [...document.querySelectorAll('.card')].map(card => ({
      heading: text(card.querySelector('h1,h2,h3,h4,h5,h6')),
      rows: [...card.querySelectorAll('table.card-figures:not(.card-row-3)')]
        .map(t => [...t.querySelectorAll('thead th')].map(text)),
      extra: [...card.querySelectorAll('table.card-figures.card-row-3')]
        .map(t => [...t.querySelectorAll('thead th')].map(text)),
    })),
    sections: [...document.querySelectorAll('section.annex-section')].map(s => ({
      heading: text(s.querySelector('h2')),
      figures: [...s.querySelectorAll('figure.chart figcaption')].map(text),
      tables: [...s.querySelectorAll('table > caption')].map(text)
        .filter(c => /^Table\\b/.test(c)),
    })),
  };
}"""


@pytest.fixture(scope="module")
def annex_facts(annex_paths, visit) -> dict:
    """area key -> what the annex shows (title page, cards, numbered captions per section)."""
    return {path.parent.name: visit(path).page.evaluate(LOOK_FACTS) for path in annex_paths}


@pytest.fixture(scope="module")
def area_names(project_copy) -> dict[str, str]:
    """area key -> display name, from the copied data/areas.csv."""
    with open(project_copy / "data" / "areas.csv", encoding="utf-8-sig", newline="") as handle:
        return {row["area"].strip(): row["name"].strip() for row in csv.DictReader(handle)}


def test_title_page_names_the_area_quarter_and_production_date(
    annex_facts, area_names, quarter_label
):
    for area, facts in annex_facts.items():
        name = area_names.get(area, area)
        assert name in facts["titleHeading"], f"{area}: title heading {facts['titleHeading']!r}"
        assert quarter_label in facts["title"], f"{area}: title page {facts['title']!r}"
        assert PRODUCED.search(facts["title"]), f"{area}: no production date: {facts['title']!r}"


def card_layout_problems(card: dict) -> list[str]:
    """How one card's value labels differ from the reference layout (two rows, in order)."""
    rows = card["rows"]
    where = card["heading"][:70]
    if len(rows) != 2:
        return [f"{where!r}: {len(rows)} rows of figures, not 2"]
    extra = card.get("extra", [])
    problems = [f"{where!r}: {len(extra)} interval rows, not at most 1"] if len(extra) > 1 else []
    problems += [
        f"{where!r}: the interval row shows {' | '.join(labels)!r}"
        for labels in extra
        if not labels or not set(labels) <= EXTRA_LABELS
    ]
    layouts = (CARD_ROW_1, CARD_ROW_2)
    for number, (labels, expected) in enumerate(zip(rows, layouts, strict=True), 1):
        shown = [label.lower() for label in labels]
        if len(shown) != len(expected) or not all(
            label.startswith(options) for label, options in zip(shown, expected, strict=False)
        ):
            wanted = " | ".join(options[0] for options in expected)
            problems.append(f"{where!r}: row {number} is {' | '.join(labels)!r}, not {wanted!r}")
    return problems


def test_cards_follow_the_reference_layout(annex_facts):
    cards = [card for facts in annex_facts.values() for card in facts["cards"]]
    assert cards, "the annexes show no indicator cards"
    problems = [line for card in cards for line in card_layout_problems(card)]
    unnamed = [c["heading"] for c in cards if not c["heading"]]
    assert not unnamed, f"{len(unnamed)} cards without a heading"
    assert not problems, f"{len(problems)} of {len(cards)} cards:\n" + "\n".join(problems[:20])


def test_the_card_check_catches_a_missing_label():
    card = {
        "heading": "Indicator 1: A",
        "rows": [
            ["Target", "Direction for improvement", "Current quarter", "Previous quarter"],
            ["Statistical neighbour mean (2021/22)", "England mean", "RAG rating"],
        ],
    }
    assert len(card_layout_problems(card)) == 1
    card["rows"][0].append("Change in performance")
    assert card_layout_problems(card) == []
    card["extra"] = [["95% confidence interval", "Compared with England"]]
    assert card_layout_problems(card) == []
    card["extra"] = [["95% confidence interval", "RAG rating"]]
    assert len(card_layout_problems(card)) == 1
    card["extra"] = [["Region"], ["Region"]]
    assert len(card_layout_problems(card)) == 1


def numbering_problems(captions: list[str], kind: str, where: str) -> list[str]:
    """Captions of one kind that are unnumbered, repeated, or out of order.

    >>> numbering_problems(["Figure 2.1: A", "Figure 2.2: B"], "Figure", "x")
    []
    >>> numbering_problems(["Figure 2.2: A", "Figure 2.1: B", "Chart"], "Figure", "x")
    ["x: 'Figure 2.1: B' comes after 'Figure 2.2: A'", "x: 'Chart' is not numbered"]
    """
    problems, before = [], None
    for caption in captions:
        match = LABEL.match(caption)
        if not match or match.group(1) != kind:
            problems.append(f"{where}: {caption[:60]!r} is not numbered")
            continue
        key = tuple(int(re.sub(r"\D", "", part) or 0) for part in match.group(2).split("."))
        if before is not None and key <= before[0]:
            problems.append(f"{where}: {caption[:60]!r} comes after {before[1][:60]!r}")
        before = (key, caption)
    return problems


def test_figures_and_tables_are_numbered_in_order(annex_facts):
    problems, figures = [], 0
    for area, facts in annex_facts.items():
        for kind, field in (("Figure", "figures"), ("Table", "tables")):
            captions = [c for section in facts["sections"] for c in section[field]]
            figures += len(captions) if kind == "Figure" else 0
            problems += numbering_problems(captions, kind, f"{area} annex")
    assert figures, "the annexes have no numbered figures"
    assert not problems, "\n".join(problems[:30])


def _inked(path) -> float:
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("L"), dtype=float)
    return float((pixels < 240).mean())


def test_screenshots_of_the_index_a_card_and_a_chart(
    quarter_outputs, annex_paths, visit, screenshots
):
    index = visit(quarter_outputs / "index.html").page
    index.screenshot(path=str(screenshots / "index.png"), full_page=True)
    annex = visit(annex_paths[0]).page
    card = annex.locator(".card").first
    chart = annex.locator("figure.chart").first
    card.scroll_into_view_if_needed()
    card.screenshot(path=str(screenshots / "card.png"))
    chart.scroll_into_view_if_needed()
    chart.screenshot(path=str(screenshots / "chart.png"))
    for name in ("index.png", "card.png", "chart.png"):
        path = screenshots / name
        with Image.open(path) as image:
            width, height = image.size
        assert width >= 300 and height >= 100, f"{path} is only {width} x {height}"
        assert _inked(path) > 0.003, f"{path} looks blank"
