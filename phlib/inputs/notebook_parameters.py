"""The parameters of a service notebook: the names its parameters cell sets, which
`phreport run` passes to every notebook and `Workbook.open` accepts, and the check of them.

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


def check_parameters(names: Iterable[str], service: str) -> None:
    """Raise `ParameterError` naming every one of `names` that is not a notebook parameter,
    with the closest known name and the list of known ones."""
    problems = []
    for name in names:
        if name in NOTEBOOK_PARAMETERS:
            continue
        hint = did_you_mean(name, NOTEBOOK_PARAMETERS).strip()
        known = f"The notebook parameters are {', '.join(NOTEBOOK_PARAMETERS)}"
        problems.append(
            Problem(
                file=f"notebooks/{service}.ipynb",
                cell="parameters",
                message=f"unknown notebook parameter {name!r}",
                fix=f"{hint} {known}".strip(),
            )
        )
    if problems:
        raise ParameterError(problems)
