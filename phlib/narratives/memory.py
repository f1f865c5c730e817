"""The gather memory: what was last injected into and gathered from each executed notebook.

It is kept as a hidden JSON file beside the notebook, so that gathering the same notebook
twice never takes its text again over a newer edit in the store.
"""

from __future__ import annotations

import json
from pathlib import Path


def memory_path(notebook: Path) -> Path:
    """Where the gather memory of an executed notebook is kept (a hidden file beside it)."""
    return notebook.with_name(f".{notebook.name}.gathered.json")


def memory_of(name: str) -> str | None:
    """The notebook whose gather memory file is called `name`, or None for other names.

    The memory must be copied wherever its notebook is copied (as when a run keeps the
    sections it did not re-run), else the next gather takes the notebook's text again.

    >>> memory_of(".sexual_health.ipynb.gathered.json"), memory_of(".annex.html.x.tmp")
    ('sexual_health.ipynb', None)
    """
    prefix, suffix = ".", ".ipynb.gathered.json"
    if name.startswith(prefix) and name.endswith(suffix) and len(name) > len(prefix + suffix):
        return name[len(prefix) : -len(".gathered.json")]
    return None


def read_memory(notebook: Path) -> dict:
    """The gather memory of `notebook` (empty when there is none or it cannot be read)."""
    try:
        data = json.loads(memory_path(notebook).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
