"""Periods as publishers print them: calendar years and ranges, read, ordered and labelled.

Property tests (hypothesis) check every kind together with months, quarters and financial
years: ids never collide and read back, labels read back, ordering follows (start, end), and
moving a period keeps its kind and length.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from phlib.errors import PeriodError
from phlib.rules.period_base import PeriodRange, frequency_of
from phlib.rules.period_parsing import parse_period
from phlib.rules.periods import CalendarYear, FinancialYear, Month, Quarter

years = st.integers(min_value=1990, max_value=2150)
months = st.builds(Month, years, st.integers(min_value=1, max_value=12))
quarters = st.builds(Quarter, years, st.integers(min_value=1, max_value=4))
financial_years = st.builds(FinancialYear, years)
calendar_years = st.builds(CalendarYear, years)
singles = st.one_of(months, quarters, financial_years, calendar_years)


@st.composite
def ranges(draw):
    first = draw(st.one_of(months, quarters, financial_years, calendar_years))
    return PeriodRange(first, first.shift(draw(st.integers(min_value=1, max_value=11))))


every_period = st.one_of(singles, ranges())


@pytest.mark.parametrize(
    ("text", "kind", "period_id", "label", "start", "end"),
    [
        ("2017", "calendar_year", "2017", "2017", date(2017, 1, 1), date(2017, 12, 31)),
        ("2019 - 21", "calendar_years", "2019_2021", "2019 - 21", date(2019, 1, 1),
         date(2021, 12, 31)),
        ("2019 - 2021", "calendar_years", "2019_2021", "2019 - 21", date(2019, 1, 1),
         date(2021, 12, 31)),
        ("2018/19 - 20/21", "financial_years", "2018-19_2020-21", "2018/19 - 20/21",
         date(2018, 4, 1), date(2021, 3, 31)),
        ("2021/22 Q1 - 2022/23 Q3", "quarters", "2021-22-Q1_2022-23-Q3",
         "2021/22 Q1 - 2022/23 Q3", date(2021, 4, 1), date(2022, 12, 31)),
        ("2021-22-Q1_2022-23-Q3", "quarters", "2021-22-Q1_2022-23-Q3",
         "2021/22 Q1 - 2022/23 Q3", date(2021, 4, 1), date(2022, 12, 31)),
        ("2022/23", "year", "2022-23", "2022/23", date(2022, 4, 1), date(2023, 3, 31)),
    ],
)  # fmt: skip
def test_published_forms(text, kind, period_id, label, start, end):
    period = parse_period(text)
    assert (period.kind, period.id, period.label, period.start, period.end) == (
        kind, period_id, label, start, end,
    )  # fmt: skip


def test_calendar_2017_is_never_written_as_a_financial_year():
    period = parse_period("2017")
    assert period.label == "2017" and "/" not in period.label
    assert period != FinancialYear(2017) and period.year == FinancialYear(2017)
    assert period.frequency == "year"


def test_two_years_joined_by_a_dash_are_a_financial_year_unless_published():
    assert parse_period("2019 - 20") == FinancialYear(2019)
    assert parse_period("2019 - 20", published=True).label == "2019 - 20"
    assert parse_period("2019 - 20", published=True).kind == "calendar_years"
    assert parse_period("2010-12") == Month(2010, 12)  # the month id is unchanged


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2021 - 19", "the last year must be after 2021"),
        ("2022/23 Q3 - 2021/22 Q1", "is not before"),
        ("2022/23 Q3 - 2022/23", "same kind"),
        ("Q5 2022/23 - Q1 2023/24", "numbered 1 to 4"),
    ],
)
def test_impossible_ranges_are_refused_with_a_reason(text, reason):
    with pytest.raises(PeriodError) as caught:
        parse_period(text)
    assert reason in str(caught.value) and repr(text) in str(caught.value)


@given(every_period)
def test_ids_and_labels_read_back(period):
    try:
        assert parse_period(period.id) == period
    except PeriodError as error:  # `2000-01`: January 2000 or 2000/01, refused as before
        assert "it could be" in str(error) and period.kind in ("month", "year")
    assert str(period) == period.id
    assert parse_period(period.label, published=period.kind == "calendar_years") == period


@given(every_period, every_period)
def test_ids_are_unambiguous(a, b):
    """Different periods have different ids, with one known overlap: the financial years
    2000/01 to 2011/12 (and 2100/01 on) are written like months (`2011-12` is also
    December 2011).
    Such an id is never read as either: `parse_period` refuses it and asks which is meant."""
    if a == b:
        assert a.id == b.id
    elif a.id == b.id:
        assert {a.kind, b.kind} == {"month", "year"}, (a, b)
        year = a if a.kind == "year" else b
        assert year.start_year % 100 <= 11, (a, b)
        with pytest.raises(PeriodError, match="it could be"):
            parse_period(a.id)


def test_the_overlapping_ids_are_exactly_the_early_financial_years():
    clashes = {fy.id for fy in map(FinancialYear, range(1990, 2150))} & {
        Month(y, m).id for y in range(1990, 2150) for m in range(1, 13)
    }
    early = [y for y in range(1990, 2150) if y % 100 <= 11]
    assert clashes == {f"{y}-{(y + 1) % 100:02d}" for y in early}


@given(st.lists(every_period, min_size=2, max_size=8))
def test_sorting_follows_start_then_end(periods):
    ordered = sorted(periods)
    keys = [(p.start, p.end) for p in ordered]
    assert keys == sorted(keys)


def months_from(a: date, b: date) -> int:
    """Calendar months from a's month to b's month."""
    return (b.year - a.year) * 12 + b.month - a.month


@given(every_period, st.integers(min_value=-30, max_value=30))
@example(PeriodRange(Quarter(2107, 2), Quarter(2108, 3)), 10)  # 549 days, then 545
def test_shifting_keeps_kind_and_length(period, n):
    moved = period.shift(n)
    assert moved.kind == period.kind and moved.shift(-n) == period
    # start and end move by n of its periods (a range: of its first period's kind), so its
    # length in months is kept; in days it may not be (six quarters from July hold 549 or
    # 550 days, six from January 545 or 546)
    one = getattr(period, "first", period)
    step = n * (months_from(one.start, one.end) + 1)
    assert months_from(period.start, moved.start) == months_from(period.end, moved.end) == step
    assert (moved < period) == (n < 0) or n == 0
    assert period.previous().next() == period


@given(ranges())
def test_a_range_holds_its_ends_and_its_months(span):
    assert span.contains(span.first) and span.contains(span.last)
    assert span.months[0].start == span.start and span.months[-1].end == span.end
    assert len(span.months) == span.length * len(span.first.months)
    assert frequency_of(span.kind) == span.first.frequency


def test_observations_read_the_new_kinds_and_sort_them(tmp_path):
    from phlib.inputs.catalogue import load_catalogue
    from phlib.inputs.observations import load_observations

    (tmp_path / "catalogue.csv").write_text(
        "indicator_id,title,service,unit,direction,target_kind,frequency,publication\n"
        "ft_a,A rate,sexual_health,per_100000,lower,none,year,public\n",
        encoding="utf-8",
    )
    (tmp_path / "obs.csv").write_text(
        "indicator_id,area,period,value\n"
        + "".join(f"ft_a,peterborough,{p},{i}\n" for i, p in enumerate(
            ["2019 - 21", "2015", "2018 - 20", "2016"]))
        , encoding="utf-8",
    )  # fmt: skip
    obs = load_observations(tmp_path / "obs.csv", load_catalogue(tmp_path / "catalogue.csv"))
    assert obs.sort_values(["period_start", "period_end"])["period"].tolist() == [
        "2015", "2016", "2018_2020", "2019_2021"]  # fmt: skip
