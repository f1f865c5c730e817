"""Variation and assurance of an indicator's monthly series, the Making Data Count way.

`phlib.rules.spc` does the XmR arithmetic on one run of points; this module decides which
points a chart uses and how its limits are set, and says what the chart shows in words:

- an SPC chart is drawn for a monthly series with at least `spc.MIN_POINTS` (15) values
  among the last `SPAN` (36) months a report for the quarter can include;
- limits are *recalculated* by default: worked out from every point shown. The catalogue's
  ``spc_limits`` column can say otherwise:

  - ``fixed 2019-04 to 2021-03``: the mean and limits come from those months only and are
    extended to every later month (the chart starts at the first of them);
  - ``recalculate from 2020-04`` (several months separated by commas): the limits start
    again at each stated month, each part with its own mean and limits (after a change in
    the process, such as a new service model);

- ``spc_run`` (6 or 7, default 7) is the number of points a shift (a run on one side of the
  mean) or a trend (a run rising or falling) needs.

Variation and assurance are words, each with a symbol, never colour alone:

>>> settings = parse_settings("recalculate from 2022-04", "6")
>>> settings.run, [p.id for p in settings.recalculate_from]
(6, ['2022-04'])
>>> VARIATION["Special cause improving"], SYMBOLS["Special cause improvement"]
('Special cause improvement', '\u2191')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from phlib.errors import PeriodError
from phlib.rules import spc as xmr
from phlib.rules.periods import Month
from phlib.rules.selection import cutoff, number

__all__ = [
    "ASSURANCE",
    "SYMBOLS",
    "VARIATION",
    "Control",
    "SpcSettings",
    "control",
    "parse_settings",
    "scorecard_signals",
]

SPAN = 36  # months a control chart shows at most (unless a fixed baseline starts earlier)

#: The words shown for each icon of `phlib.rules.spc` (variation), as the scorecard sorts them.
VARIATION = {
    "Special cause concerning": "Special cause concern",
    "Special cause improving": "Special cause improvement",
    "Special cause neither": "Special cause",
    "Common cause": "Common cause",
}
ASSURANCE = {
    "Consistently failing": "Consistently failing",
    "Hit and miss": "Hit and miss",
    "Consistently passing": "Consistently passing",
}
#: A symbol for each word (shown beside it, hidden from screen readers that read the word).
SYMBOLS = {
    "Common cause": "\u223c",
    "Special cause improvement": "\u2191",
    "Special cause concern": "\u2193",
    "Special cause": "\u2195",
    "Consistently passing": "\u2713",
    "Consistently failing": "\u2717",
    "Hit and miss": "?",
}
RUNS = (6, 7)
_FIXED = re.compile(r"fixed\s+(\S+)\s+to\s+(\S+)", re.I)
_RECALC = re.compile(r"recalculate\s+from\s+(.+)", re.I)
SPC_LIMITS_FIX = "write 'fixed 2019-04 to 2021-03', 'recalculate from 2020-04' or leave it blank"


@dataclass(frozen=True)
class SpcSettings:
    """How an indicator's control limits are set and how long a shift or trend must be."""

    run: int = 7
    fixed_from: Month | None = None
    fixed_to: Month | None = None
    recalculate_from: tuple[Month, ...] = ()

    @property
    def limits_text(self) -> str:
        """How the limits were set, for the chart's caption.

        >>> SpcSettings().limits_text
        'limits from every month shown'
        """
        if self.fixed_from is not None:
            return f"limits fixed from {self.fixed_from.label} to {self.fixed_to.label}"
        if self.recalculate_from:
            months = ", ".join(m.label for m in self.recalculate_from)
            return f"limits recalculated from {months}"
        return "limits from every month shown"


def parse_settings(limits: str = "", run: str | int = "") -> SpcSettings:
    """Read the catalogue's ``spc_limits`` and ``spc_run`` cells; ValueError says what is wrong.

    >>> parse_settings("fixed 2019-04 to 2021-03").fixed_to.id
    '2021-03'
    >>> parse_settings("fixed soon")
    Traceback (most recent call last):
    ...
    ValueError: spc_limits 'fixed soon' is not understood
    """
    text = " ".join(str(limits or "").split())
    run_text = str(run if run is not None else "").strip()
    if run_text in ("", "nan"):
        length = 7
    elif run_text.removesuffix(".0") in ("6", "7"):
        length = int(run_text.removesuffix(".0"))
    else:
        raise ValueError(f"spc_run {run_text!r} is not 6 or 7")
    if not text:
        return SpcSettings(length)
    try:
        if fixed := _FIXED.fullmatch(text):
            start, end = Month.parse(fixed[1]), Month.parse(fixed[2])
            if end < start.shift(1):
                raise ValueError(f"spc_limits {text!r}: a fixed period needs two months or more")
            return SpcSettings(length, start, end)
        if recalc := _RECALC.fullmatch(text):
            months = sorted({Month.parse(m.strip()) for m in recalc[1].split(",") if m.strip()})
            return SpcSettings(length, recalculate_from=tuple(months))
    except PeriodError as error:
        raise ValueError(f"spc_limits {text!r}: {error}") from None
    raise ValueError(f"spc_limits {text!r} is not understood")


@dataclass(frozen=True)
class Control:
    """An indicator's control chart in numbers and words.

    ``points`` has one row per month shown (index: month ids) with the columns of
    `phlib.rules.spc.SpcResult.points`, limits per point (they change where recalculated).
    """

    points: pd.DataFrame
    settings: SpcSettings
    variation: str
    assurance: str
    signal_since: str | None  # month id where the latest run of special cause began

    @property
    def special_cause(self) -> bool:
        return self.variation != "Common cause"


def _parts(months: list[Month], settings: SpcSettings) -> list[tuple[int, int, int | None]]:
    """(start, stop, baseline) slices of the months, one per set of limits."""
    if settings.fixed_from is not None:
        base = sum(1 for m in months if settings.fixed_from <= m <= settings.fixed_to)
        return [(0, len(months), base)]
    cuts = [0] + [i for i, m in enumerate(months) if i and m in settings.recalculate_from]
    return [(a, b, None) for a, b in zip(cuts, cuts[1:] + [len(months)], strict=True)]


def control(values: pd.Series, settings: SpcSettings, direction, target=None) -> Control | None:
    """The control chart of a monthly series (index: month ids, oldest first), or None when
    fewer than `spc.MIN_POINTS` months have values (no chart is drawn then).

    >>> months = [Month(2021, 1).shift(i).id for i in range(18)]
    >>> calm = pd.Series([10, 12, 11, 13, 12, 11, 12, 13, 11, 12, 10, 12, 13, 11, 12, 11, 12, 25],
    ...                  index=months)
    >>> c = control(calm, SpcSettings(), "higher", target=30)
    >>> c.variation, c.assurance, c.signal_since
    ('Special cause improvement', 'Consistently failing', '2022-06')
    """
    series = pd.to_numeric(values, errors="coerce").astype(float)
    months = [Month.parse(m) for m in series.index]
    if settings.fixed_from is not None:
        keep = [m >= settings.fixed_from for m in months]
        series, months = series[keep], [m for m, k in zip(months, keep, strict=True) if k]
    if series.notna().sum() < xmr.MIN_POINTS:
        return None
    frames, last = [], None
    for start, stop, base in _parts(months, settings):
        part = series.iloc[start:stop]
        if part.notna().sum() < 2:
            continue
        base = None if base is None else max(2, min(base, int(part.notna().sum())))
        last = xmr.spc(part, base, shift_run=settings.run, trend_run=settings.run)
        frames.append(last.points)
    if last is None:
        return None
    points = pd.concat(frames)
    variation = VARIATION[xmr.variation_icon(last, direction)]
    icon = xmr.assurance_icon(last, target, direction)
    return Control(points, settings, variation, ASSURANCE.get(icon, ""), _since(points))


def _since(points: pd.DataFrame) -> str | None:
    """The month where the latest unbroken run of special cause points began."""
    present = points[points["value"].notna()]
    if present.empty or not present["special_cause"].iloc[-1]:
        return None
    signal, since = present["signal"].iloc[-1], present.index[-1]
    flags = present["special_cause"].to_numpy()
    signals = present["signal"].to_numpy()
    for i in range(len(present) - 1, -1, -1):
        if not flags[i] or signals[i] != signal:
            break
        since = present.index[i]
    return str(since)


def months_shown(last: Month, settings: SpcSettings) -> list[Month]:
    """The months a control chart shows, oldest first, ending at `last`."""
    count = SPAN
    start = settings.fixed_from
    if start is not None and start <= last:
        months = (last.calendar_year - start.calendar_year) * 12
        count = max(count, months + last.calendar_month - start.calendar_month + 1)
    return [last.shift(-i) for i in range(count - 1, -1, -1)]


def scorecard_signals(indicator, records: list[dict], quarter, target) -> tuple[str, str]:
    """(variation, assurance) words of a monthly indicator for the scorecard ('' for none),
    from its headline rows (`phlib.rules.headline_rows.headline_index`) as its card shows them."""
    if indicator.frequency != "month":
        return "", ""
    settings = parse_settings(indicator.spc_limits, indicator.spc_run)
    last = Month.containing(cutoff(quarter, "month", indicator.lag_months))
    by_month = {r["period"]: number(r["value"]) for r in records}
    months = months_shown(last, settings)
    values = pd.Series([by_month.get(m.id) for m in months], index=[m.id for m in months])
    found = control(
        values.astype(float), settings, indicator.direction, per_point(indicator, target)
    )
    return ("", "") if found is None else (found.variation, found.assurance)


def per_point(indicator, target):
    """The target assurance is judged against: only a threshold every month must meet (an
    annual or year-to-date target is not on the scale of one month's value)."""
    return target if indicator.target_kind == "threshold" else None
