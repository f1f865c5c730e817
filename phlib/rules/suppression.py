"""Small-number suppression for public builds.

Policy: a count from ``min_count`` to ``max_count`` (1 to 4 by default, the parameter file's
``suppression: {min: 1, max: 4}``) is shown as the marker ``"*"``. Zero is *not* suppressed by
default, because under this policy "none" does not identify anybody; pass ``min_count=0`` to
suppress zeros too. A suppressed value is never replaced by 0 and missing values stay missing.

Three steps, smallest first:

- `suppress_counts`: primary suppression of a list or Series of counts;
- `suppress_derived`: also hide values computed from a suppressed count (its rate, percent);
- `suppress_table` / `secondary_suppression`: primary suppression of a table of parts and
  totals, then secondary suppression. When a total is shown and exactly one cell of the
  sum is hidden, that cell could be recovered by subtraction, so the smallest other shown
  part (preferring a non-zero one) is hidden too, repeatedly, until no sum has exactly one
  hidden cell. The result says which cells were hidden and why, for a footnote.

Secondary suppression protects against exact recovery by subtraction; it does not promise
that a reader cannot narrow a hidden value down to a range. Missing cells count as unknown.

>>> suppress_counts([0, 3, 12, None])
[0, '*', 12, None]
>>> r = secondary_suppression({"Huntingdon": 3, "Fenland": 15, "Ely": 40}, total=58)
>>> r.table["count"].tolist()
['*', '*', 40, 58]
>>> r.reason("Fenland")
'secondary'
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

__all__ = ["MARKER", "SuppressedCell", "SuppressionResult", "secondary_suppression"]
__all__ += ["suppress_counts", "suppress_derived", "suppress_table"]

#: What a suppressed value is shown as.
MARKER = "*"


def _check_range(min_count, max_count) -> None:
    if min_count < 0 or max_count < min_count:
        raise ValueError(
            f"suppression range must satisfy 0 <= min_count <= max_count, "
            f"got min_count={min_count!r}, max_count={max_count!r}"
        )


def _missing(value) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, numbers.Real) and math.isnan(value)


def _hides(value, where: str, min_count, max_count, marker: str) -> bool:
    """Whether a cell is hidden; raise unless it is a count, the marker or missing."""
    if _missing(value):
        return False
    if isinstance(value, str) and value == marker:
        return True
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{where}: {value!r} is not a count; counts must be numbers")
    if value < 0:
        raise ValueError(f"{where}: count {value!r} is negative; counts cannot be below 0")
    return min_count <= value <= max_count


def suppress_counts(values, min_count=1, max_count=4, *, marker: str = MARKER):
    """Replace counts from ``min_count`` to ``max_count`` by the marker.

    Returns a list, or a Series with the same index when given a Series.

    >>> suppress_counts([0, 1, 4, 5, float("nan")])
    [0, '*', '*', 5, nan]
    >>> suppress_counts([0, 2, 7], min_count=0)
    ['*', '*', 7]
    >>> suppress_counts(pd.Series([2, 9], index=["Ely", "March"])).to_dict()
    {'Ely': '*', 'March': 9}
    """
    _check_range(min_count, max_count)
    items = values.items() if isinstance(values, pd.Series) else enumerate(values)
    shown = [
        marker if _hides(v, f"item {k!r}", min_count, max_count, marker) else v for k, v in items
    ]
    if isinstance(values, pd.Series):
        return pd.Series(shown, index=values.index, name=values.name, dtype=object)
    return shown


def suppress_derived(
    frame: pd.DataFrame,
    count_col,
    derived_cols: Iterable[str],
    *,
    min_count=1,
    max_count=4,
    marker: str = MARKER,
) -> pd.DataFrame:
    """Suppress counts in ``count_col`` and every value in ``derived_cols`` on the same rows.

    ``count_col`` may be one column or a list (say numerator and denominator): a row is
    hidden when any of them is suppressed. Returns a new frame; the input is not changed.

    >>> df = pd.DataFrame({"n": [3, 40], "pop": [500, 800], "pct": [0.6, 5.0]})
    >>> suppress_derived(df, "n", ["pct"]).to_dict("list")
    {'n': ['*', 40], 'pop': [500, 800], 'pct': ['*', 5.0]}
    """
    _check_range(min_count, max_count)
    counts = [count_col] if isinstance(count_col, str) else list(count_col)
    derived = list(derived_cols)
    absent = [c for c in counts + derived if c not in frame.columns]
    if absent:
        raise ValueError(
            f"column(s) {absent} not in the table; its columns are {list(frame.columns)}"
        )
    out = frame.astype({c: object for c in counts + derived})
    hide_row = pd.Series(False, index=frame.index)
    for col in counts:
        hidden = pd.Series(
            [
                _hides(v, f"row {k!r}, column {col!r}", min_count, max_count, marker)
                for k, v in frame[col].items()
            ],
            index=frame.index,
        )
        out.loc[hidden, col] = marker
        hide_row |= hidden
    for col in derived:
        out.loc[hide_row & frame[col].notna(), col] = marker
    return out


@dataclass(frozen=True)
class SuppressedCell:
    """One hidden cell: where it is, its value (never shown) and why it was hidden."""

    row: Hashable
    column: Hashable
    value: object
    reason: str  # "primary" (a small count) or "secondary" (would reveal one by subtraction)


@dataclass(frozen=True)
class SuppressionResult:
    """A table as it may be shown, with the hidden cells and the reasons for a footnote."""

    table: pd.DataFrame
    cells: tuple[SuppressedCell, ...]
    marker: str = MARKER
    min_count: float = 1
    max_count: float = 4

    def reason(self, row, column=None) -> str | None:
        """Why a cell is hidden ("primary"/"secondary"), or None if it is shown."""
        if column is None and len(self.table.columns) == 1:
            column = self.table.columns[0]
        for cell in self.cells:
            if cell.row == row and cell.column == column:
                return cell.reason
        return None

    @property
    def primary(self) -> tuple[SuppressedCell, ...]:
        return tuple(c for c in self.cells if c.reason == "primary")

    @property
    def secondary(self) -> tuple[SuppressedCell, ...]:
        return tuple(c for c in self.cells if c.reason == "secondary")

    def footnote(self) -> str:
        """A sentence explaining the marker, or "" when nothing is hidden.

        >>> r = secondary_suppression({"a": 2, "b": 9}, total=11)
        >>> print(r.footnote())  # doctest: +NORMALIZE_WHITESPACE
        * = a count from 1 to 4, hidden to protect confidentiality; some other figures are
        also hidden so that these counts cannot be worked out from the totals.
        """
        if not self.cells:
            return ""
        text = (
            f"{self.marker} = a count from {self.min_count:g} to {self.max_count:g}, "
            "hidden to protect confidentiality"
        )
        if self.secondary:
            text += "; some other figures are also hidden so that these counts cannot be "
            text += "worked out from the totals"
        return text + "."


def suppress_table(
    table: pd.DataFrame,
    *,
    total_row=None,
    total_column=None,
    min_count=1,
    max_count=4,
    marker: str = MARKER,
) -> SuppressionResult:
    """Primary and secondary suppression of a table of counts with optional totals.

    ``total_column`` names the column holding each row's total and ``total_row`` the row
    (index label) holding each column's total; each total is taken as the sum of the other
    cells in its row or column.

    >>> t = pd.DataFrame({"Ely": [2, 10, 12], "March": [8, 9, 17], "Total": [10, 19, 29]},
    ...                  index=["Female", "Male", "Total"])
    >>> r = suppress_table(t, total_row="Total", total_column="Total")
    >>> r.table.to_dict("list")
    {'Ely': ['*', '*', 12], 'March': ['*', '*', 17], 'Total': [10, 19, 29]}
    >>> for cell in r.cells:
    ...     print(cell.row, cell.column, cell.reason)
    Female Ely primary
    Female March secondary
    Male Ely secondary
    Male March secondary
    """
    _check_range(min_count, max_count)
    for label, axis in ((total_row, table.index), (total_column, table.columns)):
        if label is not None and label not in axis:
            raise ValueError(f"total {label!r} is not in the table (has {list(axis)})")
    cells = [(r, c) for r in table.index for c in table.columns]
    order = {cell: i for i, cell in enumerate(cells)}
    value = {(r, c): table.at[r, c] for r, c in cells}
    hidden = {
        (r, c): "primary"
        for r, c in cells
        if _hides(value[(r, c)], f"row {r!r}, column {c!r}", min_count, max_count, marker)
    }
    sums = []
    if total_column is not None:
        parts = [c for c in table.columns if c != total_column]
        sums += [([(r, c) for c in parts], (r, total_column)) for r in table.index]
    if total_row is not None:
        parts = [r for r in table.index if r != total_row]
        sums += [([(r, c) for r in parts], (total_row, c)) for c in table.columns]

    def unknown(cell) -> bool:
        return cell in hidden or _missing(value[cell])

    changed = True
    while changed:
        changed = False
        for parts, total in sums:
            if sum(unknown(c) for c in [*parts, total]) != 1:
                continue
            shown = [c for c in parts if not unknown(c)] or [total]
            pick = min(shown, key=lambda c: (value[c] == 0, value[c], order[c]))
            hidden[pick] = "secondary"
            changed = True
    out = table.astype(object)
    for r, c in hidden:
        out.at[r, c] = marker
    found = tuple(
        SuppressedCell(row=r, column=c, value=value[(r, c)], reason=hidden[(r, c)])
        for r, c in sorted(hidden, key=order.__getitem__)
    )
    return SuppressionResult(out, found, marker, min_count, max_count)


def secondary_suppression(
    cells,
    total=None,
    *,
    min_count=1,
    max_count=4,
    marker: str = MARKER,
    total_label: Hashable = "Total",
) -> SuppressionResult:
    """Suppress the parts of one total (a mapping or Series of label -> count).

    The result's ``table`` has one column, ``count``, with a row per part and, when
    ``total`` is given, a last row ``total_label``.

    >>> r = secondary_suppression({"A": 0, "B": 1, "C": 6, "D": 20}, total=27)
    >>> r.table["count"].tolist(), [c.row for c in r.secondary]
    ([0, '*', '*', 20, 27], ['C'])
    >>> secondary_suppression({"A": 2, "B": 7}).table["count"].tolist()   # no total shown
    ['*', 7]
    """
    parts = cells if isinstance(cells, Mapping | pd.Series) else dict(enumerate(cells))
    data = dict(parts.items())
    if total is not None:
        if total_label in data:
            raise ValueError(f"a part is labelled {total_label!r}; pass another total_label")
        data[total_label] = total
    frame = pd.DataFrame({"count": pd.Series(data, dtype=object)})
    return suppress_table(
        frame,
        total_row=total_label if total is not None else None,
        min_count=min_count,
        max_count=max_count,
        marker=marker,
    )
