"""Tests for phlib.rules.periods and period_text: every accepted and rejected form, arithmetic."""

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phlib.errors import PeriodError
from phlib.rules.period_parsing import months_between, parse_period, quarters_between
from phlib.rules.period_text import (
    MONTH_ABBREVIATIONS,
    read_financial_year,
    read_month,
    read_quarter,
    read_short_id,
)
from phlib.rules.periods import FinancialYear, Month, Quarter, quarter_of, read_single_period

Q3 = Quarter(2022, 3)

years = st.integers(min_value=1990, max_value=2200)
quarters = st.builds(Quarter, years, st.integers(min_value=1, max_value=4))
months = st.builds(Month, years, st.integers(min_value=1, max_value=12))
financial_years = st.builds(FinancialYear, years)
periods = st.one_of(months, quarters, financial_years)
days = st.dates(min_value=date(1991, 1, 1), max_value=date(2199, 12, 31))


# --- quarters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2022-23-Q3",
        "2022/23 Q3",
        "Q3 2022/23",
        "2022-23 Q3",
        "Q3 2022-23",
        "  q3   2022/23 ",
        "2022-23-q3",
        "2022/2023 Q3",
        "Q3 22/23",
        "2022/23 quarter 3",
        "Q3-2022/23",
        "2022\u201323 Q3",
    ],
)
def test_quarter_accepted_forms(text):
    assert Quarter.parse(text) == Q3
    assert parse_period(text) == Q3


@pytest.mark.parametrize(
    "text",
    ["2022-24-Q3", "Q5 2022/23", "Q0 2022/23", "2022-23", "Q3", "2022 Q3", "Q3 2022/2024", "", "x"],
)
def test_quarter_rejected_forms_quote_text_and_name_forms(text):
    with pytest.raises(PeriodError) as caught:
        Quarter.parse(text)
    message = str(caught.value)
    assert repr(text) in message
    assert "2022-23-Q3" in message and "Q3 2022/23" in message


def test_quarter_reasons_are_specific():
    with pytest.raises(PeriodError, match="numbered 1 to 4, not 5"):
        Quarter.parse("Q5 2022/23")
    with pytest.raises(PeriodError, match="one after 2022"):
        parse_period("2022/24 Q1")


def test_quarter_attributes():
    assert (Q3.id, Q3.label, Q3.financial_year, Q3.number) == (
        "2022-23-Q3",
        "Q3 2022/23",
        "2022/23",
        3,
    )
    assert Q3.year == FinancialYear(2022)
    assert (Q3.start, Q3.end) == (date(2022, 10, 1), date(2022, 12, 31))
    q4 = Quarter.parse("Q4 2022/23")
    assert (q4.start, q4.end) == (date(2023, 1, 1), date(2023, 3, 31))
    assert [q.months_elapsed for q in FinancialYear(2022).quarters] == [3, 6, 9, 12]
    assert [m.id for m in Q3.months] == ["2022-10", "2022-11", "2022-12"]
    assert str(Q3) == "2022-23-Q3" and repr(Q3) == "Quarter('2022-23-Q3')"
    assert Q3.kind == "quarter"


def test_quarter_neighbours_cross_year_boundaries():
    assert Quarter(2022, 4).next() == Quarter(2023, 1)
    assert Quarter(2022, 1).previous() == Quarter(2021, 4)
    assert Q3.same_quarter_last_year() == Quarter(2021, 3)


def test_quarter_is_frozen_and_hashable():
    with pytest.raises(AttributeError):
        Q3.number = 4
    assert {Q3, Quarter.parse("Q3 2022/23")} == {Q3}


@pytest.mark.parametrize("args", [(2022, 0), (2022, 5), (2022, True), (2022, "3"), (99, 1)])
def test_quarter_constructor_validates(args):
    with pytest.raises(PeriodError):
        Quarter(*args)


# --- financial years ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["2022/23", "2022-23", "2022/2023", "2022-2023", " 2022 / 23 ", "22/23"]
)
def test_financial_year_accepted_forms(text):
    assert FinancialYear.parse(text) == FinancialYear(2022)


@pytest.mark.parametrize(
    "text", ["2022/24", "2022/2024", "22/2023", "2022", "FY22", "2022-23-Q1", ""]
)
def test_financial_year_rejected_forms(text):
    with pytest.raises(PeriodError, match="2022/23"):
        FinancialYear.parse(text)


def test_financial_year_attributes():
    fy = FinancialYear(2022)
    assert (fy.id, fy.label, fy.start_year, fy.kind) == ("2022-23", "2022/23", 2022, "year")
    assert (fy.start, fy.end) == (date(2022, 4, 1), date(2023, 3, 31))
    assert [q.id for q in fy.quarters] == [f"2022-23-Q{n}" for n in (1, 2, 3, 4)]
    assert len(fy.months) == 12 and fy.months[0].label == "Apr 2022"
    assert fy.months[-1].label == "Mar 2023"
    assert (fy.previous().id, fy.next().id) == ("2021-22", "2023-24")
    assert FinancialYear(1999).id == "1999-00" and FinancialYear(1999).label == "1999/00"
    assert FinancialYear.parse("1999/2000") == FinancialYear(1999)


@pytest.mark.parametrize(
    ("day", "start_year"),
    [(date(2023, 3, 31), 2022), (date(2023, 4, 1), 2023), (date(2022, 12, 25), 2022)],
)
def test_financial_year_containing(day, start_year):
    assert FinancialYear.containing(day) == FinancialYear(start_year)


# --- months ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2022-10",
        "Oct 2022",
        "October 2022",
        "2022-10-01",
        "2022-10-31",
        "oct-2022",
        "OCT 2022",
        "Oct 22",
        "Oct '22",
        "Oct. 2022",
        "2022-10-1",
    ],
)
def test_month_accepted_forms(text):
    assert Month.parse(text) == Month(2022, 10)
    assert parse_period(text) == Month(2022, 10)


def test_month_accepts_sept_and_dates():
    assert Month.parse("Sept 2022") == Month(2022, 9)
    assert Month.parse(date(2022, 10, 15)) == Month(2022, 10)
    assert parse_period(datetime(2022, 10, 15, 9, 30)) == Month(2022, 10)


@pytest.mark.parametrize(
    "text", ["2022-13", "2022-00", "Octo 2022", "2022-02-30", "October", "10/2022"]
)
def test_month_rejected_forms(text):
    with pytest.raises(PeriodError, match="Oct 2022"):
        Month.parse(text)


def test_month_attributes():
    m = Month(2022, 10)
    assert (m.id, m.label, m.kind, m.month_of_year) == ("2022-10", "Oct 2022", "month", 7)
    assert (m.start, m.end) == (date(2022, 10, 1), date(2022, 10, 31))
    assert m.quarter == Q3 and m.financial_year == "2022/23" and m.year == FinancialYear(2022)
    assert Month(2024, 2).end == date(2024, 2, 29)
    assert [Month(2023, c).month_of_year for c in (4, 3, 1)] == [1, 12, 10]
    assert Month(2023, 1).quarter == Quarter(2022, 4)
    assert (Month(2023, 1).previous(), Month(2022, 12).next()) == (Month(2022, 12), Month(2023, 1))
    assert m.same_month_last_year() == Month(2021, 10)


# --- parse_period and helpers ---------------------------------------------------------------


def test_parse_period_canonical_ids():
    assert parse_period("2022-10") == Month(2022, 10)
    assert parse_period("2022-23") == FinancialYear(2022)
    assert parse_period("2022-23-Q3") == Q3
    assert parse_period(Q3) is Q3


@pytest.mark.parametrize("text", ["2011-12", "2000-01"])
def test_parse_period_refuses_ambiguous_ids(text):
    with pytest.raises(PeriodError, match="could be"):
        parse_period(text)


@pytest.mark.parametrize("text", ["2022-13", "Q3", "nonsense", "", None, 2022])
def test_parse_period_rejects_with_every_form(text):
    with pytest.raises(PeriodError) as caught:
        parse_period(text)
    message = str(caught.value)
    assert repr(text) in message
    assert all(form in message for form in ("2022-10", "2022-23-Q3", "2022/23"))


def test_contains_dates_periods_and_text():
    fy = FinancialYear(2022)
    assert fy.contains(Q3) and fy.contains("Mar 2023") and fy.contains(date(2022, 4, 1))
    assert not fy.contains(date(2023, 4, 1)) and not Q3.contains(fy)
    assert Q3.contains(datetime(2022, 12, 31, 23, 59))
    with pytest.raises(TypeError, match="date or a period"):
        Q3.contains(3)


@given(periods)
def test_single_period_reading_agrees_with_parse_period(period):
    assert read_single_period(period.label) == parse_period(period.label) == period


def test_single_period_reading_refuses_ranges_which_parse_period_reads():
    with pytest.raises(PeriodError, match="could not read '2019 - 21' as a period"):
        read_single_period("2019 - 21")
    span = parse_period("2019 - 21")
    assert parse_period("2018/19").contains(parse_period("2018/19 Q2 - 2018/19 Q4"))
    assert not FinancialYear(2019).contains(span) and span.contains(FinancialYear(2019))
    with pytest.raises(PeriodError, match="could not read '2019 - 21' as a period"):
        FinancialYear(2019).contains("2019 - 21")


def test_helpers():
    assert quarter_of(date(2023, 1, 9)) == Quarter(2022, 4)
    assert [m.id for m in months_between("2022-11", Month(2023, 2))] == [
        "2022-11",
        "2022-12",
        "2023-01",
        "2023-02",
    ]
    assert quarters_between(Q3, Q3) == [Q3]
    assert len(quarters_between("2021-22-Q1", "2022-23-Q4")) == 8
    with pytest.raises(PeriodError, match="earlier quarter first"):
        quarters_between("2023-24-Q1", Q3)


def test_ordering_across_kinds_by_start_then_end():
    fy = FinancialYear(2022)
    q1, april = fy.quarters[0], fy.months[0]
    assert april < q1 < fy < Quarter(2022, 2) < Month(2022, 10) < Q3
    assert april != q1 and sorted([fy, q1, april]) == [april, q1, fy]
    with pytest.raises(TypeError):
        sorted([Q3, date(2023, 1, 1)])


# --- properties -----------------------------------------------------------------------------


@given(periods)
def test_next_and_previous_are_inverse(period):
    assert period.next().previous() == period
    assert period.previous().next() == period
    assert period.previous() < period < period.next()
    assert period.next().start > period.end


@given(quarters)
def test_same_quarter_last_year_is_four_quarters_back(quarter):
    back = quarter
    for _ in range(4):
        back = back.previous()
    assert quarter.same_quarter_last_year() == back
    assert back.number == quarter.number


@given(quarters)
def test_quarter_months_are_inside_it_and_tile_it(quarter):
    first, second, third = quarter.months
    assert all(quarter.contains(m) and m.quarter == quarter for m in quarter.months)
    assert (first.start, third.end) == (quarter.start, quarter.end)
    assert first.next() == second and second.next() == third
    assert third.month_of_year == quarter.months_elapsed


@given(financial_years)
def test_financial_year_months_and_quarters_agree(fy):
    assert tuple(m for q in fy.quarters for m in q.months) == fy.months
    assert [m.month_of_year for m in fy.months] == list(range(1, 13))
    assert all(m.year == fy for m in fy.months)


@given(periods, periods)
def test_ordering_consistent_with_start_dates(a, b):
    if a.start < b.start:
        assert a < b
    assert (a < b) == ((a.start, a.end) < (b.start, b.end))
    assert (a == b) == ((a.start, a.end) == (b.start, b.end))


@given(periods)
def test_parse_of_id_and_label_round_trips(period):
    assert type(period).parse(period.id) == period
    assert type(period).parse(period.label) == period
    assert hash(type(period).parse(period.id)) == hash(period)


@given(periods)
def test_parse_period_reads_ids_except_ambiguous_ones(period):
    ambiguous = (
        period.kind != "quarter" and period.id[5:] == f"{(int(period.id[:4]) + 1) % 100:02d}"
    )
    if ambiguous and 1 <= int(period.id[5:]) <= 12:
        with pytest.raises(PeriodError):
            parse_period(period.id)
    else:
        assert parse_period(period.id) == period
    assert parse_period(period.label) == period


@given(days)
def test_containing_a_day(day):
    month, quarter, fy = Month.containing(day), quarter_of(day), FinancialYear.containing(day)
    assert month.contains(day) and quarter.contains(day) and fy.contains(day)
    assert month.quarter == quarter and quarter.year == fy


@given(quarters, st.integers(min_value=-40, max_value=40))
def test_shift_matches_repeated_steps(quarter, n):
    stepped = quarter
    for _ in range(abs(n)):
        stepped = stepped.next() if n > 0 else stepped.previous()
    assert quarter.shift(n) == stepped
    assert len(quarters_between(min(quarter, stepped), max(quarter, stepped))) == abs(n) + 1


# --- the text readers -----------------------------------------------------------------------


def test_readers_return_none_for_other_forms():
    assert read_quarter("2022-10") is None and read_month("Q3 2022/23") is None
    assert read_financial_year("Oct 2022") is None and read_short_id("2022/23") is None
    assert read_month(None) is None and read_quarter(20223) is None


@pytest.mark.parametrize("text", ["0999-10", "Q1 0999/00", "Apr 0999"])
def test_out_of_range_years_quote_the_text(text):
    with pytest.raises(PeriodError, match=f"could not read '{text}'.*1000-9998"):
        parse_period(text)


def test_month_names_do_not_depend_on_locale():
    assert MONTH_ABBREVIATIONS[0] == "Jan" and MONTH_ABBREVIATIONS[8] == "Sep"
    assert [Month(2022, n).label[:3] for n in range(1, 13)] == list(MONTH_ABBREVIATIONS)
