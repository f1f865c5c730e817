"""An indicator's observations as a build may disclose them (pure).

`disclosed` applies the build's `phlib.rules.publication.Publication` to observation rows, the
same rules the cards, tables and charts follow. In a public build:

* a **restricted** indicator's figures are all withheld (value, numerator, denominator, target
  and comparators);
* a **small count**, and any value worked out from one (a percent or rate whose numerator or
  denominator is small), is suppressed, with its numerator and denominator;
* where counts by breakdown (say district) sit beside their period's total, one more part is
  hidden wherever a hidden one could be worked out by subtraction (`Publication.hidden_parts`).

A hidden figure becomes missing (NaN: a gap in a chart), never 0. The row's ``status`` column
says which: ``"shown"``, ``"suppressed"`` or ``"withheld"``, and the frame's
``attrs["hidden"]`` maps each hidden row's index to its marker (``*`` or ``Not published``) so
that a table of any of its columns can show the marker instead of N/A.

>>> import pandas as pd
>>> from types import SimpleNamespace
>>> from phlib.rules.publication import Publication
>>> count = SimpleNamespace(unit="count", publication="public")
>>> rows = pd.DataFrame({"period": ["2022-23-Q3"] * 4, "breakdown": ["", "Ely", "March", "Wisbech"],
...                      "value": [152.0, 46.0, 3.0, 103.0]})
>>> shown = disclosed(count, rows, Publication("public"))
>>> shown["value"].tolist(), shown["status"].tolist()
([152.0, nan, nan, 103.0], ['shown', 'suppressed', 'suppressed', 'shown'])
>>> shown.attrs["hidden"]
{1: '*', 2: '*'}
>>> disclosed(count, rows, Publication("internal"))["value"].tolist()
[152.0, 46.0, 3.0, 103.0]
"""

from __future__ import annotations

import pandas as pd

from phlib.rules.selection import number

#: The area's own figures, hidden when suppressed.
OWN_FIGURES = ("value", "numerator", "denominator")
#: Every figure, all hidden when the indicator is withheld.
ALL_FIGURES = (*OWN_FIGURES, "target", "stat_neighbour_mean", "england_mean")
SHOWN = "shown"
SUPPRESSED = "suppressed"
WITHHELD = "withheld"
MARKERS = {SUPPRESSED: "*", WITHHELD: "Not published"}


def _get(row, name):
    return number(row.get(name)) if name in row else None


def hidden_rows(indicator, rows: pd.DataFrame, pub) -> list[bool]:
    """Which rows' own figures a build must suppress (primary, then by subtraction)."""
    triples = [
        (_get(r, "value"), _get(r, "numerator"), _get(r, "denominator")) for _, r in rows.iterrows()
    ]
    hidden = [pub.hides(indicator, *t) for t in triples]
    if not pub.public or indicator.unit != "count" or "breakdown" not in rows:
        return hidden
    position = {index: i for i, index in enumerate(rows.index)}
    breakdown = rows["breakdown"].fillna("").astype(str)
    for _, group in rows.groupby("period", sort=False):
        heads = [position[i] for i in group.index if breakdown[i] == ""]
        parts = [position[i] for i in group.index if breakdown[i] != ""]
        if len(heads) != 1 or not parts:
            continue
        total = triples[heads[0]][0]
        flags = pub.hidden_parts(indicator, [triples[p] for p in parts], total=total)
        for p, flag in zip(parts, flags, strict=True):
            hidden[p] = hidden[p] or flag
    return hidden


def disclosed(indicator, rows: pd.DataFrame, pub) -> pd.DataFrame:
    """A copy of `rows` (observations of one indicator and area) as the build may show them,
    with a ``status`` column and ``attrs["hidden"]`` (see the module docstring)."""
    frame = rows.copy()
    frame["status"] = SHOWN
    if pub.withholds(indicator):
        columns, status = [c for c in ALL_FIGURES if c in frame], WITHHELD
        hidden = [True] * len(frame)
    else:
        columns, status = [c for c in OWN_FIGURES if c in frame], SUPPRESSED
        hidden = hidden_rows(indicator, frame, pub)
    mask = pd.Series(hidden, index=frame.index, dtype=bool)
    for column in columns:
        frame[column] = frame[column].astype(float).where(~mask)
    frame.loc[mask, "status"] = status
    frame.attrs["hidden"] = {index: MARKERS[status] for index in frame.index[mask]}
    return frame
