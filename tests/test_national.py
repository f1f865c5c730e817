"""The national sample (scripts/national.py) and the index of a run with many areas."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from phlib.inputs.config import load_parameters, parameters_path
from phlib.report.index import SectionStatus, index_html
from phlib.report.overview import FEW_AREAS
from phlib.report.pages import Page, Provenance
from phlib.run.checks import check_quarter

ROOT = Path(__file__).resolve().parents[1]
QUARTER = "2022-23-Q3"
_spec = importlib.util.spec_from_file_location("national", ROOT / "scripts" / "national.py")
national = sys.modules.setdefault("national", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(national)


def fingerprint(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_national_sample_has_every_upper_tier_authority_once(tmp_path):
    areas = national.generate(tmp_path / "national")
    assert len(areas) == 152
    with open(tmp_path / "national" / "data" / "areas.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 152
    assert len({r["area"] for r in rows}) == len({r["name"] for r in rows}) == 152
    assert len({r["ons_code"] for r in rows}) == 152
    config = load_parameters(parameters_path(tmp_path / "national", QUARTER), tmp_path / "national")
    assert list(config.areas) == [r["area"] for r in rows]
    assert len(config.services) == 10


def test_the_national_sample_is_the_same_bytes_every_time_and_valid(tmp_path):
    national.generate(tmp_path / "a", count=6)
    national.generate(tmp_path / "b", count=6)
    assert fingerprint(tmp_path / "a") == fingerprint(tmp_path / "b")
    config = load_parameters(parameters_path(tmp_path / "a", QUARTER), tmp_path / "a")
    inputs = check_quarter(config, None, None)  # raises InputError listing any problem
    frame = inputs.observations
    assert sorted(frame["area"].unique()) == sorted(a.key for a in national.national_areas(6))
    percent = frame[frame["indicator_id"].map(inputs.catalogue.indicators["unit"]) == "percent"]
    assert percent["value"].max() <= 100


def test_areas_differ_in_size_and_performance_but_keep_their_shape():
    small, large = sorted(national.national_areas(152)[:2], key=lambda a: a.size)
    row = {"area": "cambridgeshire", "value": "40", "numerator": "40", "denominator": "100"}
    count = national.scaled(row, "count", large)
    assert int(count["value"]) == round(40 * large.size)
    share = national.scaled(row, "percent", large)
    assert int(share["numerator"]) <= int(share["denominator"])
    assert float(share["value"]) == pytest.approx(
        100 * int(share["numerator"]) / int(share["denominator"]), abs=0.01
    )


def big_index(count: int, services: int = 10) -> tuple[str, list, list]:
    areas = [(a.key, a.name) for a in national.national_areas(count)]
    keys = [f"service_{n}" for n in range(services)]
    heads = [(k, f"{n + 1}. Service {n}") for n, k in enumerate(keys)]
    rags = ("Red", "Amber", "Green", "Blue", "Baseline")
    rows = []
    for a, (area, _) in enumerate(areas):
        for s, service in enumerate(keys):
            for i in range(12):  # 12 indicators a service: 120 in all, as the catalogue
                rows.append({"indicator_id": f"{service}_{i}", "ref": "", "title": f"T{i}",
                             "service": service, "area": area, "period": "Q3 2022/23",
                             "current": 12.5, "previous": 10.0, "target": 90.0,
                             "direction": "higher", "rag": rags[(a + s + i) % 5],
                             "change": "Improving", "restricted": False})  # fmt: skip
    statuses = {
        (area, service): SectionStatus(area, service, heading, "ok")
        for area, _ in areas
        for service, heading in heads
    }
    statuses[(areas[1][0], keys[2])] = SectionStatus(areas[1][0], keys[2], heads[2][1],
                                                     "failed", error="ValueError: x")  # fmt: skip
    prov = Provenance("today", "Q3 2022/23", (), "abc")
    page = Page("Performance Report", "Q3 2022/23", prov, index_href="index.html")
    html = index_html(page, areas, heads, statuses, pd.DataFrame(rows), "internal", "Summary.")
    return html, areas, heads


def test_the_index_of_152_areas_is_small_and_has_each_area_one_click_away():
    html, areas, services = big_index(152)
    assert len(html.encode()) < 5_000_000
    assert len(html.encode()) < 1_500_000, "the overview should be far below the 5 MB limit"
    doc = BeautifulSoup(html, "html.parser")
    table = doc.select_one("table.area-overview")
    rows = table.select("tbody tr")
    assert [r["data-area"] for r in rows] == [a for a, _ in areas]
    assert [r.th.a["href"] for r in rows] == [f"{a}/annex.html" for a, _ in areas]
    assert all(len(r.select("td")) == len(services) for r in rows)
    first = rows[0].select("td")[0]
    assert first.a["href"] == f"{areas[0][0]}/service_0.html"
    # area 0, service 0: indicators i = 0..11 rated rags[i % 5]: 3 Red, 3 Amber, 2 Green, 2 Blue
    counts = [s.get_text(" ", strip=True) for s in first.select(".rag")]
    assert counts == ["3 Red", "3 Amber", "2 Green", "2 Blue"]
    failed = rows[1].select("td")[2]
    assert "Failed" in failed.get_text()
    assert [a["href"] for a in failed.select("a")] == [f"{areas[1][0]}/service_2.failed.html"]
    assert not doc.select("table.index-scorecard"), "no indicator-by-area grid 152 wide"


def test_a_few_areas_keep_the_full_grid():
    html, areas, _ = big_index(FEW_AREAS, services=3)
    doc = BeautifulSoup(html, "html.parser")
    assert not doc.select("table.area-overview")
    heads = doc.select("table.index-scorecard")[0].select("thead th[data-area]")
    assert [th["data-area"] for th in heads] == [a for a, _ in areas]
