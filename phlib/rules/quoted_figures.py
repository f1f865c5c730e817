"""Figures quoted in commentary that match none of the section's figures for the quarter.

Commentary carried forward from last quarter, or pasted from elsewhere, keeps its numbers
after the data have moved on. `stale_figures` finds every figure in a section's text (its
commentary and headline) that matches none of the figures of the indicators it covers:

- the current and previous values, the target, the statistical neighbour and England means,
  every value of the quarter's periods (the KPI table's months or quarters);
- the 95% confidence interval of the current value (where there are a numerator and
  denominator) and the differences: current minus previous, target, each comparator, and the
  change as a percentage of the previous value and the value as a percentage of the target.

A quoted figure matches a value when the value, rounded to as many decimals as the figure
shows, is the figure: "75%" matches 75.3, "75.3%" matches 75.3, "75.4%" does not. A
difference may be quoted without its sign ("fell 1.5 points"). Not treated as figures:
years (2022, 2022/23, 2022-23), quarters (Q3), days of a month next to a month name
("28 February"), the base of a rate ("per 100,000"), whole numbers below 13 without a %
sign ("2 working days", "12 months"), numbers inside words or ids (sh_2wd, NHS111) and
numbers in the covered indicators' titles.

A section marks figures as checked with a line under its status (see
`phlib.narratives.store`): ``Checked figures: 6.1%; 1,234`` (those figures are not raised
again) or ``Checked figures: all``.

>>> figures_in("Uptake rose from 7.3% to 8.8% in Q3 2022/23, above 1,204 in 2021.")
[('7.3%', 7.3, 1), ('8.8%', 8.8, 1), ('1,204', 1204.0, 0)]
>>> stale_in("Uptake was 8.8%. It was 9.1% last year.", [8.84, 7.3], ())
[('9.1%', 'It was 9.1% last year.')]
"""

from __future__ import annotations

import math
import re

from phlib.rules.intervals import byar_ci, wilson_ci

_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|january|february|march|april|june|july|"
    "august|september|october|november|december"
)
_NUMBER = re.compile(
    r"(?<![\w.,/-])(?:£)?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?![\w/])(?:-(?=\d))?(\s*%| per ?cent)?",
    re.I,
)
_YEAR_SPAN = re.compile(r"^(?:19|20)\d\d(?:[/-]\d\d(?:\d\d)?)?$")
_DATE_AFTER = re.compile(rf"^\s*(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b", re.I)
_DATE_BEFORE = re.compile(rf"\b(?:{_MONTHS})\s+$", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'*\-])")
SMALL = 13


def sentences(text: str) -> list[str]:
    """The sentences of a text (paragraphs and list items are separate sentences)."""
    found = []
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*+]|\d+\.)\s)", text or ""):
        flat = " ".join(block.split())
        found += [s.strip() for s in _SENTENCE.split(flat) if s.strip()]
    return found


def figures_in(text: str) -> list[tuple[str, float, int]]:
    """(as written, value, decimals shown) of each figure in `text` (see the module rules)."""
    found = []
    for match in _NUMBER.finditer(text or ""):
        digits, percent = match.group(1), bool(match.group(2))
        whole = text[match.start(1) : match.end()].strip()
        span = re.match(r"[\d,./-]+", text[match.start(1) :]).group(0).rstrip(".,-")
        if _YEAR_SPAN.match(span) or text[max(0, match.start(1) - 1)] in "Qq":
            continue
        value = float(digits.replace(",", ""))
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        day = not percent and decimals == 0 and 1 <= value <= 31
        before = text[: match.start()]
        if day and (_DATE_AFTER.match(text[match.end(1) :]) or _DATE_BEFORE.search(before)):
            continue
        if re.search(r"\bper\s+$", before, re.I):  # "per 100,000" names a unit
            continue
        if not percent and decimals == 0 and value < SMALL:
            continue
        found.append((whole if percent else digits, value, decimals))
    return found


def _matches(value: float, decimals: int, allowed) -> bool:
    for candidate in allowed:
        if candidate is None or not math.isfinite(candidate):
            continue
        if abs(abs(candidate) - value) <= 0.5 * 10**-decimals + 1e-9:  # rounds to the figure
            return True
    return False


def _title_numbers(titles) -> set[float]:
    return {value for title in titles for _, value, _ in figures_in(str(title))}


def stale_in(text: str, allowed, checked=(), titles=()) -> list[tuple[str, str]]:
    """(figure, sentence) for each figure in `text` matching none of `allowed` and not
    listed in `checked` (``all`` checks every figure)."""
    marked = {" ".join(c.split()).lower() for c in checked}
    if "all" in marked:
        return []
    in_titles = _title_numbers(titles)
    stale = []
    for sentence in sentences(text):
        for shown, value, decimals in figures_in(sentence):
            if shown.lower() in marked or shown.replace(" ", "").lower() in marked:
                continue
            if value in in_titles or _matches(value, decimals, allowed):
                continue
            stale.append((shown, sentence))
    return stale


def _interval(unit: str, numerator, denominator) -> tuple:
    multipliers = {"percent": 100, "per_1000": 1000, "per_100000": 100_000}
    if unit not in multipliers or numerator is None or denominator is None:
        return ()
    try:
        if unit == "percent":
            return wilson_ci(numerator, denominator)
        return byar_ci(numerator, denominator, multiplier=multipliers[unit])
    except ValueError:
        return ()


def indicator_figures(summary, unit: str, period_values=()) -> list[float]:
    """Every figure a commentary on one indicator may quote (see the module docstring)."""
    s = summary
    base = [s.current, s.previous, s.target, s.stat_neighbour_mean, s.england_mean,
            s.ytd_actual, s.numerator, s.denominator]  # fmt: skip
    values = [v for v in base if v is not None] + [v for v in period_values if v is not None]
    current = summary.current
    if current is not None:
        values += list(_interval(unit, summary.numerator, summary.denominator))
        for other in base[1:5]:
            if other is not None:
                values.append(current - other)
                if other:
                    values.append((current - other) / other * 100)
                    values.append(current / other * 100)
    return values
