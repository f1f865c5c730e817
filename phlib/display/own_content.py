"""The `Workbook` calls that add an analyst's own content to a notebook: `figure`, `table`, `data`.

A chart or table of one's own is numbered in the same sequence as the built-in ones, captioned,
described and styled as they are; the data come with the build's publication rules applied::

    checks = wb.data("hc_checks_completed")   # the area's rows, hidden figures already NaN
    fig, ax = plt.subplots()
    ax.plot(checks["label"], checks["value"], label="Checks")
    wb.figure(fig, "Health checks completed by quarter")   # Figure 3.4, alt text, data table
    wb.table(checks[["label", "value"]], "Health checks completed")   # Table 3.2

Make the figure and hand it to `wb.figure` in the same cell: the figure is closed there, so
Jupyter does not also show it unnumbered.
"""

from __future__ import annotations

import difflib

import pandas as pd
from matplotlib.figure import Figure

from phlib.display.block import Block
from phlib.display.description import describe
from phlib.display.embed import Chart, chart_html
from phlib.display.frames import frame_table
from phlib.display.tables import table_html
from phlib.display.views import last_period
from phlib.errors import UnknownNameError
from phlib.rules.disclosure import disclosed
from phlib.rules.period_parsing import parse_period

#: The columns of `data`, in order.
DATA_COLUMNS = (
    "period",
    "label",
    "period_kind",
    "period_start",
    "period_end",
    "breakdown",
    "value",
    "numerator",
    "denominator",
    "target",
    "stat_neighbour_mean",
    "england_mean",
    "comparator_period",
    "note",
)


def _as_figure(fig) -> Figure:
    if isinstance(fig, Figure):
        return fig
    owner = fig.get_figure() if hasattr(fig, "get_figure") else None
    if isinstance(owner, Figure):  # an Axes, or another artist of a figure
        return owner
    raise TypeError(
        f"wb.figure needs a matplotlib Figure (or Axes), got {type(fig).__name__}; "
        "make one with fig, ax = plt.subplots()"
    )


def _title(title, what: str) -> str:
    text = "" if title is None else str(title).strip()
    if not text:
        raise ValueError(f"{what} needs a title for its caption, such as 'Referrals by month'")
    return text


class OwnContent:
    """Mixed into `phlib.workbook.Workbook`, whose numbering, catalogue, observations, area,
    quarter, service and publication these calls use."""

    def figure(self, fig, title: str, alt: str | None = None) -> Block:
        """The analyst's matplotlib figure (or Axes) as the next numbered figure, captioned
        with `title`, with `alt` text (written from the figure's axes, lines and bars when not
        given), embedded as SVG with its data table. The figure is closed afterwards."""
        figure, caption = _as_figure(fig), _title(title, "wb.figure")
        found = describe(figure, caption)
        alt_text = str(alt).strip() if alt is not None and str(alt).strip() else found.alt
        chart = Chart(figure, caption, alt_text, found.columns, found.rows, "own")
        html = chart_html(chart, self.numbering.figure(), caption, data_table=bool(found.columns))
        return Block(html, caption)

    def table(self, frame: pd.DataFrame, title: str) -> Block:
        """A pandas DataFrame as the next numbered table, captioned with `title`, in the house
        style (see `phlib.display.frames`)."""
        caption = _title(title, "wb.table")
        styler = frame_table(frame, caption, self.numbering.table())
        return Block(table_html(styler), caption)

    def data(self, indicator_id: str) -> pd.DataFrame:
        """The indicator's observations for this area, up to the latest period this quarter's
        report can include, oldest first (headline rows before breakdowns), with this build's
        publication rules applied (`phlib.rules.disclosure`): figures a public build withholds
        or suppresses are missing (NaN), never 0, and the ``status`` column says why."""
        indicator = self._known_indicator(indicator_id)
        last = last_period(indicator, self.quarter)
        obs = self.observations
        rows = obs[
            (obs["indicator_id"] == indicator.indicator_id)
            & (obs["area"] == self.area)
            & (obs["period_end"] <= pd.Timestamp(last.end))
        ].copy()
        rows["breakdown"] = rows["breakdown"].fillna("")
        rows = rows.sort_values(["period_start", "period_kind", "breakdown"], kind="stable")
        rows["label"] = [parse_period(p).label for p in rows["period"]]
        rows = rows[list(DATA_COLUMNS)].reset_index(drop=True)
        return disclosed(indicator, rows, self.publication)

    def _known_indicator(self, indicator_id: str):
        known = list(self.catalogue.indicators.index)
        if indicator_id in known:
            return self.catalogue.indicator(indicator_id)
        word = str(indicator_id)
        close = difflib.get_close_matches(word, known, n=3, cutoff=0.5)
        close += [k for k in known if word and word in k and k not in close][: 3 - len(close)]
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else "."
        own = [i.indicator_id for i in self.catalogue.for_service(self.service)]
        where = f" ({self.catalogue.file})" if self.catalogue.file else ""
        raise UnknownNameError(
            f"no indicator {word!r} in the catalogue{where}{hint} "
            f"The {self.service} indicators are: {', '.join(own)}"
        )
