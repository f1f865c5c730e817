"""Realistic analysts' mistakes with real data, and what the workbook says about each.

Each is tried the way a new user would make it: fractions for percentages, a Fingertips export
given as observations, a whole column of periods in an unreadable form, areas written by ONS
code or name, figures only by district, sample commentary left in place, and indicators with
no data for the quarter. Errors stop with exit 2 and write nothing; warnings come from
`phreport check`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from phlib.cli import main
from phlib.errors import ObservationsError
from phlib.inputs.catalogue import load_catalogue
from phlib.inputs.observations import load_observations
from phlib.narratives.store import SAMPLE, WRITTEN, load
from phlib.run.closing import TAG, with_closing_cell
from phlib.workbook import Workbook

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = """indicator_id,title,service,unit,direction,target_kind,target_value,frequency,\
publication,small_percent
sh_offered,Offered within two days,sexual_health,percent,higher,threshold,90,quarter,public,
sh_rare,Rare complication,sexual_health,percent,lower,none,,quarter,public,yes
sh_visits,Visits by district,sexual_health,count,higher,none,,quarter,public,
sh_new,A new indicator no notebook places,sexual_health,per_100000,lower,none,,year,public,
"""
AREAS = (
    "area,name,ons_code\ncambridgeshire,Cambridgeshire,E10000003\n"
    "peterborough,Peterborough,E06000031\n"
)


@pytest.fixture
def folder(tmp_path) -> Path:
    (tmp_path / "catalogue.csv").write_text(CATALOGUE, encoding="utf-8")
    (tmp_path / "areas.csv").write_text(AREAS, encoding="utf-8")
    return tmp_path


def observations(folder: Path, rows: list[str], name: str = "obs.csv") -> Path:
    path = folder / name
    header = "indicator_id,area,period,breakdown,value,numerator,denominator,england_mean\n"
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def problems_of(path: Path, folder: Path) -> list[str]:
    with pytest.raises(ObservationsError) as caught:
        load_observations(path, load_catalogue(folder / "catalogue.csv"))
    return [str(p) for p in caught.value.problems]


def test_percentages_given_as_fractions_are_refused_with_the_rows_and_the_fix(folder):
    rows = [f"sh_offered,peterborough,2022-23-Q{q},,0.{80 + q},,,0.79" for q in (1, 2, 3)]
    found = problems_of(observations(folder, rows), folder)
    assert len(found) == 1
    assert "row 2" in found[0] and "3 rows of sh_offered, a percentage" in found[0]
    assert "row 2 (0.81), row 3 (0.82), row 4 (0.83)" in found[0]
    assert "multiply the values and comparators by 100" in found[0] and "small_percent" in found[0]


def test_a_percentage_genuinely_under_one_percent_is_admitted_by_the_catalogue_flag(folder):
    rows = [f"sh_rare,peterborough,2022-23-Q{q},,0.{q}4,{q},1000,0.3" for q in (1, 2, 3)]
    obs = load_observations(observations(folder, rows), load_catalogue(folder / "catalogue.csv"))
    assert obs["value"].tolist() == [0.14, 0.24, 0.34]


def test_one_real_value_above_one_means_the_file_is_on_the_right_scale(folder):
    rows = [
        "sh_offered,peterborough,2022-23-Q1,,0.8,,,",
        "sh_offered,peterborough,2022-23-Q2,,81,,,",
    ]
    obs = load_observations(observations(folder, rows), load_catalogue(folder / "catalogue.csv"))
    assert len(obs) == 2


def test_a_fingertips_export_given_as_observations_names_the_command(folder):
    export = folder / "export.csv"
    shutil.copy(ROOT / "tests" / "fixtures" / "fingertips_sample.csv", export)
    found = problems_of(export, folder)
    assert found == [
        f"{export}, row 1: this is a Fingertips export, not a tidy observations file. Fix: run "
        f"'phreport import fingertips {export}', which writes data/fingertips.csv, and list that "
        "file under data: observations in the parameter file instead of this one"
    ]


def test_ninety_rows_with_the_same_fault_are_one_line_with_the_first_rows(folder):
    rows = [f"sh_offered,peterborough,Week {n},,50,,," for n in range(1, 91)]
    found = problems_of(observations(folder, rows), folder)
    assert len(found) == 1
    assert found[0].startswith(f"{folder / 'obs.csv'}, row 2, column 'period': 90 rows: the period")
    assert "(rows 2, 3, 4 and 87 more; values 'Week 1', 'Week 2', 'Week 3')" in found[0]


def test_calendar_years_are_read_and_keep_their_own_label(folder):
    rows = [f"sh_new,peterborough,{year},,{year - 1990}.5,,," for year in range(2015, 2022)]
    obs = load_observations(observations(folder, rows), load_catalogue(folder / "catalogue.csv"))
    assert obs["period"].tolist() == [str(y) for y in range(2015, 2022)]
    assert set(obs["period_kind"]) == {"calendar_year"}


def test_areas_by_ons_code_or_name_are_accepted(folder):
    rows = [
        "sh_offered,E06000031,2022-23-Q3,,81,,,",
        "sh_offered, cambridgeshire ,2022-23-Q2,,82,,,",
        "sh_offered,CAMBRIDGESHIRE,2022-23-Q3,,83,,,",
    ]
    obs = load_observations(observations(folder, rows), load_catalogue(folder / "catalogue.csv"))
    assert obs["area"].tolist() == ["peterborough", "cambridgeshire", "cambridgeshire"]


def book(folder: Path, path: Path, area: str = "peterborough") -> Workbook:
    return Workbook.open(
        "2022-23-Q3",
        area,
        "sexual_health",
        catalogue_path=folder / "catalogue.csv",
        areas_path=folder / "areas.csv",
        observation_paths=[path],
    )


def test_a_breakdown_without_a_headline_is_shown_as_its_breakdown(folder):
    rows = [
        "sh_visits,peterborough,2022-23-Q3,North,40,,,",
        "sh_visits,peterborough,2022-23-Q3,South,25,,,",
    ]
    html = BeautifulSoup(
        book(folder, observations(folder, rows)).card("sh_visits").html, "html.parser"
    )
    assert html.select_one(".card-period").get_text() == "Q3 2022/23"
    assert "There is no figure for the whole area for Q3 2022/23" in html.get_text()
    figure = html.select_one("figure")
    assert figure is not None and "by district" in figure.get_text()


def test_indicators_no_cell_places_appear_under_other_indicators(folder):
    rows = [
        "sh_offered,peterborough,2022-23-Q3,,81,,,",
        "sh_new,peterborough,2021,,12.5,25,200000,",
    ]
    wb = book(folder, observations(folder, rows))
    wb.card("sh_offered")
    wb.kpi_table(["sh_rare"], "Rare")
    html = BeautifulSoup(wb.other_indicators().html, "html.parser")
    assert [c["id"] for c in html.select("section.card")] == ["ind-sh_visits", "ind-sh_new"]
    new = html.select_one("#ind-sh_new")
    assert new.select_one(".card-period").get_text() == "2021 (latest available)"
    assert "Byar's method" in new.get_text()  # interval worked out from X and Y
    wb.card("sh_visits")
    wb.card("sh_new")
    assert wb.other_indicators().html == ""


def test_the_run_adds_one_closing_cell_to_each_notebook():
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "healthy_child.ipynb", as_version=4)
    count = len(nb.cells)
    once = with_closing_cell(with_closing_cell(nb))
    assert len(once.cells) == count + 1
    assert once.cells[-1].source == "wb.other_indicators()" and TAG in once.cells[-1].metadata.tags


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    for name in ("notebooks", "parameters", "narratives"):
        shutil.copytree(ROOT / name, root / name)
    (root / "data").mkdir()
    for name in ("catalogue.csv", "areas.csv"):
        shutil.copy(ROOT / "data" / name, root / "data" / name)
    source = (ROOT / "data" / "observations.csv").read_text(encoding="utf-8").splitlines()
    kept = [source[0]] + [line for line in source[1:] if ",2022-" in line or ",2021-" in line]
    (root / "data" / "observations.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    return root


def check(root: Path, capsys, *args) -> tuple[int, str]:
    code = main(["check", "2022-23-Q3", "--project", str(root), "--areas", "cambridgeshire", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_check_lists_sample_narratives_and_missing_values_and_a_public_check_refuses(
    project, capsys
):
    catalogue = project / "data" / "catalogue.csv"
    catalogue.write_text(
        catalogue.read_text(encoding="utf-8")
        + "hc_new_thing,,A new indicator,health_checks,,count,0,higher,none,,"
        "Contextual,quarter,,public,,,,,,\n",
        encoding="utf-8",
    )
    code, out = check(project, capsys)
    assert code == 0, out
    assert "cambridgeshire: 3 of 116 indicators have no value for Q3 2022/23" in out
    assert "health_checks (1): hc_new_thing" in out
    assert "section(s) hold the sample text that comes with the workbook" in out
    assert "narratives/2022-23-Q3/cambridgeshire/sexual_health.md" in out
    code, out = check(project, capsys, "--publication", "public")
    assert code == 2 and "holds the sample text, not commentary on this area" in out


def test_the_sample_narratives_are_marked_and_shown_as_sample():
    doc = load(ROOT / "narratives" / "2022-23-Q3" / "cambridgeshire" / "sexual_health.md")
    assert {s.status for s in doc.sections.values()} == {SAMPLE}
    from phlib.narratives.cells import cell_text

    assert cell_text(next(iter(doc.sections.values()))).startswith("> *Sample text: made-up")
    assert SAMPLE != WRITTEN
