"""Headlines written from the data: one or two plain sentences above each card and table.

Rules, not a model. The sentences follow the Government Analysis Function's guidance on
writing about statistics: plain words ("rose", "fell", "better than"), the figure as the
card shows it, the period named, no judgement the data cannot support:

1. **Change**: the current value against the previous one *at the displayed precision* (a
   change that does not show on the card is "unchanged"), the difference in percentage points
   for percentages, then "better than" or "worse than" the previous period by the indicator's
   direction (nothing for indicators without one).
2. **Comparison and rating**: "above", "below" or "the same as" England at the displayed
   precision; "significantly" only when a confidence interval was tested against England
   (`phlib.rules.intervals.compare_to_benchmark`), and "similar to" when the test finds no
   difference. The RAG rating against the target or threshold.
3. **SPC**: a special cause signal on the control chart and the month it began.

Late data say they are the latest available. A headline is marked in the HTML as generated
from the data (`headline_html`); an analyst's headline in the narrative (`### Headline`)
replaces it when the section is exported (`phlib.report.section`).

>>> f = Facts(title="Uptake", unit="percent", decimals=1, direction="higher", current=8.8,
...           previous=7.3, period_label="Q3 2022/23", previous_label="Q2 2022/23",
...           target=8.0, rag="Green", benchmark=8.2,
...           variation="Special cause improvement", since_label="Jun 2022")
>>> print(headline(f))
Uptake rose 1.5 percentage points to 8.8% in Q3 2022/23, better than Q2 2022/23. It is above \
England (8.2%) and Green against its 8.0% target; special cause improvement since Jun 2022.
"""

from __future__ import annotations

from dataclasses import dataclass

from phlib.display.formatting import format_number, format_value
from phlib.display.markup import esc
from phlib.rules.direction import normalise_direction
from phlib.rules.intervals import byar_ci, compare_to_benchmark, wilson_ci

LATEST = " (latest available)"
RATED = ("Red", "Amber", "Green", "Blue")
TESTED = ("Better", "Worse", "Higher", "Lower", "Similar")
GENERATED_NOTE = "Headline written automatically from the data"


@dataclass(frozen=True)
class Facts:
    """What a headline may say about one indicator (values unformatted, as on the card)."""

    title: str
    unit: str
    decimals: int
    direction: str
    current: float | None
    previous: float | None
    period_label: str
    previous_label: str = ""
    target: float | None = None
    target_label: str = "Target"
    rag: str | None = None
    benchmark: float | None = None
    benchmark_name: str = "England"
    benchmark_period: str = ""  # when the benchmark is for another period, e.g. "2021/22"
    comparison: str | None = None  # a tested result of compare_to_benchmark, else None
    variation: str = ""
    since_label: str = ""


def _shown(value, facts: Facts) -> str:
    return format_value(value, facts.unit, facts.decimals)


def _amount(facts: Facts) -> tuple[int, str]:
    """(sign, the change as words) at the displayed precision."""
    places = facts.decimals
    diff = round(round(facts.current, places) - round(facts.previous, places), places)
    if diff == 0:
        return 0, ""
    size = format_number(abs(diff), places)
    if facts.unit == "percent":
        words = f"{size} percentage point{'' if size in ('1', '1.0') else 's'}"
    else:  # counts and rates: the difference in the card's own terms
        words = f"by {size}"
    return (1 if diff > 0 else -1), words


def _period(label: str) -> str:
    if label.endswith(LATEST):
        return f"{label[: -len(LATEST)]}, the latest available"
    return label


def change_sentence(facts: Facts) -> str:
    """The first sentence: the value, its period and how it changed.

    >>> f = Facts("Quitters", "count", 0, "higher", 340, 352, "Oct 2022 (latest available)",
    ...           "Sep 2022")
    >>> change_sentence(f)
    'Quitters fell by 12 to 340 in Oct 2022, the latest available, worse than Sep 2022.'
    """
    subject = facts.title[:1].upper() + facts.title[1:]
    period = _period(facts.period_label)
    if facts.current is None:
        return f"There are no figures for {facts.title} for {period}."
    current = _shown(facts.current, facts)
    if facts.previous is None:
        return f"{subject} was {current} in {period}."
    sign, amount = _amount(facts)
    if sign == 0:
        return f"{subject} was unchanged at {current} in {period}."
    verb = "rose" if sign > 0 else "fell"
    better = normalise_direction(facts.direction)
    judged = ""
    if better is not None and facts.previous_label:
        good = (sign > 0) == (better == "higher")
        judged = f", {'better' if good else 'worse'} than {facts.previous_label}"
    return f"{subject} {verb} {amount} to {current} in {period}{judged}."


def comparison_clause(facts: Facts) -> str:
    """How the value compares with the benchmark ('' without one).

    >>> f = Facts("x", "percent", 1, "lower", 9.0, None, "Q3", benchmark=8.2, comparison="Worse")
    >>> comparison_clause(f)
    'significantly above England (8.2%)'
    """
    if facts.current is None or facts.benchmark is None:
        return ""
    when = f", {facts.benchmark_period}" if facts.benchmark_period.strip() else ""
    name = f"{facts.benchmark_name} ({_shown(facts.benchmark, facts)}{when})"
    if facts.comparison == "Similar":
        return f"similar to {name}"
    ours = round(facts.current, facts.decimals)
    theirs = round(facts.benchmark, facts.decimals)
    if ours == theirs:
        return f"the same as {name}" if facts.comparison not in TESTED else f"similar to {name}"
    side = "above" if ours > theirs else "below"
    return f"significantly {side} {name}" if facts.comparison in TESTED else f"{side} {name}"


def rating_clause(facts: Facts) -> str:
    """The RAG rating against the target ('' without a rating and numeric target)."""
    if facts.rag not in RATED or facts.target is None:
        return ""
    label = facts.target_label.strip().lower() or "target"
    return f"{facts.rag} against its {_shown(facts.target, facts)} {label}"


def signal_clause(facts: Facts) -> str:
    """The SPC signal and when it began ('' for common cause or no chart)."""
    if not facts.variation or facts.variation == "Common cause":
        return ""
    since = f" since {facts.since_label}" if facts.since_label else ""
    return f"{facts.variation.lower()}{since}"


def headline(facts: Facts) -> str:
    """One or two sentences (see the module docstring for the rules)."""
    first = change_sentence(facts)
    clauses = [c for c in (comparison_clause(facts), rating_clause(facts)) if c]
    signal = signal_clause(facts)
    if clauses:
        second = "It is " + " and ".join(clauses) + (f"; {signal}" if signal else "") + "."
    elif signal:
        second = signal[:1].upper() + signal[1:] + "."
    else:
        second = ""
    return f"{first} {second}".strip()


def table_headline(rows: list[tuple[str, str | None, str]], period_label: str) -> str:
    """A KPI table's headline: how many measures were rated and which were Red.

    `rows` are (title, RAG of the latest period or None, the value shown).

    >>> table_headline([("A", "Green", "95%"), ("B", "Red", "60%"), ("C", None, "*")], "Dec 2022")
    'In Dec 2022, 1 of 2 rated measures was Green or Blue. Red: B (60%).'
    """
    rated = [(t, r, v) for t, r, v in rows if r in RATED]
    if not rated:
        return ""
    met = sum(1 for _, r, _ in rated if r in ("Green", "Blue"))
    verb = "was" if met == 1 else "were"
    text = f"In {period_label}, {met} of {len(rated)} rated measures {verb} Green or Blue."
    red = [f"{t} ({v})" for t, r, v in rated if r == "Red"]
    return text + (f" Red: {', '.join(red)}." if red else "")


def headline_html(text: str, indicators) -> str:
    """The headline as HTML, marked as generated from the data ('' for no text).

    `indicators` are the ids it speaks of; an analyst's headline for any of them replaces it.
    """
    if not text:
        return ""
    ids = " ".join(indicators)
    return (
        f'<div class="headline" data-headline="generated" data-indicators="{esc(ids)}">'
        f'<p class="headline-text">{esc(text)}</p>'
        f'<p class="headline-source">{GENERATED_NOTE}.</p></div>'
    )


def interval_comparison(unit: str, direction, current, numerator, denominator, benchmark):
    """The 95% confidence interval of the current value tested against the benchmark, or
    None when no interval can be worked out (counts, or no numerator and denominator).

    >>> interval_comparison("percent", "higher", 2.56, 266, 10380, 2.1)
    'Better'
    >>> interval_comparison("count", "higher", 340, None, None, 300) is None
    True
    """
    multipliers = {"percent": 100, "per_1000": 1000, "per_100000": 100_000}
    if unit not in multipliers or None in (current, numerator, denominator, benchmark):
        return None
    try:
        if unit == "percent":
            low, high = wilson_ci(numerator, denominator)
        else:
            low, high = byar_ci(numerator, denominator, multiplier=multipliers[unit])
    except ValueError:
        return None
    result = compare_to_benchmark(current, low, high, benchmark, direction)
    return result if result in TESTED else None
