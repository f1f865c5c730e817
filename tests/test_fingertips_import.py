"""`phreport import fingertips`: exports in the documented format in, tidy observations out,
and the cards that show them (interval, comparisons, period labels as published).

The exports are built here in the format of /shared/reference/fingertips-export-format.md
(every column in order, a byte-order mark, indicator names ending in a line break): England,
its deprivation deciles, two regions, the report's two areas and an area outside the report,
several ages and sexes, calendar years, three-year ranges and cumulative quarter ranges,
missing intervals, and both comparisons, worked out by Fingertips' rule. The real export
excerpt in tests/fixtures/fingertips_sample.csv is imported too.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from phlib.cli import main
from phlib.inputs.catalogue import load_catalogue
from phlib.inputs.fingertips import read_fingertips
from phlib.inputs.fingertips_import import map_export
from phlib.inputs.observations import load_observations
from phlib.rules.intervals import byar_ci, compare_to_benchmark, wilson_ci
from phlib.workbook import Workbook

FIXTURE = Path(__file__).parent / "fixtures" / "fingertips_sample.csv"
HEADER = [
    "Indicator ID",
    "Indicator Name",
    "Parent Code",
    "Parent Name",
    "Area Code",
    "Area Name",
    "Area Type",
    "Sex",
    "Age",
    "Category Type",
    "Category",
    "Time period",
    "Value",
    "Lower CI 95.0 limit",
    "Upper CI 95.0 limit",
    "Lower CI 99.8 limit",
    "Upper CI 99.8 limit",
    "Count",
    "Denominator",
    "Value note",
    "Recent Trend",
    "Compared to England value or percentiles",
    "Compared to Region value or percentiles",
    "Time period Sortable",
    "New data",
    "Compared to goal",
]
ENGLAND = ("E92000001", "England", "Country", "", "")
EAST = ("E12000006", "East of England region", "Region", "E92000001", "England")
AREAS = [
    ("E10000003", "Cambridgeshire", "County & UA", *EAST[:2]),
    ("E06000031", "Peterborough", "County & UA", *EAST[:2]),
    ("E10000020", "Norfolk", "County & UA", *EAST[:2]),
]
CATALOGUE = """indicator_id,title,service,unit,decimals,direction,target_kind,status,frequency,\
publication,fingertips_id,fingertips_age,ci_method
ft_infection,Example infection incidence rate per 100000,sexual_health,per_100000,1,lower,none,\
Contextual,year,public,90001,,
ft_screening,Example screening coverage,health_checks,percent,1,higher,none,Contextual,year,\
public,90002,,
ft_visits,Example visits in the last 12 months,healthy_child,percent,1,none,none,Contextual,\
quarter,public,90003,,
"""
AREAS_CSV = (
    "area,name,ons_code\ncambridgeshire,Cambridgeshire,E10000003\n"
    "peterborough,Peterborough,E06000031\n"
)
# (indicator, name, unit, direction, periods as published, {(area code, sex, age): rate})
SERIES = {
    90001: (
        "Example infection incidence rate/100,000",
        "per_100000",
        "lower",
        ["2017", "2018", "2019", "2020", "2021"],
    ),
    90002: (
        "Example screening coverage (%)",
        "percent",
        "higher",
        ["2017 - 19", "2018 - 20", "2019 - 21"],
    ),
    90003: (
        "Example visits in the last 12 months (%)",
        "percent",
        None,
        ["2021/22 Q2 - 2022/23 Q1", "2021/22 Q3 - 2022/23 Q2", "2021/22 Q4 - 2022/23 Q3"],
    ),
}
BASE = {
    "E92000001": 50.0,
    "E12000006": 47.0,
    "E10000003": 41.0,
    "E06000031": 62.0,
    "E10000020": 55.0,
}
POPULATION = {
    "E92000001": 56_000_000,
    "E12000006": 6_200_000,
    "E10000003": 650_000,
    "E06000031": 200_000,
    "E10000020": 900_000,
}


def _figures(unit, code, step, factor):
    """(count, denominator, value, lower, upper) of a made-up but consistent row."""
    if unit == "percent":
        denominator = POPULATION[code] // 100
        count = round(denominator * (BASE[code] + step) * factor / 100)
        lower, upper = wilson_ci(count, denominator)
        return count, denominator, 100 * count / denominator, lower, upper
    denominator = POPULATION[code]
    count = round(denominator * (BASE[code] + 2 * step) * factor / 100_000)
    lower, upper = byar_ci(count, denominator)
    return count, denominator, 100_000 * count / denominator, lower, upper


def build_export(path: Path, *, published_comparisons: bool = True) -> Path:
    """Write an export in the documented format; returns its path."""
    rows = []
    for ft_id, (name, unit, direction, periods) in SERIES.items():
        series = [("Persons", "All ages", 1.0), ("Persons", "0-9 yrs", 1.3)]
        if ft_id == 90002:
            series = [
                ("Persons", "18+ yrs", 1.0),
                ("Male", "18+ yrs", 0.9),
                ("Female", "18+ yrs", 1.1),
            ]
        for step, period in enumerate(periods):
            sortable = f"{2017 + step}0000"
            for sex, age, factor in series:
                benchmarks = {}
                for code, area, kind, parent, parent_name in [ENGLAND, EAST, *AREAS]:
                    count, den, value, low, high = _figures(unit, code, step, factor)
                    benchmarks[code] = value
                    versus_england = versus_region = "Not compared"
                    if kind == "County & UA":
                        versus_england = compare_to_benchmark(
                            value, low, high, benchmarks["E92000001"], direction
                        )
                        versus_region = compare_to_benchmark(
                            value, low, high, benchmarks["E12000006"], direction
                        )
                    missing_interval = code == "E10000003" and step == len(periods) - 1
                    if missing_interval:  # the publisher gives no interval and no comparison
                        low = high = ""
                        versus_england = versus_region = "Not compared"
                    if kind in ("Region",) or code == "E92000001" and step % 2:
                        low = high = ""
                    note = (
                        "Aggregated from all known lower geography values"
                        if kind == "Region"
                        else ""
                    )
                    if not published_comparisons:
                        versus_england = versus_region = ""
                    rows.append(
                        [
                            ft_id,
                            name + "\n",
                            parent,
                            parent_name,
                            code,
                            area,
                            kind,
                            sex,
                            age,
                            "",
                            "",
                            period,
                            value,
                            low,
                            high,
                            "",
                            "",
                            count,
                            den,
                            note,
                            "",
                            versus_england,
                            versus_region,
                            sortable,
                            "",
                            "",
                        ]
                    )
                decile = [
                    "County & UA deprivation deciles in England (IMD2019)",
                    "Most deprived decile (IMD2019)",
                ]
                rows.append(
                    [
                        ft_id,
                        name + "\n",
                        "",
                        "",
                        "E92000001",
                        "England",
                        "Country",
                        sex,
                        age,
                        *decile,
                        period,
                        71.5,
                        "",
                        "",
                        "",
                        "",
                        5100,
                        7133,
                        "",
                        "",
                        "Not compared",
                        "Not compared",
                        sortable,
                        "",
                        "",
                    ]
                )
    rows.append(
        [
            90004,
            "Example indicator nobody asked for (%)\n",
            "",
            "",
            "E92000001",
            "England",
            "Country",
            "Persons",
            "All ages",
            "",
            "",
            "2021",
            12.5,
            "",
            "",
            "",
            "",
            125,
            1000,
            "",
            "",
            "Not compared",
            "Not compared",
            "20210000",
            "",
            "",
        ]
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    return path


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "parameters").mkdir()
    (root / "data" / "catalogue.csv").write_text(CATALOGUE, encoding="utf-8")
    (root / "data" / "areas.csv").write_text(AREAS_CSV, encoding="utf-8")
    return root


def run(capsys, *args) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def imported(project, capsys, export) -> pd.DataFrame:
    code, out = run(capsys, "import", "fingertips", str(export), "--project", str(project))
    assert code == 0, out
    return pd.read_csv(project / "data" / "fingertips.csv", keep_default_na=False, dtype=str)


def test_the_export_maps_values_comparators_intervals_and_breakdowns(project, tmp_path, capsys):
    export = build_export(tmp_path / "export.csv")
    rows = imported(project, capsys, export)
    source = pd.read_csv(export, encoding="utf-8-sig", keep_default_na=False, dtype=str)
    headline = rows[(rows["indicator_id"] == "ft_infection") & (rows["breakdown"] == "")]
    assert sorted(set(headline["area"])) == ["cambridgeshire", "peterborough"]  # not Norfolk
    assert list(headline[headline["area"] == "peterborough"]["period"]) == [
        "2017",
        "2018",
        "2019",
        "2020",
        "2021",
    ]
    for row in headline.itertuples():
        code = {"cambridgeshire": "E10000003", "peterborough": "E06000031"}[row.area]
        mine = source[
            (source["Area Code"] == code)
            & (source["Time period"] == row.period)
            & (source["Indicator ID"] == "90001")
            & (source["Age"] == "All ages")
        ]
        england = source[
            (source["Area Code"] == "E92000001")
            & (source["Category"] == "")
            & (source["Time period"] == row.period)
            & (source["Indicator ID"] == "90001")
            & (source["Age"] == "All ages")
        ]
        region = source[
            (source["Area Code"] == "E12000006")
            & (source["Time period"] == row.period)
            & (source["Indicator ID"] == "90001")
            & (source["Age"] == "All ages")
        ]
        assert float(row.value) == pytest.approx(float(mine["Value"].iloc[0]))
        assert float(row.england_mean) == pytest.approx(float(england["Value"].iloc[0]))
        assert float(row.region_mean) == pytest.approx(float(region["Value"].iloc[0]))
        assert (
            row.numerator == mine["Count"].iloc[0]
            and row.denominator == mine["Denominator"].iloc[0]
        )
        assert row.compared_to_england == mine["Compared to England value or percentiles"].iloc[0]
        assert row.compared_to_region == mine["Compared to Region value or percentiles"].iloc[0]
        published = mine["Lower CI 95.0 limit"].iloc[0]
        assert (row.lower_ci95 == "") == (published == ""), "a missing interval stays missing"
    ages = rows[(rows["indicator_id"] == "ft_infection") & (rows["breakdown"] != "")]
    assert set(ages["breakdown"]) == {"0-9 yrs"}
    sexes = rows[(rows["indicator_id"] == "ft_screening") & (rows["breakdown"] != "")]
    assert set(sexes["breakdown"]) == {"Male", "Female"}
    assert set(rows[rows["indicator_id"] == "ft_screening"]["period"]) == {
        "2017_2019",
        "2018_2020",
        "2019_2021",
    }
    assert "2021-22-Q4_2022-23-Q3" in set(rows["period"])
    assert not (rows["breakdown"].str.contains("decile")).any(), "England's deciles are left out"


def test_import_prints_what_it_left_out_and_a_catalogue_row_that_pastes(project, tmp_path, capsys):
    export = build_export(tmp_path / "export.csv")
    code, out = run(capsys, "import", "fingertips", str(export), "--project", str(project))
    assert code == 0, out
    assert "ft_infection: rows of areas not in areas.csv (10 County & UA)" in out
    assert "deprivation-decile" in out
    assert "90004 Example indicator nobody asked for (%): 1 rows, not in the catalogue" in out
    pasted = next(line.strip() for line in out.splitlines() if line.strip().startswith("ft_90004"))
    catalogue = project / "data" / "catalogue.csv"
    catalogue.write_text(catalogue.read_text() + pasted + "\n", encoding="utf-8")
    added = load_catalogue(catalogue).indicator("ft_90004")
    assert (added.unit, added.fingertips_id, added.frequency) == ("percent", "90004", "year")


def test_import_is_atomic_idempotent_and_a_dry_run_writes_nothing(project, tmp_path, capsys):
    export = build_export(tmp_path / "export.csv")
    target = project / "data" / "fingertips.csv"
    code, out = run(
        capsys, "import", "fingertips", str(export), "--project", str(project), "--dry-run"
    )
    assert code == 0 and "nothing written" in out and not target.exists()
    imported(project, capsys, export)
    first = target.read_bytes()
    code, out = run(capsys, "import", "fingertips", str(export), "--project", str(project))
    assert code == 0 and "already up to date" in out and target.read_bytes() == first
    other = tmp_path / "elsewhere.csv"
    code, out = run(
        capsys,
        "import",
        "fingertips",
        str(export),
        "--project",
        str(project),
        "--output",
        str(other),
    )
    assert code == 0 and other.read_bytes() == first
    assert sorted(p.name for p in target.parent.iterdir()) == [
        "areas.csv",
        "catalogue.csv",
        "fingertips.csv",
    ]


def test_a_broken_export_is_refused_and_nothing_written(project, tmp_path, capsys):
    export = build_export(tmp_path / "export.csv")
    text = export.read_text(encoding="utf-8-sig").replace("Area Code,", "Area,", 1)
    export.write_text(text, encoding="utf-8")
    code, out = run(capsys, "import", "fingertips", str(export), "--project", str(project))
    assert code == 2 and "'Area Code' is missing" in out
    assert not (project / "data" / "fingertips.csv").exists()


def test_nothing_mapped_is_refused_with_the_fix(project, tmp_path, capsys):
    export = build_export(tmp_path / "export.csv")
    catalogue = project / "data" / "catalogue.csv"
    catalogue.write_text(catalogue.read_text().replace(",9000", ",7000"), encoding="utf-8")
    code, out = run(capsys, "import", "fingertips", str(export), "--project", str(project))
    assert code == 2 and "nothing in the export maps onto the catalogue" in out
    assert "fingertips_id" in out and not (project / "data" / "fingertips.csv").exists()


def _cards(project, area, service, observations) -> dict[str, BeautifulSoup]:
    book = Workbook.open(
        "2022-23-Q3",
        area,
        service,
        catalogue_path=project / "data" / "catalogue.csv",
        areas_path=project / "data" / "areas.csv",
        observation_paths=[observations],
    )
    html = BeautifulSoup(book.other_indicators().html, "html.parser")
    return {c["id"]: c for c in html.select("section.card")}, html


def _cells(card) -> dict[str, str]:
    found = {}
    for table in card.select("table"):
        heads = [th.get_text(" ", strip=True) for th in table.select("thead th")]
        cells = [td.get_text(" ", strip=True) for td in table.select("tbody td")]
        found |= dict(zip(heads, cells, strict=True))
    return found


def test_cards_show_intervals_comparisons_and_periods_as_published(project, tmp_path, capsys):
    export = build_export(tmp_path / "export.csv")
    imported(project, capsys, export)
    observations = project / "data" / "fingertips.csv"
    cards, html = _cards(project, "peterborough", "sexual_health", observations)
    assert html.select_one("h3").get_text() == "Other indicators"
    card = cards["ind-ft_infection"]
    assert card.select_one(".card-period").get_text() == "2021 (latest available)"
    cells = _cells(card)
    source = read_fingertips(export)
    mine = source[
        (source["area_code"] == "E06000031")
        & (source["period"] == "2021")
        & (source["age"] == "All ages")
        & (source["indicator_id"] == 90001)
    ].iloc[0]
    assert cells["Current year"] == f"{mine['value']:,.1f}"
    assert (
        cells["95% confidence interval"] == f"{mine['lower_ci95']:.1f} to {mine['upper_ci95']:.1f}"
    )
    assert cells["Compared with England"] == mine["compared_to_england"]
    assert cells["Compared with region"] == mine["compared_to_region"]
    assert "2020/21" not in card.get_text() and "2021/22" not in card.get_text()

    cards, _ = _cards(project, "peterborough", "health_checks", observations)
    assert (
        cards["ind-ft_screening"].select_one(".card-period").get_text()
        == "2019 - 21 (latest available)"
    )
    cards, _ = _cards(project, "cambridgeshire", "healthy_child", observations)
    card = cards["ind-ft_visits"]
    assert card.select_one(".card-period").get_text() == "2021/22 Q4 - 2022/23 Q3"
    cells = _cells(card)  # Cambridgeshire's last period: no interval published, so computed
    assert "Wilson" in card.get_text() and " to " in cells["95% confidence interval"]
    assert cells["Compared with England"] == "Not compared"  # the publisher did not compare


def test_without_published_comparisons_the_cards_work_out_the_same_words(project, tmp_path, capsys):
    """Fingertips' rule replayed: cards compute what the export would have published."""
    published = imported(project, capsys, build_export(tmp_path / "a.csv"))
    bare = build_export(tmp_path / "b.csv", published_comparisons=False)
    code, out = run(
        capsys,
        "import",
        "fingertips",
        str(bare),
        "--project",
        str(project),
        "--output",
        str(tmp_path / "bare.csv"),
    )
    assert code == 0, out
    checked = 0
    for area in ("cambridgeshire", "peterborough"):
        for service, iid in (("sexual_health", "ft_infection"), ("health_checks", "ft_screening")):
            cards, _ = _cards(project, area, service, tmp_path / "bare.csv")
            cells = _cells(cards[f"ind-{iid}"])
            rows = published[
                (published["indicator_id"] == iid)
                & (published["area"] == area)
                & (published["breakdown"] == "")
            ]
            latest = rows.iloc[-1]
            if latest["lower_ci95"]:
                assert cells["Compared with England"] == latest["compared_to_england"]
                assert cells["Compared with region"] == latest["compared_to_region"]
                checked += 1
    assert checked == 2  # Peterborough's two; Cambridgeshire's latest has no interval


def test_the_real_export_excerpt_imports_with_its_published_comparisons(project, capsys):
    catalogue = project / "data" / "catalogue.csv"
    catalogue.write_text(catalogue.read_text().replace(",90001,", ",93356,"), encoding="utf-8")
    rows = imported(project, capsys, FIXTURE)
    source = read_fingertips(FIXTURE)
    head = rows[rows["breakdown"] == ""].set_index("area")
    assert float(head.loc["cambridgeshire", "value"]) == pytest.approx(85.594, abs=1e-3)
    assert head.loc["cambridgeshire", "compared_to_england"] == "Better"
    assert head.loc["peterborough", "compared_to_region"] == "Similar"
    assert float(head.loc["peterborough", "region_mean"]) == pytest.approx(90.612, abs=1e-3)
    assert set(rows[rows["breakdown"] != ""]["breakdown"]) == {"0-9 yrs"}
    # the comparison rule replayed over every area of the excerpt against the published column
    england = source[(source["area_code"] == "E92000001") & source["is_headline"]]
    replayed = 0
    for row in source[source["area_type"].str.contains("UA")].itertuples():
        benchmark = england[england["age"] == row.age]["value"].iloc[0]
        if row.compared_to_england in ("Better", "Similar", "Worse"):
            got = compare_to_benchmark(
                row.value, row.lower_ci95, row.upper_ci95, benchmark, "lower"
            )
            assert got == row.compared_to_england, row.area_name
            replayed += 1
    assert replayed >= 15


def test_imported_rows_load_as_observations_and_areas_by_code_or_name(project, tmp_path, capsys):
    rows = imported(project, capsys, build_export(tmp_path / "export.csv"))
    obs = load_observations(
        project / "data" / "fingertips.csv", load_catalogue(project / "data" / "catalogue.csv")
    )
    assert len(obs) == len(rows)
    kinds = set(obs["period_kind"])
    assert kinds == {"calendar_year", "calendar_years", "quarters"}
    mapped = map_export(
        read_fingertips(tmp_path / "export.csv"), load_catalogue(project / "data" / "catalogue.csv")
    )
    assert re.search(r"ft_visits: \d+ rows", "\n".join(mapped.mapped))
