"""The generated headlines and the scorecard's SPC columns on a real rendered page of the
sample quarter (the shared `sample_run`)."""

from __future__ import annotations

import csv

import support
from bs4 import BeautifulSoup

from phlib.display.headlines import GENERATED_NOTE
from phlib.rules.variation import SYMBOLS

PROVIDERS = "ss_quitters_gp ss_quitters_pharmacy ss_quitters_lifestyle ss_quitters_total"


def test_a_service_page_has_headlines_above_trajectories_providers_contracts_and_scorecard(
    sample_run,
):
    assert sample_run.done.returncode == 0, sample_run.done.stderr[-3000:]
    page = sample_run.outputs / "cambridgeshire" / "stop_smoking.html"
    doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    generated = {
        div["data-indicators"]: div for div in doc.select('div.headline[data-headline="generated"]')
    }
    for div in generated.values():
        assert GENERATED_NOTE in div.get_text()
    providers = generated[PROVIDERS]
    caption = providers.find_next("table").caption.get_text()
    assert caption.endswith("Four-week quitters by provider")
    assert "four-week quitters in total" in providers.get_text()
    trajectory = generated["ss_quitters_total"].get_text()
    assert "Four-week quitters: all providers reached " in trajectory
    assert "up to Oct 2022, the latest available" in trajectory  # data two months behind
    assert generated["ss_quitters_total"].find_next("figure") is not None
    contracts = generated["com_pc_gp_stop_smoking com_pc_pharm_stop_smoking"]
    assert "contracts sent out" in contracts.get_text()
    assert contracts.find_next("table")["class"] == ["kpi", "contracts"]
    scorecard = doc.select_one("table.scorecard")
    heads = [th.get_text() for th in scorecard.select("thead th")]
    assert heads[-2:] == ["Variation", "Assurance"]
    with open(sample_run.outputs / "scorecard.csv", newline="", encoding="utf-8") as handle:
        expected = {
            row["indicator_id"]: (row["variation"], row["assurance"])
            for row in csv.DictReader(handle)
            if row["area"] == "cambridgeshire" and row["service"] == "stop_smoking"
        }
    charted = 0
    for row in scorecard.select("tbody tr"):
        key = row["id"].removeprefix("sc-")
        variation, assurance = (" ".join(td.get_text(" ").split()) for td in row.select("td")[-2:])
        want_variation, want_assurance = expected[key]
        if not want_variation:
            assert variation == ""
            continue
        charted += 1
        assert variation == f"{SYMBOLS[want_variation]} {want_variation}"
        want = f"{SYMBOLS[want_assurance]} {want_assurance}" if want_assurance else "No target"
        assert assurance == want
    assert charted >= 1
    assert support.QUARTER == "2022-23-Q3"


def test_public_headlines_leave_out_starred_contracts_and_provider_months(public_run):
    """The sample has pharmacy health check contracts of 2 of 3 (starred in a public build):
    the contracts headline counts only the cells shown and says so."""
    out = public_run.root / "outputs" / support.QUARTER
    checked = 0
    for page in sorted(out.glob("*/*.html")):
        if page.name == "annex.html" or page.name.endswith(".failed.html"):
            continue
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for table in doc.select("table.kpi.contracts"):
            starred = [td for td in table.select("td") if td.get_text(strip=True) == "*"]
            div = table.find_previous_sibling("div", class_="headline")
            if not starred or div is None:
                continue
            text = div.select_one("p.headline-text").get_text()
            assert "of those shown" in text, (page.name, text)
            assert "2 of 3" not in text, (page.name, text)
            checked += 1
    assert checked >= 1
