"""Keeping phreport's processes quick to start.

`jsonschema`, which `nbformat` imports, also imports the optional `rfc3987_syntax` package
when it is installed (JupyterLab's dependencies install it); that package compiles about forty
grammars at import time, which costs seconds in every process that reads a notebook. Notebook
validation never uses the URI formats it checks, so `skip_slow_optional_imports` marks it as
unavailable (jsonschema then simply does not check those formats). Importing this module does
it, so `phlib.cli` imports it before anything else of phlib (worker processes, started by
spawning, import `phlib.cli` first too); phreport also calls it first thing in its own process
and in each worker.

>>> skip_slow_optional_imports()
>>> import sys
>>> "rfc3987_syntax" in sys.modules
True
"""

from __future__ import annotations

import sys

SLOW_OPTIONAL = ("rfc3987_syntax",)


def skip_slow_optional_imports() -> None:
    """Make the optional packages in `SLOW_OPTIONAL` unimportable in this process (unless
    something has imported them already)."""
    for name in SLOW_OPTIONAL:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


skip_slow_optional_imports()  # on import: see the module docstring
