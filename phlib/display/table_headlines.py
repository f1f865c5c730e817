"""Headlines of trajectory charts and of the provider, contract and scorecard tables.

The same rules as the cards' headlines (`phlib.display.headlines`): figures as the chart or
table shows them, compared at the displayed precision, RAG by the report's rules
(`phlib.rules.ratings`), SPC words as the cards say them, the period named and "the latest
available" when the data are behind the quarter, plain words. Every function here takes plain
values (already without the figures a public build hides) and returns a sentence or two, or
'' when there is nothing to say.

>>> trajectory_sentence("NHS Health Checks completed", "count", 0, "higher", 13650, 13000,
...                     "Q3 2022/23", "2022/23", "quarter", "year-to-date target")
'NHS Health Checks completed reached 13,650 in 2022/23 up to Q3 2022/23, 650 above the \
year-to-date target of 13,000 for that quarter (Green).'
"""

from __future__ import annotations

from phlib.display.formatting import format_value
from phlib.rules.direction import normalise_direction
from phlib.rules.ratings import rag_rating

RATED = ("Red", "Amber", "Green", "Blue")
MET = ("Green", "Blue")
LATEST = "the latest available"
_LISTED = 3  # names listed before "and N others"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _when(period: str, late: bool) -> str:
    return f"{period}, {LATEST}" if late else period


def listing(names) -> str:
    """Names joined in plain English, the first three and how many others.

    >>> listing(["A"]), listing(["A", "B"]), listing(["A", "B", "C", "D", "E"])
    ('A', 'A and B', 'A, B, C and 2 others')
    """
    names = list(names)
    if len(names) > _LISTED:
        rest = len(names) - _LISTED
        names = [*names[:_LISTED], f"{rest} other{'' if rest == 1 else 's'}"]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def share(part: float, whole: float) -> str:
    """A part of a whole as a whole percentage, as the contracts table shows it."""
    return format_value(100 * part / whole, "percent", 0)


def trajectory_sentence(
    title, unit, decimals, direction, actual, target, period, year, period_word,
    target_name="trajectory", late=False,
) -> str:  # fmt: skip
    """The latest cumulative actual against the trajectory's point for that period.

    >>> trajectory_sentence("Quitters", "count", 0, "higher", 410, 452, "Oct 2022", "2022/23",
    ...                     "month", late=True)
    'Quitters reached 410 in 2022/23 up to Oct 2022, the latest available, 42 below the \
trajectory of 452 for that month (Amber).'
    >>> trajectory_sentence("Admissions", "count", 0, "lower", 96, None, "Q2 2022/23", "2022/23",
    ...                     "quarter")
    'Admissions reached 96 in 2022/23 up to Q2 2022/23; no target is set for the year.'
    """
    if actual is None:
        return ""
    shown = format_value(actual, unit, decimals)
    first = f"{_capital(title)} reached {shown} in {year} up to {_when(period, late)}"
    if target is None:
        return f"{first}; no target is set for the year."
    places = int(decimals)
    diff = round(round(actual, places) - round(target, places), places)
    goal = f"the {target_name} of {format_value(target, unit, decimals)} for that {period_word}"
    if diff == 0:
        where = f"level with {goal}"
    else:
        where = f"{format_value(abs(diff), unit, decimals)} {'above' if diff > 0 else 'below'}"
        where += f" {goal}"
    rag = rag_rating(actual, target, direction)
    rated = f" ({rag})" if rag in RATED else ""
    return f"{first}, {where}{rated}."


def providers_rated_sentence(rows, period, unit, decimals, direction, late=False) -> str:
    """Providers against a target in the latest period: how many met it and the lowest.

    `rows` are (provider, value, target, RAG) of the latest period, hidden figures left out.

    >>> rows = [("North", 91.0, 85.0, "Green"), ("South", 71.2, 85.0, "Red"),
    ...         ("East", 88.0, 85.0, "Green"), ("West", 86.0, 85.0, "Green"),
    ...         ("Centre", 79.5, 85.0, "Amber")]
    >>> providers_rated_sentence(rows, "Q3 2022/23", "percent", 1, "higher")
    '3 of 5 providers met the 85.0% target in Q3 2022/23; the lowest was South at 71.2%.'
    """
    rated = [r for r in rows if r[3] in RATED and r[1] is not None]
    if not rated:
        return ""
    met = sum(1 for r in rated if r[3] in MET)
    targets = {round(r[2], int(decimals)) for r in rated}
    goal = (
        f"the {format_value(rated[0][2], unit, decimals)} target"
        if len(targets) == 1
        else "their targets"
    )
    text = f"{met} of {len(rated)} provider{'' if len(rated) == 1 else 's'} met {goal} in "
    text += _when(period, late)
    if len(rated) == 1:
        return text + "."
    lower_is_better = normalise_direction(direction) == "lower"
    worst = max(rated, key=lambda r: r[1]) if lower_is_better else min(rated, key=lambda r: r[1])
    word = "highest" if lower_is_better else "lowest"
    return f"{text}; the {word} was {worst[0]} at {format_value(worst[1], unit, decimals)}."


def providers_count_sentence(
    subject, parts, total, period, unit, decimals, late=False, hidden=False
) -> str:
    """Counts by provider over the table's months: the total row's, the most and the fewest.

    `parts` are (provider, its total over the months, or None when any month is hidden or
    missing); `total` is the total row's over the months (None likewise); `hidden` says
    whether the table hides any figure. No shares are given: a total row need not be the sum
    of the providers (a provider may report to more than one return).

    >>> providers_count_sentence("four-week quitters",
    ...     [("GP practices", 210), ("community pharmacies", 154), ("the lifestyle service", 48)],
    ...     412, "Aug to Oct 2022", "count", 0, late=True)
    'In Aug to Oct 2022, the latest available, there were 412 four-week quitters in total; GP \
practices had the most (210) and the lifestyle service the fewest (48).'
    >>> providers_count_sentence("quitters", [("GP practices", 21), ("pharmacies", None)], None,
    ...                          "Q3 2022/23", "count", 0, hidden=True)
    'In Q3 2022/23, GP practices had 21 of the providers with figures for every month. \
Figures small enough to identify people are not shown.'
    """
    known = [(name, value) for name, value in parts if value is not None]
    if not known:
        return ""
    when = _when(period, late)

    def shown(value):
        return format_value(value, unit, decimals)

    high = max(known, key=lambda p: p[1])
    low = min(known, key=lambda p: p[1])
    if total is not None:
        start = f"In {when}, there were {shown(total)} {subject} in total; ".replace("  ", " ")
    else:
        start = f"In {when}, "
    some = "" if len(known) == len(parts) else " of the providers with figures for every month"
    if len(known) == 1 or high[1] == low[1]:
        text = f"{start}{listing([n for n, _ in known])} had {shown(high[1])}{some}."
    else:
        text = (
            f"{start}{high[0]} had the most ({shown(high[1])}) and {low[0]} the fewest "
            f"({shown(low[1])}){some}."
        )
    note = " Figures small enough to identify people are not shown." if hidden else ""
    return text + note


def contracts_sentence(cells, period, hidden=0) -> str:
    """Contracts delivering of those sent out, all together, then the lowest share.

    `cells` are (service, provider, delivering, sent out) with both counts shown; `hidden`
    is how many cells the table does not show (small counts or figures not published).

    >>> contracts_sentence([("stop smoking", "GP practices", 9, 23),
    ...                     ("stop smoking", "community pharmacies", 1, 16),
    ...                     ("NHS Health Checks", "GP practices", 19, 23)], "Q3 2022/23")
    'In Q3 2022/23, 29 of 62 contracts sent out were delivering (47%). The lowest share was \
community pharmacies for stop smoking: 1 of 16 (6%).'
    """
    cells = [c for c in cells if c[3]]
    if not cells:
        return ""
    delivering = sum(c[2] for c in cells)
    sent = sum(c[3] for c in cells)
    shown = " of those shown" if hidden else ""
    text = (
        f"In {period}, {format_value(delivering, 'count', 0)} of {format_value(sent, 'count', 0)}"
        f" contracts sent out{shown} were delivering ({share(delivering, sent)})."
    )
    if len(cells) > 1:
        service, provider, d, s = min(cells, key=lambda c: (c[2] / c[3], c[3]))
        text += (
            f" The lowest share was {provider} for {service}: "
            f"{format_value(d, 'count', 0)} of {format_value(s, 'count', 0)} ({share(d, s)})."
        )
    return text


def scorecard_sentence(rows, period) -> str:
    """A service scorecard: how many rated indicators are at each rating, and how many show
    special cause concern (the table below names them).

    `rows` are (title, RAG or the status shown, variation word or '').

    >>> scorecard_sentence([("A", "Green", ""), ("B", "Red", "Special cause concern"),
    ...                     ("C", "Amber", ""), ("D", "Baseline", ""), ("E", "Blue", "")],
    ...                    "Q3 2022/23")
    'Of 4 indicators rated against a target in Q3 2022/23 (latest figures), 2 were Green or \
Blue, 1 Amber and 1 Red. 1 shows special cause concern.'
    """
    rated = [r for r in rows if r[1] in RATED]
    concern = sum(1 for r in rows if r[2] == "Special cause concern")
    second = ""
    if concern:
        second = f" {concern} show{'s' if concern == 1 else ''} special cause concern."
    if not rated:
        if not rows:
            return ""
        if len(rows) == 1:
            return f"The indicator is not rated against a numeric target in {period}." + second
        return (
            f"None of the {len(rows)} indicators are rated against a numeric target in {period}."
            + second
        )
    count = {rag: sum(1 for r in rated if r[1] == rag) for rag in RATED}
    met = count["Green"] + count["Blue"]
    return (
        f"Of {len(rated)} indicator{'' if len(rated) == 1 else 's'} rated against a target in "
        f"{period} (latest figures), {met} {'was' if met == 1 else 'were'} Green or Blue, "
        f"{count['Amber']} Amber and {count['Red']} Red." + second
    )
