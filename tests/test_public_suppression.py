"""Small counts in public builds: secondary suppression where a card shows a total beside
its parts (bars by district), and the contracts table.

The sample's outreach health checks for Cambridgeshire in Q3 2022/23 are 239 in total, made
of five districts (46 + 24 + 103 + 37 + 29). Here East Cambridgeshire is made 3 (and the
total 218): a public build must hide it, and hide one more district, or 218 minus the four
shown districts would give it away.
"""

import csv
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from phlib.workbook import Workbook

PROJECT = Path(__file__).resolve().parents[1]
INDICATOR, AREA, QUARTER = "ls_outreach_health_checks", "cambridgeshire", "2022-23-Q3"
DISTRICTS = {
    "Cambridge City": 46,
    "East Cambridgeshire": 3,
    "Fenland": 103,
    "Huntingdonshire": 37,
    "South Cambridgeshire": 29,
}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("breakdown")
    for name in ("catalogue.csv", "areas.csv"):
        shutil.copy(PROJECT / "data" / name, folder / name)
    with open(PROJECT / "data" / "observations.csv", newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames
        rows = [r for r in reader if r["indicator_id"] == INDICATOR and r["area"] == AREA]
    for row in rows:
        if row["period"] == QUARTER and row["breakdown"] in DISTRICTS:
            row["value"] = str(DISTRICTS[row["breakdown"]])
        elif row["period"] == QUARTER and not row["breakdown"]:
            row["value"] = str(sum(DISTRICTS.values()))
    with open(folder / "observations.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)
    return folder


def shown(data, publication: str, total: int | None = None) -> dict:
    """District -> the text its row of the breakdown chart's data table shows."""
    wb = Workbook.open(
        QUARTER,
        AREA,
        "lifestyles",
        catalogue_path=data / "catalogue.csv",
        areas_path=data / "areas.csv",
        observation_paths=[data / "observations.csv"],
        publication=publication,
    )
    doc = BeautifulSoup(wb.card(INDICATOR).html, "html.parser")
    card_current = doc.find(string=lambda s: s and s.strip() == "Current quarter")
    assert card_current is not None, "the card shows the current total"
    figure = next(f for f in doc.find_all("figure") if "by district" in f.figcaption.get_text())
    return {
        row.th.get_text(strip=True): row.td.get_text(strip=True)
        for row in figure.select("table.data-table tbody tr")
    }


def test_internal_build_shows_every_district(data):
    assert shown(data, "internal") == {name: str(value) for name, value in DISTRICTS.items()}


def test_public_build_hides_the_small_district_and_one_more(data):
    table = shown(data, "public")
    hidden = sorted(name for name, text in table.items() if text == "N/A")
    assert "East Cambridgeshire" in hidden
    assert hidden == ["East Cambridgeshire", "South Cambridgeshire"], "the smallest other part"
    for name in set(DISTRICTS) - set(hidden):
        assert table[name] == str(DISTRICTS[name])
    assert "3" not in table.values() and "0" not in table.values()


def test_a_hidden_part_cannot_be_worked_out_from_the_total(data):
    table = shown(data, "public")
    visible = sum(int(text) for text in table.values() if text != "N/A")
    hidden = [name for name, text in table.items() if text == "N/A"]
    assert len(hidden) >= 2, "one hidden part alone would equal the total minus the others"
    assert sum(DISTRICTS.values()) - visible == sum(DISTRICTS[name] for name in hidden)


def test_public_contracts_table_hides_small_counts_it_would_show_as_x_of_y():
    """Cambridgeshire's pharmacies delivering NHS Health Checks in Q3 2022/23: 2 of 3."""
    results = {}
    for publication in ("internal", "public"):
        wb = Workbook.open(
            QUARTER,
            AREA,
            "health_checks",
            catalogue_path=PROJECT / "data" / "catalogue.csv",
            areas_path=PROJECT / "data" / "areas.csv",
            observation_paths=[PROJECT / "data" / "observations.csv"],
            publication=publication,
        )
        providers = {
            "GP practices": "com_pc_gp_health_checks",
            "Community pharmacies": "com_pc_pharm_health_checks",
        }
        layout = {"NHS Health Checks": providers}
        doc = BeautifulSoup(wb.contracts(layout, "Contracts").html, "html.parser")
        results[publication] = [td.get_text(strip=True) for td in doc.select("tbody td")]
    assert results["internal"][-1] == "2 of 3 (67%)"
    assert results["public"][-1] == "*"
    assert results["public"][0] == results["internal"][0] != "*", "large counts stay shown"


def parts_table(publication: str, area: str):
    wb = Workbook.open(
        QUARTER,
        area,
        "stop_smoking",
        catalogue_path=PROJECT / "data" / "catalogue.csv",
        areas_path=PROJECT / "data" / "areas.csv",
        observation_paths=[PROJECT / "data" / "observations.csv"],
        publication=publication,
    )
    parts = ["ss_quitters_gp", "ss_quitters_pharmacy", "ss_quitters_lifestyle"]
    doc = BeautifulSoup(wb.parts("ss_quitters_total", parts, "Quitters").html, "html.parser")
    table = doc.find("table")
    months = [th.get_text(strip=True) for th in table.select("thead th")][2:]
    rows = {
        tr.th.get_text(strip=True).split(": ")[-1]: [td.get_text(strip=True) for td in tr("td")][1:]
        for tr in table.select("tbody tr")
    }
    return months, rows, doc


def test_quitters_by_provider_hide_a_small_count_and_the_part_that_would_reveal_it():
    """Cambridgeshire, Oct 2022: pharmacies 1, GP practices 10, lifestyle service 73."""
    months, rows, _ = parts_table("internal", AREA)
    assert months[-1] == "Oct 2022"
    assert [rows[k][-1] for k in ("GP practices", "community pharmacies")] == ["10", "1"]
    months, rows, doc = parts_table("public", AREA)
    oct_ = {name: cells[-1] for name, cells in rows.items()}
    assert oct_["community pharmacies"] == "*", "the small count"
    assert oct_["GP practices"] == "*", "the smallest other part, or 1 = total - the rest"
    assert oct_["lifestyle service"] == "73" and oct_["Total"] != "*"
    assert "0" not in (oct_["community pharmacies"], oct_["GP practices"])
    assert rows["community pharmacies"][:2] == ["0", "0"], "zero is not a small count"
    charts = [f.figcaption.get_text() for f in doc.find_all("figure")]
    assert len(charts) == 1 and "lifestyle service" in charts[0]
    assert len(doc.select("p.withheld")) == 2, "no running totals of the hidden providers"
