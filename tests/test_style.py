"""The house palette and components.css: WCAG contrast, one source of colours, no URLs."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pytest

from phlib.display.style import (
    HOUSE_RC,
    PALETTE,
    RAG_COLOURS,
    RAG_TINTS,
    TEXT,
    WHITE,
    contrast_ratio,
    house_style,
    rag_class,
    relative_luminance,
)

CSS_PATH = Path(__file__).resolve().parents[1] / "phlib" / "report" / "assets" / "components.css"
CSS = CSS_PATH.read_text(encoding="utf-8")


def rules(css: str) -> list[tuple[str, dict[str, str]]]:
    """(selector, {property: value}) for every innermost rule, @media contents included."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    found = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = {}
        for part in body.split(";"):
            if ":" in part:
                name, value = part.split(":", 1)
                declarations[name.strip()] = value.strip()
        found.append((" ".join(selector.split()), declarations))
    return found


def hex_of(value: str) -> str | None:
    match = re.search(r"#[0-9a-fA-F]{6}\b", value)
    return match.group(0).upper() if match else None


def test_wcag_formula_matches_known_pairs():
    assert contrast_ratio("#000000", "#FFFFFF") == 21.0
    assert contrast_ratio("#FFFFFF", "#FFFFFF") == 1.0
    assert contrast_ratio("#767676", WHITE) == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio(WHITE, "#767676") == contrast_ratio("#767676", WHITE)
    assert relative_luminance("#FF0000") == pytest.approx(0.2126)
    with pytest.raises(ValueError, match="#RRGGBB"):
        relative_luminance("red")


@pytest.mark.parametrize("word", sorted(RAG_COLOURS))
def test_rag_colours_carry_white_text_and_show_on_white(word):
    assert contrast_ratio(RAG_COLOURS[word], WHITE) >= 4.5


@pytest.mark.parametrize("word", sorted(RAG_TINTS))
def test_text_on_rag_tints_and_tint_borders(word):
    assert contrast_ratio(TEXT, RAG_TINTS[word]) >= 4.5
    assert contrast_ratio(RAG_COLOURS[word], RAG_TINTS[word]) >= 3.0


@pytest.mark.parametrize("name", [k for k in PALETTE if k != "grid"])
def test_chart_colours_reach_text_contrast_on_white(name):
    assert contrast_ratio(PALETTE[name], WHITE) >= 4.5


def test_ratings_are_distinct_colours():
    rated = [RAG_COLOURS[w] for w in ("Red", "Amber", "Green", "Blue")]
    assert len(set(rated)) == 4


def test_house_style_applies_and_restores():
    before = matplotlib.rcParams["svg.fonttype"]
    with house_style():
        assert matplotlib.rcParams["svg.fonttype"] == "none"
        assert matplotlib.rcParams["font.size"] == HOUSE_RC["font.size"]
        colours = [c["color"] for c in matplotlib.rcParams["axes.prop_cycle"]]
        assert colours[0] == PALETTE["area"]
    assert matplotlib.rcParams["svg.fonttype"] == before


def test_css_has_no_external_references():
    assert "url(" not in CSS and "@import" not in CSS and "http" not in CSS
    assert "@font-face" not in CSS


def test_css_badges_and_tints_use_the_style_palette():
    found = dict(rules(CSS))
    for word, colour in RAG_COLOURS.items():
        badge = next(d for s, d in found.items() if f".rag.{rag_class(word)}" in s.split(", "))
        assert hex_of(badge["background"]) == colour.upper()
        assert hex_of(badge["color"]) == WHITE
    for word in ("Red", "Amber", "Green", "Blue"):
        cell = found[f"table.kpi td.rag-cell.{rag_class(word)}"]
        assert hex_of(cell["background"]) == RAG_TINTS[word].upper()
        assert hex_of(cell["box-shadow"]) == RAG_COLOURS[word].upper()


def test_css_outlines_differ_by_rating_so_greyscale_still_tells_them_apart():
    found = dict(rules(CSS))
    styles = {
        found[f".rag.rag-{w}"]["outline"].split()[1] for w in ("red", "amber", "green", "blue")
    }
    assert styles == {"double", "dashed", "solid", "dotted"}


def test_every_css_text_colour_meets_aa_on_its_background():
    checked = 0
    for selector, declarations in rules(CSS):
        text = hex_of(declarations.get("color", ""))
        if text is None:
            continue
        background = hex_of(declarations.get("background", "")) or WHITE
        assert contrast_ratio(text, background) >= 4.5, (selector, text, background)
        checked += 1
    assert checked >= 15


def test_css_keeps_figures_cards_and_tables_whole_in_print_and_hides_helpers():
    printed = [(s, d) for s, d in rules(CSS) if d.get("break-inside") == "avoid"]
    selectors = ", ".join(s for s, _ in printed)
    for name in (".card", "figure.chart", "table.kpi"):
        assert name in selectors
    hidden = dict(rules(CSS))[".visually-hidden"]
    assert hidden["width"].startswith("1px") and "clip" in hidden
