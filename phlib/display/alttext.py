"""Alt text for charts, written from the chart's own numbers.

Each sentence states what a sighted reader takes from the chart: what it shows and over which
periods, the latest value and its period, the target, the direction of change, and gaps.

>>> latest_sentence(["Jul 2018", "Aug 2018", "Sep 2018"], [73, 58, 68], "percent", 0,
...                 target=90, target_label="Threshold")
'Latest value 68% in Sep 2018 against a threshold of 90%.'
>>> change_sentence(["Jul 2018", "Aug 2018", "Sep 2018"], [73, 58, 68], "percent", 0)
'Up from 58% in Aug 2018.'
"""

from __future__ import annotations

from collections.abc import Sequence

from phlib.display.formatting import as_number, format_value

NO_DATA = "No data available for this period"


def available(periods: Sequence[str], values: Sequence) -> list[tuple[str, float]]:
    """The (period, value) pairs whose value is not missing, in order.

    >>> available(["a", "b", "c"], [1, None, float("nan")])
    [('a', 1.0)]
    """
    pairs = [(str(p), as_number(v)) for p, v in zip(periods, values, strict=True)]
    return [(p, v) for p, v in pairs if v is not None]


def span(periods: Sequence[str]) -> str:
    """``first to last`` of a list of period labels (or the one label).

    >>> span(["Q1", "Q2", "Q3"]), span(["2021/22"]), span([])
    ('Q1 to Q3', '2021/22', '')
    """
    labels = [str(p) for p in periods]
    if not labels:
        return ""
    return labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"


def listing(items: Sequence[str], most: int = 3) -> str:
    """``a, b and c``; past `most` items, ``a, b, c and 2 others``.

    >>> listing(["Jul"]), listing(["Jul", "Aug"]), listing(list("abcde"))
    ('Jul', 'Jul and Aug', 'a, b, c and 2 others')
    """
    items = [str(i) for i in items]
    if len(items) > most:
        rest = len(items) - most
        return f"{', '.join(items[:most])} and {rest} other{'s' if rest != 1 else ''}"
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def latest_sentence(periods, values, unit, decimals, *, target=None, target_label="Target"):
    """``Latest value V in P against a target of T.`` (target part only when there is one)."""
    pairs = available(periods, values)
    if not pairs:
        return f"{NO_DATA}."
    period, value = pairs[-1]
    text = f"Latest value {format_value(value, unit, decimals)} in {period}"
    if as_number(target) is not None:
        text += f" against a {target_label.lower()} of {format_value(target, unit, decimals)}"
    return text + "."


def change_sentence(periods, values, unit, decimals, subject: str = "") -> str:
    """``Up from V in P.``, ``Down from ...`` or ``Unchanged from ...`` (at shown precision).

    Compares the latest value with the one before it that is not missing; empty if none.
    With a `subject` the sentence names it and its latest value first.

    >>> change_sentence(["Q1", "Q2"], [50.04, 49.96], "percent", 1)
    'Unchanged from 50.0% in Q1.'
    >>> change_sentence(["2020/21", "2021/22"], [5, 4], "count", 0, subject="Fenland")
    'Fenland 4 in 2021/22, down from 5 in 2020/21.'
    """
    pairs = available(periods, values)
    if len(pairs) < 2:
        return ""
    (before_period, before), (latest_period, latest) = pairs[-2], pairs[-1]
    shown_before = format_value(before, unit, decimals)
    if shown_before == format_value(latest, unit, decimals):
        word = "Unchanged"
    else:
        word = "Up" if latest > before else "Down"
    if subject:
        shown = format_value(latest, unit, decimals)
        word = f"{subject} {shown} in {latest_period}, {word.lower()}"
    return f"{word} from {shown_before} in {before_period}."


def gaps_sentence(periods, values) -> str:
    """``No data for P1 and P2.`` naming the periods whose value is missing; empty if none.

    >>> gaps_sentence(["Jul", "Aug", "Sep"], [1, None, 3])
    'No data for Aug.'
    """
    missing = [str(p) for p, v in zip(periods, values, strict=True) if as_number(v) is None]
    return f"No data for {listing(missing)}." if missing else ""


def join(*sentences: str) -> str:
    """The non-empty sentences joined by spaces.

    >>> join("One.", "", "Two.")
    'One. Two.'
    """
    return " ".join(s.strip() for s in sentences if s and s.strip())


def extremes_sentence(labels, values, unit, decimals) -> str:
    """``Highest L1 (V1); lowest L2 (V2).`` over the non-missing values; empty if under two.

    >>> extremes_sentence(["A", "B", "C"], [5, None, 9], "count", 0)
    'Highest C (9); lowest A (5).'
    """
    pairs = available(labels, values)
    if len(pairs) < 2:
        return ""
    high = max(pairs, key=lambda pair: pair[1])
    low = min(pairs, key=lambda pair: pair[1])
    return (
        f"Highest {high[0]} ({format_value(high[1], unit, decimals)}); "
        f"lowest {low[0]} ({format_value(low[1], unit, decimals)})."
    )
