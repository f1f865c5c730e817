"""What each `phreport` command does (the argument parsing is in `phlib.cli`).

Every function takes the parsed arguments and a `Console` and returns the exit code.
Configuration is read here, once, and passed down.

>>> _scope_text(("a",), None)
'areas a; all services'
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

from phlib import atomic
from phlib.errors import InputError, PeriodError, Problem
from phlib.inputs.areas import load_areas
from phlib.inputs.catalogue import SERVICES
from phlib.inputs.config import list_quarters, load_parameters, parameters_path
from phlib.narratives.review import carry_forward
from phlib.report.pdf import print_quarter
from phlib.rules.periods import Quarter
from phlib.run import manifest, memo
from phlib.run.checks import check_quarter, notebook_keys, publication_check
from phlib.run.data_checks import quarter_warnings
from phlib.run.export import export_quarter
from phlib.run.importer import import_fingertips
from phlib.run.lock import RunLock
from phlib.run.progress import Console
from phlib.run.quarter import RunOptions, known_keys, pull_edits, run_quarter
from phlib.run.review_list import review_lines


def quarter_id(text: str, name: str = "QUARTER") -> str:
    """A quarter id from any accepted spelling of the command-line argument `name`.

    Raises `InputError` naming the argument when `text` does not parse.

    >>> quarter_id("Q3 2022/23")
    '2022-23-Q3'
    >>> quarter_id("../x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    phlib.errors.InputError: 1 problem found in the inputs:
      - command line, column 'QUARTER': could not read '../x' as a quarter. ...
    """
    try:
        return Quarter.parse(text).id
    except PeriodError as error:
        fix = "give a quarter such as 2022-23-Q3 ('phreport list' shows the quarters)"
        raise InputError([Problem("command line", str(error), fix, column=name)]) from None


def _config(args):
    quarter = quarter_id(args.quarter)
    config = load_parameters(parameters_path(args.project, quarter), args.project)
    if getattr(args, "publication", None):
        config = replace(config, publication=args.publication)
    return config


def _scope_text(areas, services) -> str:
    left = f"areas {', '.join(areas)}" if areas else "all areas"
    right = f"services {', '.join(services)}" if services else "all services"
    return f"{left}; {right}"


def cmd_run(args, console) -> int:
    """`phreport run`: execute and export a quarter."""
    config = _config(args)
    options = RunOptions(
        areas=args.areas,
        services=args.services,
        workers=args.workers,
        publication=args.publication,
        override_publication_checks=args.override_publication_checks,
        timeout=args.timeout,
        force=args.force,
        explain=args.explain,
        cluster=args.cluster,
        argv=args.argv,
    )
    return run_quarter(config, options, console).exit_code


def cmd_check(args, console) -> int:
    """`phreport check`: validate everything a run would use; write nothing."""
    config = _config(args)
    inputs = check_quarter(config, args.areas, args.services)
    for problem in (*inputs.warnings, *quarter_warnings(config, inputs)):
        console.say(f"warning: {problem}")
    # kept by the last run for the same inputs, else worked out for the areas checked
    card, card_key = memo.scorecard_for(config, inputs, inputs.areas, inputs.services)
    if config.publication == "public":
        publication_check(config, inputs, card)
    else:  # the review list: what a public build would refuse, as warnings
        for line in review_lines(memo.review_for(config, inputs, card, card_key)[0]):
            console.say(line)
    count = len(inputs.catalogue.indicators) if inputs.catalogue is not None else 0
    rows = len(inputs.observations) if inputs.observations is not None else 0
    console.say(
        f"{config.quarter.label}: inputs are valid ({len(inputs.areas)} areas, "
        f"{len(inputs.services)} services, {count} indicators, {rows} observations; "
        f"{config.publication} build)."
    )
    return 0


def cmd_list(args, console) -> int:
    """`phreport list`: the quarters with parameter files, the areas and the services (on
    standard output, so it can be piped)."""
    console = Console(sys.stdout)
    root = Path(args.project)
    quarters = list_quarters(root)
    console.say(f"Quarters ({len(quarters)} in parameters/):")
    for quarter in quarters:
        made = manifest.read(root / "outputs" / quarter / "manifest.json")
        state = f"outputs produced {made.get('produced', '?')}" if made else "not run yet"
        console.say(f"  {quarter}  {Quarter.parse(quarter).label:<11}  {state}")
    areas_file = root / "data" / "areas.csv"
    names = load_areas(areas_file if areas_file.is_file() else None)[0]
    console.say("Areas:")
    for key, name in names.items():
        console.say(f"  {key:<24}{name}")
    console.say("Services (notebooks/):")
    for key, title in SERVICES.items():
        notebook = root / "notebooks" / f"{key}.ipynb"
        console.say(f"  {key:<24}{title}{'' if notebook.is_file() else '  (no notebook)'}")
    return 0


def cmd_export(args, console) -> int:
    """`phreport export`: re-render pages from executed notebooks and the narrative store."""
    return export_quarter(_config(args), args.areas, args.services, console, args.argv)


def cmd_narratives_pull(args, console) -> int:
    """`phreport narratives pull`: gather edits in the executed notebooks into the store."""
    config = _config(args)
    inputs = check_quarter(config, args.areas, args.services)
    with RunLock(config.outputs_dir, config.quarter.id, "phreport narratives pull"):
        before = len(console.lines)
        pull_edits(config, inputs.areas, inputs.services, known_keys(inputs), console)
        if len(console.lines) == before:
            console.say("No edited narrative cells to gather.")
    return 0


def _gather_before_carry(root: Path, quarter: str, console) -> None:
    """Bring edits in `quarter`'s executed notebooks into its store before it is copied on
    (nothing to do when the quarter has no parameter file or no outputs)."""
    path = parameters_path(root, quarter)
    if not path.is_file():
        return
    config = load_parameters(path, root)
    if not (config.outputs_dir / quarter).is_dir():
        return
    notebooks = {s: config.notebooks_dir / f"{s}.ipynb" for s in config.services}
    keys = {s: notebook_keys(p)[0] for s, p in notebooks.items() if p.is_file()}
    with RunLock(config.outputs_dir, quarter, "phreport narratives pull"):
        pull_edits(config, config.areas, config.services, keys, console)


def cmd_narratives_carry(args, console) -> int:
    """`phreport narratives carry`: copy a quarter's narratives forward for review."""
    root = Path(args.project) / "narratives"
    source = quarter_id(args.from_quarter)
    _gather_before_carry(Path(args.project), source, console)
    report = carry_forward(root, source, quarter_id(args.to_quarter))
    console.say(str(report))
    return 0


def cmd_new_quarter(args, console) -> int:
    """`phreport new-quarter`: write the next quarter's parameter file, carry narratives."""
    root = Path(args.project)
    target = quarter_id(args.quarter) if args.quarter else None
    source = quarter_id(args.from_quarter) if args.from_quarter else None
    if source is None:
        earlier = [
            q
            for q in list_quarters(root)
            if target is None or Quarter.parse(q) < Quarter.parse(target)
        ]
        if not earlier:
            fix = "write parameters/<quarter>.yaml for an earlier quarter, or give --from"
            raise InputError(
                [Problem("parameters", "there is no earlier quarter to start from", fix)]
            )
        source = earlier[-1]
    target = target or Quarter.parse(source).next().id
    if not Quarter.parse(source) < Quarter.parse(target):
        fix = "name a new quarter after the one copied from"
        raise InputError([Problem("command line", f"{target} is not after {source}", fix)])
    load_parameters(parameters_path(root, source), root)
    path = parameters_path(root, target)
    if path.exists():
        fix = "edit that file instead, or name another quarter"
        raise InputError([Problem(f"parameters/{path.name}", "the file already exists", fix)])
    _gather_before_carry(root, source, console)
    text = parameters_path(root, source).read_text(encoding="utf-8")
    text = re.sub(r"(?m)^quarter:.*$", f"quarter: {target}", text, count=1)
    atomic.write_text(path, text)
    console.say(f"Wrote parameters/{path.name} from parameters/{source}.yaml.")
    narratives = root / "narratives"
    if (narratives / source).is_dir():
        console.say(str(carry_forward(narratives, source, target)))
    else:
        console.say(f"No narratives for {source} to carry forward.")
    console.say(f"Next: check the data paths in parameters/{path.name}, then "
                f"'phreport check {target}'.")  # fmt: skip
    return 0


def cmd_pdf(args, console) -> int:
    """`phreport pdf`: print each area's annex to annex.pdf with headless Chromium."""
    quarter = quarter_id(args.quarter)
    for path in print_quarter(Path(args.project) / "outputs", quarter):
        console.say(f"Wrote {path}")
    return 0


def cmd_import_fingertips(args, console) -> int:
    """`phreport import fingertips`: a Fingertips export into tidy observations."""
    return import_fingertips(Path(args.project), Path(args.file), args.output, args.dry_run,
                             console)  # fmt: skip
