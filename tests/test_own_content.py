"""An analyst's own content: wb.figure, wb.table, wb.data, and the notebook parameters.

The inputs are written as the CSV files a council would give (catalogue, areas, observations):
a count with small numbers and a breakdown by district, a percent whose numerator is small in
one quarter, and a restricted indicator.
"""

from __future__ import annotations

import csv
import inspect
import json
import math
import re
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
import support
from bs4 import BeautifulSoup

from phlib.errors import ParameterError, UnknownNameError
from phlib.inputs.config import load_parameters
from phlib.inputs.notebook_parameters import NOTEBOOK_PARAMETERS
from phlib.rules.period_parsing import quarters_between
from phlib.run.quarter import parameters_for
from phlib.workbook import Workbook

matplotlib.use("agg")
ROOT = Path(__file__).resolve().parents[1]
CATALOGUE_HEADER = ("indicator_id,ref,title,service,section,unit,decimals,direction,target_kind,"
                    "target_value,status,frequency,lag_months,publication")  # fmt: skip
CATALOGUE_ROWS = [
    "visits,59,Visits within 14 days,sexual_health,Access,percent,1,higher,threshold,90,,"
    "quarter,0,public",
    "clinics,,Clinic attendances,sexual_health,Activity,count,0,higher,none,,Contextual,"
    "quarter,0,public",
    "uptake,,Uptake of the offer,sexual_health,Activity,percent,1,higher,none,,Contextual,"
    "quarter,0,public",
    "secret,201,Completions in treatment,sexual_health,Treatment,percent,2,higher,threshold,"
    "20.4,,quarter,0,restricted",
]
OBS_HEADER = ("indicator_id,area,period,breakdown,value,numerator,denominator,target,"
              "stat_neighbour_mean,england_mean,comparator_period,note")  # fmt: skip
DISTRICTS = {"Ely": 46, "March": 3, "Wisbech": 103}  # Q3 2022/23; the total is 152


def _observations() -> list[list]:
    rows = []
    for i, quarter in enumerate(quarters_between("2021-22-Q1", "2022-23-Q4")):
        q = quarter.id
        rows.append(["visits", "north", q, "", 40.0 + i, "", "", "", 87.0, 83.0, "2021/22", ""])
        clinics = 2 if q == "2022-23-Q1" else 150 + i
        rows.append(["clinics", "north", q, "", clinics, "", "", "", "", "", "", ""])
        numerator = 3 if q == "2022-23-Q2" else 30
        rows.append(["uptake", "north", q, "", numerator, numerator, 100, "", "", "", "", ""])
        rows.append(["secret", "north", q, "", 21.25, 17, 80, "", 19.0, 18.0, "", ""])
    for district, value in DISTRICTS.items():
        rows.append(["clinics", "north", "2022-23-Q3", district, value, "", "", "", "", "", "", ""])
    return rows


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("own")
    (folder / "catalogue.csv").write_text(
        "\n".join([CATALOGUE_HEADER, *CATALOGUE_ROWS]) + "\n", encoding="utf-8"
    )
    (folder / "areas.csv").write_text("area,name,ons_code\nnorth,North Shire,E1\n")
    with open(folder / "observations.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OBS_HEADER.split(","))
        writer.writerows(_observations())
    return folder


def soup(block) -> BeautifulSoup:
    return BeautifulSoup(block._repr_html_(), "html.parser")


def own_line_chart(values=(40, 52, 47)):
    fig, ax = plt.subplots()
    ax.plot(["Q1", "Q2", "Q3"], list(values), label="Referrals")
    ax.set_xlabel("Quarter")
    ax.set_ylabel("Referrals")
    return fig


# -- wb.figure -------------------------------------------------------------------------------
def test_own_figure_is_numbered_after_the_built_in_figures(inputs):
    wb = support.open_workbook(inputs)
    built_in = soup(wb.card("visits")).find_all("figcaption")
    assert [c.get_text().split(":")[0] for c in built_in] == ["Figure 3.1", "Figure 3.2"]
    page = soup(wb.figure(own_line_chart(), "Referrals & visits by quarter"))
    assert page.find("figure")["id"] == "fig-3-3"
    assert page.find("figcaption").get_text() == "Figure 3.3: Referrals & visits by quarter"
    assert page.find("img")["src"].startswith("data:image/svg+xml;base64,")


def test_own_figure_alt_text_is_written_from_the_figure(inputs):
    page = soup(support.open_workbook(inputs).figure(own_line_chart(), "Referrals by quarter"))
    alt = page.find("img")["alt"]
    assert alt.startswith("Line chart of Referrals by quarter: Referrals by Quarter, Q1 to Q3.")
    assert "Referrals 47 in Q3, down from 52 in Q2." in alt
    assert "Highest Q2 (52); lowest Q1 (40)." in alt


def test_own_figure_keeps_given_alt_text_and_has_a_data_table(inputs):
    page = soup(support.open_workbook(inputs).figure(own_line_chart(), "Referrals", alt="Falling."))
    assert page.find("img")["alt"] == "Falling."
    table = page.find("table", class_="data-table")
    assert [th.get_text() for th in table.find("thead").find_all("th")] == [
        "Quarter",
        "Referrals",
    ]
    assert [td.get_text() for td in table.find_all("td")] == ["40", "52", "47"]


def test_own_figure_is_closed_and_axes_are_accepted(inputs):
    fig = own_line_chart()
    number = fig.number
    support.open_workbook(inputs).figure(fig.axes[0], "Referrals")
    assert not plt.fignum_exists(number)


def test_own_bar_chart_alt_text_names_each_bar_and_reference_line(inputs):
    fig, ax = plt.subplots()
    ax.bar(["Ely", "March", "Wisbech"], [46, float("nan"), 103], label="Checks")
    ax.axhline(60, label="Target")
    alt = soup(support.open_workbook(inputs).figure(fig, "Checks by district")).find("img")["alt"]
    assert alt.startswith("Bar chart of Checks by district, Ely to Wisbech.")
    assert "Checks: Ely 46, March N/A and Wisbech 103." in alt  # a gap, never 0
    assert "Target at 60." in alt


def test_own_figure_needs_a_figure_and_a_title(inputs):
    wb = support.open_workbook(inputs)
    with pytest.raises(TypeError, match="needs a matplotlib Figure"):
        wb.figure([1, 2, 3], "Referrals")
    fig = own_line_chart()
    with pytest.raises(ValueError, match="needs a title"):
        wb.figure(fig, "  ")
    plt.close(fig)


# -- wb.table --------------------------------------------------------------------------------
def test_own_table_is_numbered_after_the_built_in_tables_and_escaped(inputs):
    wb = support.open_workbook(inputs)
    caption = soup(wb.kpi_table(["visits"], "Visits")).find("caption").get_text()
    assert caption == "Table 3.1: Visits"
    frame = pd.DataFrame({"District": ["Ely", "<b>March</b>"], "Checks": [1234.5, None]})
    page = soup(wb.table(frame, "Checks <by> district"))
    assert page.find("table")["class"] == ["kpi", "own"]
    assert page.find("caption").get_text() == "Table 3.2: Checks <by> district"
    assert [th.get_text() for th in page.find("thead").find_all("th")] == ["District", "Checks"]
    rows = [[c.get_text() for c in tr.find_all(["th", "td"])] for tr in page.tbody.find_all("tr")]
    assert rows == [["Ely", "1,234.5"], ["<b>March</b>", "N/A"]]
    assert page.find("b") is None  # the text was escaped, not markup
    assert page.tbody.find("th")["scope"] == "row"


def test_own_table_shows_a_named_index_as_its_first_column(inputs):
    frame = pd.DataFrame({"Checks": [3, 4]}, index=pd.Index(["Ely", "March"], name="District"))
    page = soup(support.open_workbook(inputs).table(frame, "Checks"))
    assert [th.get_text() for th in page.find("thead").find_all("th")] == ["District", "Checks"]


# -- wb.data ---------------------------------------------------------------------------------
def test_data_internal_shows_every_figure_up_to_the_quarter(inputs):
    data = support.open_workbook(inputs).data("clinics")
    headline = data[data["breakdown"] == ""]
    assert headline["period"].tolist()[-1] == "2022-23-Q3"  # Q4 is after the quarter
    assert headline["label"].tolist()[-1] == "Q3 2022/23"
    assert headline.set_index("period").loc["2022-23-Q1", "value"] == 2
    assert set(data["status"]) == {"shown"}
    assert data[data["breakdown"] != ""]["value"].tolist() == [46, 3, 103]


def test_data_public_suppresses_small_counts_and_what_would_reveal_them(inputs):
    data = support.open_workbook(inputs, "public").data("clinics")
    by = data.set_index(["period", "breakdown"])
    assert math.isnan(by.loc[("2022-23-Q1", ""), "value"])  # 2: small, a gap and never 0
    assert by.loc[("2022-23-Q1", ""), "status"] == "suppressed"
    districts = by.loc["2022-23-Q3"].drop(index="")
    assert districts["status"].to_dict() == {
        "Ely": "suppressed",  # secondary: 152 - 103 - Ely would give March away
        "March": "suppressed",
        "Wisbech": "shown",
    }
    assert districts["value"].isna().tolist() == [True, True, False]
    assert 0 not in data["value"].tolist()


def test_data_public_suppresses_a_percent_with_a_small_numerator(inputs):
    data = support.open_workbook(inputs, "public").data("uptake").set_index("period")
    row = data.loc["2022-23-Q2"]
    assert row["status"] == "suppressed"
    assert math.isnan(row["value"]) and math.isnan(row["numerator"])
    assert math.isnan(row["denominator"])
    assert data.loc["2022-23-Q3", "value"] == 30


def test_data_public_withholds_a_restricted_indicator(inputs):
    internal = support.open_workbook(inputs).data("secret")
    assert internal["value"].tolist()[-1] == 21.25
    public = support.open_workbook(inputs, "public").data("secret")
    assert len(public) == len(internal)
    assert set(public["status"]) == {"withheld"}
    figures = ["value", "numerator", "denominator", "target", "stat_neighbour_mean"]
    assert public[figures + ["england_mean"]].isna().all().all()


def test_a_table_of_public_data_shows_markers_not_zero(inputs):
    wb = support.open_workbook(inputs, "public")
    data = wb.data("clinics")
    latest = data[(data["period"] == "2022-23-Q3") & (data["breakdown"] != "")]
    page = soup(wb.table(latest[["breakdown", "value"]], "Clinics by district"))
    cells = [td.get_text() for td in page.tbody.find_all("td")]
    assert cells == ["*", "*", "103"]
    withheld = wb.data("secret").tail(2)[["label", "value"]]
    cells = [td.get_text() for td in soup(wb.table(withheld, "Completions")).find_all("td")]
    assert cells == ["Not published", "Not published"]


def test_data_unknown_id_names_it_and_suggests_close_ones(inputs):
    with pytest.raises(UnknownNameError) as error:
        support.open_workbook(inputs).data("clinic")
    message = str(error.value)
    assert "no indicator 'clinic' in the catalogue" in message
    assert "did you mean 'clinics'" in message
    assert "visits, clinics, uptake, secret" in message
    assert isinstance(error.value, KeyError)


# -- notebook parameters ---------------------------------------------------------------------
def test_unknown_notebook_parameter_is_an_error_naming_it_and_the_known_ones(inputs):
    with pytest.raises(ParameterError) as error:
        support.open_workbook(inputs, suppresion_max=5, data_dir="../data")
    names = {p.message for p in error.value.problems}
    assert names == {
        "unknown notebook parameter 'suppresion_max'",
        "unknown notebook parameter 'data_dir'",
    }
    text = str(error.value)
    assert "did you mean 'suppression_max'?" in text
    assert "The notebook parameters are " + ", ".join(NOTEBOOK_PARAMETERS) in text


def test_the_run_passes_exactly_the_parameters_workbook_open_accepts():
    config = load_parameters(ROOT / "parameters" / "2022-23-Q3.yaml", ROOT)
    passed = parameters_for(config, "cambridgeshire", "lifestyles")
    assert tuple(passed) == NOTEBOOK_PARAMETERS
    accepted = inspect.signature(Workbook.open).parameters
    assert set(NOTEBOOK_PARAMETERS) <= set(accepted)
    assert set(accepted) - set(NOTEBOOK_PARAMETERS) == {"service", "unknown"}


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=str)
def test_every_notebook_declares_exactly_the_notebook_parameters(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    cell = next(c for c in cells if "parameters" in c["metadata"].get("tags", []))
    declared = re.findall(r"^([A-Za-z_]\w*)\s*=", "".join(cell["source"]), re.M)
    assert tuple(declared) == NOTEBOOK_PARAMETERS


def test_architecture_documents_the_notebook_parameters():
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## Notebooks", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert tuple(re.findall(r"^([A-Za-z_]\w*)\s*=", block, re.M)) == NOTEBOOK_PARAMETERS
