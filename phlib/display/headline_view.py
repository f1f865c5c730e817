"""The generated headlines a notebook shows above its cards, tables and trajectory charts.

Builds `phlib.display.headlines.Facts` from what a card shows (so a suppressed or withheld
figure is never quoted) and the indicator's control chart; the other headlines are written by
`phlib.display.table_headlines` from what a table or chart shows. Each returns the marked HTML.
"""

from __future__ import annotations

from phlib.display.cards import Card
from phlib.display.formatting import format_value
from phlib.display.headlines import Facts, headline, headline_html, interval_comparison
from phlib.display.headlines import table_headline as table_sentence
from phlib.display.table_headlines import (
    RATED,
    contracts_sentence,
    providers_count_sentence,
    providers_rated_sentence,
    scorecard_sentence,
    trajectory_sentence,
)
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


def table_headline(indicator_ids, rows: list[KpiRow], labels: list[str], when: str = "") -> str:
    """The marked headline HTML above a KPI table: ratings in its latest period (`when` is
    that period in full, e.g. "Q3 2022/23" for a column labelled "Q3")."""
    if not labels:
        return ""
    last = labels[-1]
    found = []
    for row in rows:
        value = row.values.get(last)
        shown = value if isinstance(value, str) else _format(row, value)
        found.append((row.measure, row.rags.get(last), shown))
    return headline_html(table_sentence(found, when or last), indicator_ids)


def _format(row: KpiRow, value) -> str:
    return format_value(value, row.unit, row.decimals)


def trajectory_headline(found, indicator_id: str) -> str:
    """The marked headline above a trajectory chart: the latest cumulative actual against the
    trajectory's point for that period ('' without a figure to quote)."""
    at = None if found is None else found.latest
    if at is None:
        return ""
    late = found.behind or found.labels[at] != found.last_label
    name = "trajectory" if "last year" in found.target_label else "year-to-date target"
    text = trajectory_sentence(
        found.title, found.unit, found.decimals, found.direction, found.actual[at],
        found.target[at], found.labels[at], found.year_label,
        "month" if found.frequency == "month" else "quarter", name, late,
    )  # fmt: skip
    return headline_html(text, [indicator_id])


def parts_headline(view, indicator_ids, late: bool = False, direction: str = "higher") -> str:
    """The marked headline above a table of providers (`phlib.display.parts.PartsView`):
    rated against a target, how many met it and the lowest; as counts, the total over the
    table's months and the providers with the most and the fewest."""
    parts, total = list(view.rows[:-1]), view.rows[-1]
    if not parts or not view.labels:
        return ""
    subject, names = _subject([r.measure for r in parts], total.measure)
    last = view.labels[-1]
    first = parts[0]
    if any(r.rags.get(last) in RATED for r in parts):
        rows = [(n, _number(r.values.get(last)), r.target, r.rags.get(last))
                for n, r in zip(names, parts, strict=True)]  # fmt: skip
        text = providers_rated_sentence(rows, last, first.unit, first.decimals, direction, late)
    else:
        sums = [_sum(r, view.labels) for r in parts]
        hidden = any(isinstance(v, str) for r in view.rows for v in r.values.values())
        text = providers_count_sentence(
            subject, list(zip(names, sums, strict=True)), _sum(total, view.labels),
            _span(view.labels), first.unit, first.decimals, late, hidden,
        )  # fmt: skip
    return headline_html(text, indicator_ids)


def contracts_headline(rows, period: str, indicator_ids) -> str:
    """The marked headline above a contracts table: delivering of sent out, the lowest share.

    `rows` are the table's (service, {provider: (delivering, sent out), text or None})."""
    cells, hidden = [], 0
    for service, counts in rows:
        for provider, found in counts.items():
            if isinstance(found, str):
                hidden += 1
            elif found is not None and None not in found:
                cells.append((_plain(service), _plain(provider), *found))
    return headline_html(contracts_sentence(cells, period, hidden), indicator_ids)


def scorecard_headline(rows, period: str, indicator_ids) -> str:
    """The marked headline above a service's scorecard: `rows` are (title, RAG shown,
    variation shown)."""
    return headline_html(scorecard_sentence(rows, period), indicator_ids)


def _number(value):
    return None if value is None or isinstance(value, str) else float(value)


def _sum(row: KpiRow, labels) -> float | None:
    """The row's total over the labels; None when any is hidden or missing."""
    values = [_number(row.values.get(label)) for label in labels]
    return None if any(v is None for v in values) else sum(values)


def _plain(name: str) -> str:
    """A name inside a sentence: 'Community pharmacies' -> 'community pharmacies', but 'GP
    practices' and 'LARC' as they are."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def _subject(titles, total_title: str) -> tuple[str, list[str]]:
    """What the parts count and each part's name: 'Four-week quitters: GP practices' gives
    ('four-week quitters', ['GP practices', ...]) when every title shares the 'X: ' start;
    otherwise no subject and the titles as they are."""
    heads = {t.split(": ", 1)[0] for t in [*titles, total_title] if ": " in t}
    if len(heads) == 1 and all(": " in t for t in titles):
        return _plain(heads.pop()), [t.split(": ", 1)[1] for t in titles]
    return "", list(titles)


def _span(labels) -> str:
    """'Aug 2022 to Oct 2022' as 'Aug to Oct 2022'; one label as it is."""
    first, last = labels[0], labels[-1]
    if first == last:
        return first
    a, b = first.rsplit(" ", 1), last.rsplit(" ", 1)
    if len(a) == len(b) == 2 and a[1] == b[1]:
        return f"{a[0]} to {last}"
    return f"{first} to {last}"
