"""The index read by variation and by assurance without any script: a table of counts whose
every count links to its rows, the rows in both orders with a few areas, and only the counts
(a small page) with many."""

from __future__ import annotations

import importlib.util
import itertools
import sys
from pathlib import Path

import pandas as pd
from bs4 import BeautifulSoup

from phlib.report.index import SectionStatus, index_html
from phlib.report.pages import Page, Provenance
from phlib.report.variation_table import ASSURANCE_WORDS, NO_TARGET, VARIATION_WORDS
from phlib.rules.variation import SYMBOLS

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("national", ROOT / "scripts" / "national.py")
national = sys.modules.setdefault("national", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(national)

SIGNALS = list(itertools.product(VARIATION_WORDS, ("Consistently failing", "Hit and miss",
                                                   "Consistently passing", "")))  # fmt: skip


def index_of(areas, monthly: int = 24) -> str:
    """An index of `areas`, with `monthly` charted indicators an area and 12 more without."""
    services = [("sexual_health", "1. Sexual health"), ("stop_smoking", "4. Stop smoking")]
    rows = []
    for a, (area, _) in enumerate(areas):
        for i in range(monthly + 12):
            variation, assurance = SIGNALS[(a + i) % len(SIGNALS)] if i < monthly else ("", "")
            rows.append({"indicator_id": f"ind_{i}", "ref": "", "title": f"Indicator {i}",
                         "service": services[i % 2][0], "area": area, "period": "Dec 2022",
                         "current": 80.0, "previous": 79.0, "target": 90.0,
                         "direction": "higher", "rag": "Red", "change": "Improving",
                         "variation": variation, "assurance": assurance,
                         "restricted": False})  # fmt: skip
    statuses = {
        (area, service): SectionStatus(area, service, heading, "ok")
        for area, _ in areas
        for service, heading in services
    }
    page = Page("Report", "Q3 2022/23", Provenance("today", "Q3 2022/23", (), "abc"),
                index_href="index.html")  # fmt: skip
    return index_html(page, areas, services, statuses, pd.DataFrame(rows), "internal", "Done.")


def words(cell) -> str:
    return " ".join(cell.get_text(" ").split())


def word_of(cell) -> str:
    """The variation or assurance word of a cell, without its symbol."""
    text = words(cell)
    return text if text == NO_TARGET else text.split(" ", 1)[1]


def test_every_count_links_to_exactly_its_rows_in_the_order_it_names():
    areas = [("north", "North Shire"), ("south", "South Town")]
    doc = BeautifulSoup(index_of(areas), "html.parser")
    counts = doc.select_one("section#variation table.variation-counts")
    heads = [words(th) for th in counts.select("thead th")][1:-1]
    assert [word_of(th) for th in counts.select("thead th")[1:-1]] == list(ASSURANCE_WORDS)
    assert all(h.split(" ", 1)[0] == SYMBOLS[h.split(" ", 1)[1]] for h in heads[:-1])
    assert heads[-1] == NO_TARGET
    lines = counts.select("tbody tr")
    assert [word_of(tr.th) for tr in lines[:-1]] == list(VARIATION_WORDS)
    assert int(words(lines[-1].select("td")[-1])) == 2 * 24
    checked = 0
    for line, variation in zip(lines, VARIATION_WORDS, strict=False):
        for cell, assurance in zip(line.select("td"), [*ASSURANCE_WORDS, None], strict=True):
            link = cell.a
            if link is None:
                assert words(cell) == "0"
                continue
            target = doc.find(id=link["href"][1:])
            assert target is not None, link["href"]
            if assurance is None:  # the row's total: the whole group of that variation
                rows = target.select("tr[data-indicator]")
            else:  # the first row of the pair, and the rows after it with the same pair
                rows = [target, *target.find_next_siblings("tr")]
                rows = list(itertools.takewhile(
                    lambda r, a=assurance: word_of(r.select("td")[3]) == a, rows))  # fmt: skip
            assert len(rows) == int(link.get_text())
            assert all(word_of(r.select("td")[2]) == variation for r in rows)
            checked += 1
    assert checked > len(VARIATION_WORDS)
    for cell, assurance in zip(lines[-1].select("td")[:-1], ASSURANCE_WORDS, strict=True):
        group = doc.find(id=cell.a["href"][1:])
        assert group.find_parent("table")["data-order"] == "assurance"
        rows = group.select("tr[data-indicator]")
        assert len(rows) == int(cell.a.get_text())
        assert all(word_of(r.select("td")[3]) == assurance for r in rows)


def test_both_orders_list_the_same_rows():
    doc = BeautifulSoup(index_of([("north", "North Shire"), ("south", "South Town")]),
                        "html.parser")  # fmt: skip
    by_variation = doc.select_one("table#by-variation")
    by_assurance = doc.select_one("table#by-assurance")

    def listed(table):
        return [(r["data-indicator"], words(r.select("td")[1])) for r in
                table.select("tr[data-indicator]")]  # fmt: skip

    assert sorted(listed(by_variation)) == sorted(listed(by_assurance))
    assert len(listed(by_variation)) == 48
    order = [ASSURANCE_WORDS.index(word_of(r.select("td")[3]))
             for r in by_assurance.select("tr[data-indicator]")]  # fmt: skip
    assert order == sorted(order) and order[0] == 0
    assert not doc.find("script")


def test_with_152_areas_the_index_counts_without_listing_and_stays_small():
    areas = [(a.key, a.name) for a in national.national_areas(152)]
    html = index_of(areas)
    assert len(html.encode()) < 1_500_000
    doc = BeautifulSoup(html, "html.parser")
    assert not doc.select("table.index-variation")
    counts = doc.select_one("table.variation-counts")
    assert int(words(counts.select("tbody tr")[-1].select("td")[-1])) == 152 * 24
    assert not counts.select("a")  # nothing listed on the page to link to
    assert "section's scorecard" in words(doc.select_one("section#variation"))
