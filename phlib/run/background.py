"""Work the parent process does in a background thread while the workers run notebooks.

>>> later = Later(sum, [1, 2, 3])
>>> later.start()
>>> later.result()
6
"""

from __future__ import annotations

import threading


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
        name = "phreport-" + getattr(self.function, "__name__", "later")
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def wait(self) -> None:
        """Wait for a started calculation to end (its result or error is kept)."""
        if self.thread is not None:
            self.thread.join()

    def result(self):
        if self.thread is None:
            self._run()
        else:
            self.thread.join()
        if self.error is not None:
            raise self.error
        return self.value
