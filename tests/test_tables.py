"""KPI, comparison and contract tables: layout, formatting, RAG words, escaping, accessibility."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from pandas.io.formats.style import Styler

from phlib.display.tables import KpiRow, comparison_table, contracts_table, kpi_table, table_html

MONTHS = ["Jul 2018", "Aug 2018", "Sep 2018"]


def annex_b_tables():
    """Tables 2 and 5 of the Peterborough annex (Q2 2018/19), with RAG words as inputs."""
    return [
        KpiRow(
            "Percentage of people with STI needs offered an appointment within 2 working days",
            90,
            dict(zip(MONTHS, [73, 58, 68], strict=True)),
            "percent",
            0,
            dict(zip(MONTHS, ["Red", "Red", "Red"], strict=True)),
        ),
        (
            "Percentage of chlamydia positive patients treated within 6 weeks",
            95,
            dict(zip(MONTHS, [89, 92, 87], strict=True)),
            "percent",
            0,
            dict(zip(MONTHS, ["Amber", "Amber", "Amber"], strict=True)),
        ),
    ]


def parse(styler: Styler) -> BeautifulSoup:
    return BeautifulSoup(table_html(styler), "html.parser")


def grid(table) -> list[list[str]]:
    return [
        [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
        for tr in table.find_all("tr")
    ]


def test_kpi_table_is_a_styler_laid_out_as_the_annexes_print():
    styler = kpi_table(annex_b_tables(), MONTHS, "Sexual health KPIs", number="Table 6.1")
    assert isinstance(styler, Styler)
    page = parse(styler)
    table = page.find("table")
    assert table["class"] == ["kpi"]
    assert table.caption.get_text() == "Table 6.1: Sexual health KPIs"
    assert grid(table) == [
        ["Measure", "Threshold", "Jul 2018", "Aug 2018", "Sep 2018"],
        [
            "Percentage of people with STI needs offered an appointment within 2 working days",
            "90%",
            "73% Red",
            "58% Red",
            "68% Red",
        ],
        [
            "Percentage of chlamydia positive patients treated within 6 weeks",
            "95%",
            "89% Amber",
            "92% Amber",
            "87% Amber",
        ],
    ]


def test_headers_have_scope_and_each_row_a_row_header():
    table = parse(kpi_table(annex_b_tables(), MONTHS, "KPIs")).find("table")
    assert [th["scope"] for th in table.thead.find_all("th")] == ["col"] * 5
    for row in table.tbody.find_all("tr"):
        first = row.find(["th", "td"])
        assert (first.name, first["scope"]) == ("th", "row")
        assert len(row.find_all("td")) == 4
    html = str(table)
    assert "<style" not in html and ' id="' not in html


def test_rag_cells_carry_the_colour_class_and_the_visible_word():
    table = parse(kpi_table(annex_b_tables(), MONTHS, "KPIs")).find("table")
    cell = table.tbody.find_all("tr")[1].find_all("td")[1]
    assert cell["class"] == ["value", "rag-cell", "rag-amber"]
    assert cell.select_one("span.rag-word").get_text() == "Amber"


def test_numbered_caption_from_an_int_and_target_label():
    styler = kpi_table(annex_b_tables(), MONTHS, "KPIs", number=2, target_label="Target")
    assert styler.caption == "Table 2: KPIs"
    assert parse(styler).find("th").find_next("th").get_text() == "Target"


def test_missing_values_show_na_and_carry_no_rating():
    row = KpiRow(
        "LARC within 5 working days",
        80,
        {"Q1": 81.4, "Q2": None},
        "percent",
        1,
        {"Q1": "Green", "Q2": "Red"},
    )
    table = parse(kpi_table([row], ["Q1", "Q2", "Q3"], "LARC")).find("table")
    assert grid(table)[1] == ["LARC within 5 working days", "80.0%", "81.4% Green", "N/A", "N/A"]
    assert "rag-red" not in str(table)


def test_suppressed_values_show_star_without_rating():
    row = KpiRow(
        "Chlamydia treated", 95, {"Q1": "*", "Q2": 96.0}, "percent", 0, {"Q1": "Red", "Q2": "Green"}
    )
    table = parse(kpi_table([row], ["Q1", "Q2"], "x")).find("table")
    assert grid(table)[1] == ["Chlamydia treated", "95%", "*", "96% Green"]
    assert "rag-red" not in str(table) and "Red" not in table.get_text()
    with pytest.raises(TypeError, match="'12'"):
        kpi_table([KpiRow("m", 1, {"Q1": "12"})], ["Q1"], "x")


def test_target_text_when_no_numeric_target_and_counts_format():
    row = KpiRow("Contacts per 100,000", None, {"Q3": 3552.5}, "per_100000", 1, target_text="TBC")
    other = KpiRow("Quitters", None, {"Q3": 1234}, "count", 0)
    assert grid(parse(kpi_table([row, other], ["Q3"], "x")).find("table"))[1:] == [
        ["Contacts per 100,000", "TBC", "3,552.5"],
        ["Quitters", "N/A", "1,234"],
    ]


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", '" onmouseover="x'])
def test_data_text_is_escaped_in_measure_period_caption_and_rag(payload):
    row = KpiRow(payload, 90, {payload: 50}, "percent", 0, {payload: payload})
    html = table_html(kpi_table([row], [payload], payload))
    assert "<script" not in html and 'onmouseover="' not in html
    page = BeautifulSoup(html, "html.parser")
    assert page.caption.get_text() == payload
    assert page.find("th", scope="row").get_text() == payload
    assert page.find_all("th", scope="col")[2].get_text() == payload


def test_duplicate_periods_and_unknown_units_are_refused():
    with pytest.raises(ValueError, match="'Q1' appears twice"):
        kpi_table(annex_b_tables(), ["Q1", "Q1"], "x")
    with pytest.raises(ValueError, match="unit 'percentage'"):
        kpi_table([("m", 1, {}, "percentage", 0)], ["Q1"], "x")


def test_comparison_table_three_years_against_neighbours_and_england():
    styler = comparison_table(
        ["2019/20", "2020/21", "2021/22"],
        [90.1, 89.0, 88.0],
        [91.0, 91.5, 91.7],
        [91.2, 91.6, None],
        "Cambridgeshire",
        "New client contacts",
        number="Table 1.2",
    )
    table = parse(styler).find("table")
    assert table["class"] == ["kpi", "comparison"]
    assert grid(table) == [
        ["Comparator", "2019/20", "2020/21", "2021/22"],
        ["Cambridgeshire", "90.1%", "89.0%", "88.0%"],
        ["Statistical neighbour mean", "91.0%", "91.5%", "91.7%"],
        ["England mean", "91.2%", "91.6%", "N/A"],
    ]
    with pytest.raises(ValueError, match="England mean has 2 values but there are 3 years"):
        comparison_table(["a", "b", "c"], [1, 2, 3], [1, 2, 3], [1, 2], "X", "y")


def test_contracts_table_counts_returned_and_delivering_of_sent_out():
    rows = [
        ("Stop Smoking", {"GPs": (9, 23), "Community pharmacies": (1, 16)}),
        ("NHS Health Checks", {"GPs": (19, 23), "Community pharmacies": None}),
        ("Emergency Hormonal Contraception", {"Community pharmacies": (16, 30)}),
        ("Not yet sent", {"GPs": (0, 0)}),
    ]
    table = parse(
        contracts_table(
            rows, ["GPs", "Community pharmacies"], "Primary care contracts in Peterborough", 15
        )
    ).find("table")
    assert table.caption.get_text() == "Table 15: Primary care contracts in Peterborough"
    assert grid(table) == [
        ["Service", "GPs: delivering of sent out", "Community pharmacies: delivering of sent out"],
        ["Stop Smoking", "9 of 23 (39%)", "1 of 16 (6%)"],
        ["NHS Health Checks", "19 of 23 (83%)", "N/A"],
        ["Emergency Hormonal Contraception", "N/A", "16 of 30 (53%)"],
        ["Not yet sent", "0 of 0", "N/A"],
    ]


def test_table_html_keeps_entities_and_can_skip_row_headers():
    row = KpiRow("A & B", 1, {"Q1": 2}, "count", 0)
    html = table_html(kpi_table([row], ["Q1"], "C & D"), row_headers=False)
    assert "A &amp; B" in html and "<caption>C &amp; D</caption>" in html
    assert 'scope="row"' not in html
