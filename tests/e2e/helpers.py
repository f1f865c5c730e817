"""Shared helpers of the bad-input, public-build and HTML-safety end-to-end tests.

pytest's importlib import mode does not put `tests/e2e` on the import path, so each test file
loads this module by its path, once per session, under the name `e2e_helpers`. It holds plain
functions; the fixtures that use them live in the test files.

>>> fingerprint_is_stable = tree_fingerprint(PROJECT / "parameters") == tree_fingerprint(
...     PROJECT / "parameters")
>>> fingerprint_is_stable
True
"""

from __future__ import annotations

import contextlib
import csv
import getpass
import hashlib
import io
import shutil
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
CORPUS = PROJECT / "tests" / "bad_inputs"
QUARTER = "2022-23-Q3"
COPIED = ("notebooks", "parameters", "data", "narratives")
RECENT = "2021-04-01"  # the base project keeps observations from here on (quicker checks)


def copy_inputs(target: Path, trim: bool = False) -> Path:
    """Copy the project's inputs into `target`; with `trim`, only recent observations."""
    for name in COPIED:
        shutil.copytree(
            PROJECT / name, target / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints")
        )
    if trim:
        keep_recent_observations(target / "data" / "observations.csv")
    return target


def review_sample_narratives(root: Path) -> None:
    """Mark the sample narratives `written`, as an analyst does once they have reviewed them
    (a public build refuses sections whose status is `sample`)."""
    for path in (root / "narratives").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\nStatus: sample\n", "\nStatus: written\n"), encoding="utf-8")


def keep_recent_observations(path: Path) -> None:
    """Drop observations of periods that start before `RECENT` (sample ids sort by date)."""
    from phlib.rules.periods import parse_period

    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    at = rows[0].index("period")
    kept = [rows[0]] + [r for r in rows[1:] if parse_period(r[at]).start.isoformat() >= RECENT]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(kept)


def tree_fingerprint(root: Path) -> dict[str, str]:
    """Every file (sha256) and folder ('dir') under `root`, by relative path; {} if absent."""
    if not root.exists():
        return {}
    found = {}
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        found[name] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def phreport_in_process(*args: str) -> tuple[int, str]:
    """`phlib.cli.main(args)` in this process: (exit code, what it printed)."""
    from phlib.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue() + err.getvalue()


def phreport_command() -> list[str]:
    """This virtual environment's `phreport` console script."""
    script = Path(sys.executable).with_name("phreport")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "phlib.cli"]


def phreport_subprocess(*args: str, cwd: Path | None = None, timeout: int = 900):
    """The real console script in a child process (a `subprocess.CompletedProcess`)."""
    return subprocess.run(
        [*phreport_command(), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def good_project(base_temp: Path) -> Path:
    """A project copy (recent observations only) after a real internal run of one area and
    two services (drugs_alcohol, stop_smoking), made once per session under `base_temp`."""
    root = base_temp / "e2e-good-project"
    done = root / ".made"
    if done.is_file():
        return root
    if root.exists():
        shutil.rmtree(root)
    copy_inputs(root, trim=True)
    clock = time.perf_counter()
    result = phreport_subprocess(
        "run", QUARTER, "--areas", "cambridgeshire", "--services", "drugs_alcohol,stop_smoking",
        "--workers", "2", "--project", str(root),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert (root / "outputs" / QUARTER / "cambridgeshire" / "drugs_alcohol.html").is_file()
    done.write_text(f"{time.perf_counter() - clock:.1f}\n")
    return root


def private_paths(project: Path) -> list[str]:
    """Local paths no public page may show: the project's, home folders, the environment's."""
    found = {str(project), str(project.resolve()), "/root/", "/home/", str(Path(sys.prefix))}
    return sorted(found)


def user_name() -> str:
    """The login name of whoever runs the tests ('' when unknown)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def read_cases(path: Path) -> list[dict]:
    """The rows of a corpus manifest (CSV with a header)."""
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
