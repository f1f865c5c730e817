"""`scorecard.csv`: one row per indicator and area, as a public or internal build shows it.

A public build shows no figures of restricted indicators, and small counts and the figures
made from them (rates, RAG, change, SPC words) as ``*`` or blank, as the cards do.
"""

from __future__ import annotations

import csv
import io
import math
from types import SimpleNamespace

from phlib.display.formatting import SUPPRESSED
from phlib.rules.publication import Publication

CSV_COLUMNS = (
    "indicator_id", "ref", "title", "service", "area", "period", "current", "previous",
    "target", "direction", "rag", "change", "variation", "assurance",
)  # fmt: skip
WITHHELD = "Not published"


def _number(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _withheld(row: dict, publication: str) -> bool:
    return publication == "public" and bool(row.get("restricted"))


def scorecard_rows(scorecard, publication: str = "internal", suppression=(1, 4)) -> list[dict]:
    """The scorecard as `CSV_COLUMNS` rows; a public build shows no figures of restricted
    indicators, and small counts (`suppression` is the range) and the figures made from
    them (rates, RAG, change) as ``*``, as the cards do.

    >>> import pandas as pd
    >>> frame = pd.DataFrame([{"indicator_id": "d1", "ref": "", "title": "T", "service": "s",
    ...     "area": "a", "period": "Q3", "current": 5.0, "previous": None, "target": 4,
    ...     "direction": "higher", "rag": "Blue", "change": "", "restricted": True}])
    >>> scorecard_rows(frame)[0]["current"], scorecard_rows(frame, "public")[0]["rag"]
    ('5', 'Not published')
    >>> frame = frame.assign(restricted=False, unit="count", current=3.0, previous=12.0)
    >>> [scorecard_rows(frame, "public")[0][k] for k in ("current", "previous", "rag")]
    ['*', '12', '*']
    """
    pub = Publication(publication, *suppression)
    rows = []
    for row in scorecard.to_dict("records"):
        out = {name: _number(row.get(name)) for name in CSV_COLUMNS}
        if _withheld(row, publication):
            out.update(current="", previous="", target="", rag=WITHHELD, change="")
            out.update(variation="", assurance="")
        elif pub.public and "unit" in row:
            unit = SimpleNamespace(unit=row["unit"], publication="public")
            if pub.hides(unit, row["current"], row.get("numerator"), row.get("denominator")):
                out.update(current=SUPPRESSED, rag=SUPPRESSED, change="")
                out.update(variation="", assurance="")
            parts = (row.get("previous_numerator"), row.get("previous_denominator"))
            if pub.hides(unit, row["previous"], *parts):
                out.update(previous=SUPPRESSED, change="")
        rows.append(out)
    return rows


def scorecard_csv(scorecard, publication: str = "internal", suppression=(1, 4)) -> str:
    """`scorecard.csv`: one row per indicator and area."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(scorecard_rows(scorecard, publication, suppression))
    return buffer.getvalue()
