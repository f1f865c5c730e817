"""What an analyst's own matplotlib figure shows, read from its axes: alt text and data.

`describe` reads each axes' title and axis labels, its lines (not the reference lines drawn
across the axes) and its bars, and writes the alt text as the built-in charts have it: what
the chart shows and over what, then per series its latest value, the change from the one
before and its highest and lowest. The same series give the figure's data table when they
share their categories; otherwise the table lists every point. A figure with neither lines
nor bars (an image, a scatter) is described by its titles and labels and has no table.

>>> from matplotlib.figure import Figure
>>> fig = Figure()
>>> ax = fig.subplots()
>>> _ = ax.plot(["Q1", "Q2", "Q3"], [40, 52, 47], label="Referrals")
>>> _ = ax.set_ylabel("Referrals"), ax.set_xlabel("Quarter")
>>> d = describe(fig, "Referrals by quarter")
>>> d.alt
'Line chart of Referrals by quarter: Referrals by Quarter, Q1 to Q3. Referrals 47 in Q3, \
down from 52 in Q2. Highest Q2 (52); lowest Q1 (40).'
>>> d.columns, d.rows[0]
(('Quarter', 'Referrals'), ('Q1', '40'))
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
from matplotlib.container import BarContainer

from phlib.display.alttext import change_sentence, extremes_sentence, join, listing, span
from phlib.display.formatting import MISSING, format_number


@dataclass(frozen=True)
class Series:
    """One line or set of bars: its name, its categories (as text) and its values."""

    name: str
    kind: str  # "line" or "bar"
    labels: tuple[str, ...]
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Description:
    """A figure's alt text and its data as a table (no columns when there is none)."""

    alt: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _text(value) -> str:
    if isinstance(value, np.datetime64):
        value = value.astype("datetime64[s]").item()
    if isinstance(value, dt.datetime) and value.time() != dt.time():
        return value.isoformat(" ", timespec="minutes")
    if isinstance(value, dt.date):
        return f"{value.day} {value:%b %Y}"
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return _format(float(value), _places([float(value)]))
    return str(value)


def _number(value) -> float | None:
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def _places(values) -> int:
    """Decimal places that show the values as given: 0 for whole numbers, else 1 or 2."""
    known = [v for v in values if v is not None]
    if all(abs(v - round(v)) < 1e-9 for v in known):
        return 0
    return 1 if all(abs(v * 10 - round(v * 10)) < 1e-9 for v in known) else 2


def _format(value, places: int) -> str:
    return format_number(value, places)


def _name(label: str, fallback: str) -> str:
    return fallback if not label or label.startswith("_") else label


def _tick_labels(ax, axis: str) -> dict:
    axis_obj = ax.xaxis if axis == "x" else ax.yaxis
    ticks = axis_obj.get_ticklocs()
    texts = [t.get_text() for t in axis_obj.get_ticklabels()]
    return {round(float(t), 6): s for t, s in zip(ticks, texts, strict=False) if s}


def _bars(ax, fallback: str) -> list[Series]:
    found = []
    for container in ax.containers:
        if not isinstance(container, BarContainer) or not container.patches:
            continue
        vertical = getattr(container, "orientation", "vertical") != "horizontal"
        ticks = _tick_labels(ax, "x" if vertical else "y")
        labels, values = [], []
        for patch in container.patches:
            if vertical:
                where, size = patch.get_x() + patch.get_width() / 2, patch.get_height()
            else:
                where, size = patch.get_y() + patch.get_height() / 2, patch.get_width()
            labels.append(ticks.get(round(where, 6), _text(where)))
            values.append(_number(size))
        name = _name(container.get_label(), fallback)
        found.append(Series(name, "bar", tuple(labels), tuple(values)))
    return found


def _lines(ax, fallback: str) -> tuple[list[Series], list[str]]:
    """The data lines, and sentences for reference lines drawn across the axes."""
    found, references = [], []
    for line in ax.get_lines():
        x, y = line.get_xdata(orig=True), line.get_ydata(orig=True)
        if line.get_transform() != ax.transData:  # axhline / axvline: across the axes
            name = _name(line.get_label(), "A reference line")
            horizontal = len(set(np.atleast_1d(y).tolist())) == 1
            at = (np.atleast_1d(y) if horizontal else np.atleast_1d(x))[0]
            references.append(f"{name} at {_text(at)}.")
            continue
        values = tuple(_number(v) for v in np.atleast_1d(y))
        labels = tuple(_text(v) for v in np.atleast_1d(x))
        name = _name(line.get_label(), fallback if not found else f"{fallback} {len(found) + 1}")
        found.append(Series(name, "line", labels, values))
    return found, references


def _kind(series: list[Series], ax) -> str:
    kinds = {s.kind for s in series}
    if kinds == {"line"}:
        return "Line chart"
    if kinds == {"bar"}:
        return "Bar chart"
    if kinds:
        return "Chart"
    return "Image" if ax.get_images() else "Chart"


def _series_sentences(item: Series) -> str:
    places = _places(item.values)
    shown = [_format(v, places) if v is not None else MISSING for v in item.values]
    if item.kind == "line":
        change = change_sentence(item.labels, item.values, "count", places, subject=item.name)
        if not change:
            known = [
                (p, s)
                for p, s, v in zip(item.labels, shown, item.values, strict=True)
                if v is not None
            ]
            change = f"{item.name} {known[-1][1]} in {known[-1][0]}." if known else ""
    elif len(item.labels) <= 6:
        pairs = [f"{p} {s}" for p, s in zip(item.labels, shown, strict=True)]
        change = f"{item.name}: {listing(pairs, most=6)}."
    else:
        change = (
            f"{item.name}: {len(item.labels)} bars from {item.labels[0]} to {item.labels[-1]}, "
            f"the last {shown[-1]}."
        )
    return join(change, extremes_sentence(item.labels, item.values, "count", places))


def _axes_text(ax, title: str, several: bool) -> tuple[str, list[Series]]:
    fallback = ax.get_ylabel() or "Values"
    lines, references = _lines(ax, fallback)
    series = _bars(ax, fallback) + lines
    head = ax.get_title() or ("" if several else title)
    what = " by ".join(p for p in (ax.get_ylabel(), ax.get_xlabel()) if p)
    categories = series[0].labels if series else ()
    opening = _kind(series, ax) + (f" of {head}" if head else "")
    if what:
        opening += f": {what}"
    if categories and len(categories) > 1:
        opening += f", {span(categories)}"
    if several:
        opening = opening[0].lower() + opening[1:]
    points = sum(len(c.get_offsets()) for c in ax.collections if hasattr(c, "get_offsets"))
    if not series and points:
        opening += f" with {points} point{'s' if points != 1 else ''}"
    sentences = [opening + "."] + [_series_sentences(s) for s in series] + references
    return join(*sentences), series


def _table(series: list[Series], x_label: str) -> tuple[tuple, tuple]:
    if not series:
        return (), ()
    first = series[0].labels
    if all(s.labels == first for s in series) and len(set(first)) == len(first):
        columns = (x_label or "Category", *(s.name for s in series))
        cells = [
            [_format(v, _places(s.values)) if v is not None else MISSING for v in s.values]
            for s in series
        ]
        return columns, tuple((label, *(c[i] for c in cells)) for i, label in enumerate(first))
    columns = ("Series", x_label or "Category", "Value")
    rows = tuple(
        (s.name, label, _format(v, _places(s.values)) if v is not None else MISSING)
        for s in series
        for label, v in zip(s.labels, s.values, strict=True)
    )
    return columns, rows


def describe(figure, title: str) -> Description:
    """The alt text and data table of a matplotlib figure (see the module docstring)."""
    if any(isinstance(c, BarContainer) for ax in figure.get_axes() for c in ax.containers):
        figure.draw_without_rendering()  # bars' tick labels (categories) exist once laid out
    axes = [ax for ax in figure.get_axes() if ax.get_visible() and ax.axison]
    if not axes:
        return Description(f"Figure: {title}.", (), ())
    several = len(axes) > 1
    texts, everything = [], []
    for number, ax in enumerate(axes, start=1):
        text, series = _axes_text(ax, title, several)
        texts.append(f"Panel {number}, {text}" if several else text)
        everything += [(ax, s) for s in series]
    alt = join(f"{len(axes)} panels: {title}." if several else "", *texts)
    x_label = axes[0].get_xlabel() if len({id(ax) for ax, _ in everything}) <= 1 else ""
    columns, rows = _table([s for _, s in everything], x_label)
    return Description(alt, columns, rows)
