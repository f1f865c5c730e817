"""The card's third row: the 95% confidence interval and the comparisons with England and the
region, the way Fingertips shows them (Better, Similar, Worse; Higher, Lower; Not compared).

Nothing is shown for a card whose current figure is withheld or suppressed: an interval would
give the figure away.

>>> from types import SimpleNamespace as NS
>>> card = NS(heading="T", unit="per_100000", decimals=1, lower_ci=37.2, upper_ci=47.3,
...           interval_note="", compared_to_england="Better", compared_to_region="Similar",
...           region_mean=47.9, withheld=False, suppressed_fields=frozenset())
>>> html = comparison_html(card)
>>> "37.2 to 47.3" in html, 'class="compare compare-better">Better<' in html, "47.9" in html
(True, True, True)
"""

from __future__ import annotations

from phlib.display.formatting import format_value
from phlib.display.markup import esc, slug


def comparison_cells(card) -> list[tuple[str, str]]:
    """(label, HTML) of each figure the row shows; empty when there is nothing to show."""
    if card.withheld or "current" in card.suppressed_fields:
        return []
    cells = []
    if card.lower_ci is not None and card.upper_ci is not None:
        low = format_value(card.lower_ci, card.unit, card.decimals)
        high = format_value(card.upper_ci, card.unit, card.decimals)
        cells.append(("95% confidence interval", esc(f"{low} to {high}")))
    if card.region_mean is not None:
        cells.append(("Region", esc(format_value(card.region_mean, card.unit, card.decimals))))
    for label, word in (("Compared with England", card.compared_to_england),
                        ("Compared with region", card.compared_to_region)):  # fmt: skip
        if word:
            cells.append((label, f'<span class="compare compare-{slug(word)}">{esc(word)}</span>'))
    return cells


def comparison_html(card) -> str:
    """The row as a small table (with a note on how the interval was found), or ""."""
    cells = comparison_cells(card)
    if not cells:
        return ""
    head = "".join(f'<th scope="col">{esc(label)}</th>' for label, _ in cells)
    body = "".join(f"<td>{value}</td>" for _, value in cells)
    caption = f"{card.heading}: confidence interval and comparisons"
    note = f'<p class="card-footnote">{esc(card.interval_note)}</p>' if card.interval_note else ""
    return (
        f'<table class="card-figures card-row-3"><caption class="visually-hidden">'
        f"{esc(caption)}</caption><thead><tr>{head}</tr></thead><tbody><tr>{body}</tr></tbody>"
        f"</table>{note}"
    )
