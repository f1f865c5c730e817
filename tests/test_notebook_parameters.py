"""Notebook parameters given to papermill by hand (`-p NAME VALUE`) are checked too.

Papermill passes them in a cell it injects (first line `# Parameters`); `Workbook.open` reads
that cell among the cells its kernel ran and refuses a name that is not a notebook parameter.
The pure reading is tested on sources (including the source papermill itself writes); then a
notebook made of the head of the real stop_smoking notebook runs through papermill's Python
API on a small copy of the sample data, once with a misspelt parameter and once without.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill
import pytest
from papermill.translators import translate_parameters
from support import small_data

from phlib.errors import ParameterError
from phlib.inputs.notebook_parameters import (
    INJECTED_HEADER,
    NOTEBOOK_PARAMETERS,
    check_parameters,
    injected_parameter_names,
    papermill_parameter_names,
)
from phlib.run.sockets import PrivateKernelManager

ROOT = Path(__file__).resolve().parents[1]
KNOWN = "The notebook parameters are " + ", ".join(NOTEBOOK_PARAMETERS)


def injected_source(parameters: dict) -> str:
    """The source of the cell the installed papermill injects for `parameters`."""
    return translate_parameters("python3", "python", parameters, "Parameters")


def test_papermill_writes_the_header_the_check_looks_for():
    source = injected_source({"suppresion_max": 5})
    assert source.splitlines()[0] == INJECTED_HEADER == "# Parameters"
    assert injected_parameter_names([source]) == ["suppresion_max"]


def test_every_name_of_the_injected_cell_is_read_whatever_its_value():
    values = {
        "quarter": "2022-23-Q3",
        "observation_paths": [f"/data/observations_{i}_with_a_long_name.csv" for i in range(6)],
        "suppression_max": 5,
        "publication": None,
        "extra": {"nested": [1, 2.5, True]},
    }
    assert injected_parameter_names([injected_source(values)]) == list(values)


def test_only_the_last_injected_cell_counts_and_other_cells_are_not_read():
    declared = '# Parameters: phreport passes these.\nquarter = "2022-23-Q3"\nsuppresion_min = 1'
    sources = [
        declared,
        injected_source({"data_dir": "old"}),
        "x = 1",
        injected_source({"area": "north", "suppresion_max": 5}),
        "#  Parameters\nother = 2",
        "wb = Workbook.open(quarter, area, 'stop_smoking')",
    ]
    assert injected_parameter_names(sources) == ["area", "suppresion_max"]
    assert injected_parameter_names(sources[:1] + sources[2:3] + sources[4:]) == []
    assert injected_parameter_names([]) == []


def test_annotated_and_repeated_assignments_count_once_and_other_statements_not_at_all():
    source = "# Parameters\na: int = 1\nb = c = 2\na = 3\nprint(a)\nd += 1\n(e, f) = 1, 2\n"
    assert injected_parameter_names([source]) == ["a", "b", "c", "d"]


def test_outside_ipython_no_names_are_injected():
    assert papermill_parameter_names() == []


def test_keywords_and_injected_names_are_refused_in_one_error():
    with pytest.raises(ParameterError) as error:
        check_parameters(["data_dir", "area"], "stop_smoking", injected=["suppresion_max"])
    problems = [(p.cell, p.message) for p in error.value.problems]
    assert problems == [
        ("parameters", "unknown notebook parameter 'data_dir'"),
        (
            "injected-parameters",
            "unknown notebook parameter 'suppresion_max' (passed to papermill)",
        ),
    ]
    assert "did you mean 'suppression_max'?" in str(error.value)
    assert str(error.value).count(KNOWN) == 2
    check_parameters(["area"], "stop_smoking", injected=list(NOTEBOOK_PARAMETERS))


# -- a real notebook through papermill -----------------------------------------------------------
@pytest.fixture(scope="module")
def small_notebook(tmp_path_factory) -> tuple[Path, dict]:
    """The real stop_smoking notebook up to its heading (then a cell printing the suppression
    range's top), and parameters for small data."""
    folder = tmp_path_factory.mktemp("papermill")
    small_data(folder / "data", ["stop_smoking"], per_service=1)
    notebook = nbformat.read(str(ROOT / "notebooks" / "stop_smoking.ipynb"), as_version=4)
    heading = next(i for i, c in enumerate(notebook.cells) if c.source == "wb.heading()")
    del notebook.cells[heading + 1 :]
    notebook.cells.append(nbformat.v4.new_code_cell("print(wb.publication.max_count)"))
    path = folder / "stop_smoking.ipynb"
    nbformat.write(notebook, str(path))
    parameters = {
        "quarter": "2022-23-Q3",
        "area": "peterborough",
        "catalogue_path": str(folder / "data" / "catalogue.csv"),
        "areas_path": str(folder / "data" / "areas.csv"),
        "observation_paths": [str(folder / "data" / "observations.csv")],
    }
    return path, parameters


def run(path: Path, parameters: dict, out: Path):
    return papermill.execute_notebook(
        str(path),
        str(out),
        parameters=parameters,
        cwd=str(path.parent),
        progress_bar=False,
        kernel_name="python3",
        kernel_manager_class=PrivateKernelManager,  # as phreport's kernels: no port to lose
    )


@pytest.mark.slow
def test_a_misspelt_papermill_parameter_fails_the_run_and_says_why(small_notebook, tmp_path):
    path, parameters = small_notebook
    out = tmp_path / "out.ipynb"
    with pytest.raises(papermill.PapermillExecutionError) as raised:
        run(path, {**parameters, "suppresion_max": 5}, out)
    assert raised.value.ename == "ParameterError"
    executed = nbformat.read(str(out), as_version=4)
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]  # fmt: skip
    assert len(errors) == 1 and errors[0]["ename"] == "ParameterError"
    message = errors[0]["evalue"]
    assert "notebooks/stop_smoking.ipynb, cell injected-parameters" in message
    assert "unknown notebook parameter 'suppresion_max' (passed to papermill)" in message
    assert "did you mean 'suppression_max'?" in message and KNOWN in message


@pytest.mark.slow
def test_the_correct_papermill_parameter_runs(small_notebook, tmp_path):
    path, parameters = small_notebook
    executed = run(path, {**parameters, "suppression_max": 5}, tmp_path / "out.ipynb")
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "4. Stop smoking" in html and "Peterborough" in html
    assert outputs[-1]["text"] == "5\n"  # the parameter reached the workbook
