"""Intervals and comparisons on cards: published first, computed by the catalogue's ci_method
otherwise, Fingertips' words, and nothing shown where a figure is hidden."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pytest
from bs4 import BeautifulSoup

from phlib.display.cards import Card, card_html
from phlib.rules.intervals import byar_ci, wilson_ci
from phlib.rules.significance import NOT_COMPARED, significance

RATE = NS(unit="per_100000", ci_method="byar", direction="lower")
PERCENT = NS(unit="percent", ci_method="wilson", direction="higher")


def test_published_interval_and_words_win_over_computed_ones():
    row = {
        "value": 42.0,
        "numerator": 275,
        "denominator": 654800,
        "lower_ci95": 30.0,
        "upper_ci95": 60.0,
        "england_mean": 50.1,
        "compared_to_england": "Better",
    }
    found = significance(RATE, row)
    assert (found.lower, found.upper, found.interval_source) == (30.0, 60.0, "published")
    assert found.england == "Better"  # computed from 30-60 it would be "Similar"


def test_computed_by_the_catalogue_method_when_nothing_is_published():
    rate = significance(
        RATE,
        {
            "value": 42.0,
            "numerator": 275,
            "denominator": 654800,
            "england_mean": 50.1,
            "region_mean": 47.9,
        },
    )
    assert (rate.lower, rate.upper) == pytest.approx(byar_ci(275, 654800))
    assert (rate.england, rate.region, rate.interval_source) == ("Better", "Better", "computed")
    share = significance(
        PERCENT, {"value": 26.6, "numerator": 266, "denominator": 1000, "england_mean": 26.0}
    )
    assert (share.lower, share.upper) == pytest.approx(wilson_ci(266, 1000))
    assert share.england == "Similar"
    none = NS(unit="percent", ci_method="none", direction="higher")
    bare = significance(
        none, {"value": 26.6, "numerator": 266, "denominator": 1000, "england_mean": 20.0}
    )
    assert bare.lower is None and bare.england == NOT_COMPARED


@pytest.mark.parametrize(
    ("england", "word"), [(30.0, "Lower"), (20.0, "Higher"), (26.0, "Similar")]
)
def test_without_a_direction_the_words_are_higher_and_lower(england, word):
    ind = NS(unit="percent", ci_method="wilson", direction="none")
    row = {"value": 26.6, "numerator": 266, "denominator": 1000, "england_mean": england}
    assert significance(ind, row).england == word


def test_england_itself_and_missing_benchmarks():
    row = {"value": 50.1, "lower_ci95": 49.7, "upper_ci95": 50.5, "england_mean": 50.1}
    assert significance(RATE, row, is_england=True).england == NOT_COMPARED
    assert significance(RATE, {"value": 50.1, "lower_ci95": 49.7, "upper_ci95": 50.5}).england == ""
    assert significance(RATE, None).lower is None


def card(**changes) -> Card:
    values = dict(
        indicator_id="ft_a",
        title="Infections",
        current=61.5,
        unit="per_100000",
        direction="lower",
        lower_ci=51.0,
        upper_ci=73.5,
        compared_to_england="Worse",
        compared_to_region="Similar",
        region_mean=47.9,
    )
    return Card(**(values | changes))


def test_the_card_shows_the_interval_region_and_both_comparisons():
    html = BeautifulSoup(card_html(card()), "html.parser")
    row = html.select_one("table.card-row-3")
    heads = [th.get_text() for th in row.select("th")]
    assert heads == [
        "95% confidence interval",
        "Region",
        "Compared with England",
        "Compared with region",
    ]
    assert [td.get_text() for td in row.select("td")] == [
        "51.0 to 73.5",
        "47.9",
        "Worse",
        "Similar",
    ]
    assert row.select_one(".compare-worse").get_text() == "Worse"


def test_no_interval_or_comparison_where_the_figure_is_hidden():
    withheld = card_html(card(restricted=True, publication="public"))
    suppressed = card_html(card(suppressed_fields={"current"}))
    for html in (withheld, suppressed):
        assert "card-row-3" not in html and "51.0" not in html
    assert "card-row-3" not in card_html(
        card(
            lower_ci=None,
            upper_ci=None,
            region_mean=None,
            compared_to_england="",
            compared_to_region="",
        )
    )
