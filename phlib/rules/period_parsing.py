"""Reading periods from text: `parse_period` (any kind, ranges included) and runs of periods.

Multi-year and cumulative figures are `PeriodRange`s (`phlib.rules.period_base`): `2019 - 21`,
`2018/19 - 20/21`, `2021/22 Q1 - 2022/23 Q3`, shown as the publisher writes them, with ids
that join their ends' (`2019_2021`). A single period is read by `phlib.rules.periods`
(`read_single_period`); this module decides whether text is a range, reads both ends as the
same kind, and refuses what could be read two ways. The forms themselves are in
`phlib.rules.period_text`.

`months_between` and `quarters_between` list every month or quarter from one to another, each
end given as a period or as text.

>>> parse_period("Q3 2022/23"), parse_period("2019 - 21").label
(Quarter('2022-23-Q3'), '2019 - 21')
"""

from __future__ import annotations

import re
from datetime import date

from phlib.errors import PeriodError
from phlib.rules.period_base import Period, PeriodRange
from phlib.rules.period_text import (
    period_error,
    read_calendar_span,
    read_financial_year,
    split_range,
)
from phlib.rules.periods import CalendarYear, FinancialYear, Month, Quarter, read_single_period


def parse_period(text, *, published: bool = False):
    """Read a month, quarter, financial year, calendar year or range from any accepted form.

    `2011-12` could be December 2011 or the year 2011/12, so it is refused: write `Dec 2011`
    or `2011/12`. A date (or datetime) gives the month containing it. `2017` is the calendar
    year; ranges are written as publishers print them (`2019 - 21`, `2018/19 - 20/21`,
    `2021/22 Q1 - 2022/23 Q3`) or by their ids (`2019_2021`). `2019 - 20` is the financial
    year 2019/20 unless `published` (Fingertips, which writes financial years with `/`).

    >>> [parse_period(t).id for t in ("2022-10", "2022-23", "Q3 2022/23", "Oct 2022", "17/18")]
    ['2022-10', '2022-23', '2022-23-Q3', '2022-10', '2017-18']
    >>> [parse_period(t).label for t in ("2017", "2019 - 21", "2018/19 - 20/21")]
    ['2017', '2019 - 21', '2018/19 - 20/21']
    >>> parse_period("2021/22 Q1 - 2022/23 Q3").id, parse_period("2019_2021").label
    ('2021-22-Q1_2022-23-Q3', '2019 - 21')
    >>> parse_period("2022-13")
    Traceback (most recent call last):
    ...
    phlib.errors.PeriodError: could not read '2022-13' as a period: ...
    """
    if isinstance(text, Period):
        return text
    if isinstance(text, date):
        return Month.containing(text)
    span = read_calendar_span(text, published)
    if span:
        return _range(CalendarYear(span[0]), CalendarYear(span[1]), text)
    ends = None if _financial_form(text) else split_range(text)
    if ends:
        try:
            first, last = _ends(*ends, ids="_" in str(text))
        except PeriodError as error:
            raise period_error(text, "range", getattr(error, "reason", "")) from None
        return _range(first, last, text)
    return read_single_period(text)


def _ends(first_text: str, last_text: str, ids: bool = False):
    """The two ends of a range, read as the same kind of period.

    An end that alone is ambiguous (`2000-01`) takes the kind of the other; in a range id
    (`2000-01_2001-02`) two ambiguous ends are financial years (ranges of months have ids of
    dates, `2022-04-01_2022-12-31`). A short financial year at the end (`2018/19 - 20/21`)
    takes the century that puts it after the first.
    """
    read = []
    for text in (first_text, last_text):
        try:
            read.append(read_single_period(text))
        except PeriodError as error:
            read.append(error)
    kinds = [type(p) for p in read if isinstance(p, Period)]
    if not kinds and ids:
        kinds = [FinancialYear]
    if not kinds:
        raise read[0]
    kind = kinds[0]
    if len(kinds) == 2 and kinds[0] is not kinds[1]:
        error = PeriodError("a range runs from one period to another of the same kind")
        error.reason = str(error)
        raise error
    first, last = (p if isinstance(p, kind) else kind.parse(t)
                   for p, t in zip(read, (first_text, last_text), strict=True))  # fmt: skip
    if kind is FinancialYear and re.fullmatch(r"\d{2}\s?/\s?\d{2}", last_text.strip()):
        year = first.start_year // 100 * 100 + last.start_year % 100
        last = FinancialYear(year + 100 if year < first.start_year else year)
    return first, last


def _financial_form(text) -> bool:
    """True for text written like a financial year (`2019 - 20`, `2022-10`), right or wrong."""
    try:
        return read_financial_year(text) is not None
    except PeriodError:
        return True


def _range(first, last, text) -> PeriodRange:
    try:
        return PeriodRange(first, last)
    except PeriodError as error:
        raise period_error(text, "range", str(error)) from None


def _between(cls, first, last) -> list:
    first, last = cls.parse(first), cls.parse(last)
    if last < first:
        raise PeriodError(f"{first.label} is after {last.label}: give the earlier {cls.kind} first")
    found = [first]
    while found[-1] != last:
        found.append(found[-1].next())
    return found


def months_between(first, last) -> list[Month]:
    """Every month from `first` to `last` inclusive (Months or text).

    >>> [m.label for m in months_between("Nov 2022", "2023-01")]
    ['Nov 2022', 'Dec 2022', 'Jan 2023']
    """
    return _between(Month, first, last)


def quarters_between(first, last) -> list[Quarter]:
    """Every quarter from `first` to `last` inclusive (Quarters or text).

    >>> [q.id for q in quarters_between("2022-23-Q3", "Q2 2023/24")]
    ['2022-23-Q3', '2022-23-Q4', '2023-24-Q1', '2023-24-Q2']
    """
    return _between(Quarter, first, last)
