"""Which figures an indicator shows for a quarter: current, previous, target, RAG, change."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phlib.inputs.catalogue import load_catalogue
from phlib.inputs.observations import load_observations
from phlib.rules.headline_rows import HeadlineIndex, headline_index, headline_series, row_dicts
from phlib.rules.period_base import frequency_of
from phlib.rules.period_parsing import parse_period
from phlib.rules.periods import Quarter
from phlib.rules.scorecard import COLUMNS, build_scorecard, red_without_actions
from phlib.rules.selection import cutoff, summarise

DATA = Path(__file__).resolve().parents[1] / "data"

Q3 = Quarter.parse("2022-23-Q3")


def indicator(**fields):
    base = dict(
        indicator_id="x",
        ref="",
        title="Example",
        service="sexual_health",
        unit="percent",
        decimals=1,
        direction="higher",
        target_kind="threshold",
        target_value=90.0,
        status="",
        frequency="quarter",
        lag_months=0,
        publication="public",
    )
    base.update(fields)
    return SimpleNamespace(**base)


def frame(rows):
    """Observations in the loader's tidy shape from (id, area, period, value, extra) tuples."""
    records = []
    for indicator_id, area, period_text, value, *extra in rows:
        period = parse_period(period_text)
        record = dict(
            indicator_id=indicator_id,
            area=area,
            period=period.id,
            period_kind=period.kind,
            period_start=pd.Timestamp(period.start),
            period_end=pd.Timestamp(period.end),
            breakdown="",
            value=np.nan if value is None else float(value),
            numerator=np.nan,
            denominator=np.nan,
            target=np.nan,
            stat_neighbour_mean=np.nan,
            england_mean=np.nan,
            comparator_period="",
            note="",
        )
        if extra:
            record.update(extra[0])
        records.append(record)
    return pd.DataFrame(records)


def test_cutoff_moves_back_by_whole_periods_of_the_frequency():
    assert str(cutoff(Q3, "month", 0)) == "2022-12-31"
    assert str(cutoff(Q3, "month", 2)) == "2022-10-31"
    assert str(cutoff(Q3, "quarter", 2)) == "2022-12-31"
    assert str(cutoff(Q3, "quarter", 6)) == "2022-06-30"


def test_threshold_indicator_reads_quarter_and_previous_quarter():
    obs = frame(
        [
            ("x", "a", "2022-23-Q2", 58.0),
            (
                "x",
                "a",
                "2022-23-Q3",
                54.0,
                {"stat_neighbour_mean": 57.0, "england_mean": 49.0, "comparator_period": "2021/22"},
            ),
            ("x", "a", "2022-23-Q4", 99.0),  # after the quarter: never used
        ]
    )
    s = summarise(indicator(target_value=56.0), obs, Q3, "a")
    assert (s.current, s.previous, s.target) == (54.0, 58.0, 56.0)
    assert s.rag == "Amber"  # 54 is 3.6% below 56
    assert s.change == "Declining"
    assert (s.stat_neighbour_mean, s.england_mean, s.comparator_period) == (57.0, 49.0, "2021/22")
    assert s.in_quarter and s.period_label == "Q3 2022/23"


def test_lower_is_better_and_observation_target_overrides_catalogue():
    obs = frame([("x", "a", "2022-23-Q2", 25.2), ("x", "a", "2022-23-Q3", 21.0, {"target": 30})])
    s = summarise(indicator(direction="lower", target_value=10.0), obs, Q3, "a")
    assert s.target == 30.0
    assert s.rag == "Blue"  # 21 is 30% better than 30
    assert s.change == "Improving"


def test_missing_quarter_falls_back_to_latest_available_and_says_so():
    obs = frame(
        [
            ("x", "a", "2022-23-Q1", 60.0),
            ("x", "a", "2022-23-Q2", 61.0),
            ("x", "a", "2022-23-Q3", None),
        ]
    )
    s = summarise(indicator(), obs, Q3, "a")
    assert s.current == 61.0 and s.previous == 60.0
    assert not s.in_quarter
    assert s.period_label == "Q2 2022/23 (latest available)"


def test_monthly_indicator_with_two_month_lag_reports_october_at_q3():
    months = ["2022-08", "2022-09", "2022-10", "2022-11", "2022-12"]
    obs = frame([("x", "a", m, 10.0 + i) for i, m in enumerate(months)])
    s = summarise(indicator(frequency="month", lag_months=2), obs, Q3, "a")
    assert s.period == "2022-10"
    assert (s.current, s.previous) == (12.0, 11.0)
    assert "latest available" not in s.period_label  # October is inside Q3


def test_no_target_uses_status_and_no_data_says_so():
    obs = frame([("x", "a", "2022-23-Q3", 88.0), ("x", "a", "2022-23-Q2", 88.1)])
    s = summarise(indicator(target_kind="none", target_value=np.nan, status="TBC"), obs, Q3, "a")
    assert s.rag == "TBC" and s.change == "Declining"
    empty = summarise(indicator(status="Baseline"), obs.iloc[0:0], Q3, "a")
    assert empty.current is None and empty.rag == "Baseline" and empty.period_label == "No data"


def test_annual_target_compares_year_to_date_total_with_pro_rata_target():
    # 20,000 a year: 15,000 by the end of Q3. Year to date 2,500 + 2,777 + 3,564 = 8,841.
    obs = frame(
        [
            ("hc", "a", "2022-23-Q1", 2500),
            ("hc", "a", "2022-23-Q2", 2777),
            ("hc", "a", "2022-23-Q3", 3564),
        ]
    )
    ind = indicator(
        indicator_id="hc", unit="count", decimals=0, target_kind="annual", target_value=20000.0
    )
    s = summarise(ind, obs, Q3, "a")
    assert s.target == pytest.approx(15000.0)
    assert s.target_label == "YTD target"
    assert s.ytd_actual == pytest.approx(8841.0)
    assert s.current == 3564.0 and s.previous == 2777.0
    assert s.rag == "Red"  # 8,841 is 41% short of 15,000
    assert s.change == "Improving"


def test_annual_target_with_a_gap_in_the_year_has_no_year_to_date_total():
    obs = frame([("hc", "a", "2022-23-Q2", 2777), ("hc", "a", "2022-23-Q3", 3564)])
    ind = indicator(
        indicator_id="hc",
        unit="count",
        decimals=0,
        target_kind="annual",
        target_value=20000.0,
        status="",
    )
    s = summarise(ind, obs, Q3, "a")
    assert s.ytd_actual is None
    assert s.rag not in ("Red", "Amber", "Green", "Blue")


def test_trajectory_follows_last_years_monthly_profile():
    last_year = [f"2021-{m:02d}" for m in range(4, 13)] + [f"2022-0{m}" for m in (1, 2, 3)]
    this_year = [f"2022-{m:02d}" for m in range(4, 13)]
    # Last year: 10 a month for Apr-Sep, 30 a month for Oct-Mar (total 240).
    rows = [("t", "a", m, 10 if i < 6 else 30) for i, m in enumerate(last_year)]
    rows += [("t", "a", m, 20) for m in this_year]  # 9 months x 20 = 180 to date
    ind = indicator(
        indicator_id="t",
        unit="count",
        decimals=0,
        frequency="month",
        target_kind="trajectory",
        target_value=np.nan,
    )
    s = summarise(ind, frame(rows), Q3, "a")
    # Annual target defaults to last year's 240; by December last year had 60 + 90 = 150.
    assert s.target == pytest.approx(150.0)
    assert s.ytd_actual == pytest.approx(180.0)
    assert s.rag == "Blue"


def test_breakdown_rows_are_not_headline_values():
    obs = frame(
        [("x", "a", "2022-23-Q3", 54.0), ("x", "a", "2022-23-Q3", 30.0, {"breakdown": "Fenland"})]
    )
    assert summarise(indicator(), obs, Q3, "a").current == 54.0


class FakeCatalogue:
    def __init__(self, indicators):
        self._indicators = indicators

    def for_service(self, service):
        return [i for i in self._indicators if i.service == service]


def test_scorecard_has_a_row_per_indicator_and_area_and_lists_red_without_actions():
    cat = FakeCatalogue(
        [
            indicator(indicator_id="x"),
            indicator(indicator_id="y", target_value=50.0),
            indicator(indicator_id="z", service="lifestyles"),
        ]
    )
    obs = frame([(i, a, "2022-23-Q3", 60.0) for i in "xyz" for a in ("a", "b")])
    card = build_scorecard(cat, obs, Q3, ["a", "b"], ["sexual_health"])
    assert list(card.columns) == COLUMNS
    assert sorted(zip(card.indicator_id, card.area, strict=True)) == [
        ("x", "a"),
        ("x", "b"),
        ("y", "a"),
        ("y", "b"),
    ]
    assert set(card[card.indicator_id == "x"].rag) == {"Red"}  # 60 vs 90
    assert set(card[card.indicator_id == "y"].rag) == {"Blue"}  # 60 vs 50
    actions = {("a", "sexual_health", "x"): "We will add clinics."}
    blockers = red_without_actions(card, lambda a, s, i: actions.get((a, s, i), ""))
    assert len(blockers) == 1 and "b/sexual_health" in blockers[0] and " x " in blockers[0]


def test_red_without_actions_reads_the_actions_of_the_section_covering_the_indicator():
    cat = FakeCatalogue([indicator(indicator_id="x")])
    obs = frame([("x", "a", "2022-23-Q3", 60.0)])
    card = build_scorecard(cat, obs, Q3, ["a"], ["sexual_health"])
    sections = {"access": "- Open an extra clinic."}  # the KPI table's key covers x
    covered = {"x": ("access",)}

    def actions_for(area, service, indicator_id):
        return "\n".join(sections.get(k, "") for k in covered.get(indicator_id, (indicator_id,)))

    assert red_without_actions(card, actions_for) == []
    sections.clear()
    assert len(red_without_actions(card, actions_for)) == 1


def same_cell(a, b) -> bool:
    """Equal, with NaN equal to NaN and NaT to NaT, and of the same type."""
    if type(a) is not type(b):
        return False
    return a == b or (a != a and b != b)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(-5, 5),
            st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=False)),
            st.one_of(st.none(), st.sampled_from(["", "x", "Ely"])),
            st.one_of(st.none(), st.dates(min_value=date(2020, 1, 1), max_value=date(2024, 1, 1))),
            st.booleans(),
        ),
        max_size=8,
    )
)
def test_records_are_the_rows_to_dict_gives(rows):
    frame = pd.DataFrame(rows, columns=["n", "value", "breakdown", "day", "flag"])
    frame["day"] = pd.to_datetime(frame["day"])
    frame["text"] = frame["breakdown"].astype(pd.StringDtype(na_value=np.nan))  # as read
    frame["number"] = frame["value"].astype(float)
    frame["na_text"] = frame["breakdown"].astype("string")  # blank is pd.NA: to_dict's way
    read_whole = frame[["n", "number", "day", "flag", "text"]]  # read a column at a time
    for each in (read_whole, frame):
        fast, slow = row_dicts(each), each.to_dict("records")
        assert [list(r) for r in fast] == [list(r) for r in slow]
        assert all(same_cell(r[k], s[k]) for r, s in zip(fast, slow, strict=True) for k in r)


def old_headline_index(observations) -> dict:
    """headline_index as first written: every row through to_dict, filtered row by row."""
    index: dict = {}
    for row in observations.sort_values("period_start").to_dict("records"):
        if not row.get("breakdown") or row.get("breakdown") != row.get("breakdown"):
            key = (row["indicator_id"], row["area"], frequency_of(row["period_kind"]))
            index.setdefault(key, []).append(row)
    return index


@pytest.fixture(scope="module")
def sample_observations():
    return load_observations(DATA / "observations.csv", load_catalogue(DATA / "catalogue.csv"))


def test_headline_index_and_series_pick_the_rows_they_always_did(sample_observations):
    index = headline_index(sample_observations)
    before = old_headline_index(sample_observations)
    assert list(index) == list(before) and len(index) > 50
    for key, rows in before.items():
        assert [r["source_row"] for r in index[key]] == [r["source_row"] for r in rows]
        indicator_id, area, kind = key
        series = headline_series(sample_observations, indicator_id, area, kind)
        assert series["source_row"].tolist() == [r["source_row"] for r in rows]


def same_rows(one: list[dict], other: list[dict]) -> bool:
    return len(one) == len(other) and all(
        list(a) == list(b) and all(same_cell(a[k], b[k]) for k in a)
        for a, b in zip(one, other, strict=True)
    )


def test_a_lazy_index_gives_the_same_series_only_when_asked(sample_observations):
    area = sample_observations[sample_observations["area"] == "cambridgeshire"]
    eager, lazy = headline_index(area), headline_index(area, lazy=True)
    assert isinstance(lazy, HeadlineIndex) and list(lazy) == list(eager) and len(lazy) == len(eager)
    key = next(iter(eager))
    assert key in lazy and ("no", "such", "key") not in lazy and lazy._built == {}
    assert lazy.get(("no", "such", "key"), []) == []
    assert same_rows(lazy[key], eager[key]) and list(lazy._built) == [key]
    assert lazy[key] is lazy[key]  # converted once
    assert all(same_rows(lazy[k], rows) for k, rows in eager.items())
