"""Fixtures shared by the whole suite: the sample quarter run once, for every test that reads it.

Running the sample quarter (2 areas x 10 services) is the most expensive thing the suite does,
so it happens once per session, here, and every test that only READS its outputs takes one of
these session fixtures:

- `sample_run`: a `SampleRun` after the real `phreport run 2022-23-Q3 --workers 2` (the console
  script, internal build) in a temporary copy of the project's inputs. `.root` is the project
  copy, `.outputs` its `outputs/2022-23-Q3`, `.done` the finished command (`support.Done`: exit
  code, stdout, stderr; exit code 1 is let through so that tests can report it), `.before` the
  sha256 of every file outside `outputs/` and `narratives/` taken before the run.
- `public_run`: the same for `phreport run 2022-23-Q3 --publication public --workers 2` (any
  exit code is let through: the tests check it).
- `good_project`: a project with recent observations only, after a real run of one area and
  two services (drugs_alcohol, stop_smoking): the bad-input tests copy it.

Never change these folders: a test that changes files or outputs (a re-run, an edit, a print
to PDF) first copies the project, `support.copy_project(sample_run.root, tmp_path / "p")`,
and works on the copy. A new test that needs the sample quarter's outputs should use
`sample_run` (or `public_run`) rather than run the quarter again. Plain helpers (project
copies, toy projects, running `phreport`) are in `tests/support.py`, importable from any test
as `import support` (pyproject.toml puts `tests/` on the import path).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import support


@dataclass
class SampleRun:
    """A project copy after one real run of the sample quarter (read it, never change it)."""

    root: Path
    done: support.Done
    before: dict[str, str]

    @property
    def outputs(self) -> Path:
        """outputs/2022-23-Q3 of the run."""
        return self.root / "outputs" / support.QUARTER


def _sample(tmp_path_factory, name: str, *args: str, accept) -> SampleRun:
    missing = [part for part in support.COPIED if not (support.PROJECT / part).is_dir()]
    if missing:
        pytest.fail(f"the project has no {', '.join(missing)} folder(s) in {support.PROJECT}")
    root = support.copy_inputs(tmp_path_factory.mktemp(name) / "project")
    if "public" in args:  # reviewed, as an analyst would before a public build
        support.review_sample_narratives(root)
    before = support.input_fingerprint(root)
    done = support.run_phreport(root, "run", support.QUARTER, *args, "--workers", "2",
                                accept=accept)  # fmt: skip
    return SampleRun(root, done, before)


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> SampleRun:
    """The sample quarter after one real internal `phreport run 2022-23-Q3 --workers 2`."""
    return _sample(tmp_path_factory, "sample", accept=(0, 1))


@pytest.fixture(scope="session")
def public_run(tmp_path_factory) -> SampleRun:
    """The sample quarter, its sample narratives marked reviewed, after one real
    `phreport run 2022-23-Q3 --publication public`."""
    return _sample(tmp_path_factory, "public", "--publication", "public", accept=None)


@pytest.fixture(scope="session")
def good_project(tmp_path_factory) -> Path:
    """A project with good outputs from a real run of one area and two services (shared,
    never changed: copy it with `support.copy_project`)."""
    return support.good_project(tmp_path_factory.getbasetemp())
