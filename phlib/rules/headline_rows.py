"""A series' headline rows (blank `breakdown`, the indicator's own frequency), picked from the
observations and turned into plain dicts, the form the rules walk (`phlib.rules.selection`).

`headline_series` picks one series as a frame; `headline_index` indexes every series of a
frame at once, for code that rates many (the scorecard, the data checks, a `Workbook`);
`row_dicts` is `DataFrame.to_dict("records")`, quicker.

>>> obs = pd.DataFrame({"indicator_id": ["x", "x", "x"], "area": ["a", "a", "a"],
...                     "period_kind": ["quarter", "quarter", "month"],
...                     "period_start": pd.to_datetime(["2022-07-01", "2022-04-01", "2022-04-01"]),
...                     "breakdown": ["", "", ""], "value": [2.0, 1.0, 9.0]})
>>> [r["value"] for r in headline_index(obs)[("x", "a", "quarter")]]
[1.0, 2.0]
>>> headline_series(obs, "x", "a", "quarter")["value"].tolist()
[1.0, 2.0]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pandas as pd

from phlib.rules.period_base import frequency_of


def headline_series(observations: pd.DataFrame, indicator_id: str, area: str, kind: str):
    """Headline rows of one indicator, area and frequency (`month`, `quarter`, `year`: periods
    of every kind that reports at it, such as calendar years for `year`), oldest first."""
    # The indicator and area first: the other tests then look at a few dozen rows, not all.
    mine = observations[
        (observations["indicator_id"] == indicator_id) & (observations["area"] == area)
    ]
    rows = mine[
        (mine["period_kind"].map(frequency_of) == kind) & (mine["breakdown"].fillna("") == "")
    ]
    return rows.sort_values("period_start").reset_index(drop=True)


def row_dicts(frame: pd.DataFrame) -> list[dict]:
    """The frame's rows as dicts of its columns, exactly as `frame.to_dict("records")` gives
    them, in under half the time for frames of observations: columns of numbers, dates and
    text whose blank is NaN are read a column at a time (any other kind of column is left to
    `to_dict`, whose boxing of values this does not repeat).

    >>> row_dicts(pd.DataFrame({"a": [1, 2], "b": [0.5, None]}))
    [{'a': 1, 'b': 0.5}, {'a': 2, 'b': nan}]
    """
    if frame.columns.empty or not all(map(_read_whole, frame.dtypes)):
        return frame.to_dict("records")
    columns = list(frame.columns)
    cells = zip(*(frame[c].tolist() for c in columns), strict=True)
    return [dict(zip(columns, row, strict=True)) for row in cells]


def _read_whole(dtype) -> bool:
    """Whether `Series.tolist()` gives a column of this type as `to_dict` does."""
    if isinstance(dtype, pd.StringDtype):
        return dtype.na_value is not pd.NA  # pandas' text whose blank is NaN
    return dtype.kind in "iufbmM"  # numpy numbers, booleans, dates and durations


def headline_index(observations: pd.DataFrame, lazy: bool = False) -> Mapping:
    """(indicator id, area, frequency) -> that series' headline rows as dicts, oldest first.

    Built once, it lets `summarise_rows` rate many indicators without filtering the frame.
    With `lazy`, a series' rows become dicts only when it is first asked for
    (`HeadlineIndex`): a notebook rates its own service's series, not all of its area's.
    """
    rows = observations.sort_values("period_start")
    if "breakdown" in rows.columns:  # headline rows: a blank breakdown
        rows = rows[rows["breakdown"].isna() | (rows["breakdown"] == "")]
    if lazy:
        return HeadlineIndex(rows)
    index: dict = {}
    for row in row_dicts(rows):
        key = (row["indicator_id"], row["area"], frequency_of(row["period_kind"]))
        index.setdefault(key, []).append(row)
    return index


class HeadlineIndex(Mapping):
    """`headline_index` whose series are turned into dicts when first asked for (and kept):
    the same keys, in the same order, and the same rows."""

    def __init__(self, rows: pd.DataFrame):
        self._rows, self._built = rows, {}
        self._positions: dict[tuple, list[int]] = {}
        keys = zip(rows["indicator_id"].tolist(), rows["area"].tolist(),
                   map(frequency_of, rows["period_kind"].tolist()), strict=True)  # fmt: skip
        for at, key in enumerate(keys):
            self._positions.setdefault(key, []).append(at)

    def __getitem__(self, key) -> list[dict]:
        if key not in self._built:
            self._built[key] = row_dicts(self._rows.take(self._positions[key]))
        return self._built[key]

    def __contains__(self, key) -> bool:
        return key in self._positions

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)
