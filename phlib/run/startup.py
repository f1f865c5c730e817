"""Keeping phreport's processes quick to start.

`jsonschema`, which `nbformat` imports, also imports the optional packages that check string
formats (URIs, dates, durations, colours, JSON pointers, host names) when they are installed,
and JupyterLab's dependencies install them all. `rfc3987_syntax` compiles about forty grammars
at import time, which costs seconds in every process that reads a notebook; the others cost
about 0.05 s of processor time together (`rfc3986_validator` builds a large pattern,
`isoduration` imports `arrow`). No notebook schema asks for a format check, so
`skip_slow_optional_imports` marks them unavailable (jsonschema then simply does not check
those formats). Importing this module does it, so `phlib.cli` and `phlib.run.workers` (what a
spawned worker imports) import it before anything else of phlib; phreport also calls it first
thing in its own process and in each worker.

`main_module_hidden` keeps multiprocessing from importing the main module again in each
worker it spawns: for `phreport` that is the console script, hence all of `phlib.cli` and
pandas (about 0.5 s of processor time per worker), where a worker needs only
`phlib.run.workers`.

>>> skip_slow_optional_imports()
>>> import sys
>>> "rfc3987_syntax" in sys.modules
True
"""

from __future__ import annotations

import sys
from contextlib import contextmanager, suppress

#: jsonschema's optional format checkers; nbformat's schemas use none of these formats.
SLOW_OPTIONAL = (
    "rfc3987_syntax",
    "rfc3986_validator",
    "rfc3339_validator",
    "isoduration",
    "uri_template",
    "webcolors",
    "jsonpointer",
    "fqdn",
)


def skip_slow_optional_imports() -> None:
    """Make the optional packages in `SLOW_OPTIONAL` unimportable in this process (unless
    something has imported them already)."""
    for name in SLOW_OPTIONAL:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


@contextmanager
def main_module_hidden():
    """While processes are spawned inside it, the main module has no `__spec__` and no
    `__file__`, so multiprocessing's spawn does not import it in the child (the spawned
    target must then live in an importable module, as `phlib.run.workers._worker` does)."""
    main = sys.modules.get("__main__")
    saved = {name: getattr(main, name) for name in ("__spec__", "__file__") if hasattr(main, name)}
    try:
        if main is not None:
            main.__spec__ = None
            with suppress(AttributeError):
                del main.__file__
        yield
    finally:
        for name, value in saved.items():
            setattr(main, name, value)


skip_slow_optional_imports()  # on import: see the module docstring
