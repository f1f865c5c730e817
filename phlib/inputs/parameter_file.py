"""Reading a parameter file: YAML with each key's line, and checks that name the key.

`ParameterReader` collects `Problem`s for one file (each with the file, the line as its row,
the key as its column, what is wrong and how to fix it); `read_yaml` parses the file, noting
every key's line and refusing duplicated keys, and turns a YAML syntax error into a problem
with its line and column.

>>> suggest("servces", ["quarter", "services"])
"did you mean 'services'?"
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import yaml

from phlib.errors import Problem

KEY_PATTERN = re.compile(r"[a-z0-9_]+")
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


def suggest(word: str, choices) -> str:
    """A 'did you mean' phrase for a misspelt key, or '' when nothing is close.

    >>> suggest("zzz", ["quarter", "services"])
    ''
    """
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


class ParameterReader:
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
                fix = f"use lower-case letters, digits and underscores, as in {EXAMPLE[name]}"
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
        path = (self.root / raw.strip()).resolve()
        if not path.is_relative_to(self.root.resolve()):
            fix = "copy the file into the project's data folder and write e.g. data/<file name>"
            self.problem(key, f"{key} must be a file inside the project folder", fix, raw)
        elif not path.is_file():
            fix = "correct the path (relative paths are from the project folder)"
            self.problem(key, f"file {raw!r} does not exist", fix, raw)
        return path


def read_yaml(reader: ParameterReader):
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
