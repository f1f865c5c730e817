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

from dataclasses import dataclass, field
from pathlib import Path

from phlib.errors import ParameterError, PeriodError
from phlib.inputs.parameter_file import EXAMPLE, ParameterReader, read_yaml
from phlib.rules.periods import Quarter

DEFAULT_TITLE = "Public Health and Adult Social Care Performance Report"
PUBLICATION_MODES = ("internal", "public")
TOP_KEYS = ("quarter", "title", "areas", "services", "data", "publication", "suppression")
DATA_KEYS = ("catalogue", "areas", "observations")
SUPPRESSION_KEYS = ("min", "max")
REQUIRED_KEYS = ("quarter", "areas", "services", "data")


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


def load_parameters(path, project_root) -> RunConfig:
    """Read and check a quarter's parameter file; relative paths are from `project_root`.

    Raises `ParameterError` listing every problem (unknown or duplicate keys, missing keys,
    a quarter that does not parse or does not match the file name, bad area or service keys,
    missing data files or files outside the project folder, an unknown publication mode,
    bad suppression bounds).

    >>> load_parameters("/nonexistent/parameters/2022-23-Q3.yaml", "/nonexistent")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    phlib.errors.ParameterError: 1 problem found in the inputs:
      - parameters/2022-23-Q3.yaml: there is no parameter file for this quarter. Fix: ...
    """
    path, root = Path(path), Path(project_root)
    reader = ParameterReader(path, root)
    if not path.is_file():
        known = list_quarters(root)
        fix = f"choose one of {', '.join(known)}" if known else "copy the previous quarter's file"
        fix += " or run 'phreport new-quarter' to start the next quarter"
        reader.problem("", "there is no parameter file for this quarter", fix)
        raise ParameterError(reader.problems)
    data = read_yaml(reader)
    if reader.problems and data is None:
        raise ParameterError(reader.problems)
    if not isinstance(data, dict):
        fix = f"write one key and its value per line, starting with {EXAMPLE['quarter']}"
        reader.problem("", "the file must be a mapping of keys to values", fix)
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


def _quarter(reader: ParameterReader, raw, path: Path) -> Quarter | None:
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


def _data_files(reader: ParameterReader, raw) -> dict:
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


def _suppression(reader: ParameterReader, raw) -> tuple[int, int]:
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
