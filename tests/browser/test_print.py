"""Printing: `phreport pdf 2022-23-Q3` prints each area's annex to an A4 PDF with page numbers,
the title page and contents, each service area on a new page and no chart split across pages.
Pages are turned into images (poppler's pdftoppm) to check they are not blank. The annex HTML
stays under 5 MB with charts that stay crisp when zoomed (SVG, or PNG at twice the size)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
import support
from bs4 import BeautifulSoup
from PIL import Image

from phlib.report import pdf

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAX_ANNEX_BYTES = 5 * 1024 * 1024
MAX_PAGES = 150
A4_POINTS = (595, 842)
LONG_TABLE_ROWS = 8  # print.css lets tables this long run over pages, rows kept whole
PRINTABLE_PX = {"width": 680, "height": 979}  # A4 less print.css margins, at 96 px per inch


@pytest.fixture(scope="module")
def printed(quarter, annex_paths, project_copy, phreport, tmp_path_factory) -> dict[Path, Path]:
    """annex.html -> annex.pdf, printed by the real `phreport pdf 2022-23-Q3` in a copy of the
    sample run (printing adds files to the outputs; the shared run stays as it was)."""
    project = support.copy_project(project_copy, tmp_path_factory.mktemp("print") / "project")
    phreport(project, "pdf", quarter)
    copies = [project / path.relative_to(project_copy) for path in annex_paths]
    return {html: html.with_suffix(".pdf") for html in copies}


def _run(*command: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{' '.join(command)} failed: {done.stderr}"
    return done.stdout


def pdf_info(path: Path) -> dict[str, str]:
    """pdfinfo's fields of a PDF, as a dict."""
    lines = _run("pdfinfo", str(path)).splitlines()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}


def pdf_pages_text(path: Path) -> list[str]:
    """The text of each page of a PDF (pdftotext keeps the layout; pages end with a form feed)."""
    pages = _run("pdftotext", "-layout", str(path), "-").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def inked_fraction(image: Path, margins_mm: tuple[float, float] = (0, 0)) -> float:
    """The fraction of a page image's pixels that are not (near) white, leaving out the top
    and bottom margins (in mm of an A4 page) where Chromium prints the header and footer."""
    with Image.open(image) as page:
        pixels = np.asarray(page.convert("L"), dtype=float)
    height = pixels.shape[0]
    top, bottom = (round(height * mm / 297) for mm in margins_mm)
    return float((pixels[top : height - bottom] < 240).mean())


def service_headings(html: Path) -> list[str]:
    """The headings of the annex's service areas, as printed."""
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    found = []
    for section in soup.select("section.annex-section"):
        heading = section.find(re.compile(r"^h[1-6]$"))
        if heading is not None:
            found.append(" ".join(heading.get_text(" ").split()))
    return found


def test_every_annex_is_printed_to_a_pdf(printed):
    problems = []
    for html, target in printed.items():
        if not target.is_file():
            problems.append(f"no {target.name} beside {html}")
        elif target.read_bytes()[:5] != b"%PDF-":
            problems.append(f"{target} is not a PDF")
    assert not problems, "\n".join(problems)


def test_pdfs_are_a4_with_a_plausible_number_of_pages(printed):
    for html, target in printed.items():
        info = pdf_info(target)
        pages = int(info["Pages"])
        width, height = (float(x) for x in re.findall(r"[\d.]+", info["Page size"])[:2])
        services = len(service_headings(html))
        assert services >= 2, f"{html} has {services} service sections"
        assert abs(width - A4_POINTS[0]) < 3 and abs(height - A4_POINTS[1]) < 3, (
            f"{target} is not A4 ({A4_POINTS[0]} x {A4_POINTS[1]} points): {info['Page size']}"
        )
        assert services + 2 <= pages <= MAX_PAGES, (
            f"{target} has {pages} pages for {services} service areas "
            f"(expected {services + 2} to {MAX_PAGES})"
        )


def test_the_title_and_contents_pages_are_not_blank(printed, tmp_path):
    for target in printed.values():
        for number in (1, 2):
            stem = tmp_path / f"{target.parent.name}-{number}"
            _run(
                "pdftoppm", "-r", "50", "-f", str(number), "-l", str(number), "-png",
                "-singlefile", str(target), str(stem),
            )  # fmt: skip
            image = stem.with_suffix(".png")
            with Image.open(image) as page:
                assert page.size[0] < page.size[1], f"page {number} of {target} is not portrait"
            ink = inked_fraction(image)
            assert ink > 0.005, f"page {number} of {target} looks blank ({ink:.4f} inked)"


def test_no_printed_page_is_empty(printed, tmp_path):
    """Every page has something between Chromium's header and footer (no page left empty)."""
    for target in printed.values():
        folder = tmp_path / target.parent.name
        folder.mkdir()
        _run("pdftoppm", "-r", "24", "-gray", str(target), str(folder / "page"))
        images = sorted(folder.glob("page-*.pgm"))
        assert len(images) == int(pdf_info(target)["Pages"])
        empty = [
            n for n, image in enumerate(images, 1)
            if inked_fraction(image, margins_mm=(20, 22)) < 0.0005
        ]  # fmt: skip
        assert not empty, f"{target}: pages {empty} have nothing between header and footer"


def test_pages_are_numbered_page_n_of_m(printed):
    for target in printed.values():
        pages = pdf_pages_text(target)
        total = len(pages)
        unnumbered = [
            n
            for n, text in enumerate(pages, 1)
            if not re.search(rf"Page\s+{n}\s+of\s+{total}\b", text)
        ]
        assert total == int(pdf_info(target)["Pages"])
        assert not unnumbered, f"{target}: pages {unnumbered} lack 'Page N of {total}'"


def _first_lines(text: str, count: int = 4) -> str:
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    return "\n".join(lines[:count])


def test_each_service_area_starts_a_new_page(printed):
    for html, target in printed.items():
        tops = [_first_lines(text) for text in pdf_pages_text(target)]
        late = [h for h in service_headings(html) if not any(h in top for top in tops)]
        assert not late, f"{target}: these service areas do not start a page: {late}"


def test_title_page_then_contents(printed, quarter_label):
    for html, target in printed.items():
        pages = pdf_pages_text(target)
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        area = " ".join(soup.select_one(".title-page h1").get_text(" ").split())
        title = " ".join(pages[0].split())
        for wanted in (area, quarter_label, "Produced"):
            assert wanted in title, f"{target}: the title page lacks {wanted!r}: {title[:300]!r}"
        assert "Contents" in pages[1], f"{target}: page 2 is not the contents"


PRINT_FACTS = """() => {
  const style = (sel, prop) => [...document.querySelectorAll(sel)]
    .map(e => getComputedStyle(e)[prop]);
  return {
    chartBreaks: style('figure.chart', 'breakInside'),
    cardBreaks: style('.card', 'breakInside'),
    shortTableBreaks: [...document.querySelectorAll('table')]
      .filter(t => t.querySelectorAll(':scope > tbody > tr').length < LONG_TABLE_ROWS)
      .map(t => getComputedStyle(t).breakInside),
    sectionBreaks: style('section.annex-section', 'breakBefore'),
    visibleNav: [...document.querySelectorAll('a')]
      .filter(a => /return to (index|contents)/i.test(a.textContent))
      .filter(a => a.getClientRects().length > 0).length,
    contentsShown: [...document.querySelectorAll('nav.contents, #contents')]
      .some(e => e.getClientRects().length > 0),
    tallCharts: [...document.querySelectorAll('figure.chart')]
      .map(f => Math.round(f.getBoundingClientRect().height))
      .filter(h => h > PRINTABLE_HEIGHT),
  };
}""".replace("PRINTABLE_HEIGHT", str(PRINTABLE_PX["height"])).replace(
    "LONG_TABLE_ROWS", str(LONG_TABLE_ROWS)
)


def test_print_rules_of_the_annex_keep_charts_whole(annex_paths, browser):
    context = browser.new_context(viewport=PRINTABLE_PX)
    try:
        page = context.new_page()
        pdf.block_network(page, blocked := [])
        page.emulate_media(media="print")
        page.goto(annex_paths[0].resolve().as_uri(), wait_until="load")
        facts = page.evaluate(PRINT_FACTS)
    finally:
        context.close()
    assert not blocked
    assert facts["chartBreaks"] and set(facts["chartBreaks"]) == {"avoid"}, facts["chartBreaks"]
    assert set(facts["cardBreaks"]) <= {"avoid"}
    assert set(facts["shortTableBreaks"]) == {"avoid"}, "short tables may split across pages"
    assert facts["sectionBreaks"] and set(facts["sectionBreaks"]) == {"page"}
    assert facts["visibleNav"] == 0, "'Return to index/contents' links would be printed"
    assert facts["contentsShown"], "the contents would not be printed"
    assert not facts["tallCharts"], f"charts taller than a printed page: {facts['tallCharts']}"


def test_annexes_stay_under_5_mb(annex_paths):
    sizes = {p.parent.name: p.stat().st_size for p in annex_paths}
    heavy = {area: size for area, size in sizes.items() if size >= MAX_ANNEX_BYTES}
    assert not heavy, f"annexes of 5 MB or more (bytes): {heavy}"


CRISP_FACTS = """() => [...document.querySelectorAll('figure.chart img')].map(i => ({
  kind: (i.getAttribute('src') || '').slice(0, 24), natural: i.naturalWidth,
  shown: Math.round(i.getBoundingClientRect().width), alt: (i.alt || '').slice(0, 60)}))"""


def test_charts_are_crisp_when_zoomed(annex_paths, visit):
    seen = visit(annex_paths[0])
    images = seen.page.evaluate(CRISP_FACTS)
    assert images, "the annex has no chart images"
    blurry = [
        image
        for image in images
        if not image["kind"].startswith("data:image/svg+xml")
        and image["natural"] < 2 * image["shown"]
    ]
    assert not blurry, f"raster charts below twice their shown size: {blurry}"
