"""Tests for phlib.report.section and phlib.report.pages: sections, annexes and the index.

The notebooks here are built in memory with the outputs an executed notebook would hold, so
these tests need no kernel; the HTML is checked by parsing it with BeautifulSoup.
"""

import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from phlib.report.fragments import headings_of, nest, unique_ids
from phlib.report.index import SectionStatus, index_html
from phlib.report.pages import AnnexPart, Notice, Page, Provenance, annex_page, section_page
from phlib.report.scorecard_file import scorecard_csv
from phlib.report.section import render_section, visible_notebook

PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
    "60e6kgAAAABJRU5ErkJggg=="
)
PROV = Provenance(
    "7 February 2023, 10:00",
    "Q3 2022/23",
    (("catalogue.csv", "1a2b3c4d"), ("observations.csv", "5e6f7a8b")),
    "abc1234def",
    "Internal",
)
PAGE = Page("Performance Report", "Q3 2022/23", PROV, area_name="Peterborough")


def executed(error: bool = False, path: str = "/home/analyst/project"):
    """A notebook as papermill leaves it: parameters, outputs, maybe an error."""
    params = new_code_cell('quarter = "x"', metadata={"tags": ["parameters"]})
    injected = new_code_cell(
        f'area = "peterborough"\nnarratives_dir = "{path}/narratives"',
        metadata={"tags": ["injected-parameters"]},
    )
    hidden = new_code_cell("import secret_setup", metadata={"tags": ["remove-cell"]})
    head = new_code_cell(
        "wb.heading()",
        outputs=[
            new_output(
                "execute_result",
                data={
                    "text/html": '<header class="service-head" id="sec-toy"><h2>2. Toy</h2>'
                    "<p>meta</p></header>"
                },
                execution_count=1,
            )
        ],
    )
    image = new_code_cell(
        "show_chart()",
        outputs=[new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})],
    )
    card = new_code_cell(
        "wb.card('sh_a')",
        outputs=[
            new_output(
                "display_data",
                data={
                    "text/html": '<section class="card" id="ind-sh_a"><h3 id="ind-sh_a-title">'
                    'STI access</h3><p class="card-nav"><a href="index.html">Return to index</a>'
                    ' <a href="#contents">Return to contents</a></p>'
                    '<span class="rag rag-red">Red</span>'
                    '<script src="https://cdn.example.org/x.js"></script></section>'
                },
            )
        ],
    )
    noisy = new_code_cell(
        "print(...)",
        outputs=[
            new_output("stream", name="stdout", text=f"read {path}/data/observations.csv\n"),
            new_output("stream", name="stderr", text=f"{path}/phlib/x.py:3: UserWarning\n"),
        ],
    )
    commentary = new_markdown_cell("#### Commentary\n\nFirst.")
    again = new_markdown_cell("#### Commentary\n\nSecond.")
    cells = [params, injected, hidden, head, new_markdown_cell("### Access"), image, card, noisy]
    cells += [commentary, again]
    if error:
        cells.append(
            new_code_cell(
                "1/0",
                outputs=[
                    new_output(
                        "error",
                        ename="ZeroDivisionError",
                        evalue="division by zero",
                        traceback=[
                            "Traceback (most recent call last)",
                            f'File "{path}/notebooks/x.ipynb", line 1',
                            "ZeroDivisionError: division by zero",
                        ],
                    )
                ],
            )
        )
    return new_notebook(cells=cells)


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def assert_self_contained(doc: BeautifulSoup) -> None:
    """No request to another host: no external scripts, stylesheets or sources."""
    assert not doc.find_all("script", src=True)
    assert not [link for link in doc.find_all("link", href=True)]
    for tag in doc.find_all(src=True):
        assert not re.match(r"(https?:)?//", tag["src"]), tag
    for img in doc.find_all("img"):
        assert img["src"].startswith("data:image/"), img


def test_section_page_is_self_contained_and_has_no_code():
    html = section_page(render_section(executed()), PAGE, "2. Toy")
    doc = soup(html)
    assert_self_contained(doc)
    assert len(doc.find_all("img")) == 1
    assert "injected-parameters" not in html
    assert "secret_setup" not in html and "wb.card" not in html and "quarter = " not in html
    assert not doc.select(".jp-InputArea-editor, .jp-InputPrompt, .jp-OutputPrompt")
    assert "https://cdn.example.org" not in html


def test_section_page_title_heading_contents_and_links():
    doc = soup(section_page(render_section(executed()), PAGE, "2. Toy"))
    title = doc.title.get_text()
    assert "Q3 2022/23" in title and "Peterborough" in title and "2. Toy" in title
    assert [h.get_text() for h in doc.find_all("h1")] == ["2. Toy"]
    assert not doc.select("header.service-head"), "the notebook's own heading is replaced"
    contents = doc.find("nav", id="contents")
    targets = [a["href"] for a in contents.find_all("a")]
    assert "#ind-sh_a-title" in targets and "#Access" in targets
    for target in targets:
        assert doc.find(id=target[1:]) is not None, target
    assert doc.find("a", string="Return to index")["href"] == "../index.html"


@pytest.mark.parametrize("kind", ["section", "annex"])
def test_card_links_reach_the_index_and_the_contents(kind):
    section = render_section(executed())
    if kind == "section":
        html = section_page(section, PAGE, "2. Toy")
    else:
        html = annex_page([AnnexPart("toy", "2. Toy", section)], PAGE)
    doc = soup(html)
    nav = doc.select_one(".card-nav")
    assert [a["href"] for a in nav.find_all("a")] == ["../index.html", "#contents"]
    assert doc.find(id="contents") is not None


def test_footer_names_date_quarter_hashes_and_commit():
    doc = soup(section_page(render_section(executed()), PAGE, "2. Toy"))
    footer = doc.find("footer", class_="page-footer").get_text(" ", strip=True)
    for text in ("7 February 2023", "Q3 2022/23", "1a2b3c4d", "5e6f7a8b", "abc1234def"):
        assert text in footer


def test_rag_is_a_word_as_well_as_a_colour():
    doc = soup(section_page(render_section(executed()), PAGE, "2. Toy"))
    badge = doc.select_one(".rag-red")
    assert badge.get_text(strip=True) == "Red"


def test_ids_are_unique_in_a_page():
    doc = soup(section_page(render_section(executed()), PAGE, "2. Toy"))
    ids = [tag["id"] for tag in doc.find_all(id=True)]
    assert len(ids) == len(set(ids))
    assert {"Commentary", "Commentary-2"} <= set(ids)


def test_internal_build_shows_stderr_and_errors():
    section = render_section(executed(error=True))
    assert section.failed and section.error == "ZeroDivisionError: division by zero"
    assert "division by zero" in section.html and "UserWarning" in section.html


def test_public_build_shows_no_traceback_path_or_stderr():
    private = ("/home/analyst/project", "/home/analyst")
    section = render_section(executed(error=True), "public", private)
    html = section_page(section, PAGE, "2. Toy", (Notice("failed", "Failed."),))
    assert "Traceback" not in html and "ZeroDivisionError" not in html
    assert "/home/analyst" not in html and "analyst" not in html
    assert "UserWarning" not in html
    assert "[local path]/data/observations.csv" in html


def test_visible_notebook_drops_hidden_cells_but_keeps_the_original():
    nb = executed()
    shown = visible_notebook(nb)
    tags = [set(c.metadata.get("tags", [])) for c in shown.cells]
    assert not any(t & {"parameters", "injected-parameters", "remove-cell"} for t in tags)
    assert len(nb.cells) == 10, "the executed notebook itself is not changed"


def test_annex_has_title_page_numbered_sections_and_contents():
    toy = render_section(executed())
    parts = [
        AnnexPart("sexual_health", "1. Sexual health", toy),
        AnnexPart("stop_smoking", "2. Stop smoking", toy, (Notice("previous", "Old."),)),
    ]
    html = annex_page(parts, PAGE)
    doc = soup(html)
    assert_self_contained(doc)
    title_page = doc.select_one(".title-page").get_text(" ", strip=True)
    for text in ("Annex", "Peterborough", "Q3 2022/23", "Produced 7 February 2023"):
        assert text in title_page
    assert "Annex" in doc.title.get_text() and "Peterborough" in doc.title.get_text()
    headings = [s.find("h2").get_text() for s in doc.select("section.annex-section")]
    assert headings == ["1. Sexual health", "2. Stop smoking"]
    assert doc.find(id="sec-sexual_health") and doc.find(id="sec-stop_smoking")
    contents = [a["href"] for a in doc.find("nav", id="contents").find_all("a")]
    assert contents[0] == "#sec-sexual_health"
    for target in contents:
        assert doc.find(id=target[1:]) is not None, target
    ids = [tag["id"] for tag in doc.find_all(id=True) if not tag["id"].startswith("ind-")]
    assert len(ids) == len(set(ids)), "sections never share an id"
    assert "Old." in doc.select("section.annex-section")[1].get_text()


def test_nest_moves_headings_down_and_prefixes_ids():
    fragment = '<h2 id="a">A<a class="anchor-link" href="#a">x</a></h2><div id="ind-z"></div>'
    nested = nest(fragment, "s--", shift=2)
    assert nested.startswith('<h4 id="s--a">') and 'href="#s--a"' in nested
    assert 'id="ind-z"' in nested
    assert headings_of(nested, deepest=6)[0].level == 4


def test_unique_ids_leaves_single_ids_alone():
    text = '<h2 id="x">X</h2><h3 id="y">Y</h3>'
    assert unique_ids(text) == text


def scorecard_frame(restricted: bool = False) -> pd.DataFrame:
    rows = []
    for area, rag in (("cambridgeshire", "Red"), ("peterborough", "Green")):
        for ident, service in (("sh_a", "sexual_health"), ("ss_b", "stop_smoking")):
            rows.append(
                {
                    "indicator_id": ident, "ref": "", "title": f"Title {ident}",
                    "service": service, "area": area, "period": "Q3 2022/23",
                    "current": 12.5, "previous": 10.0, "target": 90.0, "direction": "higher",
                    "rag": rag, "change": "Improving", "restricted": restricted,
                }
            )  # fmt: skip
    return pd.DataFrame(rows)


def index_for(statuses, frame, publication="internal") -> BeautifulSoup:
    areas = [("cambridgeshire", "Cambridgeshire"), ("peterborough", "Peterborough")]
    services = [("sexual_health", "1. Sexual health"), ("stop_smoking", "2. Stop smoking")]
    page = Page("Performance Report", "Q3 2022/23", PROV, index_href="index.html")
    return soup(index_html(page, areas, services, statuses, frame, publication, "Summary."))


def test_index_scorecard_grid_links_and_failures():
    statuses = {
        ("cambridgeshire", "sexual_health"): SectionStatus("cambridgeshire", "sexual_health",
                                                           "1. Sexual health", "ok"),
        ("peterborough", "sexual_health"): SectionStatus("peterborough", "sexual_health",
                                                         "1. Sexual health", "previous",
                                                         error="KeyError: 'x'"),
        ("peterborough", "stop_smoking"): SectionStatus("peterborough", "stop_smoking",
                                                        "2. Stop smoking", "failed",
                                                        error="ValueError: bad"),
    }  # fmt: skip
    doc = index_for(statuses, scorecard_frame())
    assert_self_contained(doc)
    tables = doc.select("table.index-scorecard")
    assert [t["data-service"] for t in tables] == ["sexual_health", "stop_smoking"]
    for table in tables:
        heads = [th["data-area"] for th in table.select("thead th[data-area]")]
        assert heads == ["cambridgeshire", "peterborough"]
        assert len(table.select("tbody tr")) == 1
    first = tables[0].select("tbody td")
    assert [td.select_one(".rag").get_text() for td in first] == ["Red", "Green"]
    assert first[0].a["href"] == "cambridgeshire/sexual_health.html#ind-sh_a"
    assert first[1].a["href"] == "peterborough/sexual_health.html#ind-sh_a"
    assert tables[1].select("tbody td")[1].a is None, "no page to link to"
    failures = doc.select("li.failure")
    assert len(failures) == 2
    kept = next(li for li in failures if li["data-service"] == "sexual_health")
    assert "previous run" in kept.get_text() and "KeyError" in kept.get_text()
    assert kept.a["href"] == "peterborough/sexual_health.failed.html"
    grid = doc.select_one("table.annex-grid")
    assert [a["href"] for a in grid.select("thead a")] == [
        "cambridgeshire/annex.html",
        "peterborough/annex.html",
    ]


def test_public_index_and_csv_show_no_figures_of_restricted_indicators():
    frame = scorecard_frame(restricted=True)
    statuses = {
        ("peterborough", "stop_smoking"): SectionStatus("peterborough", "stop_smoking",
                                                        "2. Stop smoking", "failed",
                                                        error="ValueError: /home/x"),
    }  # fmt: skip
    doc = index_for(statuses, frame, "public")
    cells = doc.select("table.index-scorecard tbody td .rag")
    assert {c.get_text() for c in cells} == {"Not published"}
    assert "ValueError" not in doc.get_text() and "/home/x" not in doc.get_text()
    rows = scorecard_csv(frame, "public").splitlines()
    assert rows[0].split(",")[:3] == ["indicator_id", "ref", "title"]
    assert all(",12.5," not in row for row in rows)
    assert ",12.5," in scorecard_csv(frame, "internal")


@pytest.mark.parametrize("publication", ["internal", "public"])
def test_scorecard_csv_has_a_row_per_indicator_and_area(publication):
    rows = scorecard_csv(scorecard_frame(), publication).strip().splitlines()
    assert len(rows) == 1 + 4
