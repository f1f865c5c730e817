"""The checks of `phlib.inputs.observation_rows`, applied to every row of a file at once.

`checked_frame` reads a file's rows column by column: each distinct indicator, area, period
and comparison word is looked up once, numbers are converted a column at a time (each cell
exactly as `phlib.inputs.table.to_number` reads it), and the range and consistency rules of
`observation_rows` are applied to whole columns. It says nothing about what is wrong: when
any row may fail a check it returns None, and the caller checks that file row by row
(`check_row`), which names every problem. So a problem is only ever worded in one place.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from phlib.errors import PeriodError
from phlib.inputs.areas import area_key
from phlib.inputs.observation_rows import (
    COLUMNS,
    COMPARED,
    NUMERIC,
    RANGE_RULES,
    comparison_word,
    interval_swapped,
    negative,
    numerator_above,
    read_period,
    zero_denominator,
)
from phlib.inputs.table import to_number


def _distinct(texts: np.ndarray, read) -> tuple[np.ndarray, list] | None:
    """(codes, results): `read(text)` once per distinct text, in order of first appearance,
    and each cell's position among them; None when `read` returns None for any text."""
    codes, uniques = pd.factorize(texts)
    results = [read(text) for text in uniques]
    if any(result is None for result in results):
        return None
    return codes, results


def _spread(found: tuple[np.ndarray, list], dtype=object) -> np.ndarray:
    """Each cell's result from `_distinct`'s (codes, results)."""
    codes, results = found
    column = np.empty(len(results), dtype=dtype)
    column[:] = results
    return column[codes]


def _number(text: str) -> float | None:
    """A cell as `to_number` reads it (NaN when blank), or None when it is not a number."""
    try:
        number = to_number(text)
    except ValueError:
        return None
    return float("nan") if number is None else number


def _numbers(texts: np.ndarray) -> np.ndarray | None:
    """A column of cells as floats (NaN where blank), or None when some cell is not a number.

    `to_number` strips a text, refuses formula errors, removes a trailing % and thousands
    commas (none of which `float` accepts) and calls `float`, refusing NaN and infinities.
    So a text `float` reads is read by `to_number` as the same number, unless that is NaN or
    infinite: the whole column goes through `float` first (NumPy calls it for each cell), and
    a column with other texts is read with `to_number` itself, once per distinct text.
    """
    blank = texts == ""
    try:
        numbers = np.where(blank, "nan", texts).astype(float)
    except ValueError:
        found = _distinct(texts, _number)
        return None if found is None else _spread(found, float)
    if (np.isnan(numbers) & ~blank).any() or np.isinf(numbers).any():
        return None  # "nan", "inf" and numbers too large for a float are refused
    return numbers


def _period(text: str) -> tuple | None:
    try:
        return read_period(text) if text else None
    except PeriodError:
        return None


def _comparator(text: str) -> str | None:
    if not text:
        return ""
    period = _period(text)
    return period[0] if period else None


def _ranges_hold(numbers: dict[str, np.ndarray], units: np.ndarray) -> bool:
    """True when no number breaks a `RANGE_RULES` rule for its row's unit (blanks pass)."""
    filled = {column: ~np.isnan(values) for column, values in numbers.items()}
    for unit in set(units):
        rows = units == unit
        for rule in RANGE_RULES:
            for column, values in numbers.items():
                if rule.applies(unit, column) and (rows & filled[column] & rule.bad(values)).any():
                    return False
    return True


def _consistent(numbers: dict[str, np.ndarray], percent: np.ndarray) -> bool:
    """True when no row has swapped limits, a negative count, a zero denominator or (for a
    percentage) a numerator above its denominator."""
    num, den = numbers["numerator"], numbers["denominator"]
    return not (
        interval_swapped(numbers["lower_ci95"], numbers["upper_ci95"]).any()
        or negative(num).any()
        or negative(den).any()
        or zero_denominator(den).any()
        or (percent & numerator_above(num, den)).any()
    )


def checked_frame(table, catalogue, units: dict, lookup: dict) -> pd.DataFrame | None:
    """A `RawTable`'s rows as observation records (the columns `COLUMNS`, numbers as floats),
    or None when any row may have a problem that `check_row` would report.

    `units` maps indicator ids to units and `lookup` is `area_lookup`'s. Duplicate rows and
    fractions are not checked here (they concern many rows; `load_observations` checks them).
    """
    frame = table.frame
    size = len(frame)
    blank = np.full(size, "", dtype=object)
    texts = {name: frame[name].to_numpy(dtype=object) for name in frame.columns}
    text = lambda name: texts.get(name, blank)  # noqa: E731
    iids = _distinct(text("indicator_id"), lambda iid: units.get(iid) if iid else None)
    areas = _distinct(text("area"), lambda area: area_key(area, lookup))
    if iids is None or any(not key or key not in catalogue.areas for key in areas[1]):
        return None
    periods = _distinct(text("period"), _period)
    comparators = _distinct(text("comparator_period"), _comparator)
    words = {name: _distinct(text(name), comparison_word) for name in COMPARED}
    if periods is None or comparators is None or any(w is None for w in words.values()):
        return None
    numbers = {}
    for name in NUMERIC:
        numbers[name] = _numbers(texts[name]) if name in texts else np.full(size, np.nan)
        if numbers[name] is None:
            return None
    unit_of_row = _spread(iids)
    if not _ranges_hold(numbers, unit_of_row):
        return None
    if not _consistent(numbers, unit_of_row == "percent"):
        return None
    codes, found = periods
    data = {
        "indicator_id": text("indicator_id"),
        "area": _spread(areas),
        "period": _spread((codes, [p[0] for p in found])),
        "period_kind": _spread((codes, [p[1] for p in found])),
        "period_start": _spread((codes, [p[2].to_datetime64() for p in found]), "M8[ns]"),
        "period_end": _spread((codes, [p[3].to_datetime64() for p in found]), "M8[ns]"),
        "breakdown": text("breakdown"),
        **numbers,
        "comparator_period": _spread(comparators),
        "note": text("note"),
        **{name: _spread(found) for name, found in words.items()},
        "source_file": np.full(size, table.file, dtype=object),
        "source_row": frame.index.to_numpy(dtype=np.int64),
    }
    return pd.DataFrame(data, columns=COLUMNS)
