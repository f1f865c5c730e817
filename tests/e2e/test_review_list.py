"""The review list from the command line: `phreport check` on an internal build lists what a
public build would refuse (exit 0), the public check refuses the same, and the index of an
export shows the same list."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import support
from bs4 import BeautifulSoup

from phlib.narratives import store
from phlib.narratives.cells import cell_key, is_narrative
from phlib.rules.variation import SYMBOLS, VARIATION

VARIATION_WORDS = list(VARIATION.values())

QUARTER, AREA, SERVICE = "2022-23-Q3", "cambridgeshire", "sexual_health"
SCOPE = ("--areas", AREA, "--services", SERVICE)
pytestmark = pytest.mark.slow
WRONG = "Last year the rate was 13.7%."


def quote_a_wrong_figure(project: Path) -> None:
    support.review_sample_narratives(project)  # the sample text reviewed, as an analyst does
    path = store.store_path(project / "narratives", QUARTER, AREA, SERVICE)
    text = path.read_text(encoding="utf-8")
    marker = "## sh_dna_rate\nStatus: written\n\n### Commentary\n\n"
    assert marker in text
    path.write_text(text.replace(marker, marker + WRONG + "\n\n"), encoding="utf-8")


def test_check_lists_a_stale_figure_as_a_warning_and_the_index_shows_it(project, phreport):
    quote_a_wrong_figure(project)
    done = phreport(project, "check", QUARTER, *SCOPE)
    assert "section 'sh_dna_rate' quotes 13.7%" in done.output and WRONG in done.output
    assert (
        "To review: 1 item(s), 1 of them would stop a public build. By area and service: "
        f"{AREA}/{SERVICE} 1." in done.output
    )
    refused = phreport(project, "check", QUARTER, "--publication", "public", *SCOPE,
                       accept=(2,))  # fmt: skip
    assert "quotes 13.7%" in refused.output
    phreport(project, "export", QUARTER, *SCOPE)
    index = (project / "outputs" / QUARTER / "index.html").read_text(encoding="utf-8")
    review = BeautifulSoup(index, "html.parser").select_one("section#review")
    assert review is not None
    items = [" ".join(li.get_text(" ").split()) for li in review.select("ul.review-list li")]
    assert len(items) == 1 and "quotes 13.7%" in items[0] and "Blocks publication" in items[0]
    assert "Items to review by area and service" in review.get_text()
    variation = BeautifulSoup(index, "html.parser").select_one(
        "section#variation table#by-variation"
    )
    words = [
        " ".join(td.get_text(" ").split()) for td in variation.select("tbody td:nth-of-type(3)")
    ]
    assert words and all(w.split(" ", 1)[1] in VARIATION_WORDS for w in words)
    assert all(w.split(" ", 1)[0] == SYMBOLS[w.split(" ", 1)[1]] for w in words)
    order = [list(VARIATION_WORDS).index(w.split(" ", 1)[1]) for w in words]
    assert order == sorted(order)  # concern first, common cause last
    scorecard = (project / "outputs" / QUARTER / "scorecard.csv").read_text(encoding="utf-8")
    assert scorecard.splitlines()[0].endswith(",variation,assurance")


def test_an_internal_check_after_new_quarter_lists_everything_with_exit_0(project, phreport):
    (project / "parameters" / "2022-23-Q4.yaml").unlink()
    phreport(project, "new-quarter", "2022-23-Q4")
    done = phreport(project, "check", "2022-23-Q4", *SCOPE)
    assert done.returncode == 0
    carried = [ln for ln in done.output.splitlines() if "carried forward from Q3 2022/23" in ln]
    stale = [ln for ln in done.output.splitlines() if " quotes " in ln]
    assert carried and stale and all(ln.startswith("warning: ") for ln in carried + stale)
    total = len(carried) + len(stale)
    assert f"{AREA}/{SERVICE} {total}." in done.output
    assert "inputs are valid" in done.output


def test_export_lists_a_stale_figure_typed_in_the_executed_notebook(project, phreport):
    # export pulls analysts' notebook edits into the store before it works out the list
    support.review_sample_narratives(project)
    phreport(project, "export", QUARTER, *SCOPE)  # the reviewed text into the notebook
    notebook = project / "outputs" / QUARTER / AREA / f"{SERVICE}.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    cell = next(c for c in nb.cells if is_narrative(c) and cell_key(c) == "sh_dna_rate")
    assert "#### Commentary\n\n" in cell.source
    cell.source = cell.source.replace("#### Commentary\n\n", f"#### Commentary\n\n{WRONG} ", 1)
    nbformat.write(nb, notebook)
    phreport(project, "export", QUARTER, *SCOPE)
    assert WRONG in store.store_path(project / "narratives", QUARTER, AREA, SERVICE).read_text()
    index = (project / "outputs" / QUARTER / "index.html").read_text(encoding="utf-8")
    review = BeautifulSoup(index, "html.parser").select_one("section#review")
    items = [" ".join(li.get_text(" ").split()) for li in review.select("ul.review-list li")]
    assert len(items) == 1 and "quotes 13.7%" in items[0]
