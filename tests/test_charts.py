"""Charts: alt text from data, gaps for missing values, SVG size and content, figure HTML,
data tables, numbering and memory (no figure left open)."""

from __future__ import annotations

import base64
import re

import matplotlib
import numpy as np
import pytest
from bs4 import BeautifulSoup

from phlib.display.charts import (
    Chart,
    breakdown_chart,
    comparison_chart,
    spc_chart,
    trajectory_chart,
    trend_chart,
)
from phlib.display.embed import chart_html, data_table_html, render_svg
from phlib.display.numbering import Numbering, figure_label, label_id

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

MONTHS = ["Jul 2018", "Aug 2018", "Sep 2018"]
STI_TITLE = "Percentage of people with STI needs offered an appointment within 2 working days"
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
YEAR = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]


def months(count: int, start_year: int = 2020) -> list[str]:
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return [f"{names[i % 12]} {start_year + i // 12}" for i in range(count)]


def sti_chart(values=(73, 58, 68), target=90) -> Chart:
    return trend_chart(
        MONTHS,
        list(values),
        STI_TITLE,
        unit="percent",
        decimals=0,
        target=target,
        threshold_label="Threshold",
    )


def main_line(chart: Chart):
    return chart.figure.axes[0].lines[0]


def svg_of(html: str) -> str:
    src = BeautifulSoup(html, "html.parser").img["src"]
    assert src.startswith("data:image/svg+xml;base64,")
    return base64.b64decode(src.split(",", 1)[1]).decode("utf-8")


def every_chart() -> list[Chart]:
    periods = months(24)
    values = list(50 + 10 * np.sin(np.arange(24) / 3))
    return [
        sti_chart(),
        trajectory_chart(
            YEAR,
            [10, 25, 40, 52, 70, 85] + [None] * 6,
            list(np.cumsum([12] * 12)),
            "Four week quitters",
        ),
        comparison_chart(
            ["2019/20", "2020/21", "2021/22"],
            [88.0, 87.5, 86.0],
            [91.7, 90.0, 91.0],
            [91.8, 91.0, 90.5],
            "Cambridgeshire",
            "New contacts not resulting in long term support",
        ),
        breakdown_chart(
            ["Cambridge", "East Cambridgeshire", "Fenland"],
            [45.2, 50.1, 38.0],
            "Breastfeeding at 6 to 8 weeks",
            target=50,
            category_label="District",
        ),
        spc_chart(periods, values, 50, 65, 35, [i == 20 for i in range(24)], "Referrals"),
    ]


# alt text


def test_trend_alt_text_states_title_span_latest_target_and_change():
    assert sti_chart().alt_text == (
        f"Line chart of {STI_TITLE}, Jul 2018 to Sep 2018. Latest value 68% in Sep 2018 "
        "against a threshold of 90%. Up from 58% in Aug 2018."
    )


def test_alt_text_follows_the_data():
    assert sti_chart((73, 70, 61)).alt_text.endswith(
        "Latest value 61% in Sep 2018 against a threshold of 90%. Down from 70% in Aug 2018."
    )
    assert "against a threshold of 95%" in sti_chart(target=95).alt_text
    assert "threshold" not in sti_chart(target=None).alt_text
    assert sti_chart((73, 68.2, 68.4)).alt_text.endswith("Unchanged from 68% in Aug 2018.")


def test_missing_values_are_gaps_not_zeros_and_named_in_alt_text():
    chart = sti_chart((73, None, 68))
    ydata = np.asarray(main_line(chart).get_ydata(), dtype=float)
    assert np.isnan(ydata[1]) and ydata[0] == 73 and ydata[2] == 68
    assert "Down from 73% in Jul 2018." in chart.alt_text
    assert chart.alt_text.endswith("No data for Aug 2018.")
    assert chart.rows[1] == ("Aug 2018", "N/A", "90%")


def test_trailing_missing_value_reports_the_latest_available():
    chart = sti_chart((73, 58, None))
    assert "Latest value 58% in Aug 2018" in chart.alt_text


def test_comparators_appear_in_the_legend_rows_and_alt_text():
    chart = trend_chart(["Q1", "Q2"], [88.1, 88.0], "Contacts", sn=91.7, england=[91.0, 91.8])
    labels = [t.get_text() for t in chart.figure.axes[0].get_legend().get_texts()]
    assert labels == ["Performance", "Statistical neighbour mean", "England mean"]
    assert chart.columns == ("Period", "Performance", "Statistical neighbour mean", "England mean")
    assert "Latest statistical neighbour mean 91.7%; England mean 91.8%." in chart.alt_text


def test_trajectory_alt_text_compares_latest_cumulative_with_target():
    chart = every_chart()[1]
    assert chart.alt_text == (
        "Bar chart of Four week quitters: cumulative actual against cumulative target "
        "(straight line), Apr to Mar. By Sep the total was 85 against a cumulative target "
        "(straight line) of 72 (118% of the target)."
    )
    bars = chart.figure.axes[0].patches
    assert [b.get_height() for b in bars][:7] == [10, 25, 40, 52, 70, 85, 0]


def test_comparison_alt_text_names_latest_year_and_area_change():
    alt = every_chart()[2].alt_text
    assert "2019/20 to 2021/22" in alt
    assert (
        "In 2021/22: Cambridgeshire 86.0%; Statistical neighbour mean 91.0%; England mean 90.5%."
    ) in alt
    assert alt.endswith("Cambridgeshire 86.0% in 2021/22, down from 87.5% in 2020/21.")


def test_breakdown_alt_text_names_extremes_and_count_below_target():
    chart = breakdown_chart(
        ["A", "B", "C", "D"],
        [45.2, 50.1, None, 38.0],
        "Coverage",
        target=50,
        category_label="District",
    )
    assert chart.alt_text == (
        "Bar chart of Coverage by district, 4 bars. Highest B (50.1%); lowest D (38.0%). "
        "2 of 3 below the target of 50.0%. No data for C."
    )
    labels = [t.get_text() for t in chart.figure.axes[0].texts]
    assert "N/A" in labels


def test_spc_alt_text_names_mean_limits_and_special_causes():
    alt = every_chart()[4].alt_text
    assert "Mean 50.0%. Latest control limits 35.0% to 65.0%." in alt
    assert "Special cause variation in Sep 2021." in alt
    quiet = spc_chart(["Q1", "Q2"], [1, 2], 1.5, 3, 0, [False, False], "Calm", unit="count")
    assert "No special cause variation." in quiet.alt_text


@pytest.mark.parametrize(
    "make",
    [
        lambda: trend_chart(MONTHS, [None, None, float("nan")], "Quitters"),
        lambda: trajectory_chart(YEAR[:3], [None] * 3, [1, 2, 3], "Quitters"),
        lambda: comparison_chart(["2021/22"], [None], [None], [None], "Fenland", "Quitters"),
        lambda: breakdown_chart(["A"], [None], "Quitters"),
        lambda: spc_chart(["Q1"], [None], 1, 2, 0, [False], "Quitters"),
        lambda: trend_chart([], [], "Quitters"),
    ],
)
def test_all_missing_gives_a_no_data_chart(make):
    chart = make()
    assert chart.alt_text.endswith("of Quitters: no data available for this period.")
    texts = [t.get_text() for t in chart.figure.axes[0].texts]
    assert texts == ["No data available for this period"]
    assert "No data available for this period" in render_svg(chart).decode()


def test_lengths_must_match_the_periods():
    with pytest.raises(ValueError, match="target has 2 values but there are 3 periods"):
        trend_chart(MONTHS, [1, 2, 3], "x", target=[1, 2])
    with pytest.raises(ValueError, match="flags has 1 values"):
        spc_chart(MONTHS, [1, 2, 3], 2, 3, 1, [True], "x")


# SVG


def test_svg_of_a_36_point_trend_is_small_text_based_and_self_contained():
    periods = months(36)
    values = list(60 + 20 * np.sin(np.arange(36) / 4))
    values[5] = None
    chart = trend_chart(periods, values, "Monthly trend", target=90, sn=70, england=72)
    svg = render_svg(chart)
    assert len(svg) < 60_000
    text = svg.decode("utf-8")
    assert text.startswith("<svg") and "<!DOCTYPE" not in text
    assert set(re.findall(r"https?://[^\"'\s<>)]+", text)) <= NAMESPACES
    assert "url(" not in text.replace("url(#", "") and "@import" not in text
    assert ">Jan<" in text and ">2020<" in text  # labels stay text (two lines: month, year)


def test_rendering_is_repeatable():
    assert render_svg(sti_chart()) == render_svg(sti_chart())


def test_every_chart_renders_without_external_references_and_leaves_no_open_figure():
    plt.close("all")
    for chart in every_chart():
        html = chart_html(chart, "Figure 1.1")
        svg = svg_of(html)
        assert set(re.findall(r"https?://[^\"'\s<>)]+", svg)) <= NAMESPACES
        assert len(svg) < 60_000
    assert plt.get_fignums() == []


def test_a_pyplot_figure_is_closed_after_rendering():
    figure = plt.figure()
    figure.add_subplot().plot([1, 2])
    chart = Chart(figure, "Made with pyplot", "Line chart.", ("x",), (), "line chart")
    assert plt.get_fignums() != []
    render_svg(chart)
    assert plt.get_fignums() == []


# HTML


def test_chart_html_is_a_numbered_figure_with_alt_text_and_caption():
    html = chart_html(sti_chart(), 2, section=3)
    page = BeautifulSoup(html, "html.parser")
    figure = page.find("figure")
    assert figure["class"] == ["chart"] and figure["id"] == "fig-3-2"
    img = figure.find("img")
    assert img["role"] == "img"
    assert "Latest value 68% in Sep 2018 against a threshold of 90%" in img["alt"]
    assert figure.figcaption.get_text() == f"Figure 3.2: {STI_TITLE}"
    assert figure.find("details", class_="chart-data") is not None


def test_chart_html_caption_override_unnumbered_and_without_data_table():
    page = BeautifulSoup(
        chart_html(sti_chart(), caption="STI access", data_table=False), "html.parser"
    )
    assert page.figure.figcaption.get_text() == "STI access"
    assert not page.figure.has_attr("id") and page.find("details") is None


@pytest.mark.parametrize("payload", ['" onerror="alert(1)', "<script>alert(1)</script>"])
def test_titles_and_labels_are_escaped_in_html(payload):
    chart = breakdown_chart([payload], [5], payload, unit="count", category_label=payload)
    html = chart_html(chart, "Figure 1")
    assert "<script" not in html and 'onerror="' not in html
    page = BeautifulSoup(html, "html.parser")
    assert payload in page.img["alt"]
    assert page.figcaption.get_text() == f"Figure 1: {payload}"


def test_data_table_holds_the_chart_numbers_with_headers():
    page = BeautifulSoup(data_table_html(sti_chart((73, None, 68))), "html.parser")
    table = page.find("table")
    assert table.caption.get_text() == f"Data for: {STI_TITLE}"
    assert [th.get_text() for th in table.thead.find_all("th", scope="col")] == [
        "Period",
        "Performance",
        "Threshold",
    ]
    rows = [[c.get_text() for c in tr.find_all(["th", "td"])] for tr in table.tbody("tr")]
    assert rows == [
        ["Jul 2018", "73%", "90%"],
        ["Aug 2018", "N/A", "90%"],
        ["Sep 2018", "68%", "90%"],
    ]
    assert table.tbody.tr.th["scope"] == "row"


def test_chart_shows_itself_in_a_notebook_as_html():
    assert sti_chart()._repr_html_().startswith('<figure class="chart">')


# numbering


def test_numbering_runs_within_a_section_and_separately_for_tables():
    numbering = Numbering(3)
    assert [numbering.figure(), numbering.figure(), numbering.table(), numbering.figure()] == [
        "Figure 3.1",
        "Figure 3.2",
        "Table 3.1",
        "Figure 3.3",
    ]
    assert numbering.counts == {"figure": 3, "table": 1}
    shared = Numbering(1, shared=True)
    assert [shared.table(), shared.figure(), shared.table()] == [
        "Table 1.1",
        "Figure 1.2",
        "Table 1.3",
    ]
    with pytest.raises(ValueError, match="section 'three four' is not a section number"):
        Numbering("three four")


def test_labels_ids_and_numbers():
    assert label_id("Figure 10.12") == "fig-10-12"
    assert figure_label(4, 10) == "Figure 10.4"
    assert figure_label("Table 2.1", 9) == "Table 2.1"
    html = chart_html(sti_chart(), Numbering(7).figure())
    assert 'id="fig-7-1"' in html and "Figure 7.1: " in html
