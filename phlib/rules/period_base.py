"""What every reporting period shares (`Period`), and spans of several periods (`PeriodRange`).

`phlib.rules.periods` builds months, quarters, financial years and calendar years on `Period`
(`phlib.rules.period_parsing` reads ranges from text). A `PeriodRange` is the span from one
period to a later one of the same kind, as publishers print multi-year and cumulative figures:
three calendar years `2019 - 21`, financial years `2018/19 - 20/21`, quarters
`2021/22 Q1 - 2022/23 Q3`. Its id joins its ends' ids with `_` (`2019_2021`, `2018-19_2020-21`,
`2021-22-Q1_2022-23-Q3`; months by their first and last days, `2022-04-01_2022-12-31`), which no
single period's id holds, so ids never collide. Moving a range (`shift`) moves both ends, as
rolling figures do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import total_ordering
from typing import ClassVar

from phlib.errors import PeriodError

#: The kind of a range of each kind of period.
RANGE_KINDS = {
    "calendar_year": "calendar_years",
    "year": "financial_years",
    "quarter": "quarters",
    "month": "months",
}

#: The frequency (catalogue `frequency`) that a period of each kind reports at.
FREQUENCY_OF_KIND = {
    "month": "month",
    "quarter": "quarter",
    "year": "year",
    "calendar_year": "year",
    "calendar_years": "year",
    "financial_years": "year",
    "quarters": "quarter",
    "months": "month",
}


def frequency_of(kind: str) -> str:
    """The catalogue frequency a period kind reports at: `calendar_years` -> `year`.

    >>> frequency_of("calendar_year"), frequency_of("quarters"), frequency_of("month")
    ('year', 'quarter', 'month')
    """
    return FREQUENCY_OF_KIND.get(kind, kind)


@total_ordering
class Period:
    """Behaviour shared by every kind of period: ordering by (start, end), moving, containing."""

    kind: ClassVar[str]

    def __str__(self) -> str:
        return self.id

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.id!r})"

    def __lt__(self, other):
        if not isinstance(other, Period):
            return NotImplemented
        return (self.start, self.end) < (other.start, other.end)

    def previous(self):
        """The period of the same kind just before this one."""
        return self.shift(-1)

    def next(self):
        """The period of the same kind just after this one."""
        return self.shift(1)

    @property
    def financial_year(self) -> str:
        return self.year.label

    @property
    def frequency(self) -> str:
        """The catalogue frequency this period reports at (`month`, `quarter`, `year`)."""
        return frequency_of(self.kind)

    def contains(self, other) -> bool:
        """True when a date or a period lies wholly inside this period."""
        if isinstance(other, datetime):
            other = other.date()
        if isinstance(other, date):
            return self.start <= other <= self.end
        if isinstance(other, Period):
            return self.start <= other.start and other.end <= self.end
        raise TypeError(f"contains() takes a date or a period, not {type(other).__name__}")


@dataclass(frozen=True, repr=False, eq=True)
class PeriodRange(Period):
    """The span from period `first` to period `last` (same kind, `first` before `last`)."""

    first: Period
    last: Period

    def __post_init__(self):
        if type(self.first) is not type(self.last) or isinstance(self.first, PeriodRange):
            raise PeriodError("a range runs from one period to another of the same kind")
        if not self.first < self.last:
            raise PeriodError(
                f"a range runs from the earlier period to the later: {self.first.label} is not "
                f"before {self.last.label}"
            )

    @property
    def kind(self) -> str:
        """`calendar_years`, `financial_years`, `quarters` or `months`, by the ends' kind."""
        return RANGE_KINDS[self.first.kind]

    @property
    def id(self) -> str:
        """The ends' ids joined by `_`; for months, the first and last days (unambiguous)."""
        if self.first.kind == "month":
            return f"{self.start.isoformat()}_{self.end.isoformat()}"
        return f"{self.first.id}_{self.last.id}"

    start = property(lambda self: self.first.start)
    end = property(lambda self: self.last.end)
    year = property(lambda self: self.last.year)
    months_elapsed = property(lambda self: self.last.months_elapsed)
    length = property(lambda self: _count(self.first, self.last))

    @property
    def label(self) -> str:
        """As publishers print it: `2019 - 21`, `2018/19 - 20/21`, `2021/22 Q1 - 2022/23 Q3`."""
        first, last = self.first, self.last
        if first.kind == "calendar_year":
            return f"{first.label} - {last.label[-2:]}"
        if first.kind == "year":
            return f"{first.label} - {last.label[2:]}"
        if first.kind == "quarter":
            return f"{first.year.label} Q{first.number} - {last.year.label} Q{last.number}"
        return f"{first.label} - {last.label}"

    @property
    def months(self) -> tuple:
        found = [self.first.months[0]]
        while found[-1].end < self.end:
            found.append(found[-1].next())
        return tuple(found)

    def shift(self, n: int) -> PeriodRange:
        return PeriodRange(self.first.shift(n), self.last.shift(n))


def _count(first: Period, last: Period) -> int:
    """How many periods of their kind run from `first` to `last` inclusive."""
    count, here = 1, first
    while here != last:
        here, count = here.next(), count + 1
    return count
