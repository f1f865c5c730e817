"""The run manifest: what a run used and what happened, as `outputs/<quarter>/manifest.json`.

It records the parameters, the package versions, the code's git commit, a SHA-256 of every
input file (data, notebooks, narratives), and each notebook's duration and status, so a
published annex can be traced back to exactly what made it. Paths are relative to the project.

File hashes come from `phlib.hashes`.

>>> sorted(package_versions())[:2]
['ipykernel', 'jinja2']
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from phlib import atomic
from phlib.hashes import relative

FORMAT = 1
CODE_PATHS = (":/phlib", ":/notebooks")
PACKAGES = (
    "phlib", "papermill", "nbconvert", "nbclient", "nbformat", "ipykernel", "jupyter_client",
    "pandas", "numpy", "matplotlib", "jinja2", "pyyaml", "scipy", "openpyxl",
)  # fmt: skip


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that shape the outputs, and Python's."""
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def git_commit(root) -> str:
    """The short commit of the code (the project's, else the installed phlib's checkout),
    with `-modified` when tracked phlib or notebook files differ, or 'unknown'.

    >>> git_commit("/").endswith(("-modified", "unknown")) or len(git_commit("/")) == 10
    True
    """
    for folder in (Path(root), Path(__file__).resolve().parent):
        found = _commit_of(folder)
        if found:
            return found
    return "unknown"


def _commit_of(root) -> str:

    def git(*args) -> str:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=20
        )
        if done.returncode != 0:
            raise OSError(done.stderr.strip())
        return done.stdout.strip()

    try:
        commit = git("rev-parse", "--short=10", "HEAD")
        changed = git("status", "--porcelain", "--untracked-files=no", "--", *CODE_PATHS)
    except (OSError, subprocess.SubprocessError):
        return ""
    return f"{commit}-modified" if changed else commit


def build(
    *,
    config,
    areas,
    services,
    results,
    statuses,
    started: str,
    finished: str,
    workers: int,
    argv,
    commit: str,
    inputs: dict[str, str],
    override: bool = False,
    blockers=(),
    messages=(),
    decisions=None,
    previous=None,
) -> dict:
    """The manifest as a dict (see the module docstring); `results` are `JobResult`s,
    `decisions` the run's plan (`phlib.run.plan.Decision`s) and `previous` the last manifest."""
    by_key = {(r.area, r.service): r for r in results}
    notebooks = []
    for (area, service), status in statuses.items():
        result = by_key.get((area, service))
        entry = {
            "area": area,
            "service": service,
            "status": status.state,
            "error": status.error,
            "seconds": round(result.seconds, 3) if result else None,
            "cell_seconds": round(result.cell_seconds, 3) if result else None,
            "files": list(result.files) if result else [],
        }
        entry.update(cache_fields(area, service, status.state, result, decisions, previous))
        notebooks.append(entry)
    return {
        "format": FORMAT,
        "quarter": config.quarter.id,
        "started": started,
        "finished": finished,
        "command": " ".join(["phreport", *argv]),
        "parameters": {
            "file": relative(config.path, config.project_root),
            "title": config.title,
            "areas": list(areas),
            "services": list(services),
            "publication": config.publication,
            "suppression": {"min": config.suppression_min, "max": config.suppression_max},
            "workers": workers,
        },
        "publication_override": {"used": override, "blockers": list(blockers)}
        if override
        else {"used": False},
        "code": {"commit": commit, "python_executable": Path(sys.executable).name},
        "packages": package_versions(),
        "inputs": inputs,
        "notebooks": notebooks,
        "messages": list(messages),
    }


def cache_fields(area, service, state, result, decisions, previous) -> dict:
    """`executed`, `reason`, `key` (only for a section produced successfully, so a later run
    never trusts a failed one), its parts, and `run_seconds` (the last execution's time)."""
    earlier = next(
        (n for n in (previous or {}).get("notebooks", [])
         if isinstance(n, dict) and (n.get("area"), n.get("service")) == (area, service)),
        {},
    )  # fmt: skip
    decision = (decisions or {}).get((area, service))
    if decision is None or result is None:  # kept from an earlier run (outside this run)
        fields = {k: earlier.get(k) for k in ("key", "parts", "run_seconds")}
        trusted = state == "carried" and bool(earlier.get("key"))
        return {"executed": False, "reason": "outside this run: kept from the last run",
                **(fields if trusted else {"key": None})}  # fmt: skip
    ok = state == "ok" and result.ok
    ran = round(result.seconds, 3) if decision.execute else earlier.get("run_seconds")
    return {
        "executed": decision.execute,
        "reason": decision.reason,
        "key": decision.key if ok else None,
        "parts": decision.parts if ok else None,
        "run_seconds": ran,
    }


def write(path, manifest: dict) -> None:
    """Write the manifest atomically as indented JSON, inside a staging folder (made durable
    with it, when it is swapped in)."""
    atomic.write_text(path, json.dumps(manifest, indent=2, sort_keys=False) + "\n", durable=False)


def read(path) -> dict | None:
    """A manifest written earlier, or None if there is none or it cannot be read."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
