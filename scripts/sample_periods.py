"""Periods of the sample data: April 2016 to March 2023, as months, quarters or years.

Month index 0 is April 2016. Ids follow docs/ARCHITECTURE.md: `2016-04`, `2016-17-Q1`,
`2016-17`.

>>> [p.id for p in periods("quarter")[:2]], periods("month")[-1].id, len(periods("year"))
(['2016-17-Q1', '2016-17-Q2'], '2023-03', 7)
>>> expand("2017-18", "quarter")
['2017-18-Q1', '2017-18-Q2', '2017-18-Q3', '2017-18-Q4']
>>> expand("2017-07:2017-09", "month")
['2017-07', '2017-08', '2017-09']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

FIRST_YEAR = 2016  # financial year 2016/17
YEARS = 7  # 2016/17 to 2022/23
MONTHS_PER = {"month": 1, "quarter": 3, "year": 12}


def fy_id(fy: int) -> str:
    """`2016-17` for financial-year index 0."""
    start = FIRST_YEAR + fy
    return f"{start}-{(start + 1) % 100:02d}"


def fy_label(fy: int) -> str:
    """`2016/17` for financial-year index 0."""
    return fy_id(fy).replace("-", "/")


def calendar_month(m: int) -> tuple[int, int]:
    """(year, month) of month index `m`."""
    return FIRST_YEAR + (m + 3) // 12, (m + 3) % 12 + 1


@dataclass(frozen=True)
class Period:
    """One period: its id, financial-year index and month indexes."""

    id: str
    fy: int
    months: tuple[int, ...]

    @property
    def mid(self) -> float:
        return sum(self.months) / len(self.months)

    @property
    def months_elapsed(self) -> int:
        return self.months[-1] - 12 * self.fy + 1


@cache
def periods(frequency: str) -> tuple[Period, ...]:
    """Every period of the sample range at this frequency, oldest first."""
    step = MONTHS_PER[frequency]
    found = []
    for first in range(0, 12 * YEARS, step):
        fy = first // 12
        months = tuple(range(first, first + step))
        if frequency == "month":
            year, month = calendar_month(first)
            pid = f"{year}-{month:02d}"
        elif frequency == "quarter":
            pid = f"{fy_id(fy)}-Q{(first % 12) // 3 + 1}"
        else:
            pid = fy_id(fy)
        found.append(Period(pid, fy, months))
    return tuple(found)


def expand(spec: str, frequency: str) -> list[str]:
    """Period ids named by `spec`: one id, `first:last` (inclusive) or a financial year id."""
    ids = [p.id for p in periods(frequency)]
    if ":" in spec:
        first, last = spec.split(":")
        return ids[ids.index(first) : ids.index(last) + 1]
    if spec in ids:
        return [spec]
    return [p.id for p in periods(frequency) if fy_id(p.fy) == spec]
