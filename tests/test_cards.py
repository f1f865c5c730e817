"""Indicator cards: value formatting, structure, escaping, restriction and suppression."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from phlib.display.cards import WITHHELD, Card, card_html, card_summary_row, format_value

PAYLOADS = ["<script>alert(1)</script>", '" onmouseover="x', "<img src=x onerror=alert(1)>"]


def card_230(**changes) -> Card:
    """Indicator 230 as the Q3 2022/23 committee report prints it (rating given as input)."""
    card = Card(
        indicator_id="asc_230",
        ref="230",
        title="Number of new client contacts for Adult Social Care per 100,000 of the population",
        period_label="Q3 2022/23",
        target=None,
        target_label="Pro rata target",
        target_text="TBC",
        direction="higher",
        current=3552.5,
        previous=2422.5,
        change="Improving",
        stat_neighbour_mean=4477.9,
        england_mean=4450.5,
        rag="Baseline",
        unit="per_100000",
        decimals=1,
        description="Contacts from new clients.\n\nNew means no long term support at contact.",
        calculation="(X/Y) x 100,000",
        numerator_definition="New requests for support from people aged 18+",
        denominator_definition="18+ population",
        links=[("ASCOF measures", "https://digital.nhs.uk/ascof")],
    )
    return replace(card, **changes)


def soup(card: Card, **options) -> BeautifulSoup:
    return BeautifulSoup(card_html(card, **options), "html.parser")


def cells(table) -> dict[str, str]:
    heads = [th.get_text(" ", strip=True) for th in table.find_all("th")]
    values = [td.get_text(" ", strip=True) for td in table.find_all("td")]
    return dict(zip(heads, values, strict=True))


# format_value


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "expected"),
    [
        (88.0, "percent", 1, "88.0%"),
        (88.05, "percent", 1, "88.1%"),  # half up, not to even
        (2.5, "percent", 0, "3%"),
        (3552.5, "per_100000", 1, "3,552.5"),
        (3564, "count", 0, "3,564"),
        (5.123, "per_1000", 2, "5.12"),
        (0, "count", 0, "0"),
        (0.0, "percent", 1, "0.0%"),
        (-0.04, "percent", 1, "0.0%"),
        (None, "percent", 1, "N/A"),
        (float("nan"), "count", 0, "N/A"),
        (1234567, "count", None, "1,234,567"),
        (19.25, "percent", None, "19.3%"),
    ],
)
def test_format_value(value, unit, decimals, expected):
    assert format_value(value, unit, decimals) == expected


def test_format_value_suppressed_is_star_even_for_missing_values():
    assert format_value(3, "count", 0, suppressed=True) == "*"
    assert format_value(None, "count", 0, suppressed=True) == "*"


def test_format_value_rejects_unknown_units_and_text():
    with pytest.raises(ValueError, match="per_100000"):
        format_value(1, "percentage", 1)
    with pytest.raises(TypeError, match="'12'"):
        format_value("12", "count", 0)


@given(st.one_of(st.none(), st.just(math.nan)), st.sampled_from(["percent", "count", "per_1000"]))
def test_missing_values_never_show_as_zero(value, unit):
    assert format_value(value, unit, 1) == "N/A"


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(0, 3))
def test_formatted_value_rounds_to_the_value(value, decimals):
    text = format_value(value, "per_1000", decimals)
    assert abs(float(text.replace(",", "")) - value) <= 0.5 * 10**-decimals + 1e-6 * abs(value)


# structure


def test_card_is_a_labelled_section_with_heading_and_links():
    page = soup(card_230())
    section = page.find("section")
    assert section["class"] == ["card"]
    assert section["id"] == "ind-asc_230"
    heading = page.find(id=section["aria-labelledby"])
    assert heading.name == "h3"
    assert heading.get_text() == (
        "Indicator 230: Number of new client contacts for Adult Social Care per 100,000 "
        "of the population"
    )
    links = {a.get_text(): a["href"] for a in page.select(".card-nav a")}
    assert links == {"Return to index": "index.html", "Return to contents": "#contents"}
    assert page.select_one(".card-period").get_text() == "Q3 2022/23"


def test_heading_level_and_index_link_are_configurable_and_blank_ref_shows_title_only():
    page = soup(card_230(ref=""), heading_level=2, index_href="../index.html")
    heading = page.find("h2")
    assert heading.get_text().startswith("Number of new client contacts")
    assert page.find("a", string="Return to index")["href"] == "../index.html"
    assert [h.get_text() for h in page.find_all("h3")] == [
        "Description",
        "Calculation",
        "Useful links",
    ]
    with pytest.raises(ValueError, match="heading_level"):
        card_html(card_230(), heading_level=6)


def test_two_tables_with_captions_column_headers_and_values():
    tables = soup(card_230()).find_all("table")
    assert len(tables) == 2
    for table in tables:
        assert table.caption.get_text().startswith("Indicator 230")
        assert all(th.get("scope") == "col" for th in table.find_all("th"))
    assert cells(tables[0]) == {
        "Pro rata target": "TBC",
        "Direction for improvement": "\u2191 Higher is better",
        "Current quarter": "3,552.5",
        "Previous quarter": "2,422.5",
        "Change in performance": "Improving",
    }
    assert cells(tables[1]) == {
        "Statistical neighbour mean": "4,477.9",
        "England mean": "4,450.5",
        "RAG rating": "Baseline",
    }


def test_rag_badge_carries_the_word_and_its_class():
    badge = soup(card_230(rag="Red")).select_one("span.rag")
    assert badge["class"] == ["rag", "rag-red"]
    assert badge.get_text() == "Red"
    badge = soup(card_230(rag="In Development")).select_one("span.rag")
    assert badge["class"] == ["rag", "rag-in-development"]


@pytest.mark.parametrize(
    ("direction", "shown"),
    [
        ("higher", "\u2191 Higher is better"),
        ("lower", "\u2193 Lower is better"),
        ("none", "No direction"),
    ],
)
def test_direction_shows_arrow_and_words(direction, shown):
    first = soup(card_230(direction=direction)).find("table")
    assert cells(first)["Direction for improvement"] == shown


def test_comparator_period_labels_the_comparators_and_numeric_target_shows():
    card = card_230(
        comparator_period="2021/22",
        target=95.0,
        target_label="Target",
        unit="percent",
        current=88.0,
        previous=None,
    )
    first, second = soup(card).find_all("table")
    assert cells(first)["Target"] == "95.0%"
    assert cells(first)["Previous quarter"] == "N/A"
    assert "England mean (2021/22)" in cells(second)
    assert "Statistical neighbour mean (2021/22)" in cells(second)


def test_sections_come_in_order_with_definitions_and_real_links():
    page = soup(card_230())
    text = page.get_text(" ", strip=True)
    assert text.index("Description") < text.index("Calculation") < text.index("Useful links")
    assert [p.get_text() for p in page.find_all("p") if "long term" in p.get_text()] == [
        "New means no long term support at contact."
    ]
    terms = [d.get_text() for d in page.select("dl.definitions dt, dl.definitions dd")]
    assert terms == [
        "X =",
        "New requests for support from people aged 18+",
        "Y =",
        "18+ population",
    ]
    link = page.select_one(".card-useful-links a")
    assert (link.get_text(), link["href"]) == ("ASCOF measures", "https://digital.nhs.uk/ascof")


def test_missing_values_show_na_never_zero():
    card = card_230(
        current=None,
        previous=float("nan"),
        stat_neighbour_mean=None,
        england_mean=None,
        change=None,
        rag=None,
    )
    first, second = soup(card).find_all("table")
    assert set(cells(first).values()) - {"TBC", "\u2191 Higher is better"} == {"N/A"}
    assert set(cells(second).values()) == {"N/A"}


# escaping


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_data_text_is_escaped(payload):
    card = card_230(
        ref=payload,
        title=payload,
        period_label=payload,
        target_text=payload,
        change=payload,
        rag=payload,
        description=payload,
        calculation=payload,
        numerator_definition=payload,
        denominator_definition=payload,
        notes=[payload],
        target_label=payload,
        links=[(payload, "https://example.org/?q=" + payload)],
        current_label=payload,
        comparator_period=payload,
    )
    html = card_html(card)
    assert "<script" not in html and "<img" not in html
    assert 'onmouseover="' not in html
    page = BeautifulSoup(html, "html.parser")
    for tag in page.find_all(True):
        assert not any(name.startswith("on") for name in tag.attrs)
    assert page.find("h3").get_text().endswith(payload)  # shown as text, intact


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<b>x</b>",
        "java\tscript:alert(1)",
        "vbscript:x",
        "//evil.example",
        "ftp://x.org",
    ],
)
def test_unsafe_link_urls_become_plain_text(url):
    page = soup(card_230(links=[("Data", url)]))
    assert page.select(".card-useful-links a") == []
    assert page.select_one(".card-useful-links li").get_text() == "Data"


def test_mailto_links_are_kept():
    page = soup(card_230(links=[("Contact", "mailto:bi@example.org")]))
    assert page.select_one(".card-useful-links a")["href"] == "mailto:bi@example.org"


# restriction and suppression


def restricted_card(publication: str) -> Card:
    return card_230(
        indicator_id="dalc_201",
        ref="201",
        title="Successful completions",
        restricted=True,
        publication=publication,
        target=7.83,
        current=6.41,
        previous=6.97,
        stat_neighbour_mean=7.12,
        england_mean=5.86,
        unit="percent",
        decimals=2,
        rag="Amber",
        change="Declining",
        notes=["Q2 was 6.97%"],
    )


def test_restricted_card_in_public_build_shows_none_of_its_figures():
    card = restricted_card("public")
    html = card_html(card)
    for value in (7.83, 6.41, 6.97, 7.12, 5.86):
        assert str(value) not in html
        assert format_value(value, "percent", 1) not in html
    assert "Amber" not in html and "Declining" not in html
    first, second = BeautifulSoup(html, "html.parser").find_all("table")
    values = set(cells(first).values()) | set(cells(second).values())
    assert values == {WITHHELD, "\u2191 Higher is better"}
    assert "confidential" in BeautifulSoup(html, "html.parser").select_one(".card-withheld").text
    assert "Not for publication" not in html


def test_restricted_card_in_internal_build_is_marked_not_for_publication():
    page = BeautifulSoup(card_html(restricted_card("internal")), "html.parser")
    assert page.select_one(".marker-restricted strong").get_text() == "Not for publication"
    assert cells(page.find("table"))["Current quarter"] == "6.41%"
    assert "card-restricted" in page.find("section")["class"]


def test_suppressed_fields_show_star_and_a_footnote():
    card = card_230(
        unit="count", decimals=0, current=3, previous=12, suppressed_fields={"current", "rag"}
    )
    page = soup(card)
    first, second = page.find_all("table")
    assert cells(first)["Current quarter"] == "*"
    assert cells(first)["Previous quarter"] == "12"
    assert cells(second)["RAG rating"] == "*"
    assert page.select_one(".card-footnote").get_text().startswith("*")
    assert ">3<" not in str(page.find("table"))


def test_card_rejects_unknown_direction_publication_and_suppressed_field():
    with pytest.raises(ValueError, match="direction 'up'"):
        card_230(direction="up")
    with pytest.raises(ValueError, match="publication 'web'"):
        card_230(publication="web")
    with pytest.raises(ValueError, match="cannot suppress \\['currnet'\\]"):
        card_230(suppressed_fields={"currnet"})


def test_card_summary_row_shows_what_the_card_shows():
    row = card_summary_row(card_230())
    assert row == {
        "indicator_id": "asc_230",
        "ref": "230",
        "title": "Number of new client contacts for Adult Social Care per 100,000 of the "
        "population",
        "period": "Q3 2022/23",
        "current": "3,552.5",
        "previous": "2,422.5",
        "target": "TBC",
        "direction": "Higher is better",
        "rag": "Baseline",
        "change": "Improving",
    }
    withheld = card_summary_row(restricted_card("public"))
    assert {withheld[k] for k in ("current", "previous", "target", "rag", "change")} == {WITHHELD}
