"""Exceptions raised by phlib and phreport.

Every error an analyst can cause says where (file, row or cell), what is wrong and how to
fix it. Validation collects every problem in one pass and raises a single `InputError`
whose `.problems` list holds them as data.

>>> p = Problem(file="data/obs.csv", row=4, column="value", value="abc",
...             message="value is not a number", fix="type a number")
>>> print(p)
data/obs.csv, row 4, column 'value': value is not a number (got 'abc'). Fix: type a number
>>> err = InputError([p])
>>> err.problems[0].row
4
>>> isinstance(err, PhlibError)
True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input: where it is, what is wrong, how to fix it."""

    file: str
    message: str
    fix: str = ""
    row: int | None = None
    column: str | None = None
    value: object = None
    cell: str | None = None
    severity: str = "error"

    def location(self) -> str:
        parts = [str(self.file)]
        if self.cell:
            parts.append(f"cell {self.cell}")
        elif self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message}"
        if self.value is not None and self.value != "":
            text += f" (got {self.value!r})"
        if self.fix:
            text += f". Fix: {self.fix}"
        return text

    def as_dict(self) -> dict:
        data = asdict(self)
        if data["value"] is not None and not isinstance(data["value"], (int, float, str, bool)):
            data["value"] = str(data["value"])
        return data


class PhlibError(Exception):
    """Base class of every error phlib raises on purpose."""


class InputError(PhlibError, ValueError):
    """One or more input files (data, catalogue, parameters, narratives) are invalid."""

    def __init__(self, problems, summary: str | None = None):
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        head = summary or (
            f"{len(errors)} problem{'s' if len(errors) != 1 else ''} found in the inputs"
        )
        lines = [head + ":"] + [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class PeriodError(PhlibError, ValueError):
    """A period, quarter or financial year could not be read."""


class ParameterError(InputError):
    """A quarter's parameter file is missing, malformed or names something unknown."""


class CatalogueError(InputError):
    """The indicator catalogue is invalid."""


class ObservationsError(InputError):
    """An observations file is invalid."""


class NarrativeError(InputError):
    """A narrative file is malformed or a narrative cell cannot be gathered."""


class NotebookError(InputError):
    """A service-area notebook is malformed (for example it has no parameters cell)."""


class PublicationError(PhlibError):
    """A public build was refused: sections are unreviewed or Red indicators have no actions."""

    def __init__(self, blockers):
        self.blockers = list(blockers)
        lines = [
            "Refusing to publish: these must be resolved first "
            "(or pass --override-publication-checks, which is recorded in the manifest):"
        ]
        lines += [f"  - {b}" for b in self.blockers]
        super().__init__("\n".join(lines))


class RunLockedError(PhlibError):
    """Another phreport run of the same quarter holds the lock."""


class ExecutionError(PhlibError):
    """One or more notebooks failed to execute or export."""


class PrintError(PhlibError):
    """An annex could not be printed to PDF (no browser, or the page is not self-contained)."""


class ClusterError(PhlibError):
    """The Dask cluster named by --cluster cannot be used (unreachable, no workers, bad address)."""


class UnknownNameError(PhlibError, KeyError):
    """A name (an indicator id, a notebook parameter) that is not known; the message names it
    and the close or known ones. Its text reads plainly (a KeyError's would be quoted).

    >>> str(UnknownNameError("no indicator 'x'; did you mean 'y'?"))
    "no indicator 'x'; did you mean 'y'?"
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""
