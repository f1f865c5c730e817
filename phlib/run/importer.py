"""`phreport import fingertips`: a Fingertips export in, tidy observations out.

Reads the export (`phlib.inputs.fingertips`), maps it onto the project's catalogue and areas
(`phlib.inputs.fingertips_import`), checks the result exactly as a run would read it
(`phlib.inputs.observations`), and only then writes it atomically. Prints what it mapped, what
it left out and why, and a ready-to-paste catalogue row for each export indicator the catalogue
does not know. Any problem means exit 2 with nothing written.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from phlib import atomic
from phlib.errors import InputError, Problem
from phlib.inputs.catalogue import load_catalogue
from phlib.inputs.config import list_quarters, load_parameters, parameters_path
from phlib.inputs.fingertips import read_fingertips
from phlib.inputs.fingertips_import import map_export, to_csv
from phlib.inputs.observations import load_observations
from phlib.inputs.reading import read_table

DEFAULT_OUTPUT = Path("data") / "fingertips.csv"


def project_catalogue(root: Path) -> tuple[Path, Path | None, str | None]:
    """The catalogue and areas files of the latest quarter (else `data/`), and that quarter."""
    quarters = list_quarters(root)
    if quarters:
        config = load_parameters(parameters_path(root, quarters[-1]), root)
        return config.catalogue_path, config.areas_path, quarters[-1]
    areas = root / "data" / "areas.csv"
    return root / "data" / "catalogue.csv", areas if areas.is_file() else None, None


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def import_fingertips(root: Path, file: Path, output: Path | None, dry_run: bool, console) -> int:
    """Import one export into `output` (default `data/fingertips.csv`); returns the exit code."""
    root = Path(root)
    output = Path(output) if output else root / DEFAULT_OUTPUT
    catalogue_path, areas_path, quarter = project_catalogue(root)
    catalogue = load_catalogue(catalogue_path, areas_path)
    export = read_fingertips(file)
    header = list(read_table(catalogue_path, ["indicator_id"]).columns)
    extended = "fingertips_id" not in header
    header += ["fingertips_id"] if extended else []
    result = map_export(export, catalogue, header)
    shown = _shown(output, root)
    console.say(f"Read {file}: {len(export)} rows, {export['indicator_id'].nunique()} "
                f"indicator(s).")  # fmt: skip
    for title, lines in (("Mapped", result.mapped), ("Left out", result.left_out),
                         ("Warnings", result.warnings)):  # fmt: skip
        if lines:
            console.say(f"{title}:")
            for line in lines:
                console.say(f"  {line}")
    if result.unmapped:
        where = _shown(catalogue_path, root)
        console.say(f"Not in the catalogue: add these rows to {where} (check service, unit, "
                    "direction and frequency), then import again:")  # fmt: skip
        if extended:
            console.say("  (the catalogue has no fingertips_id column yet: add it last, as in "
                        "this header)")  # fmt: skip
        console.say("  " + ",".join(header))
        for line in result.unmapped:
            console.say(f"  {line}")
    if result.frame.empty:
        fix = ("give a catalogue indicator the export's number in its fingertips_id column, "
               "and check that areas.csv holds the areas' ONS codes")  # fmt: skip
        raise InputError([Problem(str(file), "nothing in the export maps onto the catalogue", fix)])
    text = to_csv(result.frame)
    _check(text, catalogue, shown)
    if dry_run:
        console.say(f"Dry run: {len(result.frame)} rows would be written to {shown}; "
                    "nothing written.")  # fmt: skip
        return 0
    if output.is_file() and output.read_text(encoding="utf-8") == text:
        console.say(f"{shown} is already up to date ({len(result.frame)} rows).")
    else:
        atomic.write_text(output, text)
        console.say(f"Wrote {shown} ({len(result.frame)} rows).")
    where = f"parameters/{quarter}.yaml" if quarter else "the parameter file"
    console.say(f"Next: list {shown} under data: observations in {where}, then "
                f"'phreport check {quarter or 'QUARTER'}'.")  # fmt: skip
    return 0


def _check(text: str, catalogue, shown: str) -> None:
    """Read the rows back as a run would; raise `InputError` naming `shown` if any is wrong."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fingertips.csv"
        path.write_text(text, encoding="utf-8")
        try:
            load_observations(path, catalogue)
        except InputError as error:
            problems = [replace(p, file=shown) for p in error.problems]
            raise InputError(problems, f"The imported rows for {shown} have problems") from None
