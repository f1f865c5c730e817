"""Charts as HTML: a numbered ``<figure>`` with an embedded SVG, alt text and a data table.

The image is SVG (text kept as text, ``svg.fonttype`` none): crisp at any zoom, small (about
20-30 KB for a 36-point trend before base64), and free of external references; it is embedded
as a ``data:`` URI so the HTML file stands alone. Rendering closes the figure in pyplot too,
so a long notebook does not grow in memory.

>>> from phlib.display.charts import trend_chart
>>> chart = trend_chart(["Q1", "Q2"], [50, 55], "Referrals", target=60)
>>> html = chart_html(chart, 2, section=3)
>>> html.startswith('<figure class="chart" id="fig-3-2">')
True
>>> '<figcaption>Figure 3.2: Referrals</figcaption>' in html, 'alt="Line chart of Referrals' in html
(True, True)
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass

from matplotlib.figure import Figure

from phlib.display.markup import esc
from phlib.display.numbering import figure_label, label_id, numbered_caption
from phlib.display.style import house_style

_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}


@dataclass(frozen=True, eq=False)
class Chart:
    """A figure with its title, alt text and data (column headings and rows of text)."""

    figure: Figure
    title: str
    alt_text: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    kind: str

    def _repr_html_(self) -> str:
        return chart_html(self)


def render_svg(chart: Chart) -> bytes:
    """The chart as a compact, self-contained SVG document (no DOCTYPE, no metadata).

    >>> from phlib.display.charts import breakdown_chart
    >>> svg = render_svg(breakdown_chart(["A", "B"], [1, 2], "Checks", unit="count"))
    >>> svg[:4], b"<!DOCTYPE" in svg, b"Checks" in svg  # the title is in the caption, not the image
    (b'<svg', False, False)
    """
    buffer = io.BytesIO()
    with house_style():
        chart.figure.savefig(buffer, format="svg", metadata=_METADATA)
    _close(chart.figure)
    text = buffer.getvalue().decode("utf-8")
    text = text[text.index("<svg") :]  # drop the XML declaration and DOCTYPE
    text = re.sub(r"\s*\n\s*", "\n", text)  # indentation and path line breaks
    text = re.sub(r">\n<", "><", text)
    return text.encode("utf-8")


def _close(figure) -> None:
    """Release the figure from pyplot if it was made there (charts here never are)."""
    import matplotlib.pyplot as plt

    plt.close(figure)


def svg_data_uri(chart: Chart) -> str:
    """``data:image/svg+xml;base64,...`` for an ``<img src>``."""
    return "data:image/svg+xml;base64," + base64.b64encode(render_svg(chart)).decode("ascii")


def data_table_html(chart: Chart, summary: str = "Show the data in this chart") -> str:
    """The chart's numbers as a table inside a collapsible ``<details>`` (closed by default).

    >>> from phlib.display.charts import trend_chart
    >>> html = data_table_html(trend_chart(["Q1", "Q2"], [1, None], "<b>", unit="count"))
    >>> '<th scope="col">Period</th>' in html, "<td>N/A</td>" in html, "&lt;b&gt;" in html
    (True, True, True)
    """
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in chart.columns)
    body = "".join(
        "<tr>"
        + f'<th scope="row">{esc(row[0])}</th>'
        + "".join(f"<td>{esc(cell)}</td>" for cell in row[1:])
        + "</tr>"
        for row in chart.rows
    )
    return (
        f'<details class="chart-data"><summary>{esc(summary)}</summary>'
        f'<table class="data-table"><caption>Data for: {esc(chart.title)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>"
    )


def chart_html(
    chart: Chart,
    number: int | str | None = None,
    caption: str | None = None,
    section: int | str | None = None,
    *,
    data_table: bool = True,
) -> str:
    """The chart as ``<figure class="chart">`` with ``<img alt>`` and a numbered figcaption.

    `number` is a label from `phlib.display.numbering.Numbering` ("Figure 3.2"), or a number
    that with
    `section` makes one; without it the caption is unnumbered. `caption` replaces the chart's
    title in the figcaption. The chart's data table follows the image unless `data_table` is
    false.
    """
    text = chart.title if caption is None else caption
    if number is None or str(number).strip() == "":
        label, anchor, figcaption = "", "", text
    else:
        label = figure_label(number, section)
        anchor = label_id(label)
        figcaption = numbered_caption(label, text)
    id_attr = f' id="{esc(anchor)}"' if anchor else ""
    parts = [
        f'<figure class="chart"{id_attr}>',
        f'<img src="{svg_data_uri(chart)}" alt="{esc(chart.alt_text)}" role="img">',
        f"<figcaption>{esc(figcaption)}</figcaption>",
    ]
    if data_table:
        parts.append(data_table_html(chart))
    parts.append("</figure>")
    return "\n".join(parts)
