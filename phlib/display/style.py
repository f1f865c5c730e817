"""The house style: one palette, the RAG colours, fonts and matplotlib settings.

Every colour is chosen so that white text on it, or it as text on white, reaches the WCAG AA
ratio of 4.5:1; lines and bars therefore also pass the 3:1 asked of graphics. RAG colours are
always shown with their word (the badge, the table cell), never as colour alone.

>>> RAG_COLOURS["Red"], rag_class("In Development")
('#B3261E', 'rag-in-development')
>>> round(contrast_ratio(RAG_COLOURS["Amber"], WHITE), 1)
6.3
>>> with house_style():
...     import matplotlib
...     matplotlib.rcParams["svg.fonttype"]
'none'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

WHITE = "#FFFFFF"
TEXT = "#1A1A1A"

#: Colours of chart series and reference lines (each >= 4.5:1 against white).
PALETTE = {
    "area": "#1F5A96",  # the council area's own values: dark blue
    "stat_neighbours": "#B84C00",  # statistical neighbour mean: dark orange
    "england": "#595959",  # England mean: grey
    "target": TEXT,  # target, threshold and trajectory lines: near black, dashed
    "special_cause": "#B84C00",  # SPC points outside the limits or in a run
    "limits": "#595959",  # SPC control limits
    "text": TEXT,
    "muted": "#595959",  # secondary text (axis labels, notes)
    "grid": "#D9D9D9",  # decorative only
}

#: One colour per RAG rating or status word: badge fills (white text on them) and chart marks.
RAG_COLOURS = {
    "Red": "#B3261E",
    "Amber": "#8A5300",
    "Green": "#1E7A34",
    "Blue": "#1B5FAA",
    "Baseline": "#595959",
    "Contextual": "#595959",
    "In Development": "#595959",
    "TBC": "#595959",
}

#: Light fills for table cells rated by RAG; the text on them is `TEXT` (more than 12:1).
RAG_TINTS = {
    "Red": "#FBE3E1",
    "Amber": "#FCEBD0",
    "Green": "#DFF1E3",
    "Blue": "#DEEAF7",
    "Baseline": "#EDEDED",
    "Contextual": "#EDEDED",
    "In Development": "#EDEDED",
    "TBC": "#EDEDED",
}

#: Fonts: matplotlib measures text with the first it has (DejaVu Sans ships with it); a
#: browser showing the SVG uses the first it has, each narrower than DejaVu, so labels fit.
FONT_FAMILY = ["DejaVu Sans", "Arial", "Liberation Sans", "Helvetica", "sans-serif"]

#: matplotlib settings of the house style (applied by `house_style`).
HOUSE_RC = {
    "font.family": "sans-serif",
    "font.sans-serif": FONT_FAMILY,
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 11,
    "axes.labelcolor": TEXT,
    "axes.edgecolor": PALETTE["muted"],
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": PALETTE["grid"],
    "grid.linewidth": 0.6,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.frameon": False,
    "legend.fontsize": 10,
    "lines.linewidth": 2.2,
    "lines.markersize": 5,
    "figure.figsize": (8.0, 4.5),
    "figure.dpi": 100,
    "figure.facecolor": WHITE,
    "savefig.facecolor": WHITE,
    "savefig.bbox": "tight",
    "svg.fonttype": "none",  # text stays text: small, crisp, searchable
    "svg.hashsalt": "phlib",  # stable ids, so the same chart gives the same file
}


def _cycle():
    from cycler import cycler

    colours = [PALETTE["area"], PALETTE["stat_neighbours"], PALETTE["england"]]
    return cycler(color=colours)


def rag_class(word: str | None) -> str:
    """The CSS class of a RAG word: ``rag-red``, ``rag-in-development``; ``rag-none`` if blank.

    >>> rag_class("Amber"), rag_class(""), rag_class("<b>")
    ('rag-amber', 'rag-none', 'rag-b')
    """
    slug = re.sub(r"[^a-z0-9]+", "-", str(word or "").lower()).strip("-")
    return f"rag-{slug}" if slug else "rag-none"


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#RRGGBB`` colour (0 black to 1 white).

    >>> relative_luminance("#000000"), relative_luminance("#FFFFFF")
    (0.0, 1.0)
    """
    text = colour.lstrip("#")
    if not re.fullmatch(r"[0-9a-fA-F]{6}", text):
        raise ValueError(f"colour {colour!r} is not of the form #RRGGBB")

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(int(text[i : i + 2], 16) / 255) for i in (0, 2, 4))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str = "#FFFFFF") -> float:
    """WCAG 2 contrast ratio of two colours, from 1 (same) to 21 (black on white).

    >>> contrast_ratio("#000000", "#FFFFFF")
    21.0
    >>> contrast_ratio("#777777", "#FFFFFF") < 4.5  # a common grey that fails for text
    True
    """
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return round((light + 0.05) / (dark + 0.05), 4)


def house_rc() -> dict:
    """The matplotlib rcParams of the house style, as a new dict.

    >>> house_rc()["axes.spines.top"]
    False
    """
    return {**HOUSE_RC, "axes.prop_cycle": _cycle()}


@contextmanager
def house_style() -> Iterator[None]:
    """Apply the house style to the figures made inside the block (and restore afterwards).

    >>> import matplotlib
    >>> with house_style():
    ...     matplotlib.rcParams["font.size"]
    11.0
    """
    import matplotlib

    with matplotlib.rc_context(house_rc()):
        yield
