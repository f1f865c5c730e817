"""The jobs of a run and what it reports: each notebook's parameters and page neighbours, the
inputs' hashes, and the summary line.

`run_quarter` builds its jobs here; `export_quarter` and the tests use `parameters_for` and
`private_text`.
"""

from __future__ import annotations

import getpass
from pathlib import Path

from phlib.hashes import file_hashes
from phlib.narratives.store import store_path
from phlib.report import assemble
from phlib.run.jobs import Job


def private_text(config) -> tuple[str, ...]:
    """Local details a public page must never show: project and home folders, user name."""
    found = {str(config.project_root), str(Path(config.project_root).resolve()), str(Path.home())}
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = ""
    if user:
        found |= {f"/home/{user}", f"\\Users\\{user}", f"/Users/{user}"}
    return tuple(sorted(p for p in found if len(p) > 1))


def parameters_for(config, area: str, service: str) -> dict:
    """The papermill parameters of one notebook run (absolute paths)."""
    return {
        "quarter": config.quarter.id,
        "area": area,
        "catalogue_path": str(config.catalogue_path),
        "areas_path": str(config.areas_path),
        "observation_paths": [str(p) for p in config.observation_paths],
        "publication": config.publication,
        "suppression_min": config.suppression_min,
        "suppression_max": config.suppression_max,
        "section_number": config.services.index(service) + 1,
    }


def build_jobs(config, inputs, folder: Path, prov, area_names, live: Path, timeout) -> list[Job]:
    private = private_text(config) if config.publication == "public" else ()
    jobs = []
    for area in inputs.areas:
        frame = assemble.page(config, prov, area_names.get(area, area))
        shown = [
            s
            for s in config.services
            if s in inputs.services or (live / area / f"{s}.html").is_file()
        ]
        for service in inputs.services:
            at = shown.index(service)
            before = shown[at - 1] if at > 0 else None
            after = shown[at + 1] if at + 1 < len(shown) else None
            jobs.append(
                Job(
                    area=area,
                    service=service,
                    notebook=config.notebooks_dir / f"{service}.ipynb",
                    parameters=parameters_for(config, area, service),
                    out_dir=folder / area,
                    heading=assemble.service_heading(config, service),
                    page=frame,
                    publication=config.publication,
                    narrative_path=store_path(
                        config.narratives_dir, config.quarter.id, area, service
                    ),  # fmt: skip
                    private_text=private,
                    previous=link(config, before),
                    following=link(config, after),
                    timeout=timeout,
                )
            )
    return jobs


def link(config, service: str | None) -> dict | None:
    if service is None:
        return None
    return {"href": f"{service}.html", "text": assemble.service_heading(config, service)}


def input_hashes(config, inputs) -> dict[str, str]:
    paths = list(config.data_paths) + [config.path]
    paths += [config.notebooks_dir / f"{s}.ipynb" for s in inputs.services]
    paths += [
        store_path(config.narratives_dir, config.quarter.id, a, s)
        for a in inputs.areas
        for s in inputs.services
    ]
    return file_hashes(paths, config.project_root)


def summary_line(statuses, seconds: float, workers: int, config, plan=None) -> str:
    counts: dict[str, int] = {}
    for status in statuses.values():
        counts[status.label] = counts.get(status.label, 0) + 1
    parts = ", ".join(f"{n} {label.lower()}" for label, n in counts.items())
    mode = "public" if config.publication == "public" else "internal"
    return (
        f"{len(statuses)} sections ({parts}). {plan_text(plan)}"
        f"Ran in {seconds:.0f} s with {workers} "
        f"worker{'s' if workers != 1 else ''}; {mode} build."
    )


def start_line(jobs: int, quarter_label: str, areas, workers: int, shown: int = 8) -> str:
    """The line a run starts with; a long list of areas is cut short.

    >>> start_line(20, "Q3 2022/23", ["north", "south"], 2)
    'Running 20 notebooks for Q3 2022/23 (north, south) with 2 workers.'
    >>> print(start_line(1520, "Q3 2022/23", [f"a{n}" for n in range(152)], 2))
    ... # doctest: +NORMALIZE_WHITESPACE
    Running 1520 notebooks for Q3 2022/23 (152 areas: a0, a1, a2, a3, a4, a5 and 146 more)
    with 2 workers.
    """
    areas = list(areas)
    named = ", ".join(areas)
    if len(areas) > shown:
        named = (
            f"{len(areas)} areas: {', '.join(areas[: shown - 2])} and {len(areas) - shown + 2} more"
        )
    return f"Running {jobs} notebooks for {quarter_label} ({named}) with {workers} workers."


def plan_text(plan) -> str:
    if not plan:
        return ""
    ran = sum(d.execute for d in plan.values())
    return f"Executed {ran} notebook{'s' if ran != 1 else ''}, reused {len(plan) - ran}. "


def likely_to_execute(config, services, previous: dict | None, force: bool = False) -> bool:
    """Whether a run will probably execute a notebook, known before its inputs are checked:
    forced, no previous run, a notebook that did not succeed or was never recorded, or a data
    file, the parameter file or a notebook whose bytes differ from the last run's. Only a guess
    to start a worker early (the plan decides what executes): narratives are left out, as
    they never make a notebook execute, and a change of phlib itself is not seen here."""
    if force or not previous or not isinstance(previous.get("inputs"), dict):
        return True
    if any(n.get("status") != "ok" for n in previous.get("notebooks", [])):
        return True
    paths = list(config.data_paths) + [config.path]
    paths += [config.notebooks_dir / f"{s}.ipynb" for s in services]
    now = file_hashes(paths, config.project_root)
    before = previous["inputs"]
    return any(before.get(path) != digest for path, digest in now.items())
