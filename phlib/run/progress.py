"""What a run tells the person running it, and the run log it keeps.

`Console` prints messages on stderr and keeps every line for `run.log`. `Progress` shows a
tqdm bar when stderr is a terminal, else one plain line per finished notebook, saying whether
it ran or its outputs were reused, and why (when the run has a plan)::

    [3/20] cambridgeshire/stop_smoking ok 2.1s ran (observations for ss_quitters changed)
    [4/20] cambridgeshire/sexual_health ok 0.1s reused (unchanged)

>>> import io
>>> console = Console(io.StringIO())
>>> bar = console.progress(2, tty=False)
>>> from phlib.run.jobs import JobResult
>>> bar.update(JobResult("peterborough", "lifestyles", "ok", 2.06))
>>> console.stream.getvalue()
'[1/2] peterborough/lifestyles ok 2.1s\\n'
"""

from __future__ import annotations

import sys
import threading


class Console:
    """Messages for the person running phreport (stderr) and for the run log."""

    def __init__(self, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.lines: list[str] = []

    def say(self, text: str) -> None:
        """Print a message and keep it for the run log."""
        print(text, file=self.stream, flush=True)
        self.lines.extend(str(text).splitlines())

    def note(self, text: str) -> None:
        """Keep a line for the run log only."""
        self.lines.extend(str(text).splitlines())

    def progress(self, total: int, tty: bool | None = None, decisions=None) -> Progress:
        """A progress display for `total` notebooks; `decisions` ((area, service) ->
        `phlib.run.plan.Decision`) add whether each ran or was reused, and why."""
        if tty is None:
            tty = bool(getattr(self.stream, "isatty", lambda: False)())
        return Progress(self, total, tty, decisions)


class Progress:
    """A tqdm bar on a terminal, plain lines otherwise (see the module docstring)."""

    def __init__(self, console: Console, total: int, tty: bool, decisions=None):
        self.console, self.total, self.done = console, total, 0
        self.lock = threading.Lock()  # reused notebooks are reported from another thread
        self.decisions = decisions or {}
        self.bar = None
        if tty and total:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total, file=console.stream, unit="notebook", dynamic_ncols=True, leave=True
            )

    def update(self, result) -> None:
        """Record one finished job (a `JobResult`); safe to call from several threads."""
        with self.lock:
            self._update(result)

    def _update(self, result) -> None:
        self.done += 1
        line = f"[{self.done}/{self.total}] {result.key} {result.status} {result.seconds:.1f}s"
        decision = self.decisions.get((result.area, result.service))
        if decision is not None:
            line += f" {decision.verb} ({decision.reason})"
        if result.error:
            line += f" ({result.error})"
        self.console.note(line)
        if self.bar is None:
            print(line, file=self.console.stream, flush=True)
            return
        if not result.ok or decision is not None:
            self.bar.write(line, file=self.console.stream)
        self.bar.set_postfix_str(result.key, refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
