"""HTML export of executed notebooks with nbconvert and the project template.

`render_section` turns an executed notebook into a `Section`: an HTML fragment of its visible
cells (no code, no prompts, no parameters cells, images embedded as data: URIs, no scripts)
plus its headings for a contents list. `phlib.report.pages` wraps sections into whole pages.

>>> from nbformat.v4 import new_notebook, new_markdown_cell, new_code_cell, new_output
>>> cell = new_code_cell("x = 1", outputs=[new_output("stream", name="stdout", text="hi")])
>>> params = new_code_cell("area = 'x'", metadata={"tags": ["injected-parameters"]})
>>> nb = new_notebook(cells=[params, new_markdown_cell("# Stop smoking"), cell])
>>> section = render_section(nb)
>>> section.title, [h.text for h in section.headings], "injected" in section.html
('Stop smoking', ['Stop smoking'], False)
>>> "x = 1" in section.html, "hi" in section.html
(False, True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from phlib.narratives.cells import is_narrative, shown_text
from phlib.report.fragments import Heading, headings_of, make_safe, unique_ids
from phlib.report.headline_swap import swap_headlines

TEMPLATES = Path(__file__).parent / "templates"
HIDDEN_TAGS = frozenset({"remove-cell", "parameters", "injected-parameters"})
PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"
NO_ALT = "No description has been provided for this image"
_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)", re.I)


@dataclass(frozen=True)
class Section:
    """One executed notebook rendered as an HTML fragment, with what a page needs to know."""

    html: str
    headings: tuple[Heading, ...]
    title: str
    error: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.error)


@lru_cache(maxsize=1)
def exporter():
    """The project's nbconvert HTML exporter (built once per process; template compiled once).

    Markdown cells hold text people typed (narratives), so raw HTML in them is shown as text
    and links other than http(s), mailto and tel lose their target:

    >>> from nbformat.v4 import new_notebook, new_markdown_cell
    >>> typed = "<img src=x onerror=alert(1)> [x](javascript:alert(1))"
    >>> body, _ = exporter().from_notebook_node(new_notebook(cells=[new_markdown_cell(typed)]))
    >>> "<img" in body, "&lt;img src=x onerror=alert(1)&gt;" in body, "javascript:" in body
    (False, True, False)
    """
    from mistune import HTMLRenderer
    from nbconvert import HTMLExporter
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    try:
        from jinja2 import pass_context
    except ImportError:  # pragma: no cover (Jinja2 < 3)
        from jinja2 import contextfilter as pass_context

    class TextRenderer(IPythonRenderer):
        """Raw HTML typed in Markdown is escaped exactly as typed (never parsed first)."""

        def block_html(self, html: str) -> str:
            return HTMLRenderer.block_html(self, html)

        def inline_html(self, html: str) -> str:
            return HTMLRenderer.inline_html(self, html)

    class TextOnlyMarkdownExporter(HTMLExporter):
        """nbconvert's HTML exporter, rendering Markdown without raw HTML or script links."""

        @pass_context
        def markdown2html(self, context, source):
            cell = context.get("cell", {})
            renderer = TextRenderer(
                escape=True,
                allow_harmful_protocols=False,
                attachments=cell.get("attachments", {}),
                embed_images=self.embed_images,
                path=context.get("resources", {}).get("metadata", {}).get("path", ""),
                anchor_link_text=self.anchor_link_text,
                exclude_anchor_links=self.exclude_anchor_links,
                **self.lexer_options,
            )
            return MarkdownWithMath(renderer=renderer).render(source)

        def from_notebook_node(self, nb, resources=None, **kw):
            # nbconvert's HTMLExporter re-parses the whole page with BeautifulSoup only to give
            # images without alt text a placeholder (and to make .jp-Notebook cells focusable,
            # which this template has none of): most of an export's time. Do the same for the
            # images with a regular expression instead.
            from nbconvert.exporters.templateexporter import TemplateExporter
            from nbconvert.filters.highlight import Highlight2HTML
            from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name", None))
            highlight = self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
            )
            resources = self._init_resources(resources)
            widgets = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight)
            self.register_filter("filter_data_type", widgets)
            body, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _IMG_WITHOUT_ALT.sub(f'<img alt="{NO_ALT}"', body), resources

    return TextOnlyMarkdownExporter(
        template_name="phreport",
        extra_template_basedirs=[str(TEMPLATES / "nbconvert")],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        anchor_link_text="\u00b6",
        optimistic_validation=True,  # validate once, after all preprocessors, not after each
    )


def notebook_error(nb) -> str:
    """'ename: evalue' of the first error output in an executed notebook ('' when none).

    >>> from nbformat.v4 import new_notebook, new_code_cell, new_output
    >>> bad = new_output("error", ename="KeyError", evalue="'x'", traceback=[])
    >>> notebook_error(new_notebook(cells=[new_code_cell("d['x']", outputs=[bad])]))
    "KeyError: 'x'"
    """
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".strip()
    return ""


def visible_notebook(nb, publication: str = "internal"):
    """A copy of `nb` holding only what a reader should see.

    Drops cells tagged remove-cell, parameters or injected-parameters, outputs that show
    nothing (HTML of only white space, e.g. an "Other indicators" cell with none to show) and
    code cells left without outputs; in public mode also drops error outputs, stderr and
    papermill's error banners. (An empty cell still takes space: in print it can push a
    blank page.)

    >>> from nbformat.v4 import new_notebook, new_code_cell, new_output
    >>> err = new_output("stream", name="stderr", text="/home/me/x.py: warning")
    >>> blank = new_output("execute_result", data={"text/html": "\\n ", "text/plain": "''"})
    >>> nb = new_notebook(cells=[new_code_cell("1", outputs=[err]), new_code_cell("2"),
    ...                          new_code_cell("3", outputs=[blank])])
    >>> len(visible_notebook(nb).cells), len(visible_notebook(nb, "public").cells)
    (1, 0)
    """
    shown = swap_headlines(nb)  # a copy; an analyst's headline wins over the generated one
    public = publication == "public"
    cells = []
    for cell in shown.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & HIDDEN_TAGS or (public and PAPERMILL_ERROR_TAG in tags):
            continue
        if cell.cell_type == "markdown" and is_narrative(cell):
            cell.source = shown_text(cell.source)
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not _shows_nothing(o)]
            if public:
                cell.outputs = [o for o in cell.outputs if not _private_output(o)]
            if not cell.outputs:
                continue
        cells.append(cell)
    shown.cells = cells
    return shown


def _shows_nothing(output) -> bool:
    """A result whose richest form, HTML, is only white space (and which has no image)."""
    if output.get("output_type") not in ("execute_result", "display_data"):
        return False
    data = output.get("data", {})
    html = data.get("text/html")
    if html is None or any(kind.startswith("image/") for kind in data):
        return False
    return not ("".join(html) if isinstance(html, list) else html).strip()


def _private_output(output) -> bool:
    kind = output.get("output_type")
    return kind == "error" or (kind == "stream" and output.get("name") == "stderr")


def render_section(nb, publication: str = "internal", private_text=()) -> Section:
    """Export an executed notebook (a NotebookNode or a path) to a `Section`."""
    import nbformat

    if not isinstance(nb, nbformat.NotebookNode):
        nb = nbformat.read(str(nb), as_version=4)
    error = notebook_error(nb)
    body, _ = exporter().from_notebook_node(visible_notebook(nb, publication))
    body = unique_ids(make_safe(body, private_text))
    headings = headings_of(body)
    title = next((h.text for h in headings if h.level == 1), "")
    return Section(html=body, headings=headings, title=title, error=error)
