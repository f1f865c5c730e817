"""Drawing primitives shared by the house-style charts: axes, ticks, legends, reference lines.

Figures are made with matplotlib's object API (`matplotlib.figure.Figure`), never pyplot, so
they are not registered with pyplot: a notebook does not show them a second time and they are
freed as soon as nothing refers to them.

>>> numbers([1, None, float("nan")])
array([ 1., nan, nan])
>>> numbers(90, 3)
array([90., 90., 90.])
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from phlib.display.alttext import NO_DATA
from phlib.display.embed import Chart
from phlib.display.formatting import UNIT_LABELS, as_number, format_value
from phlib.display.style import house_style

MAX_TICK_LABELS = 12
CHARACTERS_ACROSS = 84  # tick-label characters that fit across the plot


def numbers(values, length: int | None = None, name: str = "values") -> np.ndarray:
    """Values, or one value repeated `length` times, as floats with NaN where missing.

    >>> numbers([1, 2], 3, name="target")
    Traceback (most recent call last):
    ...
    ValueError: target has 2 values but there are 3 periods
    """
    if values is None or np.ndim(values) == 0:
        one = as_number(values)
        return np.full(length if length is not None else 1, np.nan if one is None else one)
    converted = [as_number(v) for v in values]
    array = np.array([np.nan if v is None else v for v in converted], dtype=float)
    if length is not None and len(array) != length:
        raise ValueError(f"{name} has {len(array)} values but there are {length} periods")
    return array


def has_data(*arrays: np.ndarray) -> bool:
    """True when any of the arrays has a value that is not missing.

    >>> has_data(numbers([None, None])), has_data(numbers([None]), numbers([0]))
    (False, True)
    """
    return any(np.isfinite(a).any() for a in arrays)


def texts(values: np.ndarray, unit: str, decimals: int) -> list[str]:
    """Each value formatted as people read it (``N/A`` where missing).

    >>> texts(numbers([12.34, None]), "percent", 1)
    ['12.3%', 'N/A']
    """
    return [format_value(v, unit, decimals) for v in values]


def new_figure(height: float = 4.5):
    """A new house-size figure (8 inches wide) and its one axes."""
    figure = Figure(figsize=(8.0, height))
    return figure, figure.add_subplot()


def tick_text(value: float, unit: str) -> str:
    """An axis tick: whole numbers without decimals, others to one place.

    >>> tick_text(80.0, "percent"), tick_text(12.5, "percent"), tick_text(1500, "count")
    ('80%', '12.5%', '1,500')
    """
    suffix = "%" if unit == "percent" else ""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}{suffix}"
    return f"{value:,.1f}{suffix}"


def value_axis(ax, unit: str, axis: str = "y") -> None:
    """Tick labels in the unit (``80%``, ``1,200``) and the axis named after the unit."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(lambda v, _: tick_text(v, unit)))
    target.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10], min_n_ticks=3))
    (ax.set_ylabel if axis == "y" else ax.set_xlabel)(UNIT_LABELS[unit])


def tick_label(label: str) -> str:
    """A period label on two lines at its first space, so more fit side by side.

    >>> tick_label("Jan 2020"), tick_label("Q3 2022/23"), tick_label("Q1")
    ('Jan\\n2020', 'Q3\\n2022/23', 'Q1')
    """
    return str(label).replace(" ", "\n", 1)


def category_axis(ax, labels: Sequence[str]) -> None:
    """Period labels along x, thinned (every 2nd, 3rd, ...) so that they never overlap."""
    shown = [tick_label(label) for label in labels]
    widest = max((len(line) for label in shown for line in label.split("\n")), default=1)
    fits = max(2, min(MAX_TICK_LABELS, int(CHARACTERS_ACROSS / (widest + 3))))
    step = max(1, math.ceil(len(labels) / fits))
    ticks = list(range(0, len(labels), step))
    ax.set_xticks(ticks, [shown[i] for i in ticks])
    ax.set_xlim(-0.5, len(labels) - 0.5)


def legend(ax) -> None:
    """A frameless key above the plot (read before the chart), in up to three columns."""
    handles, _ = ax.get_legend_handles_labels()
    if handles:
        ax.legend(
            loc="lower left", bbox_to_anchor=(0, 1.01), ncol=min(len(handles), 3), borderaxespad=0
        )


def floor_at_zero(ax, *arrays: np.ndarray) -> None:
    """Start the value axis at zero unless some value is negative."""
    lows = [np.nanmin(a) for a in arrays if np.isfinite(a).any()]
    if min(lows, default=0.0) >= 0:
        ax.set_ylim(bottom=0)


def reference_line(ax, x, values: np.ndarray, label: str, colour: str, style: str, marker: str):
    """A flat line across the plot when every period has the same value, else a line through
    the values. Either way the value axis stretches to show it."""
    finite = values[np.isfinite(values)]
    if not len(finite):
        return
    if np.isfinite(values).all() and np.all(finite == finite[0]):
        ends = [x[0] - 0.5, x[-1] + 0.5]
        ax.plot(ends, [finite[0]] * 2, color=colour, linestyle=style, linewidth=1.6, label=label)
    else:
        ax.plot(x, values, color=colour, linestyle=style, marker=marker, linewidth=1.6, label=label)


def no_data_chart(title: str, kind: str, columns, rows) -> Chart:
    """A small figure that says `NO_DATA`, with alt text that says so too.

    >>> no_data_chart("Quitters", "line chart", ("Period", "Value"), ()).alt_text
    'Line chart of Quitters: no data available for this period.'
    """
    with house_style():
        figure, ax = new_figure(2.0)
        ax.set_axis_off()
        ax.text(0.5, 0.5, NO_DATA, ha="center", va="center", fontsize=13, transform=ax.transAxes)
    alt = f"{kind.capitalize()} of {title}: {NO_DATA.lower()}."
    return Chart(figure, str(title), alt, tuple(columns), tuple(rows), kind)
