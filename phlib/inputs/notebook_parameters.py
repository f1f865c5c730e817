"""The parameters of a service notebook: the names its parameters cell sets, which
`phreport run` passes to every notebook and `Workbook.open` accepts, and the check of them.

Papermill run by hand (`papermill nb.ipynb out.ipynb -p suppresion_max 5`) passes parameters
as a cell it injects after the parameters cell, whose first line is `# Parameters`; a name
there that the notebook does not declare would be set and never read. `Workbook.open` finds
that cell among the cells its kernel has run (`papermill_parameter_names`) and checks its names
too (`injected_parameter_names`).

>>> NOTEBOOK_PARAMETERS[:3]
('quarter', 'area', 'catalogue_path')
>>> check_parameters(["suppresion_max"], "sexual_health")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
phlib.errors.ParameterError: 1 problem found in the inputs:
  - notebooks/sexual_health.ipynb, cell parameters: unknown notebook parameter \
'suppresion_max'. Fix: did you mean 'suppression_max'? The notebook parameters are quarter, \
area, ...
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable

from phlib.errors import ParameterError, Problem
from phlib.inputs.columns import did_you_mean

#: Every notebook's parameters cell sets these, in this order; the run passes each of them.
NOTEBOOK_PARAMETERS = (
    "quarter",
    "area",
    "catalogue_path",
    "areas_path",
    "observation_paths",
    "publication",
    "suppression_min",
    "suppression_max",
    "section_number",
)

#: The first line of the cell in which papermill passes its parameters (`-p NAME VALUE`).
INJECTED_HEADER = "# Parameters"


def check_parameters(names: Iterable[str], service: str, injected: Iterable[str] = ()) -> None:
    """Raise `ParameterError` naming every one of `names` (keywords given to `Workbook.open`)
    and `injected` (set by papermill's injected cell) that is not a notebook parameter, with
    the closest known name and the list of known ones.

    >>> check_parameters(["area"], "stop_smoking", injected=["suppresion_max"])
    Traceback (most recent call last):
    ...
    phlib.errors.ParameterError: 1 problem found in the inputs:
      - notebooks/stop_smoking.ipynb, cell injected-parameters: unknown notebook parameter \
'suppresion_max' (passed to papermill). Fix: did you mean 'suppression_max'? The notebook \
parameters are quarter, area, catalogue_path, areas_path, observation_paths, publication, \
suppression_min, suppression_max, section_number
    """
    given = [(name, "parameters", "") for name in names]
    given += [(name, "injected-parameters", " (passed to papermill)") for name in injected]
    problems = []
    for name, cell, how in given:
        if name in NOTEBOOK_PARAMETERS:
            continue
        hint = did_you_mean(name, NOTEBOOK_PARAMETERS).strip()
        known = f"The notebook parameters are {', '.join(NOTEBOOK_PARAMETERS)}"
        problems.append(
            Problem(
                file=f"notebooks/{service}.ipynb",
                cell=cell,
                message=f"unknown notebook parameter {name!r}{how}",
                fix=f"{hint} {known}".strip(),
            )
        )
    if problems:
        raise ParameterError(problems)


def injected_parameter_names(sources: Iterable[str]) -> list[str]:
    """The names set by papermill's injected cell, the last of `sources` (the code of the
    cells a kernel ran, oldest first) whose first line is exactly `# Parameters`; none when
    no cell is.

    >>> injected_parameter_names([
    ...     "# Parameters: the defaults\\nquarter = '2022-23-Q3'",
    ...     "# Parameters\\nquarter = '2022-23-Q3'\\nsuppresion_max = 5\\n",
    ...     "wb = Workbook.open(quarter, area, 'stop_smoking')",
    ... ])
    ['quarter', 'suppresion_max']
    """
    cells = [s for s in sources if isinstance(s, str) and s.splitlines()[:1] == [INJECTED_HEADER]]
    if not cells:
        return []
    names = []
    for node in ast.parse(cells[-1]).body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        else:
            targets = []
        names += [target.id for target in targets if isinstance(target, ast.Name)]
    return list(dict.fromkeys(names))


def papermill_parameter_names() -> list[str]:
    """The names papermill's injected cell set in the IPython kernel running this (read from
    the kernel's `In`, the code of the cells it ran); none outside IPython, which is never
    imported for this."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return injected_parameter_names(getattr(shell, "user_ns", {}).get("In", []))
