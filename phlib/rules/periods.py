"""The single reporting periods: `Month`, `Quarter`, `FinancialYear` and `CalendarYear`.

A financial year runs 1 April to 31 March; a calendar year (`2017`) January to December. Every
period has `.id` (names files: `2022-23-Q3`), `.label` (for people: `Q3 2022/23`), `.kind`,
`.start`, `.end`, `.months`, `.months_elapsed` (months of its financial year up to its end),
`.year` (its `FinancialYear`), `.financial_year`, `.frequency`, `.previous()`, `.next()` and
`.contains(...)`, and sorts by `(start, end)` (`phlib.rules.period_base.Period`). Each kind
reads its own forms (`Quarter.parse`), `read_single_period` any one of them; ranges and text of
any kind are read by `phlib.rules.period_parsing.parse_period`.

>>> q = Quarter.parse("Q3 2022/23")
>>> q.id, q.label, q.financial_year, q.start, q.end
('2022-23-Q3', 'Q3 2022/23', '2022/23', datetime.date(2022, 10, 1), datetime.date(2022, 12, 31))
>>> [m.label for m in q.months]
['Oct 2022', 'Nov 2022', 'Dec 2022']
>>> sorted([q, q.year, q.months[0], q.year.months[0]])
[Month('2022-04'), FinancialYear('2022-23'), Month('2022-10'), Quarter('2022-23-Q3')]
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from phlib.errors import PeriodError
from phlib.rules.period_base import Period
from phlib.rules.period_text import (
    MONTH_ABBREVIATIONS,
    period_error,
    read_calendar_year,
    read_financial_year,
    read_month,
    read_quarter,
    read_short_id,
)

_MIN_YEAR, _MAX_YEAR = 1000, 9998  # first and last financial-year start years


class _Textual(Period):
    """A single period; `contains` also reads the text of a single period."""

    def contains(self, other) -> bool:
        """True when a date, a period or period text lies wholly inside this period.

        >>> Quarter.parse("2022-23-Q3").contains(date(2022, 11, 5))
        True
        >>> FinancialYear.parse("2022/23").contains("Q4 2022/23")
        True
        """
        return super().contains(read_single_period(other) if isinstance(other, str) else other)


@dataclass(frozen=True, repr=False)
class FinancialYear(_Textual):
    """A financial year, 1 April `start_year` to 31 March the year after.

    >>> fy = FinancialYear.parse("2022/2023")
    >>> fy.id, fy.label, fy.start_year, fy.end, fy.months[0].label, len(fy.quarters)
    ('2022-23', '2022/23', 2022, datetime.date(2023, 3, 31), 'Apr 2022', 4)
    >>> FinancialYear.containing(date(2023, 2, 14)).label
    '2022/23'
    """

    start_year: int
    kind: ClassVar[str] = "year"

    def __post_init__(self):
        y = self.start_year
        if isinstance(y, bool) or not isinstance(y, int) or not _MIN_YEAR <= y <= _MAX_YEAR:
            raise PeriodError(
                f"a financial year starts in a year {_MIN_YEAR}-{_MAX_YEAR}, got {y!r}"
            )

    id = property(lambda self: f"{self.start_year}-{(self.start_year + 1) % 100:02d}")
    label = property(lambda self: f"{self.start_year}/{(self.start_year + 1) % 100:02d}")
    start = property(lambda self: date(self.start_year, 4, 1))
    end = property(lambda self: date(self.start_year + 1, 3, 31))
    year = property(lambda self: self)
    months_elapsed = 12
    quarters = property(lambda self: tuple(Quarter(self.start_year, n) for n in range(1, 5)))
    months = property(lambda self: tuple(_month_at(self.start_year, p) for p in range(1, 13)))

    def shift(self, n: int) -> FinancialYear:
        return FinancialYear(self.start_year + n)

    @classmethod
    def containing(cls, day: date) -> FinancialYear:
        return cls(day.year if day.month >= 4 else day.year - 1)

    @classmethod
    def parse(cls, text) -> FinancialYear:
        if isinstance(text, cls):
            return text
        return _build(cls, read_financial_year(text), text)


@dataclass(frozen=True, repr=False)
class Quarter(_Textual):
    """Quarter `number` (1 Apr-Jun, 2 Jul-Sep, 3 Oct-Dec, 4 Jan-Mar) of a financial year.

    >>> q = Quarter.parse("2022/23 q4")
    >>> q.id, q.label, q.start, q.months_elapsed
    ('2022-23-Q4', 'Q4 2022/23', datetime.date(2023, 1, 1), 12)
    >>> q.next().id, q.previous().id, q.same_quarter_last_year().id
    ('2023-24-Q1', '2022-23-Q3', '2021-22-Q4')
    """

    start_year: int
    number: int
    kind: ClassVar[str] = "quarter"

    def __post_init__(self):
        FinancialYear(self.start_year)
        n = self.number
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 4:
            raise PeriodError(f"a quarter is numbered 1 to 4, got {n!r}")

    year = property(lambda self: FinancialYear(self.start_year))
    id = property(lambda self: f"{self.year.id}-Q{self.number}")
    label = property(lambda self: f"Q{self.number} {self.year.label}")
    months = property(
        lambda self: tuple(_month_at(self.start_year, 3 * self.number - i) for i in (2, 1, 0))
    )
    start = property(lambda self: self.months[0].start)
    end = property(lambda self: self.months[-1].end)
    months_elapsed = property(lambda self: 3 * self.number)

    def shift(self, n: int) -> Quarter:
        year, index = divmod(4 * self.start_year + self.number - 1 + n, 4)
        return Quarter(year, index + 1)

    def same_quarter_last_year(self) -> Quarter:
        return self.shift(-4)

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return Month.containing(day).quarter

    @classmethod
    def parse(cls, text) -> Quarter:
        if isinstance(text, cls):
            return text
        return _build(cls, read_quarter(text), text)


@dataclass(frozen=True, repr=False)
class Month(_Textual):
    """A calendar month; `.month_of_year` is its place in the financial year (April = 1).

    >>> m = Month.parse("October 2022")
    >>> m.id, m.label, m.month_of_year, m.quarter.id, m.financial_year
    ('2022-10', 'Oct 2022', 7, '2022-23-Q3', '2022/23')
    >>> Month.parse("2023-02-14").end, Month.parse("Mar 2023").next().label
    (datetime.date(2023, 2, 28), 'Apr 2023')
    """

    calendar_year: int
    calendar_month: int
    kind: ClassVar[str] = "month"

    def __post_init__(self):
        m = self.calendar_month
        if isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12:
            raise PeriodError(f"a month is numbered 1 to 12, got {m!r}")
        if isinstance(self.calendar_year, bool) or not isinstance(self.calendar_year, int):
            raise PeriodError(f"a month's year is a whole number, got {self.calendar_year!r}")
        FinancialYear(self.calendar_year if m >= 4 else self.calendar_year - 1)

    id = property(lambda self: f"{self.calendar_year:04d}-{self.calendar_month:02d}")
    label = property(
        lambda self: f"{MONTH_ABBREVIATIONS[self.calendar_month - 1]} {self.calendar_year}"
    )
    month_of_year = property(lambda self: (self.calendar_month - 4) % 12 + 1)
    months_elapsed = month_of_year
    year = property(lambda self: FinancialYear.containing(self.start))
    quarter = property(lambda self: Quarter(self.year.start_year, (self.month_of_year + 2) // 3))
    months = property(lambda self: (self,))
    start = property(lambda self: date(self.calendar_year, self.calendar_month, 1))
    end = property(
        lambda self: date(
            self.calendar_year,
            self.calendar_month,
            calendar.monthrange(self.calendar_year, self.calendar_month)[1],
        )
    )

    def shift(self, n: int) -> Month:
        year, index = divmod(12 * self.calendar_year + self.calendar_month - 1 + n, 12)
        return Month(year, index + 1)

    def same_month_last_year(self) -> Month:
        return self.shift(-12)

    @classmethod
    def containing(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text) -> Month:
        """Read a month from text, or from a date (as a spreadsheet cell may hold one)."""
        if isinstance(text, cls):
            return text
        if isinstance(text, date):
            return cls.containing(text)
        return _build(cls, read_month(text), text)


@dataclass(frozen=True, repr=False)
class CalendarYear(_Textual):
    """A calendar year, 1 January to 31 December, written as publishers do: `2017`.

    >>> cy = CalendarYear.parse("2017")
    >>> cy.id, cy.label, cy.start, cy.end, cy.year.label, cy.next().label
    ('2017', '2017', datetime.date(2017, 1, 1), datetime.date(2017, 12, 31), '2017/18', '2018')
    """

    calendar_year: int
    kind: ClassVar[str] = "calendar_year"

    def __post_init__(self):
        y = self.calendar_year
        if isinstance(y, bool) or not isinstance(y, int) or not _MIN_YEAR < y <= _MAX_YEAR:
            raise PeriodError(f"a calendar year is a year {_MIN_YEAR + 1}-{_MAX_YEAR}, got {y!r}")

    id = property(lambda self: f"{self.calendar_year:04d}")
    label = id
    start = property(lambda self: date(self.calendar_year, 1, 1))
    end = property(lambda self: date(self.calendar_year, 12, 31))
    year = property(lambda self: FinancialYear(self.calendar_year))
    months = property(lambda self: tuple(Month(self.calendar_year, m) for m in range(1, 13)))
    months_elapsed = 9  # April to December of the financial year it ends in

    def shift(self, n: int) -> CalendarYear:
        return CalendarYear(self.calendar_year + n)

    @classmethod
    def parse(cls, text) -> CalendarYear:
        if isinstance(text, cls):
            return text
        return _build(cls, read_calendar_year(text), text)


def _build(cls, numbers, text):
    """The period `cls(*numbers)` read from `text`, or a PeriodError quoting the text."""
    if numbers is None:
        names = {"year": "financial year", "calendar_year": "calendar year"}
        raise period_error(text, names.get(cls.kind, cls.kind))
    try:
        return cls(*numbers) if isinstance(numbers, tuple) else cls(numbers)
    except PeriodError as exc:
        raise period_error(text, cls.kind, str(exc)) from None


def _month_at(start_year: int, position: int) -> Month:
    """The month at `position` (1 = April ... 12 = March) of the financial year."""
    calendar_month = (position + 2) % 12 + 1
    return Month(start_year if calendar_month >= 4 else start_year + 1, calendar_month)


def read_single_period(text):
    """One period of any kind, not a range, from text; ranges are read by `parse_period`.

    >>> [read_single_period(t).id for t in ("2017", "Q3 2022/23", "Oct 2022", "2022/23")]
    ['2017', '2022-23-Q3', '2022-10', '2022-23']
    """
    if read_calendar_year(text) is not None:
        return CalendarYear.parse(text)
    short = read_short_id(text)
    if short:
        return _build(Month if short[0] == "month" else FinancialYear, short[1], text)
    reasons = []
    for cls in (Quarter, Month, FinancialYear):
        try:
            return cls.parse(text)
        except PeriodError as error:
            reasons += [error.reason] if getattr(error, "reason", "") else []
    raise period_error(text, "period", "; ".join(dict.fromkeys(reasons)))


def quarter_of(day: date) -> Quarter:
    """The quarter containing a date.

    >>> quarter_of(date(2023, 1, 9))
    Quarter('2022-23-Q4')
    """
    return Quarter.containing(day)
