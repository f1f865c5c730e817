"""Checking every input of a quarter in one pass, before anything runs or is written.

`check_quarter` reads the catalogue and areas, the observations, the narrative store files and
the notebooks of the chosen areas and services, and raises one `InputError` listing every
problem it found. Warnings (a narrative section with an unknown key, a notebook parameter the
run does not pass) come back in `Inputs.warnings` and never stop a run.
`publication_blockers` lists what must be resolved before a public build.

>>> check_notebook(Path("notebooks/none.ipynb"))[0].message
'the notebook does not exist'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from phlib.errors import InputError, NotebookError, PhlibError, Problem, PublicationError
from phlib.inputs.catalogue import SERVICES, load_catalogue
from phlib.inputs.notebook_parameters import NOTEBOOK_PARAMETERS
from phlib.inputs.observations import load_observations
from phlib.inputs.parameter_file import ParameterReader, read_yaml, suggest
from phlib.narratives import store as narratives
from phlib.narratives.cells import coverage, narrative_keys
from phlib.narratives.review import review_status
from phlib.rules.scorecard import red_without_actions

TAG_FIX = (
    "open the notebook in JupyterLab, select its first code cell (the one setting quarter, "
    "area, ...), open the property inspector (gear icon, right sidebar) and add the tag "
    "'parameters'"
)
_ASSIGNED = re.compile(r"^([A-Za-z_]\w*)\s*(?::[^=]*)?=", re.M)


@dataclass(frozen=True)
class Inputs:
    """The checked inputs of a run: what it covers and the loaded data."""

    areas: tuple[str, ...]
    services: tuple[str, ...]
    catalogue: object = None
    observations: object = None
    narrative_keys: dict = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()
    coverage: dict = field(default_factory=dict)  # service -> {indicator id: narrative keys}


def choose(config, areas=None, services=None) -> tuple[tuple, tuple, list[Problem]]:
    """The areas and services a run covers (all of the quarter's unless narrowed).

    >>> from types import SimpleNamespace as NS
    >>> cfg = NS(areas=("a", "b"), services=("s", "t"), path=Path("p.yaml"))
    >>> choose(cfg, ["b"], None)[:2]
    (('b',), ('s', 't'))
    >>> choose(cfg, ["c"], None)[2][0].message
    "area 'c' is not one of this quarter's areas"
    """
    problems = []
    chosen = []
    for option, wanted, known in (("--areas", areas, config.areas), ("--services", services,
                                  config.services)):  # fmt: skip
        if not wanted:
            chosen.append(tuple(known))
            continue
        what = option.strip("-")[:-1]
        picked = []
        for name in wanted:
            if name not in known:
                hint = suggest(name, known)
                fix = f"{hint + ' ' if hint else ''}choose from {', '.join(known)}"
                fix += f" (or add it to {Path(config.path).name})"
                message = f"{what} {name!r} is not one of this quarter's {what}s"
                problems.append(Problem("command line", message, fix, column=option, value=name))
            elif name not in picked:
                picked.append(name)
        chosen.append(tuple(n for n in known if n in picked))
    return chosen[0], chosen[1], problems


def parameters_cell(nb):
    """The notebook's first cell tagged `parameters`, or None."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            return cell
    return None


def check_notebook(path: Path) -> list[Problem]:
    """Problems with a service notebook: missing, unreadable, or without a parameters cell."""
    import nbformat

    shown = f"notebooks/{path.name}"
    if not path.is_file():
        fix = f"add {shown}, or correct the service name in the parameter file"
        return [Problem(shown, "the notebook does not exist", fix)]
    fix = "restore it from version control (git checkout) or re-save it from JupyterLab"
    try:
        text = path.read_text(encoding="utf-8")
        if not text.strip():
            return [Problem(shown, "the notebook file is empty", fix)]
        conflict = re.search(r"^<<<<<<< ", text, re.M)
        if conflict:
            line = text.count("\n", 0, conflict.start()) + 1
            message = "the notebook holds git merge-conflict markers (<<<<<<<, =======, >>>>>>>)"
            merge = "keep one version of the lines between the markers and delete the markers"
            return [Problem(shown, message, merge, row=line)]
        json.loads(text)
        nb = nbformat.reads(text, as_version=4)
    except json.JSONDecodeError as error:
        where = f"{error.msg} at line {error.lineno}, column {error.colno}"
        return [Problem(shown, f"the notebook is not valid JSON: {where}", fix, row=error.lineno)]
    except (OSError, ValueError, nbformat.reader.NotJSONError) as error:
        return [Problem(shown, f"the notebook cannot be read: {error}", fix)]
    cell = parameters_cell(nb)
    if cell is None:
        tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        if tagged:
            message = f"the cell tagged 'parameters' is a {tagged[0].cell_type} cell, not code"
            return [Problem(shown, message, TAG_FIX)]
        return [Problem(shown, "the notebook has no cell tagged 'parameters'", TAG_FIX)]
    declared = set(_ASSIGNED.findall(cell.source))
    return [
        Problem(
            shown,
            f"the parameters cell does not set {name!r}; the run passes it anyway",
            f"add a line such as {name} = ... to the parameters cell",
            cell="parameters",
            severity="warning",
        )
        for name in NOTEBOOK_PARAMETERS
        if name not in declared
    ]


def notebook_keys(path: Path) -> tuple[list[str], dict]:
    """The notebook's narrative keys and which keys cover which indicators."""
    import nbformat

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:
        return [], {}
    return narrative_keys(nb), coverage(nb)


def check_quarter(config, areas=None, services=None) -> Inputs:
    """Check every input of a run; raise one `InputError` listing all problems."""
    areas, services, problems = choose(config, areas, services)
    for name in services:
        if name not in SERVICES:
            fix = suggest(name, SERVICES) or f"use one of {', '.join(SERVICES)}"
            problems.append(_unknown(config, "services", "unknown service", fix, name))
    notebook_problems = []
    keys, covered = {}, {}
    for service in services:
        path = config.notebooks_dir / f"{service}.ipynb"
        notebook_problems += check_notebook(path)
        keys[service], covered[service] = notebook_keys(path) if path.is_file() else ([], {})
    catalogue = observations = None
    try:
        catalogue = load_catalogue(config.catalogue_path, config.areas_path)
    except InputError as error:
        problems += error.problems
    if catalogue is not None:
        for area in areas:
            if area not in catalogue.areas:
                known = ", ".join(catalogue.areas)
                fix = suggest(area, catalogue.areas) or f"use one of {known}"
                fix += f" (areas are listed in {config.areas_path.name})"
                problems.append(_unknown(config, "areas", "unknown area", fix, area))
        try:
            observations = load_observations(list(config.observation_paths), catalogue)
        except InputError as error:
            problems += error.problems
    warnings = [p for p in notebook_problems if p.severity == "warning"]
    problems += [p for p in notebook_problems if p.severity != "warning"]
    narrative_problems = _check_narratives(config, areas, services, catalogue, keys)
    warnings += [p for p in narrative_problems if p.severity == "warning"]
    problems += [p for p in narrative_problems if p.severity != "warning"]
    if problems:
        kind = NotebookError if all(p in notebook_problems for p in problems) else InputError
        raise kind(problems)
    return Inputs(areas, services, catalogue, observations, keys, tuple(warnings), covered)


def _unknown(config, key: str, message: str, fix: str, value) -> Problem:
    """A problem with a name listed under `key` in the parameter file, on that key's line."""
    line = None
    if Path(config.path).is_file():
        reader = ParameterReader(Path(config.path), Path(config.project_root))
        read_yaml(reader)
        line = reader.lines.get(key)
    return Problem(_shown(config), message, fix, row=line, column=key, value=value)


def _shown(config) -> str:
    try:
        return Path(config.path).relative_to(config.project_root).as_posix()
    except ValueError:
        return str(config.path)


def _check_narratives(config, areas, services, catalogue, keys) -> list[Problem]:
    problems = []
    for area in areas:
        for service in services:
            try:
                path = narratives.store_path(
                    config.narratives_dir, config.quarter.id, area, service
                )
                if not path.is_file():
                    continue
                doc = narratives.load(path)
            except PhlibError as error:
                problems += getattr(error, "problems", [Problem("narratives", str(error))])
                continue
            known = set(keys.get(service, []))
            if catalogue is not None:
                known |= {i.indicator_id for i in catalogue.for_service(service)}
            if known:
                problems += narratives.check_keys(doc, known, path)
    return problems


def publication_blockers(config, inputs: Inputs, scorecard) -> list[str]:
    """What stops a public build: sections missing or carried forward, Red without actions."""
    blockers = [
        f"{item.area}/{item.service}: {item.problem.message}"
        for item in review_status(
            config.narratives_dir, config.quarter.id, inputs.areas, inputs.services,
            inputs.narrative_keys,
        )
    ]  # fmt: skip
    docs: dict = {}

    def actions_for(area: str, service: str, indicator_id: str) -> str:
        path = narratives.store_path(config.narratives_dir, config.quarter.id, area, service)
        if path not in docs:
            docs[path] = narratives.load(path) if path.is_file() else None
        doc = docs[path]
        if doc is None:
            return ""
        keys = inputs.coverage.get(service, {}).get(indicator_id) or (indicator_id,)
        sections = [doc.sections.get(key) for key in keys]
        return "\n".join((s.actions or "") for s in sections if s is not None).strip()

    return blockers + red_without_actions(scorecard, actions_for)


def publication_check(config, inputs: Inputs, scorecard, overridden: bool = False) -> list[str]:
    """The one public-build check that `check`, `run` and `export` apply.

    Internal builds pass with nothing to report. A public build with blockers (over the areas
    and services of `inputs`) raises `PublicationError` unless `overridden`; the blockers that
    were overridden are returned so the caller can record them.
    """
    if config.publication != "public":
        return []
    chosen = scorecard["area"].isin(inputs.areas) & scorecard["service"].isin(inputs.services)
    blockers = publication_blockers(config, inputs, scorecard[chosen])
    if blockers and not overridden:
        raise PublicationError(blockers)
    return blockers
