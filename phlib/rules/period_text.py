"""How periods are written: reading month, quarter, financial-year, calendar-year and range text.

`phlib.rules.periods` and `phlib.rules.period_parsing` build period objects from what these
functions return. Each `read_*` function returns None when the text is not in its form at all,
numbers when it is, and raises `PeriodError` when the text has the form but impossible values
(`Q5 2022/23`, `2022/24`). Reading is lenient with case, spaces and dashes (`q3  2022-23`, an en
dash); two-digit years mean 20YY (`Q3 17/18`, `Jun 18`).

>>> read_quarter("Q3 2022/23"), read_month("October 2022"), read_financial_year("2022/2023")
((2022, 3), (2022, 10), 2022)
>>> read_month("2022/23") is None
True
"""

from __future__ import annotations

import re
from datetime import date

from phlib.errors import PeriodError

# English whatever the machine's locale, unlike the calendar module's names
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August")
MONTH_NAMES += ("September", "October", "November", "December")
MONTH_ABBREVIATIONS = tuple(name[:3] for name in MONTH_NAMES)
_NAMES = {name.lower(): i for i, name in enumerate(MONTH_NAMES, 1)} | {"sept": 9}
_NAMES |= {name.lower(): i for i, name in enumerate(MONTH_ABBREVIATIONS, 1)}
FORMS = {
    "month": "2022-10, Oct 2022, October 2022 or 2022-10-01",
    "quarter": "2022-23-Q3, 2022/23 Q3 or Q3 2022/23",
    "financial year": "2022-23, 2022/23 or 2022/2023",
    "calendar year": "2017",
    "range": "2019 - 21 (calendar years), 2018/19 - 20/21 or 2021/22 Q1 - 2022/23 Q3",
}
_FY = r"(\d{4}|\d{2})\s?[-/]\s?(\d{4}|\d{2})"
_Q = r"(?:q|quarter)\s?(\d+)"
_QUARTER_FIRST = re.compile(rf"{_Q}[- ]?{_FY}")
_YEAR_FIRST = re.compile(rf"{_FY}[- ]?{_Q}")
_MONTH_NUMBERS = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")
_MONTH_NAME = re.compile(r"([a-z]+)\.?[- /]?'?(\d{4}|\d{2})")


def period_error(text, kind: str, reason: str = "") -> PeriodError:
    """The error for text that is not a `kind` of period, quoting it and naming the forms.

    >>> print(period_error("Q5", "quarter"))
    could not read 'Q5' as a quarter. Write it as 2022-23-Q3, 2022/23 Q3 or Q3 2022/23
    """
    forms = FORMS[kind] if kind in FORMS else "; ".join(f"{k} {v}" for k, v in FORMS.items())
    why = f": {reason}" if reason else ""
    error = PeriodError(f"could not read {text!r} as a {kind}{why}. Write it as {forms}")
    error.reason = reason
    return error


def normalise(text) -> str:
    """Lower case, single spaces, dashes for en and em dashes; "" for anything but text."""
    if not isinstance(text, str):
        return ""
    return " ".join(text.replace("\u2013", "-").replace("\u2014", "-").split()).lower()


def _year(digits: str) -> int:
    return int(digits) if len(digits) == 4 else 2000 + int(digits)


def _start_year(first: str, second: str, text, kind: str) -> int:
    start = _year(first)
    follows = int(second) == (start + 1 if len(second) == 4 else (start + 1) % 100)
    if not follows or (len(first) == 2 and len(second) == 4):
        after = f"{start}/{(start + 1) % 100:02d}"
        raise period_error(text, kind, f"the second year must be the one after {start} ({after})")
    return start


def read_financial_year(text) -> int | None:
    """The start year of a financial year written `2022-23`, `2022/23`, `2022/2023` or `22/23`."""
    found = re.fullmatch(_FY, normalise(text))
    return _start_year(*found.groups(), text, "financial year") if found else None


def read_quarter(text) -> tuple[int, int] | None:
    """(start year, quarter number) from `2022-23-Q3`, `2022/23 Q3`, `Q3 2022/23` and kin."""
    s = normalise(text)
    found = _YEAR_FIRST.fullmatch(s)
    if found:
        first, second, number = found.groups()
    elif found := _QUARTER_FIRST.fullmatch(s):
        number, first, second = found.groups()
    else:
        return None
    start = _start_year(first, second, text, "quarter")
    if not 1 <= int(number) <= 4:
        raise period_error(text, "quarter", f"quarters are numbered 1 to 4, not {number}")
    return start, int(number)


def read_month(text) -> tuple[int, int] | None:
    """(calendar year, month) from `2022-10`, `2022-10-01` (any real day), `Oct 2022`, `Oct-22`."""
    s = normalise(text)
    found = _MONTH_NUMBERS.fullmatch(s)
    if found:
        year, month, day = found.groups()
        try:
            date(int(year), int(month), int(day or 1))
        except ValueError as exc:
            raise period_error(text, "month", str(exc)) from None
        return int(year), int(month)
    found = _MONTH_NAME.fullmatch(s)
    if found and found.group(1) in _NAMES:
        return _year(found.group(2)), _NAMES[found.group(1)]
    return None


def read_short_id(text) -> tuple[str, tuple[int, ...]] | None:
    """("month", (year, month)) or ("year", (start year,)) for `YYYY-NN` ids, else None.

    `2011-12` could be December 2011 or the year 2011/12, so it is refused.

    >>> read_short_id("2022-10"), read_short_id("2022-23"), read_short_id("Oct 2022")
    (('month', (2022, 10)), ('year', (2022,)), None)
    """
    found = re.fullmatch(r"(\d{4})-(\d{2})", normalise(text))
    if not found:
        return None
    start, tail = int(found.group(1)), int(found.group(2))
    is_year, is_month = tail == (start + 1) % 100, 1 <= tail <= 12
    if is_year and is_month:
        month = MONTH_ABBREVIATIONS[tail - 1]
        raise period_error(text, "period", f"it could be {month} {start} or {start}/{tail:02d}")
    if not (is_year or is_month):
        raise period_error(
            text, "period", f"{tail:02d} is neither a month nor the year after {start}"
        )
    return ("year", (start,)) if is_year else ("month", (start, tail))


_CALENDAR_SPAN = re.compile(r"(\d{4})(\s?)-(\s?)(\d{4}|\d{2})")


def read_calendar_year(text) -> int | None:
    """The year of a calendar year written `2017`.

    >>> read_calendar_year("2017"), read_calendar_year("2017/18")
    (2017, None)
    """
    s = normalise(text)
    return int(s) if re.fullmatch(r"\d{4}", s) else None


def read_calendar_span(text, published: bool = False) -> tuple[int, int] | None:
    """(first, last) calendar years of a span written `2019 - 21`, `2019 - 2021` or `2019-2021`.

    Two consecutive years (`2019 - 20`) are a financial year unless `published` says the text
    comes from a publisher that writes financial years with `/` (Fingertips). Without spaces,
    a two-digit tail (`2019-20`, `2010-12`) is left to the id reader (financial year, month).

    >>> read_calendar_span("2019 - 21"), read_calendar_span("2019 - 20")
    ((2019, 2021), None)
    >>> read_calendar_span("2019 - 20", published=True), read_calendar_span("2010-12")
    ((2019, 2020), None)
    """
    found = _CALENDAR_SPAN.fullmatch(normalise(text))
    if not found:
        return None
    first, space_before, space_after, tail = found.groups()
    start = int(first)
    if len(tail) == 4:
        last = int(tail)
    else:
        last = start // 100 * 100 + int(tail)
        last += 100 if last < start and last + 100 - start < 50 else 0  # 1999 - 01
    if not (space_before or space_after) and len(tail) == 2:
        return None  # `2019-20`, `2010-12`: the financial-year and month ids
    if last == start + 1 and not published:
        return None
    if last <= start:
        raise period_error(text, "range", f"the last year must be after {start}")
    return start, last


def split_range(text) -> tuple[str, str] | None:
    """The two ends of a range written `FIRST_LAST` (ids) or `FIRST - LAST` (spaced dash).

    >>> split_range("2021/22 Q1 - 2022/23 Q3"), split_range("2021-22-Q1_2022-23-Q3")
    (('2021/22 q1', '2022/23 q3'), ('2021-22-q1', '2022-23-q3'))
    >>> split_range("2022/23") is None
    True
    """
    s = normalise(text)
    parts = s.split("_") if "_" in s else re.split(r"\s+-\s+", s)
    return (parts[0], parts[1]) if len(parts) == 2 and all(parts) else None
