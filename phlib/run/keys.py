"""The key of one (area, service) notebook: a hash of everything its execution depends on.

A notebook's outputs depend on its own cells, the parameters it is run with, the input rows it
reads, the publication settings, phlib's code and the installed packages; `notebook_keys`
hashes each of these separately (the *parts*) and the key is the hash of the parts. Two runs
with the same key produce the same executed notebook (up to times), so a run can reuse the
outputs of an earlier one (`phlib.run.plan`). The parts are kept in the manifest so that a
changed key can be explained part by part ("observations for ss_quitters changed").

What a notebook reads is worked out, not guessed: its indicators are the catalogue's
indicators of its service plus every indicator id its cells name (`wb.card("com_pc_gp")`),
and of the observations only the rows of those indicators for its own area count (statistical
neighbour and England comparators are columns of those rows). Narrative cells are in the key
only by their place and key, never their text: a narrative edit re-exports, it never executes.

>>> parts = {"phlib": "a", "observations": {"x": "1"}}
>>> key_of(parts) == key_of({"observations": {"x": "1"}, "phlib": "a"})
True
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from phlib.narratives.cells import is_narrative
from phlib.run.manifest import package_versions

PHLIB_ROOT = Path(__file__).resolve().parents[1]
#: Parameters that are publication settings (a part of their own, for clearer reasons).
PUBLICATION_PARAMETERS = ("publication", "suppression_min", "suppression_max")
_WORD = re.compile(r"[A-Za-z0-9_]+")


def digest(value) -> str:
    """A short SHA-256 of a JSON-able value (sorted keys), or of bytes/str as given.

    >>> digest({"b": 1, "a": 2}) == digest({"a": 2, "b": 1}), len(digest("x"))
    (True, 20)
    """
    if isinstance(value, bytes):
        data = value
    elif isinstance(value, str):
        data = value.encode("utf-8")
    else:
        data = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:20]


def key_of(parts: dict) -> str:
    """The key: the full SHA-256 of the parts."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tree_digest(root: Path, patterns=("*.py", "*.j2", "*.json", "*.css")) -> str:
    """A hash of every source file under `root` (paths and bytes), in sorted order."""
    hasher = hashlib.sha256()
    files = sorted({p for pattern in patterns for p in root.rglob(pattern) if p.is_file()})
    for path in files:
        if "__pycache__" in path.parts:
            continue
        hasher.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        hasher.update(hashlib.sha256(path.read_bytes()).digest())
    return hasher.hexdigest()[:20]


@lru_cache(maxsize=4)
def phlib_digest(root: Path = PHLIB_ROOT) -> str:
    """phlib's own source: its modules, templates and style sheets."""
    return tree_digest(Path(root))


def dependencies_digest(project_root) -> str:
    """The resolved dependency set: the project's `constraints.txt` (else the one beside
    phlib) and the installed versions of the packages that shape the outputs."""
    found = {"packages": package_versions()}
    for folder in (Path(project_root), PHLIB_ROOT.parent):
        if (folder / "constraints.txt").is_file():
            found["constraints"] = digest((folder / "constraints.txt").read_bytes())
            break
    return digest(found)


def notebook_digest(nb: dict) -> tuple[str, frozenset[str]]:
    """A hash of a source notebook's cells (code and their metadata, fixed Markdown; only the
    place and metadata of narrative cells) and kernel, and the words its code cells use."""
    cells, words = [], set()
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if is_narrative(cell):
            cells.append(["narrative", cell.get("metadata", {})])
            continue
        cells.append([cell.get("cell_type"), source, cell.get("metadata", {})])
        if cell.get("cell_type") == "code":
            words.update(_WORD.findall(source))
    kernel = nb.get("metadata", {}).get("kernelspec", {})
    return digest({"cells": cells, "kernel": kernel}), frozenset(words)


def read_notebook(path) -> dict:
    """A notebook file as plain JSON (no validation: only hashed here)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def indicators_read(catalogue, service: str, words) -> list[str]:
    """The indicators a notebook reads: its service's, and any other its code names."""
    ids = set(catalogue.indicators.index[catalogue.indicators["service"] == service])
    ids |= {w for w in words if w in catalogue.indicators.index}
    return sorted(ids)


#: Columns that say where a row was read from (for error messages); nothing shows them, so
#: moving a row within its file, or the project to another folder, changes no key.
WHERE_FROM = ("source_file", "source_row")


def row_digests(observations: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(indicator id, area) -> a hash of those observation rows (their values, in file order)."""
    if observations is None or observations.empty:
        return {}
    frame = observations.reset_index(drop=True)
    values = frame.drop(columns=[c for c in WHERE_FROM if c in frame.columns])
    row_hashes = pd.util.hash_pandas_object(values.astype(str), index=False).to_numpy()
    found = {}
    groups = frame.groupby(["indicator_id", "area"], sort=False).indices
    for (indicator, area), at in groups.items():
        found[(str(indicator), str(area))] = digest(row_hashes[at].tobytes())
    return found


def catalogue_digests(catalogue) -> dict[str, str]:
    """indicator id -> a hash of its catalogue row."""
    table = catalogue.indicators.astype(str)
    return {str(i): digest(list(row)) for i, row in zip(table.index, table.to_numpy().tolist(),
                                                          strict=True)}  # fmt: skip


def area_digest(catalogue, area: str) -> str:
    return digest([area, catalogue.areas.get(area), catalogue.area_codes.get(area)])


def canonical_parameters(parameters: dict, root=None) -> dict:
    """The parameters as JSON would carry them, paths inside the project `root` relative to
    it (so a project moved to another folder keeps its keys; the files' contents are parts
    of the key of their own).

    >>> canonical_parameters({"b": ("/p/data/a.csv",), "a": 1}, "/p")
    {'a': 1, 'b': ['data/a.csv']}
    """
    prefixes = {str(r).rstrip("/") + "/" for r in (root, Path(root).resolve())} if root else ()

    def tidy(value):
        for prefix in prefixes:
            if isinstance(value, str) and value.startswith(prefix):
                return value[len(prefix) :]
        if isinstance(value, list):
            return [tidy(v) for v in value]
        return value

    plain = json.loads(json.dumps(parameters, sort_keys=True, default=str))
    return {name: tidy(value) for name, value in plain.items()}


def notebook_keys(config, inputs, parameters_for, private_text=()) -> dict:
    """(area, service) -> (key, parts) for every notebook of the run.

    `parameters_for(config, area, service)` gives a notebook's papermill parameters."""
    shared = {
        "phlib": phlib_digest(),
        "dependencies": dependencies_digest(config.project_root),
    }
    root = Path(config.project_root)
    rows = row_digests(inputs.observations)
    catalogue = catalogue_digests(inputs.catalogue)
    found = {}
    for service in inputs.services:
        path = config.notebooks_dir / f"{service}.ipynb"
        notebook, words = notebook_digest(read_notebook(path))
        ids = indicators_read(inputs.catalogue, service, words)
        for area in inputs.areas:
            params = canonical_parameters(parameters_for(config, area, service), root)
            publication = {k: params.pop(k, None) for k in PUBLICATION_PARAMETERS}
            publication["private_text"] = list(private_text)
            parts = {
                **shared,
                "notebook": notebook,
                "parameters": digest(params),
                "publication": digest(publication),
                "area": area_digest(inputs.catalogue, area),
                "catalogue": {i: catalogue[i] for i in ids},
                "observations": {i: rows.get((i, area), "none") for i in ids},
            }
            found[(area, service)] = (key_of(parts), parts)
    return found
