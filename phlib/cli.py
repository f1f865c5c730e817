"""`phreport`: batch-run a quarter's notebooks into shareable HTML annexes.

Commands (each has --help)::

    phreport run QUARTER [--areas a,b] [--services s,t] [--workers N]
                         [--publication internal|public] [--override-publication-checks]
                         [--timeout SECONDS] [--force] [--explain]
                         [--cluster ADDRESS]
    phreport check QUARTER [--areas a,b] [--services s,t] [--publication internal|public]
    phreport list
    phreport export QUARTER [--areas a,b] [--services s,t] [--publication internal|public]
    phreport narratives pull QUARTER [--areas a,b] [--services s,t]
    phreport narratives carry FROM_QUARTER TO_QUARTER
    phreport new-quarter [QUARTER] [--from PREVIOUS]
    phreport pdf QUARTER
    phreport import fingertips FILE [--output PATH] [--dry-run]

Every command takes `--project DIR` (default: the folder holding `parameters/`, searched
upwards from the current folder). Exit codes: 0 done; 1 a notebook failed (the rest were
still produced); 2 invalid input or a refused public build (nothing written); 3 another run
of the quarter holds the lock; 130 interrupted.

>>> sorted(command_names())[:3]
['phreport check', 'phreport export', 'phreport import fingertips']
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path

# First: importing phlib.run.startup keeps nbformat, imported below, from loading a slow
# optional package (seconds in every phreport process and worker).
from phlib.run.startup import skip_slow_optional_imports

EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_LOCKED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
STARTING_INTERRUPTED = "phreport: interrupted while starting; nothing was read or written."

# Ctrl-C during the imports (most of phreport's first second) exits as an interrupted run
# does, with a line instead of a traceback.
try:
    from phlib import commands
    from phlib.errors import (
        InputError,
        PeriodError,
        PhlibError,
        PublicationError,
        RunLockedError,
    )
    from phlib.run.progress import Console
except KeyboardInterrupt:
    sys.stderr.write(STARTING_INTERRUPTED + "\n")
    raise SystemExit(EXIT_INTERRUPTED) from None


def _names(text: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    if not names:
        raise argparse.ArgumentTypeError("give one or more names separated by commas")
    return names


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("give a number of 1 or more")
    return value


def _scope(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--areas", type=_names, help="only these areas (comma-separated keys)")
    parser.add_argument(
        "--services", type=_names, help="only these services (comma-separated keys)"
    )


def _publication(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--publication",
        choices=("internal", "public"),
        help="build mode (default: the parameter file's 'publication')",
    )


def build_parser() -> argparse.ArgumentParser:
    """The `phreport` argument parser (also read by the test that checks the README)."""
    parser = argparse.ArgumentParser(
        prog="phreport",
        description="Run a quarter's service-area notebooks and publish HTML annexes.",
        epilog="Exit codes: 0 done, 1 a notebook failed, 2 invalid input or refused, "
        "3 the quarter is locked by another run, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument(
        "--project",
        dest="top_project",
        type=Path,
        help="the project folder, before the command (phreport --project DIR run ...)",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--project", type=Path, help="the project folder (default: found from here upwards)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", parents=[common], help="execute and export a quarter")
    run.add_argument("quarter", help="the quarter, e.g. 2022-23-Q3")
    _scope(run)
    run.add_argument("--workers", type=_positive, help="worker processes (default: cores)")
    _publication(run)
    run.add_argument(
        "--override-publication-checks",
        action="store_true",
        help="build a public run despite unreviewed sections or Red indicators without "
        "actions (recorded in the manifest)",
    )
    run.add_argument(
        "--timeout", type=_positive, help="seconds a single cell may run (default: no limit)"
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="execute every notebook, even those whose inputs did not change",
    )
    run.add_argument(
        "--explain",
        action="store_true",
        help="print which notebooks would run or be reused, and why; write nothing",
    )
    run.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="run the notebooks on Dask distributed: tcp://host:8786 for a running scheduler, "
        "local or local:N for a cluster on this machine (default: local worker processes)",
    )

    check = sub.add_parser(
        "check", parents=[common], help="validate a quarter's inputs; run and write nothing"
    )
    check.add_argument("quarter", help="the quarter, e.g. 2022-23-Q3")
    _scope(check)
    _publication(check)

    sub.add_parser("list", parents=[common], help="show the quarters, areas and services")

    export = sub.add_parser(
        "export",
        parents=[common],
        help="re-render HTML from the executed notebooks and the narrative store",
    )
    export.add_argument("quarter", help="the quarter, e.g. 2022-23-Q3")
    _scope(export)
    _publication(export)

    narratives = sub.add_parser("narratives", help="work with the narrative store")
    nsub = narratives.add_subparsers(dest="action", required=True, metavar="ACTION")
    pull = nsub.add_parser(
        "pull", parents=[common], help="gather edits in executed notebooks into the store"
    )
    pull.add_argument("quarter", help="the quarter, e.g. 2022-23-Q3")
    _scope(pull)
    carry = nsub.add_parser(
        "carry", parents=[common], help="copy one quarter's narratives into the next"
    )
    carry.add_argument("from_quarter", help="the quarter to copy from")
    carry.add_argument("to_quarter", help="the quarter to copy to")

    new = sub.add_parser(
        "new-quarter",
        parents=[common],
        help="start the next quarter: its parameter file and carried-forward narratives",
    )
    new.add_argument(
        "quarter", nargs="?", help="the new quarter (default: the one after the latest)"
    )
    new.add_argument(
        "--from",
        dest="from_quarter",
        help="copy from this quarter (default: the latest one before the new quarter)",
    )

    pdf = sub.add_parser("pdf", parents=[common], help="print each annex to PDF (Chromium)")
    pdf.add_argument("quarter", help="the quarter, e.g. 2022-23-Q3")

    bring = sub.add_parser("import", help="bring published data in as tidy observations")
    isub = bring.add_subparsers(dest="action", required=True, metavar="SOURCE")
    fingertips = isub.add_parser(
        "fingertips", parents=[common], help="a Fingertips CSV export (tool or API)"
    )
    fingertips.add_argument("file", help="the export as downloaded, e.g. indicators.csv")
    fingertips.add_argument(
        "--output", type=Path, help="where to write the observations (default data/fingertips.csv)"
    )
    fingertips.add_argument(
        "--dry-run", action="store_true", help="print what would be mapped; write nothing"
    )
    return parser


def command_names(parser: argparse.ArgumentParser | None = None) -> list[str]:
    """Every command as typed, e.g. 'phreport run', 'phreport narratives pull'."""
    parser = parser or build_parser()
    found = []

    def walk(p: argparse.ArgumentParser, prefix: str) -> None:
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    subs = [a for a in child._actions if isinstance(a, argparse._SubParsersAction)]
                    if subs:
                        walk(child, f"{prefix} {name}")
                    else:
                        found.append(f"{prefix} {name}")

    walk(parser, "phreport")
    return found


def command_options(parser: argparse.ArgumentParser | None = None) -> dict[str, list[str]]:
    """Each command's long options (for documentation checks)."""
    parser = parser or build_parser()
    options: dict[str, list[str]] = {}

    def walk(p: argparse.ArgumentParser, prefix: str) -> None:
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    walk(child, f"{prefix} {name}")
        flags = [
            s for a in p._actions for s in a.option_strings if s.startswith("--") and s != "--help"
        ]
        options[prefix] = flags

    walk(parser, "phreport")
    return {k: v for k, v in options.items() if k in command_names(parser)}


def _version() -> str:
    try:
        return f"phreport {metadata.version('phlib')}"
    except metadata.PackageNotFoundError:
        return "phreport (version unknown)"


def find_project(start: Path | None = None) -> Path:
    """The nearest folder, from `start` upwards, that has a `parameters` folder."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "parameters").is_dir():
            return folder
    return here


def main(argv=None) -> int:
    """Run `phreport` with `argv` (default: the command line); returns the exit code."""
    skip_slow_optional_imports()
    args = build_parser().parse_args(argv)
    chosen = getattr(args, "project", None) or args.top_project
    args.project = Path(chosen) if chosen else find_project()
    args.argv = tuple(sys.argv[1:] if argv is None else argv)
    console = Console()
    name = args.command.replace("-", "_")
    if args.command in ("narratives", "import"):
        name = f"{args.command}_{args.action}"
    handler = getattr(commands, f"cmd_{name}")
    try:
        return handler(args, console)
    except RunLockedError as error:
        console.say(f"phreport: {error}")
        return EXIT_LOCKED
    except (InputError, PublicationError, PeriodError) as error:
        console.say(f"phreport: {error}")
        return EXIT_INVALID
    except PhlibError as error:
        console.say(f"phreport: {error}")
        return EXIT_INVALID
    except KeyboardInterrupt:
        console.say("phreport: interrupted; the previous outputs are unchanged.")
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
