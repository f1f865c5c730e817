"""Build what a notebook shows (cards, charts, KPI rows) from the data, for one area and quarter.

Pure functions: they take the catalogue's `Indicator`, the tidy observations, the quarter, the
area and the `Publication` settings, and return `phlib.display.cards.Card`,
`phlib.display.embed.Chart` or `phlib.display.tables.KpiRow` values (the trajectory chart is
`phlib.display.trajectory`'s). `phlib.workbook` numbers
and renders them. Suppressed and withheld figures are removed here, before anything is drawn,
so no chart, table or alt text can leak them.
"""

from __future__ import annotations

import pandas as pd

from phlib.display import charts
from phlib.display.cards import Card
from phlib.display.formatting import SUPPRESSED, WITHHELD, format_value
from phlib.display.tables import KpiRow
from phlib.display.window import by_period, last_period, period_row, window
from phlib.rules import ratings
from phlib.rules.selection import Summary, number

_CURRENT = {"month": "Current month", "quarter": "Current quarter", "year": "Current year"}
_PREVIOUS = {"month": "Previous month", "quarter": "Previous quarter", "year": "Previous year"}


def shown_values(indicator, frame: pd.DataFrame, pub) -> list:
    """Values with every suppressed one replaced by None (a gap, never zero)."""
    return [
        None if pub.hides(indicator, r.value, r.numerator, r.denominator) else r.value
        for r in frame.itertuples()
    ]


def trend_view(indicator, observations, quarter, area, pub):
    """Line chart of the recent periods against the threshold and comparators, or None."""
    if pub.withholds(indicator):
        return None
    frame = window(indicator, observations, quarter, area)
    return charts.trend_chart(
        list(frame["label"]),
        shown_values(indicator, frame, pub),
        indicator.title,
        unit=indicator.unit,
        decimals=indicator.decimals,
        target=list(frame["target"]) if indicator.target_kind == "threshold" else None,
        threshold_label="Threshold" if indicator.frequency == "month" else "Target",
        sn=list(frame["stat_neighbour_mean"]),
        england=list(frame["england_mean"]),
        label=indicator.title if len(indicator.title) < 40 else "Performance",
    )


def comparison_view(indicator, observations, quarter, area, area_name, pub):
    """Grouped bars for the last three financial years against comparators, or None."""
    if pub.withholds(indicator):
        return None
    rows = observations[
        (observations["indicator_id"] == indicator.indicator_id)
        & (observations["area"] == area)
        & (observations["breakdown"].fillna("") == "")
        & (observations["period_end"] <= pd.Timestamp(quarter.end))
    ]
    years = [quarter.year.shift(i) for i in (-2, -1, 0)]
    values, sn, england = [], [], []
    for year in years:
        in_year = rows[
            (rows["period_start"] >= pd.Timestamp(year.start))
            & (rows["period_end"] <= pd.Timestamp(year.end))
            & rows["value"].notna()
        ]
        whole = in_year[in_year["period_kind"] == "year"]
        chosen = (
            whole if not whole.empty else in_year[in_year["period_kind"] == indicator.frequency]
        )
        chosen = chosen.sort_values("period_end")
        row = None if chosen.empty else chosen.iloc[-1]
        hidden = row is not None and pub.hides(
            indicator, row["value"], row.get("numerator"), row.get("denominator")
        )
        values.append(None if row is None or hidden else number(row["value"]))
        with_comparators = in_year.dropna(subset=["stat_neighbour_mean", "england_mean"], how="all")
        latest = (
            None if with_comparators.empty else with_comparators.sort_values("period_end").iloc[-1]
        )
        sn.append(None if latest is None else number(latest["stat_neighbour_mean"]))
        england.append(None if latest is None else number(latest["england_mean"]))
    if all(v is None for v in sn + england):
        return None
    return charts.comparison_chart(
        [y.label for y in years],
        values,
        sn,
        england,
        area_name,
        f"{indicator.title}: {area_name} compared with statistical neighbours and England",
        unit=indicator.unit,
        decimals=indicator.decimals,
    )


def breakdown_view(indicator, observations, summary: Summary, area, pub):
    """Bars for each breakdown (such as district) at the card's period, or None without any.

    The card beside the bars shows the total, so hidden counts get secondary suppression."""
    if pub.withholds(indicator) or summary.period is None:
        return None
    rows = observations[
        (observations["indicator_id"] == indicator.indicator_id)
        & (observations["area"] == area)
        & (observations["period"] == summary.period)
        & (observations["breakdown"].fillna("") != "")
    ]
    if rows.empty:
        return None
    parts = [(r.value, r.numerator, r.denominator) for r in rows.itertuples()]
    hidden = pub.hidden_parts(indicator, parts, total=summary.current)
    values = [None if h else number(v) for h, (v, _, _) in zip(hidden, parts, strict=True)]
    return charts.breakdown_chart(
        list(rows["breakdown"]),
        values,
        f"{indicator.title} by district, {summary.period_label}",
        unit=indicator.unit,
        target=summary.target,
        decimals=indicator.decimals,
        category_label="District",
    )


def card_view(indicator, summary: Summary, pub, previous_parts=(None, None)) -> Card:
    """The indicator card for a summary, with suppressed fields marked."""
    suppressed = set()
    if pub.hides(indicator, summary.current, summary.numerator, summary.denominator):
        suppressed |= {"current", "change", "rag"}
    if pub.hides(indicator, summary.previous, *previous_parts):
        suppressed |= {"previous", "change"}
    notes = []
    if indicator.lag_months:
        notes.append(
            f"Data arrive {indicator.lag_months} months after the period they describe: "
            f"the latest figure is for {summary.period_label}."
        )
    if summary.ytd_actual is not None and summary.target is not None and not suppressed:
        notes.append(
            f"Year to date: {format_value(summary.ytd_actual, indicator.unit, indicator.decimals)}"
            f" against a year-to-date target of "
            f"{format_value(summary.target, indicator.unit, indicator.decimals)}; "
            "the RAG rating compares these."
        )
    if pub.label(indicator):
        notes.append(f"{pub.label(indicator)}: restricted data.")
    target_text = "" if summary.target is not None else (indicator.status or "TBC")
    return Card(
        indicator_id=indicator.indicator_id,
        ref=indicator.ref,
        title=indicator.title,
        period_label=summary.period_label,
        target=summary.target,
        target_label=summary.target_label,
        target_text=target_text,
        direction=indicator.direction,
        current=summary.current,
        previous=summary.previous,
        current_label=_CURRENT[indicator.frequency],
        previous_label=_PREVIOUS[indicator.frequency],
        change=summary.change,
        stat_neighbour_mean=summary.stat_neighbour_mean,
        england_mean=summary.england_mean,
        comparator_period=summary.comparator_period,
        rag=summary.rag,
        unit=indicator.unit,
        decimals=indicator.decimals,
        description=indicator.description,
        calculation=indicator.calculation,
        numerator_definition=indicator.numerator,
        denominator_definition=indicator.denominator,
        links=indicator.links,
        restricted=indicator.publication == "restricted",
        publication=pub.mode,
        suppressed_fields=frozenset(suppressed),
        notes=tuple(notes),
    )


def kpi_periods(indicator, quarter) -> list:
    """The columns of a KPI table: the quarter's three months (ending at the latest month the
    data allow), the year's quarters to date, or the last three financial years."""
    last = last_period(indicator, quarter)
    if indicator.frequency == "month":
        return [last.shift(-2), last.shift(-1), last]
    if indicator.frequency == "quarter":
        return [q for q in last.year.quarters if q <= last]
    return [last.shift(-2), last.shift(-1), last]


def kpi_row(indicator, observations, quarter, area, pub, periods) -> KpiRow:
    """One KPI table row: the measure, its threshold, then each period's value and RAG."""
    rows = by_period(indicator, observations, area)
    values, rags, targets = {}, {}, []
    for label, period in zip(_labels(periods), periods, strict=True):
        r = period_row(indicator, rows, period)
        targets.append(r["target"])
        if pub.withholds(indicator):
            values[label] = WITHHELD
        elif pub.hides(indicator, r["value"], r["numerator"], r["denominator"]):
            values[label] = SUPPRESSED
        else:
            values[label] = r["value"]
            rated = indicator.target_kind == "threshold"  # annual targets are not per period
            if rated and r["target"] is not None and r["value"] is not None:
                rags[label] = ratings.rag_rating(r["value"], r["target"], indicator.direction)
    target = next((t for t in reversed(targets) if t is not None), None)
    if pub.withholds(indicator):
        target = None
    return KpiRow(
        indicator.title,
        target,
        values,
        indicator.unit,
        indicator.decimals,
        rags,
        target_text="Not published" if pub.withholds(indicator) else (indicator.status or ""),
    )


def _labels(periods) -> list[str]:
    """Column labels: months as "Jul 2018", quarters as "Q1" when all in one year."""
    quarters = periods and all(p.kind == "quarter" for p in periods)
    if quarters and len({p.year for p in periods}) == 1:
        return [f"Q{p.number}" for p in periods]
    return [p.label for p in periods]


def period_labels(indicator, quarter) -> list[str]:
    """The KPI column labels for an indicator (see `kpi_periods`)."""
    return _labels(kpi_periods(indicator, quarter))
