"""House-style charts with alt text written from their data.

Each function returns a `Chart`: the matplotlib figure, its title, its alt text and its numbers
as a small table (for a screen reader's data table); `phlib.display.embed.chart_html` turns it into
HTML. Missing values are gaps, never zeros; a chart with no values at all says "No data
available for this period", and so does its alt text.

>>> chart = trend_chart(["Jul 2018", "Aug 2018", "Sep 2018"], [73, 58, 68],
...                     "People with STI needs offered an appointment within 2 working days",
...                     unit="percent", decimals=0, target=90, threshold_label="Threshold")
>>> print(chart.alt_text)  # doctest: +NORMALIZE_WHITESPACE
Line chart of People with STI needs offered an appointment within 2 working days, Jul 2018 to
Sep 2018. Latest value 68% in Sep 2018 against a threshold of 90%. Up from 58% in Aug 2018.
>>> chart.rows[0]
('Jul 2018', '73%', '90%')
"""

from __future__ import annotations

import numpy as np

from phlib.display import alttext
from phlib.display.drawing import (
    Chart,
    category_axis,
    floor_at_zero,
    has_data,
    house_style,
    legend,
    new_figure,
    no_data_chart,
    numbers,
    reference_line,
    texts,
    value_axis,
)
from phlib.display.formatting import (
    UNIT_LABELS,
    as_number,
    check_unit,
    default_decimals,
    format_value,
)
from phlib.display.style import PALETTE

__all__ = [
    "Chart",
    "trend_chart",
    "trajectory_chart",
    "comparison_chart",
    "breakdown_chart",
    "spc_chart",
    "house_style",
]


def _places(unit: str, decimals: int | None) -> int:
    check_unit(unit)
    return default_decimals(unit) if decimals is None else int(decimals)


def _latest(periods, values):
    pairs = alttext.available(periods, values)
    return pairs[-1][1] if pairs else None


def trend_chart(
    periods,
    values,
    title,
    unit="percent",
    decimals=None,
    target=None,
    threshold_label="Target",
    sn=None,
    england=None,
    label="Performance",
) -> Chart:
    """Monthly or quarterly line with an optional target and comparator lines.

    `target`, `sn` (statistical neighbour mean) and `england` are each one value (drawn as a
    flat line) or one value per period.
    """
    decimals = _places(unit, decimals)
    periods = [str(p) for p in periods]
    n = len(periods)
    y = numbers(values, n)
    goal = numbers(target, n, "target")
    comparators = [
        ("Statistical neighbour mean", numbers(sn, n, "sn"), PALETTE["stat_neighbours"], "-.", "s"),
        ("England mean", numbers(england, n, "england"), PALETTE["england"], ":", "^"),
    ]
    lines = [(threshold_label, goal, PALETTE["target"], "--", "")] + comparators
    lines = [line for line in lines if has_data(line[1])]
    columns = ("Period", str(label), *(line[0] for line in lines))
    rows = tuple(
        zip(
            periods,
            texts(y, unit, decimals),
            *(texts(line[1], unit, decimals) for line in lines),
            strict=True,
        )
    )
    if not has_data(y):
        return no_data_chart(title, "line chart", columns, rows)
    with house_style():
        figure, ax = new_figure()
        x = np.arange(n)
        ax.plot(x, y, color=PALETTE["area"], marker="o", label=str(label))
        for name, series, colour, style, marker in lines:
            reference_line(ax, x, series, name, colour, style, marker)
        category_axis(ax, periods)
        value_axis(ax, unit)
        floor_at_zero(ax, y, *(line[1] for line in lines))
        legend(ax)
    latest = [(name, _latest(periods, s)) for name, s, *_ in comparators if has_data(s)]
    latest = [(name.replace("Statistical", "statistical"), v) for name, v in latest]
    alt = alttext.join(
        f"Line chart of {title}, {alttext.span(periods)}.",
        alttext.latest_sentence(
            periods, y, unit, decimals, target=_latest(periods, goal), target_label=threshold_label
        ),
        alttext.change_sentence(periods, y, unit, decimals),
        "Latest "
        + "; ".join(f"{name} {format_value(v, unit, decimals)}" for name, v in latest)
        + "."
        if latest
        else "",
        alttext.gaps_sentence(periods, y),
    )
    return Chart(figure, str(title), alt, columns, rows, "line chart")


def trajectory_chart(
    months,
    cumulative_actual,
    cumulative_target,
    title,
    unit="count",
    decimals=None,
    target_label="Cumulative target (straight line)",
    actual_label="Cumulative actual",
) -> Chart:
    """Cumulative actual (bars) against the cumulative target trajectory (dashed line).

    Months still to come have no actual (None) and show the target alone.
    """
    decimals = _places(unit, decimals)
    months = [str(m) for m in months]
    n = len(months)
    actual = numbers(cumulative_actual, n, "cumulative_actual")
    goal = numbers(cumulative_target, n, "cumulative_target")
    columns = ("Month", actual_label, target_label)
    rows = tuple(
        zip(months, texts(actual, unit, decimals), texts(goal, unit, decimals), strict=True)
    )
    if not has_data(actual):
        return no_data_chart(title, "bar chart", columns, rows)
    with house_style():
        figure, ax = new_figure()
        x = np.arange(n)
        ax.bar(x, np.nan_to_num(actual), width=0.6, color=PALETTE["area"], label=actual_label)
        ax.plot(x, goal, color=PALETTE["target"], linestyle="--", marker="o", label=target_label)
        category_axis(ax, months)
        value_axis(ax, unit)
        ax.set_ylim(bottom=0)
        legend(ax)
    month, value = alttext.available(months, actual)[-1]
    at = goal[months.index(month)]
    versus = ""
    if np.isfinite(at):
        versus = f" against a {target_label.lower()} of {format_value(at, unit, decimals)}"
        if at > 0:
            versus += f" ({format_value(100 * value / at, 'percent', 0)} of the target)"
    alt = alttext.join(
        f"Bar chart of {title}: {actual_label.lower()} against {target_label.lower()}, "
        f"{alttext.span(months)}.",
        f"By {month} the total was {format_value(value, unit, decimals)}{versus}.",
    )
    return Chart(figure, str(title), alt, columns, rows, "bar chart")


def comparison_chart(
    years, area_values, sn_values, england_values, area_name, title, unit="percent", decimals=None
) -> Chart:
    """Grouped bars for each financial year: the area, its statistical neighbours, England.

    Each bar is labelled with its value; a missing value is labelled ``N/A`` (no bar).
    """
    decimals = _places(unit, decimals)
    years = [str(y) for y in years]
    n = len(years)
    series = [
        (str(area_name), numbers(area_values, n, "area_values"), PALETTE["area"], ""),
        (
            "Statistical neighbour mean",
            numbers(sn_values, n, "sn_values"),
            PALETTE["stat_neighbours"],
            "//",
        ),
        ("England mean", numbers(england_values, n, "england_values"), PALETTE["england"], "\\\\"),
    ]
    columns = ("Financial year", *(s[0] for s in series))
    rows = tuple(zip(years, *(texts(s[1], unit, decimals) for s in series), strict=True))
    if not has_data(*(s[1] for s in series)):
        return no_data_chart(title, "grouped bar chart", columns, rows)
    with house_style():
        figure, ax = new_figure()
        width = 0.26
        for i, (name, values, colour, hatch) in enumerate(series):
            x = np.arange(n) + (i - 1) * width
            bars = ax.bar(
                x,
                np.nan_to_num(values),
                width,
                color=colour,
                hatch=hatch,
                edgecolor="white",
                linewidth=0.5,
                label=name,
            )
            ax.bar_label(bars, labels=texts(values, unit, decimals), padding=2, fontsize=9)
        ax.set_xticks(np.arange(n), years)
        value_axis(ax, unit)
        ax.set_ylim(bottom=0)
        ax.margins(y=0.12)
        legend(ax)
    shown = "; ".join(
        f"{name} {text}" for name, text in zip(columns[1:], rows[-1][1:], strict=True)
    )
    alt = alttext.join(
        f"Grouped bar chart of {title}: {area_name} compared with its statistical neighbours "
        f"and England, {alttext.span(years)}.",
        f"In {years[-1]}: {shown}.",
        alttext.change_sentence(years, series[0][1], unit, decimals, subject=str(area_name)),
    )
    return Chart(figure, str(title), alt, columns, rows, "grouped bar chart")


def breakdown_chart(
    labels,
    values,
    title,
    unit="percent",
    target=None,
    decimals=None,
    category_label="Area",
    target_label="Target",
) -> Chart:
    """Horizontal bars, one per category (such as a district), top to bottom in the order given."""
    decimals = _places(unit, decimals)
    labels = [str(label) for label in labels]
    v = numbers(values, len(labels))
    columns = (category_label, UNIT_LABELS[unit])
    rows = tuple(zip(labels, texts(v, unit, decimals), strict=True))
    if not has_data(v):
        return no_data_chart(title, "bar chart", columns, rows)
    goal = as_number(target)
    with house_style():
        figure, ax = new_figure(max(2.5, 0.45 * len(labels) + 1.2))
        y = np.arange(len(labels))
        bars = ax.barh(y, np.nan_to_num(v), height=0.6, color=PALETTE["area"])
        ax.bar_label(bars, labels=texts(v, unit, decimals), padding=3, fontsize=9)
        if goal is not None:
            ax.axvline(
                goal,
                color=PALETTE["target"],
                linestyle="--",
                linewidth=1.6,
                label=f"{target_label} {format_value(goal, unit, decimals)}",
            )
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        value_axis(ax, unit, axis="x")
        ax.set_xlim(0, max(np.nanmax(v), goal or 0) * 1.15 or 1)
        legend(ax)
    below = ""
    if goal is not None:
        pairs = alttext.available(labels, v)
        count = sum(1 for _, value in pairs if value < goal)
        below = (
            f"{count} of {len(pairs)} below the {target_label.lower()} of "
            f"{format_value(goal, unit, decimals)}."
        )
    alt = alttext.join(
        f"Bar chart of {title} by {category_label.lower()}, {len(labels)} bars.",
        alttext.extremes_sentence(labels, v, unit, decimals),
        below,
        alttext.gaps_sentence(labels, v),
    )
    return Chart(figure, str(title), alt, columns, rows, "bar chart")


def spc_chart(
    periods, values, mean, upper, lower, flags, title, unit="percent", decimals=None
) -> Chart:
    """Statistical process control chart: values, mean, control limits, flagged points.

    `mean`, `upper` and `lower` are one value or one per period (computed elsewhere); `flags`
    is one true/false per period, true where a point shows special cause variation.
    """
    decimals = _places(unit, decimals)
    periods = [str(p) for p in periods]
    n = len(periods)
    y = numbers(values, n)
    centre, high, low = (
        numbers(s, n, name) for s, name in ((mean, "mean"), (upper, "upper"), (lower, "lower"))
    )
    flagged = [bool(f) for f in flags]
    if len(flagged) != n:
        raise ValueError(f"flags has {len(flagged)} values but there are {n} periods")
    columns = ("Period", "Value", "Mean", "Lower limit", "Upper limit", "Special cause")
    rows = tuple(
        zip(
            periods,
            texts(y, unit, decimals),
            texts(centre, unit, decimals),
            texts(low, unit, decimals),
            texts(high, unit, decimals),
            ["Yes" if f else "No" for f in flagged],
            strict=True,
        )
    )
    if not has_data(y):
        return no_data_chart(title, "control chart", columns, rows)
    with house_style():
        figure, ax = new_figure()
        x = np.arange(n)
        ax.plot(x, y, color=PALETTE["area"], marker="o", label="Value")
        reference_line(ax, x, centre, "Mean", PALETTE["limits"], "-", "")
        reference_line(ax, x, high, "Control limits", PALETTE["limits"], "--", "")
        reference_line(ax, x, low, "_nolegend_", PALETTE["limits"], "--", "")
        marks = np.array(flagged) & np.isfinite(y)
        if marks.any():
            ax.plot(
                x[marks],
                y[marks],
                linestyle="none",
                marker="D",
                markersize=8,
                color=PALETTE["special_cause"],
                label="Special cause variation",
            )
        category_axis(ax, periods)
        value_axis(ax, unit)
        floor_at_zero(ax, y, low)
        legend(ax)
    special = [p for p, f, v in zip(periods, flagged, y, strict=True) if f and np.isfinite(v)]
    limits = ""
    if has_data(low) and has_data(high):
        limits = (
            f"Latest control limits {format_value(_latest(periods, low), unit, decimals)} "
            f"to {format_value(_latest(periods, high), unit, decimals)}."
        )
    alt = alttext.join(
        f"Control chart of {title}, {alttext.span(periods)}.",
        alttext.latest_sentence(periods, y, unit, decimals),
        f"Mean {format_value(_latest(periods, centre), unit, decimals)}."
        if has_data(centre)
        else "",
        limits,
        f"Special cause variation in {alttext.listing(special)}."
        if special
        else "No special cause variation.",
        alttext.gaps_sentence(periods, y),
    )
    return Chart(figure, str(title), alt, columns, rows, "control chart")
