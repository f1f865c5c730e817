"""A quarter's run parameters: `RunConfig` and `load_parameters`.

The parameter file `parameters/<quarter>.yaml` is read once, at the edge (the CLI), and the
resulting frozen `RunConfig` is passed down. Every problem in the file is reported in one
`ParameterError`, each naming the file, the line, the key, what is wrong and how to fix it.

>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> _ = (root / "parameters").mkdir(), (root / "data").mkdir()
>>> for name in ("catalogue.csv", "areas.csv", "observations.csv"):
...     _ = (root / "data" / name).write_text("x\\n")
>>> _ = (root / "parameters" / "2022-23-Q3.yaml").write_text(
...     "quarter: 2022-23-Q3\\nareas: [peterborough]\\nservices: [sexual_health]\\n"
...     "data: {catalogue: data/catalogue.csv, areas: data/areas.csv,"
...     " observations: data/observations.csv}\\n")
>>> config = load_parameters(root / "parameters" / "2022-23-Q3.yaml", root)
>>> config.quarter.label, config.areas, config.publication, config.suppression_max
('Q3 2022/23', ('peterborough',), 'internal', 4)
>>> config.observation_paths[0].name
'observations.csv'
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from phlib.errors import ParameterError, PeriodError, Problem
from phlib.periods import Quarter

KEY_PATTERN = re.compile(r"[a-z0-9_]+")
DEFAULT_TITLE = "Public Health and Adult Social Care Performance Report"
PUBLICATION_MODES = ("internal", "public")
TOP_KEYS = ("quarter", "title", "areas", "services", "data", "publication", "suppression")
DATA_KEYS = ("catalogue", "areas", "observations")
SUPPRESSION_KEYS = ("min", "max")
REQUIRED_KEYS = ("quarter", "areas", "services", "data")
EXAMPLE = {
    "quarter": "quarter: 2022-23-Q3",
    "areas": "areas: [cambridgeshire, peterborough]",
    "services": "services: [sexual_health, drugs_alcohol]",
    "data": "data: {catalogue: data/catalogue.csv, areas: data/areas.csv, "
    "observations: [data/observations.csv]}",
    "data.catalogue": "catalogue: data/catalogue.csv",
    "data.areas": "areas: data/areas.csv",
    "data.observations": "observations: [data/observations.csv]",
}


@dataclass(frozen=True)
class RunConfig:
    """Everything a run of one quarter needs to know, read from its parameter file."""

    quarter: Quarter
    title: str
    areas: tuple[str, ...]
    services: tuple[str, ...]
    catalogue_path: Path
    areas_path: Path
    observation_paths: tuple[Path, ...]
    publication: str = "internal"
    suppression_min: int = 1
    suppression_max: int = 4
    path: Path = field(default=Path("parameters.yaml"))
    project_root: Path = field(default=Path("."))

    @property
    def notebooks_dir(self) -> Path:
        return self.project_root / "notebooks"

    @property
    def narratives_dir(self) -> Path:
        return self.project_root / "narratives"

    @property
    def outputs_dir(self) -> Path:
        return self.project_root / "outputs"

    @property
    def data_paths(self) -> tuple[Path, ...]:
        """Every input data file: catalogue, areas, then the observation files."""
        return (self.catalogue_path, self.areas_path, *self.observation_paths)


def parameters_path(project_root, quarter_id: str) -> Path:
    """Where the parameter file of a quarter lives.

    >>> parameters_path(Path("/p"), "2022-23-Q3").as_posix()
    '/p/parameters/2022-23-Q3.yaml'
    """
    return Path(project_root) / "parameters" / f"{quarter_id}.yaml"


def list_quarters(project_root) -> list[str]:
    """The quarter ids that have a parameter file, oldest first.

    >>> list_quarters(Path("/nonexistent"))
    []
    """
    found = []
    for path in (Path(project_root) / "parameters").glob("*.yaml"):
        try:
            found.append(Quarter.parse(path.stem))
        except PeriodError:
            continue
    return [q.id for q in sorted(found)]


def suggest(word: str, choices) -> str:
    """A 'did you mean' phrase for a misspelt key, or '' when nothing is close.

    >>> suggest("servces", TOP_KEYS)
    "did you mean 'services'?"
    >>> suggest("zzz", TOP_KEYS)
    ''
    """
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


class _Reader:
    """Collects problems while reading one parameter file."""

    def __init__(self, path: Path, project_root: Path):
        self.path, self.root = path, project_root
        self.problems: list[Problem] = []
        self.lines: dict[str, int] = {}
        try:
            self.shown = path.resolve().relative_to(project_root.resolve()).as_posix()
        except ValueError:
            self.shown = str(path)

    def problem(self, key: str, message: str, fix: str = "", value=None) -> None:
        line = self.lines.get(key, self.lines.get(key.split(".")[0]))
        self.problems.append(
            Problem(self.shown, message, fix, row=line, column=key or None, value=value)
        )

    def scan(self, node, prefix: str = "") -> None:
        """Record each key's line and report duplicated keys (YAML keeps only the last)."""
        if not isinstance(node, yaml.MappingNode):
            return
        seen = set()
        for key_node, value_node in node.value:
            key = f"{prefix}{key_node.value}"
            if key in seen:
                self.lines[key] = key_node.start_mark.line + 1
                self.problem(
                    key, "this key is given twice", "keep one of them and delete the other"
                )
            seen.add(key)
            self.lines[key] = key_node.start_mark.line + 1
            if not prefix:
                self.scan(value_node, f"{key}.")

    def unknown(self, mapping: dict, allowed, prefix: str = "") -> None:
        for key in mapping:
            if str(key) not in allowed:
                hint = suggest(str(key), allowed)
                fix = hint or f"use only {', '.join(allowed)}"
                self.problem(f"{prefix}{key}", f"unknown key {str(key)!r}", fix)

    def keys(self, raw, name: str) -> tuple[str, ...]:
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not raw:
            self.problem(name, f"{name} must be a list of keys", f"write e.g. {EXAMPLE[name]}", raw)
            return ()
        found = []
        for item in raw:
            text = str(item) if item is not None else ""
            if not isinstance(item, str) or not KEY_PATTERN.fullmatch(text):
                fix = "use lower-case letters, digits and underscores, e.g. 'sexual_health'"
                self.problem(name, f"{text!r} is not a valid key in {name}", fix, item)
            elif text in found:
                self.problem(name, f"{text!r} is listed twice in {name}", "list it once", item)
            else:
                found.append(text)
        return tuple(found)

    def file(self, raw, key: str) -> Path | None:
        if not isinstance(raw, str) or not raw.strip():
            self.problem(key, f"{key} must be a file path", f"write e.g. {EXAMPLE[key]}", raw)
            return None
        path = Path(raw.strip())
        path = path if path.is_absolute() else self.root / path
        if not path.is_file():
            fix = "correct the path (relative paths are from the project folder)"
            self.problem(key, f"file {raw!r} does not exist", fix, raw)
        return path.resolve()


def _read_yaml(reader: _Reader):
    try:
        text = reader.path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        reader.problem("", f"the file is not UTF-8 text ({error.reason})", "save it as UTF-8")
        return None
    try:
        reader.scan(yaml.compose(text, Loader=yaml.SafeLoader))
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        what = getattr(error, "problem", None) or str(error)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reader.problems.append(
            Problem(
                reader.shown,
                f"the file is not valid YAML: {what}{where}",
                "check indentation, colons and brackets near that place",
                row=mark.line + 1 if mark else None,
            )
        )
        return None


def load_parameters(path, project_root) -> RunConfig:
    """Read and check a quarter's parameter file; relative paths are from `project_root`.

    Raises `ParameterError` listing every problem (unknown or duplicate keys, missing keys,
    a quarter that does not parse or does not match the file name, bad area or service keys,
    missing data files, an unknown publication mode, bad suppression bounds).

    >>> load_parameters("/nonexistent/parameters/2022-23-Q3.yaml", "/nonexistent")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    phlib.errors.ParameterError: 1 problem found in the inputs:
      - parameters/2022-23-Q3.yaml: there is no parameter file for this quarter. Fix: ...
    """
    path, root = Path(path), Path(project_root)
    reader = _Reader(path, root)
    if not path.is_file():
        known = list_quarters(root)
        fix = f"choose one of {', '.join(known)}" if known else "copy the previous quarter's file"
        fix += " or run 'phreport new-quarter' to start the next quarter"
        reader.problem("", "there is no parameter file for this quarter", fix)
        raise ParameterError(reader.problems)
    data = _read_yaml(reader)
    if reader.problems and data is None:
        raise ParameterError(reader.problems)
    if not isinstance(data, dict):
        reader.problem("", "the file must be a mapping of keys to values", EXAMPLE["quarter"])
        raise ParameterError(reader.problems)
    reader.unknown(data, TOP_KEYS)
    for key in REQUIRED_KEYS:
        if key not in data:
            reader.problem(key, f"the key {key!r} is missing", f"add a line: {EXAMPLE[key]}")
    quarter = _quarter(reader, data.get("quarter"), path)
    title = data.get("title", DEFAULT_TITLE)
    if not isinstance(title, str) or not title.strip():
        reader.problem("title", "title must be text", f"write e.g. title: {DEFAULT_TITLE}", title)
    areas = reader.keys(data["areas"], "areas") if "areas" in data else ()
    services = reader.keys(data["services"], "services") if "services" in data else ()
    files = _data_files(reader, data["data"]) if "data" in data else {}
    publication = data.get("publication", "internal")
    if publication not in PUBLICATION_MODES:
        fix = "write publication: internal (or public for a published build)"
        reader.problem("publication", "publication must be internal or public", fix, publication)
    low, high = _suppression(reader, data.get("suppression", {"min": 1, "max": 4}))
    if reader.problems:
        raise ParameterError(reader.problems)
    return RunConfig(
        quarter=quarter,
        title=title.strip(),
        areas=areas,
        services=services,
        catalogue_path=files["catalogue"],
        areas_path=files["areas"],
        observation_paths=tuple(files["observations"]),
        publication=publication,
        suppression_min=low,
        suppression_max=high,
        path=path.resolve(),
        project_root=root.resolve(),
    )


def _quarter(reader: _Reader, raw, path: Path) -> Quarter | None:
    if raw is None:
        return None
    try:
        quarter = Quarter.parse(str(raw))
    except PeriodError as error:
        reader.problem("quarter", str(error), "write the quarter as 2022-23-Q3", raw)
        return None
    if quarter.id != path.stem:
        fix = f"rename the file to {quarter.id}.yaml or set quarter: {path.stem}"
        reader.problem("quarter", f"the quarter does not match the file name {path.name}", fix, raw)
    return quarter


def _data_files(reader: _Reader, raw) -> dict:
    found = {"catalogue": None, "areas": None, "observations": []}
    if not isinstance(raw, dict):
        reader.problem("data", "data must be a mapping", f"write {EXAMPLE['data']}", raw)
        return found
    reader.unknown(raw, DATA_KEYS, "data.")
    for key in ("catalogue", "areas"):
        if key not in raw:
            reader.problem(
                f"data.{key}", f"the key 'data.{key}' is missing", EXAMPLE[f"data.{key}"]
            )
        else:
            found[key] = reader.file(raw[key], f"data.{key}")
    observations = raw.get("observations")
    if observations is None:
        fix = f"add {EXAMPLE['data.observations']}"
        reader.problem("data.observations", "the key 'data.observations' is missing", fix)
    else:
        items = observations if isinstance(observations, list) else [observations]
        if not items:
            reader.problem("data.observations", "no observation files are listed", EXAMPLE["data"])
        found["observations"] = [reader.file(item, "data.observations") for item in items]
    return found


def _suppression(reader: _Reader, raw) -> tuple[int, int]:
    if not isinstance(raw, dict):
        reader.problem(
            "suppression", "suppression must be a mapping", "write {min: 1, max: 4}", raw
        )
        return 1, 4
    reader.unknown(raw, SUPPRESSION_KEYS, "suppression.")
    bounds = []
    for key, default in (("min", 1), ("max", 4)):
        value = raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            fix = "write a whole number of 0 or more"
            reader.problem(f"suppression.{key}", f"suppression {key} must be a count", fix, value)
            value = default
        bounds.append(value)
    if bounds[0] > bounds[1]:
        fix = "make min no more than max, e.g. {min: 1, max: 4}"
        reader.problem("suppression", "suppression min is more than max", fix, raw)
    return bounds[0], bounds[1]
