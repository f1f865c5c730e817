"""Scheduling a batch: which notebook goes first, and work the parent does meanwhile.

>>> later = Later(sum, [1, 2, 3])
>>> later.start()
>>> later.result()
6
"""

from __future__ import annotations

import threading
from pathlib import Path


class Later:
    """A calculation run in a background thread of this process (or at once, if never
    started) while the parent waits for its workers."""

    def __init__(self, function, *args):
        self.function, self.args = function, args
        self.thread: threading.Thread | None = None
        self.value, self.error = None, None

    def _run(self) -> None:
        try:
            self.value = self.function(*self.args)
        except BaseException as error:  # re-raised in result()
            self.error = error

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="phreport-scorecard", daemon=True)
        self.thread.start()

    def result(self):
        if self.thread is None:
            self._run()
        else:
            self.thread.join()
        if self.error is not None:
            raise self.error
        return self.value


def longest_first(jobs: list, previous_manifest) -> list:
    """Order jobs so the longest start first (the batch then ends with short ones, keeping
    every worker busy to the end): by each notebook's time in the last run, else by its
    number of code cells (a notebook not timed before goes first).

    >>> from types import SimpleNamespace as NS
    >>> jobs = [NS(area="a", service=s, notebook=None) for s in ("s", "t", "u")]
    >>> last = {"notebooks": [{"area": "a", "service": "s", "seconds": 2.0},
    ...                       {"area": "a", "service": "t", "seconds": 9.0}]}
    >>> [j.service for j in longest_first(jobs, last)]
    ['u', 't', 's']
    """
    seconds = {
        (n.get("area"), n.get("service")): n.get("seconds") or 0.0
        for n in (previous_manifest or {}).get("notebooks", [])
        if isinstance(n, dict)
    }
    cells: dict = {}

    def size(job) -> int:
        if job.notebook not in cells:
            try:
                text = Path(job.notebook).read_text(encoding="utf-8")
                cells[job.notebook] = text.count('"cell_type": "code"')
            except (OSError, TypeError):
                cells[job.notebook] = 0
        return cells[job.notebook]

    def rank(job) -> tuple[float, int]:
        return (-seconds.get((job.area, job.service), float("inf")), -size(job))

    return sorted(jobs, key=rank)
