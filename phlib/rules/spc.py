"""Statistical process control (XmR charts) as in NHS England's "Making Data Count".

`spc` computes the mean, the moving ranges and the process limits (mean ± 2.66 × average
moving range) and flags special-cause points by four rules:

- ``beyond_limit``: a point above the upper or below the lower process limit;
- ``shift``: a run of 7 or more consecutive points on the same side of the mean (every point
  of the run is flagged). A point exactly on the mean ends a run (it is on neither side);
- ``trend``: 7 or more consecutive points each higher than the one before, or each lower
  (every point of the run is flagged). Two equal consecutive values end a trend;
- ``two_of_three``: 2 of 3 consecutive points beyond two sigma on the same side, that is in
  the outer third between the mean and a limit or beyond it (sigma = 2.66 / 3 × average
  moving range); the points beyond two sigma are flagged, the third point may be anywhere.

Each flagged point gets a ``signal``, "high" or "low": the side of the limit, run or
two-sigma line, or the direction of a trend. Where a trend disagrees with the side of the
mean (a rising run below the mean) the side of the mean wins. The icons read the signal of
the latest point.

Limits are as the Making Data Count Excel tools calculate them: no moving range is screened
out (pass ``screen_outliers=True`` to drop moving ranges above 3.267 × their average first).
Making Data Count asks for 15 to 20 points before limits are relied on; with fewer than
`MIN_POINTS` the result still has limits and flags but ``enough_data`` is False, and charts
should call them trial limits. Missing values are left out: moving ranges join the points
either side of a gap, and a missing point is never flagged.

>>> r = spc([10, 12, 11, 13, 12, 11, 12, 13, 11, 12, 10, 12, 13, 11, 12, 25])
>>> round(r.mean, 3), round(r.upper, 3), round(r.lower, 3)
(12.5, 18.352, 6.648)
>>> r.points["beyond_limit"].tolist()[-1], r.enough_data
(True, True)
>>> variation_icon(r, "higher"), assurance_icon(r, target=20, direction="higher")
('Special cause improving', 'Consistently failing')
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from phlib.rules.direction import normalise_direction

__all__ = [
    "ASSURANCE_ICONS",
    "MIN_POINTS",
    "VARIATION_ICONS",
    "SpcResult",
    "assurance_icon",
    "spc",
    "variation_icon",
]

#: Points needed before process limits are treated as reliable (Making Data Count: 15-20).
MIN_POINTS = 15
LIMIT = 2.66
SCREEN = 3.267
RUN = 7

VARIATION_ICONS = (
    "Common cause",
    "Special cause improving",
    "Special cause concerning",
    "Special cause neither",
)
ASSURANCE_ICONS = (
    "Consistently passing",
    "Consistently failing",
    "Hit and miss",
    "No target",
    "Not enough data",
)


@dataclass(frozen=True)
class SpcResult:
    """An XmR chart's numbers: one row per point in ``points`` and the limits as floats.

    ``points`` has the input's index and columns ``value``, ``moving_range``, ``mean``,
    ``upper``, ``lower``, ``upper_two_sigma``, ``lower_two_sigma``, the rule flags
    ``beyond_limit``, ``shift``, ``trend``, ``two_of_three``, ``special_cause``, and
    ``signal`` ("high", "low" or None: which way a special cause points).
    """

    points: pd.DataFrame
    mean: float
    upper: float
    lower: float
    average_moving_range: float
    baseline: int
    enough_data: bool
    screen_outliers: bool = False

    @property
    def latest(self) -> pd.Series | None:
        """The last point with a value, or None for an empty series."""
        present = self.points[self.points["value"].notna()]
        return None if present.empty else present.iloc[-1]


def _runs(keys: Sequence) -> list[tuple[int, int, object]]:
    """Split a sequence into maximal runs of equal keys: (start, stop, key)."""
    runs, start = [], 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            runs.append((start, i, keys[start]))
            start = i
    return runs


def _flags(y, mean: float, upper: float, lower: float, amr: float, runs=(RUN, RUN)) -> dict:
    n, (shift_run, trend_run) = len(y), runs
    flags = {k: np.zeros(n, dtype=bool) for k in ("beyond_limit", "shift", "trend", "two_of_three")}
    sides = {k: np.zeros(n, dtype=int) for k in flags}
    if n == 0 or math.isnan(upper):
        return {**flags, "sides": sides}
    tol = 1e-12 * (abs(mean) + LIMIT * amr)  # rounding noise is not a signal
    above, below = y > upper + tol, y < lower - tol
    flags["beyond_limit"] = above | below
    sides["beyond_limit"] = above.astype(int) - below.astype(int)
    side_of_mean = np.where(np.abs(y - mean) <= tol, 0, np.sign(y - mean)).astype(int)
    for start, stop, key in _runs(list(side_of_mean)):
        if key != 0 and stop - start >= shift_run:
            flags["shift"][start:stop] = True
            sides["shift"][start:stop] = key
    steps = list(np.sign(np.diff(y)).astype(int))
    for start, stop, key in _runs(steps):
        if key != 0 and stop - start + 1 >= trend_run:
            flags["trend"][start : stop + 1] = True
            sides["trend"][start : stop + 1] = key
    near = (2 / 3) * LIMIT * amr
    for sign, outer in ((1, y > mean + near + tol), (-1, y < mean - near - tol)):
        for i in range(max(n - 2, 0)):
            if outer[i : i + 3].sum() >= 2:
                window = np.zeros(n, dtype=bool)
                window[i : i + 3] = outer[i : i + 3]
                flags["two_of_three"] |= window
                sides["two_of_three"][window] = sign
    return {**flags, "sides": sides, "side_of_mean": side_of_mean}


def _signal(sides: dict, i: int, side_of_mean: int) -> str | None:
    fired = {s[i] for s in sides.values() if s[i] != 0}
    if not fired:
        return None
    if len(fired) == 2:  # rules disagree (e.g. a rising trend below the mean)
        fired = {side_of_mean} if side_of_mean else {sides["trend"][i]}
    return "high" if fired.pop() > 0 else "low"


def spc(
    values,
    baseline: int | None = None,
    *,
    screen_outliers: bool = False,
    shift_run: int = RUN,
    trend_run: int = RUN,
) -> SpcResult:
    """XmR chart calculations for a series (a sequence, or a Series indexed by period).

    ``baseline`` is the number of leading points (with values) used for the mean and the
    limits; later points are judged against them. None uses every point. ``shift_run`` and
    ``trend_run`` are the points a shift or a trend needs (7 by default; some teams use 6).

    >>> r = spc([1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1])
    >>> round(r.upper, 2), round(r.mean, 2), round(r.lower, 2)
    (6.95, 1.94, -3.06)
    >>> r = spc([1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1], screen_outliers=True)
    >>> round(r.upper, 2), round(r.mean, 2), round(r.lower, 2)
    (4.6, 1.94, -0.72)
    >>> spc([5, 6, 7]).enough_data
    False
    """
    series = values.copy() if isinstance(values, pd.Series) else pd.Series(list(values))
    try:
        series = pd.to_numeric(series, errors="raise").astype(float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"SPC values must be numbers or blank: {err}") from None
    present = series.dropna()
    y = present.to_numpy()
    if baseline is not None and (
        isinstance(baseline, bool) or not isinstance(baseline, int | np.integer) or baseline < 2
    ):
        raise ValueError(f"baseline must be a whole number of points, 2 or more, got {baseline!r}")
    for name, run in (("shift_run", shift_run), ("trend_run", trend_run)):
        if isinstance(run, bool) or not isinstance(run, int | np.integer) or not 5 <= run <= 9:
            raise ValueError(f"{name} must be a whole number of points from 5 to 9, got {run!r}")
    base = len(y) if baseline is None else int(baseline)
    fixed = y[:base]
    mr = np.abs(np.diff(fixed))
    mean = float(fixed.mean()) if len(fixed) else math.nan
    amr = float(mr.mean()) if len(mr) else math.nan
    if screen_outliers and len(mr):
        amr = float(mr[mr < SCREEN * amr].mean()) if (mr < SCREEN * amr).any() else amr
    upper, lower = mean + LIMIT * amr, mean - LIMIT * amr
    spread = amr if not math.isnan(amr) else 0.0
    found = _flags(y, mean, upper, lower, spread, (int(shift_run), int(trend_run)))
    side_of_mean = found.get("side_of_mean", np.zeros(len(y), dtype=int))
    rows = pd.DataFrame(index=present.index)
    rows["value"] = y
    rows["moving_range"] = np.concatenate([[math.nan], np.abs(np.diff(y))]) if len(y) else []
    for rule in ("beyond_limit", "shift", "trend", "two_of_three"):
        rows[rule] = found[rule]
    rows["special_cause"] = rows[["beyond_limit", "shift", "trend", "two_of_three"]].any(axis=1)
    rows["signal"] = [_signal(found["sides"], i, side_of_mean[i]) for i in range(len(y))]
    points = rows.reindex(series.index)
    points["value"] = series
    for rule in ("beyond_limit", "shift", "trend", "two_of_three", "special_cause"):
        points[rule] = points[rule].fillna(False).astype(bool)
    points["signal"] = points["signal"].astype(object).where(points["signal"].notna(), None)
    near = (2 / 3) * LIMIT * amr
    points["mean"], points["upper"], points["lower"] = mean, upper, lower
    points["upper_two_sigma"], points["lower_two_sigma"] = mean + near, mean - near
    return SpcResult(
        points=points,
        mean=mean,
        upper=upper,
        lower=lower,
        average_moving_range=amr,
        baseline=min(base, len(y)),
        enough_data=min(base, len(y)) >= MIN_POINTS,
        screen_outliers=screen_outliers,
    )


def variation_icon(result: SpcResult, direction) -> str:
    """The Making Data Count variation icon for the latest point.

    "Common cause" unless the latest point is flagged by a rule. A flagged point is
    "Special cause improving" when its signal points the good way, "Special cause
    concerning" when it points the bad way, and "Special cause neither" when the indicator
    has no preferred direction (``result.latest["signal"]`` says whether it is high or low).

    >>> r = spc([10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 4])
    >>> variation_icon(r, "higher"), variation_icon(r, "lower"), variation_icon(r, None)
    ('Special cause concerning', 'Special cause improving', 'Special cause neither')
    """
    better = normalise_direction(direction)
    latest = result.latest
    if latest is None or not latest["special_cause"]:
        return "Common cause"
    if better is None:
        return "Special cause neither"
    good = "high" if better == "higher" else "low"
    return "Special cause improving" if latest["signal"] == good else "Special cause concerning"


def assurance_icon(result: SpcResult, target, direction) -> str:
    """The Making Data Count assurance icon: can the process be relied on to meet a target?

    A target between the process limits (inclusive) is "Hit and miss"; a target beyond them
    is "Consistently passing" or "Consistently failing" by the direction. "No target" when
    there is no target or no preferred direction; "Not enough data" when fewer than two
    values left no limits.

    >>> r = spc([50, 52, 51, 53, 50, 52, 51, 49, 52, 50, 51, 53, 52, 50, 51])
    >>> assurance_icon(r, 45, "higher"), assurance_icon(r, 45, "lower")
    ('Consistently passing', 'Consistently failing')
    >>> assurance_icon(r, 51, "higher"), assurance_icon(r, None, "higher")
    ('Hit and miss', 'No target')
    """
    better = normalise_direction(direction)
    if target is None or (isinstance(target, float) and math.isnan(target)) or better is None:
        return "No target"
    if math.isnan(result.upper):
        return "Not enough data"
    goal = float(target)
    if result.lower <= goal <= result.upper:
        return "Hit and miss"
    beyond_top = goal > result.upper
    passing = beyond_top == (better == "lower")
    return "Consistently passing" if passing else "Consistently failing"
