"""docs/add-your-own-chart.md works as written: its Python blocks are run for real.

First in this process, on a Workbook opened on the sample data; then appended to the real
lifestyles notebook (its head, up to its first card), executed by papermill on a kernel and
exported by nbconvert (`render_section`), as `phreport run` would: the HTML must have the
numbered figure with its caption and alt text and the numbered table.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import matplotlib
import nbformat
import papermill
import pytest
from bs4 import BeautifulSoup

from phlib.display.block import Block
from phlib.report.section import render_section
from phlib.run.sockets import PrivateKernelManager
from phlib.workbook import Workbook

matplotlib.use("agg")
ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "add-your-own-chart.md"
FIGURE_TITLE = "Outreach health checks in the last eight quarters"
TABLE_TITLE = "Outreach health checks by district in the latest quarter"
DISTRICTS = ["Cambridge City", "East Cambridgeshire", "Fenland", "Huntingdonshire",
             "South Cambridgeshire"]  # fmt: skip


def doc_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def sample_parameters(section_number: int = 3) -> dict:
    return {
        "quarter": "2022-23-Q3",
        "area": "cambridgeshire",
        "catalogue_path": str(ROOT / "data" / "catalogue.csv"),
        "areas_path": str(ROOT / "data" / "areas.csv"),
        "observation_paths": [str(ROOT / "data" / "observations.csv")],
        "publication": "internal",
        "suppression_min": 1,
        "suppression_max": 4,
        "section_number": section_number,
    }


def run_block(code: str, namespace: dict):
    """Run a block as a notebook cell does: the value of a last bare expression is shown."""
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, str(DOC), "exec"), namespace)
    return None if last is None else eval(compile(ast.Expression(last.value), "doc", "eval"),
                                          namespace)  # fmt: skip


def test_the_doc_has_a_data_a_figure_and_a_table_block():
    code = "\n".join(doc_blocks())
    assert "wb.data(" in code and "wb.figure(" in code and "wb.table(" in code


def test_the_doc_blocks_run_on_a_workbook_of_the_sample_data():
    parameters = sample_parameters(section_number=7)
    quarter, area = parameters.pop("quarter"), parameters.pop("area")
    wb = Workbook.open(quarter, area, "lifestyles", **parameters)
    namespace = {"wb": wb}
    shown = [run_block(code, namespace) for code in doc_blocks()]
    blocks = [b for b in shown if isinstance(b, Block)]
    assert [b.text for b in blocks] == [FIGURE_TITLE, TABLE_TITLE]
    figure = BeautifulSoup(blocks[0].html, "html.parser")
    assert figure.find("figcaption").get_text() == f"Figure 7.1: {FIGURE_TITLE}"
    assert figure.find("img")["alt"].startswith(f"Bar chart of {FIGURE_TITLE}")
    table = BeautifulSoup(blocks[1].html, "html.parser")
    assert table.find("caption").get_text() == f"Table 7.1: {TABLE_TITLE}"
    assert [th.get_text() for th in table.tbody.find_all("th")] == DISTRICTS


@pytest.mark.slow
def test_a_notebook_extended_as_the_doc_says_runs_and_exports(tmp_path):
    notebook = nbformat.read(str(ROOT / "notebooks" / "lifestyles.ipynb"), as_version=4)
    first_card = next(i for i, c in enumerate(notebook.cells) if "wb.card(" in c.source)
    del notebook.cells[first_card + 1 :]  # its head, up to a built-in card: kept small
    notebook.cells += [nbformat.v4.new_code_cell(code) for code in doc_blocks()]
    source = tmp_path / "lifestyles.ipynb"
    nbformat.write(notebook, str(source))
    executed = papermill.execute_notebook(
        str(source),
        str(tmp_path / "executed.ipynb"),
        parameters=sample_parameters(section_number=3),
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
        kernel_name="python3",
        kernel_manager_class=PrivateKernelManager,  # as phreport's kernels: no port to lose
    )
    page = BeautifulSoup(render_section(executed).html, "html.parser")
    captions = [c.get_text() for c in page.find_all("figcaption")]
    numbers = [int(re.match(r"Figure 3\.(\d+):", c).group(1)) for c in captions]
    assert numbers == list(range(1, len(captions) + 1)) and len(captions) > 1
    assert captions[-1] == f"Figure 3.{len(captions)}: {FIGURE_TITLE}"
    charts = page.find_all("figure", class_="chart")
    assert len(page.find_all("img")) == len(charts)  # the figure is not also shown unnumbered
    own = charts[-1]
    alt = own.find("img")["alt"]
    assert alt.startswith(f"Bar chart of {FIGURE_TITLE}: Health checks by Quarter")
    assert "8 bars from Q4 2020/21 to Q3 2022/23, the last 239." in alt  # latest total
    assert own.find("table", class_="data-table") is not None
    tables = [c.get_text() for c in page.find_all("caption") if c.get_text().startswith("Table")]
    assert tables[-1] == f"Table 3.{len(tables)}: {TABLE_TITLE}"
    table = page.find_all("caption", string=tables[-1])[0].find_parent("table")
    assert [th.get_text() for th in table.tbody.find_all("th")] == DISTRICTS
    assert [td.get_text() for td in table.tbody.find_all("td")] == ["46", "24", "103", "37", "29"]
