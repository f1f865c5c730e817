"""The README keeps up with the code: commands, options, notebooks and the test command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from phlib.cli import build_parser, command_names, command_options
from phlib.inputs.catalogue import SERVICES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", command_names(build_parser()))
def test_every_command_appears_in_the_readme(command):
    assert command.startswith("phreport ")
    assert command in README, f"README does not mention `{command}`"


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (c, o)
        for c, options in command_options(build_parser()).items()
        for o in options
        if o not in ("-h", "--help")
    ],
)
def test_every_option_appears_in_the_readme(command, option):
    """Each option is documented on a README line naming its command (--project once for all)."""
    if option == "--project":
        assert "takes `--project DIR`" in README
        return
    pattern = rf"(?<![\w-]){re.escape(option)}(?![\w-])"
    lines = [
        line for line in README.splitlines() if f"`{command} " in line or f"`{command}`" in line
    ]
    assert lines, f"README has no line documenting `{command}`"
    assert any(re.search(pattern, line) for line in lines), (
        f"README does not document {option} of `{command}`"
    )


@pytest.mark.parametrize("notebook", sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")))
def test_every_notebook_appears_in_the_readme(notebook):
    assert notebook in README


def test_there_is_one_notebook_per_service():
    assert sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb")) == sorted(SERVICES)


def test_ci_runs_exactly_the_readmes_test_command():
    block = re.search(r"## Two commands.*?```\n(.*?)```", README, re.S)
    assert block, "README lost its 'Two commands' block"
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    assert commands[:2] == ["make report", "make test"]
    ci = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd "))
    ]
    assert ci == ["make test"]


def test_makefile_has_the_targets_the_readme_names():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in re.findall(r"`make (\w+)", README):
        assert re.search(rf"^{target}:", makefile, re.M), f"Makefile has no target {target!r}"
