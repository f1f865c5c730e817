"""The direction of improvement of an indicator: the one definition every module reads.

An indicator improves as its value goes `higher` or `lower`, or has no direction (None,
written `none` in the catalogue). `normalise_direction` reads every spelling people use.

>>> normalise_direction("↑"), normalise_direction(" Lower is better "), normalise_direction(None)
('higher', 'lower', None)
>>> normalise_direction("sideways")
Traceback (most recent call last):
...
ValueError: direction 'sideways' is not understood; use 'higher', 'lower' or 'none' ...
"""

from __future__ import annotations

import math

#: The directions as the catalogue writes them.
DIRECTIONS = ("higher", "lower", "none")

#: Every accepted spelling (lower case, trimmed) and the direction it means.
SPELLINGS = {
    "higher": "higher", "high": "higher", "up": "higher", "increase": "higher", "\u2191": "higher",
    "higher is better": "higher",
    "lower": "lower", "low": "lower", "down": "lower", "decrease": "lower", "\u2193": "lower",
    "lower is better": "lower",
    "none": None, "neutral": None, "n/a": None, "-": None,
}  # fmt: skip


def normalise_direction(direction) -> str | None:
    """`"higher"`, `"lower"` or None (no direction) from any accepted spelling.

    Anything else is a ValueError that lists the accepted words.

    >>> normalise_direction("\u2193"), normalise_direction(" Up "), normalise_direction(None)
    ('lower', 'higher', None)
    """
    if direction is None or (isinstance(direction, float) and math.isnan(direction)):
        return None
    key = str(direction).strip().lower()
    if key not in SPELLINGS:
        raise ValueError(
            f"direction {direction!r} is not understood; use 'higher', 'lower' or 'none' "
            "(also '\u2191', '\u2193', None)"
        )
    return SPELLINGS[key]


def direction_key(direction) -> str:
    """The catalogue's word for a direction: `higher`, `lower` or `none`.

    >>> direction_key("\u2191"), direction_key(None)
    ('higher', 'none')
    """
    return normalise_direction(direction) or "none"
