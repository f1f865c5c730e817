"""pyproject.toml and environment.yml declare the same dependencies; constraints pin them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    specs = list(project["dependencies"]) + list(project["optional-dependencies"]["test"])
    return {_name(s): s.replace(" ", "") for s in specs}


def _environment():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    specs = {}
    for item in env["dependencies"]:
        entries = item["pip"] if isinstance(item, dict) else [item]
        for spec in entries:
            name = _name(spec)
            if name in ("python", "pip", "-e"):
                continue
            specs[name] = spec.replace(" ", "")
    return specs


def test_environment_yml_and_pyproject_declare_the_same_packages_and_versions():
    assert _environment() == _pyproject()


def test_constraints_pin_every_declared_package():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line:
            name, version = line.split("==", 1)
            pins[_name(name)] = version
    missing = sorted(set(_pyproject()) - set(pins))
    assert not missing, f"constraints.txt does not pin {missing}; run `pip freeze` into it"


def test_the_console_script_is_phreport():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["scripts"] == {"phreport": "phlib.cli:main"}
