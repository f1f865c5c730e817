"""The Workbook notebooks call: cards, KPI tables, charts and what a public build withholds."""

from __future__ import annotations

import csv
import re

import pytest
import support
from bs4 import BeautifulSoup

from phlib.rules.period_parsing import months_between, quarters_between
from phlib.workbook import Workbook

# fmt: off
CATALOGUE = [
    # id, ref, title, service, section, unit, decimals, direction, target_kind, target_value,
    # status, frequency, lag_months, publication
    ("kpi_month", "", "Offered within two days", "sexual_health", "Access", "percent", "0",
     "higher", "threshold", "90", "", "month", "0", "public"),
    ("visits", "59", "Visits within 14 days", "sexual_health", "Access", "percent", "1",
     "higher", "threshold", "90", "", "quarter", "0", "public"),
    ("checks", "53", "Checks completed", "sexual_health", "Activity", "count", "0", "higher",
     "annual", "20000", "", "quarter", "0", "public"),
    ("secret", "201", "Completions in treatment", "sexual_health", "Treatment", "percent", "2",
     "higher", "threshold", "20.4", "", "quarter", "0", "restricted"),
    ("small", "", "Rare events", "sexual_health", "Activity", "count", "0", "none", "none", "",
     "Contextual", "quarter", "0", "public"),
    ("insertions", "", "Implant insertions", "sexual_health", "LARC", "count", "0", "higher",
     "trajectory", "", "", "month", "0", "public"),
    ("plan", "", "Planned checks", "sexual_health", "Activity", "count", "0", "higher", "annual",
     "", "", "quarter", "0", "public"),
    ("contract_gp", "", "Contracts: GP practices delivering", "sexual_health", "Contracts",
     "percent", "1", "higher", "none", "", "Contextual", "quarter", "0", "public"),
]
# fmt: on
HEADER = [
    "indicator_id",
    "ref",
    "title",
    "service",
    "section",
    "unit",
    "decimals",
    "direction",
    "target_kind",
    "target_value",
    "status",
    "frequency",
    "lag_months",
    "publication",
]
OBS_HEADER = [
    "indicator_id",
    "area",
    "period",
    "breakdown",
    "value",
    "numerator",
    "denominator",
    "target",
    "stat_neighbour_mean",
    "england_mean",
    "comparator_period",
    "note",
]


def _observations():
    rows = []
    for area in ("north", "south"):
        for i, month in enumerate(months_between("2020-04", "2023-03")):
            value = 70 + (i % 7)
            rows.append(["kpi_month", area, month.id, "", value, value, 100, "", "", "", "", ""])
            rows.append(
                ["insertions", area, month.id, "", 40 + (i % 12), "", "", "", "", "", "", ""]
            )
        for i, quarter in enumerate(quarters_between("2020-21-Q1", "2022-23-Q4")):
            rows.append(
                ["visits", area, quarter.id, "", 38.0 + i, "", "", "", 87.0, 83.0, "2021/22", ""]
            )
            rows.append(
                ["checks", area, quarter.id, "", 2500 + 100 * i, "", "", "", "", "", "", ""]
            )
            rows.append(["secret", area, quarter.id, "", 21.25, "", "", "", "", "", "", ""])
            rows.append(
                [
                    "small",
                    area,
                    quarter.id,
                    "",
                    3 if area == "north" else 12,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ]
            )
            rows.append(["contract_gp", area, quarter.id, "", 39.1, 9, 23, "", "", "", "", ""])
            rows.append(["plan", area, quarter.id, "", 1000, "", "", 4200, "", "", "", ""])
        for district, value in (("Fenland", 30.0), ("Cambridge City", 68.0)):
            rows.append(["visits", area, "2022-23-Q3", district, value, "", "", "", "", "", "", ""])
    return rows


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    with open(folder / "catalogue.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(CATALOGUE)
    with open(folder / "areas.csv", "w", newline="", encoding="utf-8") as f:
        f.write("area,name,ons_code\nnorth,North Shire,E1\nsouth,South Town,E2\n")
    with open(folder / "observations.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(OBS_HEADER)
        writer.writerows(_observations())
    return folder


def soup(block):
    return BeautifulSoup(block._repr_html_(), "html.parser")


def test_card_shows_values_rating_and_numbered_figures(inputs):
    wb = support.open_workbook(inputs)
    page = soup(wb.card("visits"))
    text = page.get_text(" ")
    assert "Indicator 59: Visits within 14 days" in text
    assert "48.0%" in text and "47.0%" in text  # Q3 2022/23 is the 11th quarter: 38 + 10
    assert "Red" in text and "Improving" in text
    assert "England mean (2021/22)" in text
    captions = [c.get_text() for c in page.find_all("figcaption")]
    assert captions[0].startswith("Figure 3.1:") and captions[1].startswith("Figure 3.2:")
    assert any("by district" in c for c in captions)  # breakdown rows exist at Q3
    assert all(img["alt"] for img in page.find_all("img"))


def test_figures_number_on_through_the_notebook(inputs):
    wb = support.open_workbook(inputs)
    wb.card("visits")
    page = soup(wb.trajectory("insertions"))
    assert page.find("figcaption").get_text().startswith("Figure 3.4:")


def test_kpi_table_has_threshold_then_the_quarters_months(inputs):
    wb = support.open_workbook(inputs)
    page = soup(wb.kpi_table(["kpi_month"], "Access"))
    headers = [th.get_text() for th in page.find("thead").find_all("th")]
    assert headers == ["Measure", "Threshold", "Oct 2022", "Nov 2022", "Dec 2022"]
    assert page.find("caption").get_text() == "Table 3.1: Access"
    assert "Red" in page.get_text()


def test_quarterly_kpi_table_shows_the_years_quarters_to_date(inputs):
    page = soup(support.open_workbook(inputs).kpi_table(["visits"], "Visits"))
    headers = [th.get_text() for th in page.find("thead").find_all("th")]
    assert headers == ["Measure", "Target", "Q1", "Q2", "Q3"]


def test_annual_target_card_compares_year_to_date_with_pro_rata_target(inputs):
    text = soup(support.open_workbook(inputs).card("checks")).get_text(" ")
    # Q1-Q3 2022/23 are quarters 9-11: 3,300 + 3,400 + 3,500 = 10,200 against 15,000.
    assert "15,000" in text and "10,200" in text and "Red" in text


def test_trajectory_chart_alt_text_states_the_cumulative_position(inputs):
    alt = soup(support.open_workbook(inputs).trajectory("insertions")).find("img")["alt"]
    assert "cumulative" in alt.lower() and "Dec 2022" in alt


def test_contracts_table_reads_delivering_of_sent_out(inputs):
    page = soup(
        support.open_workbook(inputs).contracts(
            {"Stop smoking": {"GP practices": "contract_gp"}}, "Contracts"
        )
    )
    assert "9 of 23 (39%)" in page.get_text()


def test_scorecard_lists_every_indicator_of_the_service(inputs):
    page = soup(support.open_workbook(inputs).scorecard())
    assert len(page.find("tbody").find_all("tr")) == len(CATALOGUE)


def test_public_build_withholds_restricted_figures_everywhere(inputs):
    wb = support.open_workbook(inputs, publication="public")
    html = wb.card("secret")._repr_html_() + wb.scorecard()._repr_html_()
    html += wb.kpi_table(["secret"], "Restricted")._repr_html_()
    assert "21.25" not in html and "21.3" not in html
    assert "Not published" in html
    assert "<img" not in wb.card("secret")._repr_html_()
    kpi = soup(wb.kpi_table(["secret"], "Restricted"))
    cells = [td.get_text(strip=True) for td in kpi.find("tbody").find_all("td")]
    assert cells and set(cells) == {"Not published"}
    internal = support.open_workbook(inputs).card("secret")._repr_html_()
    assert "21.25%" in internal and "Not for publication" in internal


def test_public_build_suppresses_small_counts_and_never_shows_zero(inputs):
    wb = support.open_workbook(inputs, publication="public")
    card = soup(wb.card("small"))
    cells = [td.get_text(" ", strip=True) for td in card.find_all("td")]
    assert "*" in cells
    assert not re.search(r"(?<![\d.,])3(?![\d.,%])", " ".join(cells))
    assert "0" not in cells
    for img in card.find_all("img"):
        assert "3 in" not in img["alt"]
    other = soup(support.open_workbook(inputs, publication="public", area="south").card("small"))
    assert "12" in other.get_text(" ")


def test_unknown_area_or_service_is_refused_with_a_hint(inputs):
    with pytest.raises(KeyError, match="north"):
        support.open_workbook(inputs, area="nroth")
    with pytest.raises(KeyError, match="sexual_health"):
        Workbook.open(
            "2022-23-Q3",
            "north",
            "sexual_helth",
            catalogue_path=str(inputs / "catalogue.csv"),
            observation_paths=[str(inputs / "observations.csv")],
        )


def test_trajectory_and_card_use_the_annual_target_given_in_the_data(inputs):
    wb = support.open_workbook(inputs)
    table = soup(wb.trajectory("plan")).find("table")
    rows = {
        r.find("th").get_text(): [td.get_text() for td in r.find_all("td")]
        for r in table.find("tbody").find_all("tr")
    }
    assert rows["Q3 2022/23"] == ["3,000", "3,150"]  # 4,200 x 9/12
    assert "3,150" in soup(wb.card("plan")).get_text(" ")


def test_kpi_table_does_not_rate_periods_against_a_full_year_target(inputs):
    page = soup(support.open_workbook(inputs).kpi_table(["plan"], "Plan"))
    assert "Red" not in page.get_text() and "4,200" in page.get_text()


def headline_text(block) -> list[str]:
    return [
        p.get_text() for p in soup(block).select('div[data-headline="generated"] p.headline-text')
    ]


def test_trajectory_contracts_and_scorecard_have_a_generated_headline_first(inputs):
    wb = support.open_workbook(inputs)
    for block in (
        wb.trajectory("insertions"),
        wb.contracts({"Stop smoking": {"GP practices": "contract_gp"}}, "Contracts"),
        wb.scorecard(),
    ):
        assert block.html.startswith('<div class="headline" data-headline="generated"')
    [trajectory] = headline_text(wb.trajectory("insertions"))
    assert trajectory.startswith("Implant insertions reached ") and "up to Dec 2022" in trajectory
    assert "the trajectory of " in trajectory and "for that month" in trajectory
    contracts = wb.contracts({"Stop smoking": {"GP practices": "contract_gp"}}, "Contracts")
    assert headline_text(contracts) == [
        "In Q3 2022/23, 9 of 23 contracts sent out were delivering (39%)."
    ]
    [scorecard] = headline_text(wb.scorecard())
    assert "rated against a target in Q3 2022/23" in scorecard


def test_scorecard_shows_variation_and_assurance_as_words_with_symbols(inputs):
    page = soup(support.open_workbook(inputs).scorecard())
    heads = [th.get_text() for th in page.find("thead").find_all("th")]
    assert heads[-2:] == ["Variation", "Assurance"]
    row = page.find("tr", id="sc-kpi_month")
    variation, assurance = [td for td in row.find_all("td")][-2:]
    for cell in (variation, assurance):
        span = cell.find("span", class_="spc")
        assert span is not None and span.find("span", attrs={"aria-hidden": "true"}).get_text()
    assert "Consistently failing" in assurance.get_text()  # 70-76% against a 90% threshold
    quarterly = page.find("tr", id="sc-visits").find_all("td")[-2:]
    assert [td.get_text() for td in quarterly] == ["", ""]  # no control chart, no words


def test_a_trajectory_of_suppressed_counts_has_no_headline_in_a_public_build(inputs):
    internal = headline_text(support.open_workbook(inputs).trajectory("small"))
    assert internal == [
        "Rare events reached 9 in 2022/23 up to Q3 2022/23; no target is set for the year."
    ]
    public = support.open_workbook(inputs, publication="public").trajectory("small")
    assert headline_text(public) == [] and "<img" in public.html
