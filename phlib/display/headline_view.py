"""The generated headlines a notebook shows above its cards and KPI tables.

Builds `phlib.display.headlines.Facts` from what a card shows (so a suppressed or withheld
figure is never quoted) and the indicator's control chart, and returns the marked HTML.
"""

from __future__ import annotations

from phlib.display.cards import Card
from phlib.display.formatting import format_value
from phlib.display.headlines import Facts, headline, headline_html, interval_comparison
from phlib.display.headlines import table_headline as table_sentence
from phlib.display.tables import KpiRow
from phlib.rules.periods import Month
from phlib.rules.selection import Summary


def card_facts(card: Card, summary: Summary, control=None) -> Facts | None:
    """What the headline of a card may say; None when the card shows no current figure."""
    hidden = card.suppressed_fields
    if card.withheld or card.current is None or "current" in hidden:
        return None
    previous = None if "previous" in hidden else card.previous
    england = None if "england_mean" in hidden else card.england_mean
    same_period = not card.comparator_period.strip()
    comparison = None
    if same_period:
        parts = (summary.numerator, summary.denominator)
        comparison = interval_comparison(card.unit, card.direction, card.current, *parts, england)
    since = ""
    if control is not None and control.signal_since:
        since = Month.parse(control.signal_since).label
    return Facts(
        title=card.title or card.indicator_id,
        unit=card.unit,
        decimals=card.decimals,
        direction=card.direction,
        current=card.current,
        previous=previous,
        period_label=card.period_label,
        previous_label=summary.previous_label,
        target=card.target,
        target_label=card.target_label,
        rag=None if "rag" in hidden else card.rag,
        benchmark=england,
        benchmark_period=card.comparator_period,
        comparison=comparison,
        variation=control.variation if control is not None else "",
        since_label=since,
    )


def card_headline(card: Card, summary: Summary, control=None) -> str:
    """The marked headline HTML above a card ('' when there is nothing to say)."""
    facts = card_facts(card, summary, control)
    return "" if facts is None else headline_html(headline(facts), [card.indicator_id])


def table_headline(indicator_ids, rows: list[KpiRow], labels: list[str]) -> str:
    """The marked headline HTML above a KPI table: ratings in its latest period."""
    if not labels:
        return ""
    last = labels[-1]
    found = []
    for row in rows:
        value = row.values.get(last)
        shown = value if isinstance(value, str) else _format(row, value)
        found.append((row.measure, row.rags.get(last), shown))
    return headline_html(table_sentence(found, last), indicator_ids)


def _format(row: KpiRow, value) -> str:
    return format_value(value, row.unit, row.decimals)
