"""The indicator card: its data (`Card`), its HTML (`card_html`) and its scorecard row.

A card shows two rows of labelled values (target, direction, current, previous, change; then
statistical neighbour mean, England mean and the RAG rating as a badge with its word), then the
description, the calculation with its X and Y, and useful links. Ratings and changes are worked
out elsewhere (`phlib.rules.ratings`) and arrive here as words. Every text from data is escaped.

A restricted indicator (NDTMS data) in a public build shows no figures, no change and no
rating; in an internal build it carries a visible "Not for publication" marker.

>>> card = Card(indicator_id="asc_231", ref="231", title="% of new client contacts",
...             period_label="Q3 2022/23", direction="higher", current=88.0, previous=88.1,
...             change="Declining", rag="Amber", unit="percent", decimals=1)
>>> html = card_html(card)
>>> '<h3 id="ind-asc_231-title">Indicator 231: % of new client contacts</h3>' in html
True
>>> '<span class="rag rag-amber">Amber</span>' in html, "88.0%" in html
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from phlib.display import formatting
from phlib.display.card_comparisons import comparison_html
from phlib.display.formatting import MISSING, SUPPRESSED, check_unit, default_decimals, format_value
from phlib.display.markup import esc, link_html, slug
from phlib.display.signals import signal_html
from phlib.display.style import rag_class
from phlib.rules.direction import DIRECTIONS

__all__ = ["Card", "card_html", "card_summary_row", "format_value", "WITHHELD", "DIRECTION_SIGNS"]

#: What each value cell of a restricted indicator says in a public build.
WITHHELD = formatting.WITHHELD
WITHHELD_REASON = (
    "Figures for this indicator are not published: the data are confidential until they are "
    "released nationally."
)
NOT_FOR_PUBLICATION = "Not for publication"
SUPPRESSION_NOTE = "* Not shown: the number is small enough that people could be identified."

#: How each direction of improvement (`phlib.rules.direction`) is shown: (arrow, words).
DIRECTION_SIGNS = {
    "higher": ("\u2191", "Higher is better"),
    "lower": ("\u2193", "Lower is better"),
    "none": ("", "No direction"),
}
VALUE_FIELDS = ("target", "current", "previous", "stat_neighbour_mean", "england_mean")
SUPPRESSIBLE = frozenset(VALUE_FIELDS + ("change", "rag"))


@dataclass(frozen=True, kw_only=True)
class Card:
    """Everything one indicator card shows, already selected and rated."""

    indicator_id: str
    ref: str = ""
    title: str = ""
    period_label: str = ""
    target: float | None = None
    target_label: str = "Target"
    target_text: str = ""
    direction: str = "none"
    current: float | None = None
    previous: float | None = None
    current_label: str = "Current quarter"
    previous_label: str = "Previous quarter"
    change: str | None = None
    stat_neighbour_mean: float | None = None
    england_mean: float | None = None
    comparator_period: str = ""
    rag: str | None = None
    unit: str = "percent"
    decimals: int | None = None
    description: str = ""
    calculation: str = ""
    numerator_definition: str = ""
    denominator_definition: str = ""
    links: tuple = ()
    restricted: bool = False
    publication: str = "internal"
    suppressed_fields: frozenset = field(default_factory=frozenset)
    notes: tuple = ()
    variation: str = ""  # SPC words (phlib.rules.variation), blank without a control chart
    assurance: str = ""
    lower_ci: float | None = None  # the 95% interval and comparisons: phlib.rules.significance
    upper_ci: float | None = None
    interval_note: str = ""
    compared_to_england: str = ""
    compared_to_region: str = ""
    region_mean: float | None = None

    def __post_init__(self):
        check_unit(self.unit)
        if self.direction not in DIRECTIONS:
            raise ValueError(
                f"card {self.indicator_id!r}: direction {self.direction!r} is not known; "
                f"use one of {', '.join(DIRECTIONS)}"
            )
        if self.publication not in ("internal", "public"):
            raise ValueError(
                f"card {self.indicator_id!r}: publication {self.publication!r} is not known; "
                "use 'internal' or 'public'"
            )
        unknown = set(self.suppressed_fields) - SUPPRESSIBLE
        if unknown:
            raise ValueError(
                f"card {self.indicator_id!r}: cannot suppress {sorted(unknown)}; "
                f"fields that can be suppressed are {sorted(SUPPRESSIBLE)}"
            )
        object.__setattr__(self, "links", tuple(tuple(link) for link in self.links))
        object.__setattr__(self, "notes", tuple(self.notes))
        object.__setattr__(self, "suppressed_fields", frozenset(self.suppressed_fields))
        if self.decimals is None:
            object.__setattr__(self, "decimals", default_decimals(self.unit))

    @property
    def withheld(self) -> bool:
        """True when the card must show no figures: a restricted indicator in a public build."""
        return self.restricted and self.publication == "public"

    @property
    def heading(self) -> str:
        """``Indicator 230: <title>``, or the title alone when the card has no ref."""
        title = self.title or self.indicator_id
        return f"Indicator {self.ref}: {title}" if str(self.ref).strip() else title

    def shown(self, name: str) -> str:
        """The text shown for one value field, change or rag (formatted, ``*`` or withheld)."""
        if self.withheld:
            return WITHHELD
        if name in self.suppressed_fields:
            return SUPPRESSED
        if name in ("change", "rag"):
            word = getattr(self, name)
            return str(word).strip() if word is not None and str(word).strip() else MISSING
        value = getattr(self, name)
        if name == "target" and value is None and self.target_text.strip():
            return self.target_text.strip()
        return format_value(value, self.unit, self.decimals)


def _comparator_label(label: str, period: str) -> str:
    return f"{label} ({period.strip()})" if period and period.strip() else label


def _direction_html(direction: str) -> str:
    arrow, words = DIRECTION_SIGNS[direction]
    mark = f'<span class="arrow" aria-hidden="true">{arrow}</span> ' if arrow else ""
    return f"{mark}{words}"


def _rag_html(card: Card) -> str:
    text = card.shown("rag")
    if text in (WITHHELD, SUPPRESSED, MISSING):
        return esc(text)
    return f'<span class="rag {rag_class(text)}">{esc(text)}</span>'


def _table(caption: str, cells: list[tuple[str, str]], css: str) -> str:
    head = "".join(f'<th scope="col">{esc(label)}</th>' for label, _ in cells)
    body = "".join(f"<td>{value}</td>" for _, value in cells)
    return (
        f'<table class="card-figures {css}"><caption class="visually-hidden">{esc(caption)}'
        f"</caption><thead><tr>{head}</tr></thead><tbody><tr>{body}</tr></tbody></table>"
    )


def _paragraphs(text: str, css: str = "") -> str:
    attr = f' class="{css}"' if css else ""
    parts = [" ".join(p.split()) for p in str(text or "").split("\n\n")]
    return "".join(f"<p{attr}>{esc(p)}</p>" for p in parts if p)


def _calculation_html(card: Card) -> str:
    html = _paragraphs(card.calculation, "calculation")
    terms = [("X", card.numerator_definition), ("Y", card.denominator_definition)]
    terms = [(name, text.strip()) for name, text in terms if text and text.strip()]
    if terms:
        items = "".join(f"<dt>{name} =</dt><dd>{esc(text)}</dd>" for name, text in terms)
        html += f'<p>Where:</p><dl class="definitions">{items}</dl>'
    return html


def card_html(
    card: Card,
    *,
    heading_level: int = 3,
    index_href: str = "index.html",
    contents_href: str = "#contents",
) -> str:
    """The card as an accessible HTML ``<section>`` (see the module docstring for its parts).

    >>> c = Card(indicator_id="dalc_201", title="Completions", current=5.5, restricted=True,
    ...          publication="public")
    >>> html = card_html(c, heading_level=2)
    >>> "5.5" in html, "Not published" in html, "<h2" in html
    (False, True, True)
    """
    if not 1 <= heading_level <= 5:
        raise ValueError(f"heading_level must be 1 to 5, got {heading_level}")
    sub = f"h{heading_level + 1}"
    anchor = f"ind-{slug(card.indicator_id)}"
    heading = esc(card.heading)
    css = "card card-restricted" if card.restricted else "card"
    parts = [
        f'<section class="{css}" id="{anchor}" aria-labelledby="{anchor}-title">',
        f'<h{heading_level} id="{anchor}-title">{heading}</h{heading_level}>',
        f'<p class="card-nav"><a href="{esc(index_href)}">Return to index</a> '
        f'<a href="{esc(contents_href)}">Return to contents</a></p>',
    ]
    if card.period_label.strip():
        parts.append(f'<p class="card-period">{esc(card.period_label.strip())}</p>')
    if card.withheld:
        parts.append(f'<p class="card-withheld">{esc(WITHHELD_REASON)}</p>')
    elif card.restricted:
        parts.append(
            f'<p class="marker-restricted"><strong>{NOT_FOR_PUBLICATION}</strong>: '
            "confidential until released nationally; remove before any public build.</p>"
        )
    period = f", {card.period_label.strip()}" if card.period_label.strip() else ""
    row1 = [
        (card.target_label, esc(card.shown("target"))),
        ("Direction for improvement", _direction_html(card.direction)),
        (card.current_label, esc(card.shown("current"))),
        (card.previous_label, esc(card.shown("previous"))),
        ("Change in performance", esc(card.shown("change"))),
    ]
    row2 = [
        (
            _comparator_label("Statistical neighbour mean", card.comparator_period),
            esc(card.shown("stat_neighbour_mean")),
        ),
        (
            _comparator_label("England mean", card.comparator_period),
            esc(card.shown("england_mean")),
        ),
        ("RAG rating", _rag_html(card)),
    ]
    parts.append(_table(f"{card.heading}: performance{period}", row1, "card-row-1"))
    parts.append(_table(f"{card.heading}: comparators and rating{period}", row2, "card-row-2"))
    parts.append(comparison_html(card))
    if (card.variation or card.assurance) and not card.withheld:
        variation = signal_html(card.variation) or MISSING
        assurance = signal_html(card.assurance) or "No monthly target"
        parts.append(
            f'<dl class="card-spc"><dt>Variation</dt><dd>{variation}</dd>'
            f"<dt>Assurance against target</dt><dd>{assurance}</dd></dl>"
        )
    if card.suppressed_fields and not card.withheld:
        parts.append(f'<p class="card-footnote">{esc(SUPPRESSION_NOTE)}</p>')
    if card.notes and not card.withheld:
        items = "".join(f"<li>{esc(note)}</li>" for note in card.notes)
        parts.append(f'<ul class="card-notes">{items}</ul>')
    if card.description.strip():
        parts.append(f"<{sub}>Description</{sub}>{_paragraphs(card.description)}")
    calculation = _calculation_html(card)
    if calculation:
        parts.append(f"<{sub}>Calculation</{sub}>{calculation}")
    if card.links:
        items = "".join(f"<li>{link_html(text, url)}</li>" for text, url in card.links)
        parts.append(f'<{sub}>Useful links</{sub}><ul class="card-useful-links">{items}</ul>')
    parts.append("</section>")
    return "\n".join(part for part in parts if part)


def card_summary_row(card: Card) -> dict:
    """One scorecard row: ids and title, then the values as shown on the card (text).

    >>> row = card_summary_row(Card(indicator_id="x", ref="7", title="T", current=3, unit="count",
    ...                             direction="lower", rag="Green"))
    >>> row["current"], row["previous"], row["direction"], row["rag"]
    ('3', 'N/A', 'Lower is better', 'Green')
    """
    return {
        "indicator_id": card.indicator_id,
        "ref": card.ref,
        "title": card.title,
        "period": card.period_label,
        "current": card.shown("current"),
        "previous": card.shown("previous"),
        "target": card.shown("target"),
        "direction": DIRECTION_SIGNS[card.direction][1],
        "rag": card.shown("rag"),
        "change": card.shown("change"),
    }
