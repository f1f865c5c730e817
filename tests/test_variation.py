"""SPC the Making Data Count way on monthly series: each rule triggered by a series built for
it, series that must not trigger, configurable run lengths, fixed and recalculated limits,
and the variation and assurance words on cards and in the scorecard."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from phlib.display.cards import Card, card_html
from phlib.display.signals import signal_html, signal_text
from phlib.inputs.catalogue import load_catalogue
from phlib.rules import spc as xmr
from phlib.rules.periods import Month
from phlib.rules.scorecard import build_scorecard
from phlib.rules.variation import (
    SYMBOLS,
    SpcSettings,
    control,
    months_shown,
    parse_settings,
)
from phlib.workbook import Workbook

START = Month(2020, 4)
CALM = [
    12,
    10,
] * 10  # ends below the mean; mean 11, average moving range 2: limits 5.68 to 16.32, two sigma 3.55


def monthly(values, start=START) -> pd.Series:
    return pd.Series(
        [float("nan") if v is None else float(v) for v in values],
        index=[start.shift(i).id for i in range(len(values))],
    )


def rules_fired(found) -> set[str]:
    latest = found.points[found.points["value"].notna()].iloc[-1]
    return {r for r in ("beyond_limit", "shift", "trend", "two_of_three") if latest[r]}


def fixed_base(tail, run=7):
    """The calm baseline (20 months) fixes the limits; `tail` is judged against them."""
    values = CALM + list(tail)
    settings = SpcSettings(run, START, START.shift(len(CALM) - 1))
    return control(monthly(values), settings, "higher", target=None)


def test_a_calm_series_is_common_cause():
    found = control(monthly(CALM), SpcSettings(), "higher", target=20)
    assert found.variation == "Common cause" and not found.special_cause
    assert not found.points["special_cause"].any()
    assert found.assurance == "Consistently failing"  # 20 is above the upper limit


def test_a_point_outside_the_limits_is_special_cause():
    found = fixed_base([17])  # above 16.32
    assert rules_fired(found) == {"beyond_limit"}
    assert found.variation == "Special cause improvement"
    assert found.signal_since == START.shift(20).id
    inside = fixed_base([16])
    assert not rules_fired(inside) and inside.variation == "Common cause"


def test_a_run_of_seven_on_one_side_of_the_mean():
    found = fixed_base([11.5] * 7)
    assert rules_fired(found) == {"shift"}
    assert found.signal_since == START.shift(20).id  # the run began at its first point
    six = fixed_base([11.5] * 6)
    assert not rules_fired(six) and six.variation == "Common cause"
    below = fixed_base([10.5] * 7)
    assert below.variation == "Special cause concern"


def test_a_run_of_six_counts_when_configured():
    assert rules_fired(fixed_base([11.5] * 6, run=6)) == {"shift"}
    assert not rules_fired(fixed_base([11.5] * 5, run=6))


def test_a_trend_of_seven_points():
    rising = [6.0 + i for i in range(7)]  # 6 .. 12, crossing the mean: no shift, no limit
    found = fixed_base(rising)
    assert "trend" in rules_fired(found) and "shift" not in rules_fired(found)
    assert not found.points["beyond_limit"].iloc[-7:].any()
    assert found.variation == "Special cause improvement"
    six = fixed_base(rising[1:])  # six rising points are not a trend
    assert "trend" not in rules_fired(six)
    assert "trend" in rules_fired(fixed_base(rising[1:], run=6))
    flat = fixed_base([6, 7, 8, 8, 9, 10, 12])  # a repeated value breaks the trend
    assert "trend" not in rules_fired(flat)


def test_two_of_three_beyond_two_sigma_on_the_same_side():
    found = fixed_base([15, 11, 15])  # two sigma line at 14.55
    assert rules_fired(found) == {"two_of_three"}
    assert found.variation == "Special cause improvement"
    assert not rules_fired(fixed_base([15, 11, 11, 15]))  # two in four is not two in three
    assert not rules_fired(fixed_base([15, 7.3, 11]))  # opposite sides


def test_a_series_without_a_direction_is_special_cause():
    values = CALM + [17]
    settings = SpcSettings(7, START, START.shift(19))
    assert control(monthly(values), settings, "none").variation == "Special cause"


def test_fewer_than_fifteen_months_have_no_chart():
    assert control(monthly(CALM[:14]), SpcSettings(), "higher") is None
    gaps = CALM[:14] + [None] * 6
    assert control(monthly(gaps), SpcSettings(), "higher") is None
    assert control(monthly(CALM[:15]), SpcSettings(), "higher") is not None


def test_recalculated_limits_start_again_at_the_stated_month():
    values = CALM + [30, 32] * 10  # a new process from the 21st month
    change = START.shift(20)
    whole = control(monthly(values), SpcSettings(), "higher")
    split = control(monthly(values), SpcSettings(recalculate_from=(change,)), "higher")
    assert whole.variation != "Common cause"  # one set of limits sees the step as a signal
    assert split.variation == "Common cause"
    assert split.points["mean"].iloc[0] == pytest.approx(11)
    assert split.points["mean"].iloc[-1] == pytest.approx(31)
    assert split.points["upper"].iloc[-1] == pytest.approx(31 + 2.66 * 2)


def test_fixed_limits_come_from_the_stated_period_only():
    values = [50] * 3 + CALM + [11] * 3
    start = START.shift(3)
    found = control(monthly(values), SpcSettings(7, start, start.shift(19)), "higher")
    assert found.points.index[0] == start.id  # the chart starts at the baseline
    assert found.points["mean"].iloc[-1] == pytest.approx(11)
    assert found.points["upper"].iloc[-1] == pytest.approx(11 + 2.66 * 2)
    assert months_shown(start.shift(40), found.settings)[0] == start


def test_assurance_against_the_target():
    calm = monthly(CALM)
    assert control(calm, SpcSettings(), "higher", target=5).assurance == "Consistently passing"
    assert control(calm, SpcSettings(), "higher", target=11).assurance == "Hit and miss"
    assert control(calm, SpcSettings(), "lower", target=5).assurance == "Consistently failing"
    assert control(calm, SpcSettings(), "higher").assurance == ""


def test_catalogue_settings_are_read_and_checked():
    assert parse_settings("", "") == SpcSettings()
    assert parse_settings("Fixed 2019-04 to 2021-03", 6).fixed_from == Month(2019, 4)
    settings = parse_settings("recalculate from 2021-10, 2020-04")
    assert [m.id for m in settings.recalculate_from] == ["2020-04", "2021-10"]
    assert "Apr 2020" in settings.limits_text
    for limits, run in (("fixed 2021-03 to 2021-03", ""), ("sometimes", ""), ("", "8")):
        with pytest.raises(ValueError):
            parse_settings(limits, run)


def test_a_bad_spc_cell_in_the_catalogue_names_row_column_and_fix(tmp_path):
    source = load_catalogue("data/catalogue.csv")
    text = Path("data/catalogue.csv").read_text(encoding="utf-8").splitlines()
    header = text[0] + ",spc_limits,spc_run"
    rows = [line + ",," for line in text[1:]]
    rows[0] = text[1] + ",fixed 2021-03 to 2020-01,9"
    (tmp_path / "catalogue.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    (tmp_path / "areas.csv").write_text(Path("data/areas.csv").read_text(encoding="utf-8"))
    with pytest.raises(Exception) as caught:
        load_catalogue(tmp_path / "catalogue.csv")
    message = str(caught.value)
    assert "spc_run" in message and "row 2" in message and "6 or 7" in message
    assert len(source.indicators) == len(rows)


def test_card_shows_variation_and_assurance_as_words_with_symbols():
    card = Card(indicator_id="x", title="Uptake", current=8.8, variation="Special cause concern",
                assurance="Hit and miss")  # fmt: skip
    html = card_html(card)
    assert "Variation" in html and "Assurance against target" in html
    assert signal_html("Special cause concern") in html
    assert f'<span aria-hidden="true">{SYMBOLS["Hit and miss"]}</span> Hit and miss' in html
    assert "card-spc" not in card_html(Card(indicator_id="y", title="Plain", current=1.0))
    assert signal_text("Common cause") == f"{SYMBOLS['Common cause']} Common cause"
    assert len(set(SYMBOLS.values())) == len(SYMBOLS)  # no two words share a symbol


def test_min_points_is_the_making_data_count_fifteen():
    assert xmr.MIN_POINTS == 15


def test_a_shifted_monthly_series_shows_on_its_card_and_in_the_scorecard(tmp_path):
    """The sample's missed-appointment rate, its last seven months raised well above the mean:
    a shift (lower is better), read from the card, its headline and the scorecard."""
    frame = pd.read_csv("data/observations.csv", dtype=str, keep_default_na=False)
    rows = (frame["indicator_id"] == "sh_dna_rate") & (frame["area"] == "cambridgeshire")
    late = rows & frame["period"].isin([f"2022-{m:02d}" for m in range(6, 13)])
    frame.loc[late, "value"] = "16.0"
    frame.loc[late, "numerator"] = ""
    frame.to_csv(tmp_path / "observations.csv", index=False)
    wb = Workbook.open("2022-23-Q3", "cambridgeshire", "sexual_health",
                       catalogue_path="data/catalogue.csv", areas_path="data/areas.csv",
                       observation_paths=[str(tmp_path / "observations.csv")])  # fmt: skip
    html = wb.card("sh_dna_rate").html
    assert signal_html("Special cause concern") in html
    headline = re.search(r"headline-text\">([^<]*)", html).group(1)
    assert headline.endswith(". Special cause concern since Jun 2022."), headline
    card = build_scorecard(wb.catalogue, wb.observations, wb.quarter, ["cambridgeshire"],
                           ["sexual_health"])  # fmt: skip
    row = card[card["indicator_id"] == "sh_dna_rate"].iloc[0]
    assert row["variation"] == "Special cause concern"
    untouched = Workbook.open("2022-23-Q3", "cambridgeshire", "sexual_health",
                              catalogue_path="data/catalogue.csv", areas_path="data/areas.csv",
                              observation_paths=["data/observations.csv"])  # fmt: skip
    assert signal_html("Common cause") in untouched.card("sh_dna_rate").html
