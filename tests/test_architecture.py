"""The package's shape: layers that run one way, no hidden circles, a map that cannot drift.

The import graph is read from the source with `ast`, imports inside functions included, so a
circle cannot hide behind a late import. The layering itself is import-linter's, declared in
pyproject.toml and run here as `make lint` runs it.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "phlib"
ARCHITECTURE = ROOT / "docs" / "ARCHITECTURE.md"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
PACKAGES = {name for name, p in MODULES.items() if p.name == "__init__.py"}


def imports(path: Path):
    """(imported module, imported name or None, inside a function?, line) for every import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inner = {
        id(node)
        for function in ast.walk(tree)
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        for node in ast.walk(function)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, id(node) in inner, node.lineno
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: use absolute imports"
            for alias in node.names:
                yield node.module, alias.name, id(node) in inner, node.lineno


def phlib_edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        for module, imported, _, _ in imports(path):
            if not module.startswith("phlib"):
                continue
            target = f"{module}.{imported}" if f"{module}.{imported}" in MODULES else module
            if target in MODULES and target != name:
                edges[name].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_cycle_finder_finds_a_circle_hidden_in_a_function():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles_counting_imports_inside_functions():
    assert cycles(phlib_edges()) == []


def test_no_phlib_import_inside_a_function():
    late = [
        f"{name}:{line} imports {module}"
        for name, path in MODULES.items()
        for module, _, inner, line in imports(path)
        if inner and module.startswith("phlib")
    ]
    assert late == []


def deferred_packages() -> set[str]:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    part = text[text.index("### Deferred imports") : text.index("## Modules")]
    return set(re.findall(r"^\| `([\w.]+)` \|", part, re.M))


def test_only_documented_heavy_packages_are_imported_inside_functions():
    allowed = deferred_packages()
    assert {"playwright", "papermill"} <= allowed
    late = {
        f"{name}:{line} imports {module}"
        for name, path in MODULES.items()
        for module, _, inner, line in imports(path)
        if inner and module.split(".")[0] not in allowed
    }
    assert late == set()


def test_no_private_name_is_imported_from_another_module():
    private = [
        f"{name}:{line} imports {imported} from {module}"
        for name, path in MODULES.items()
        for module, imported, _, line in imports(path)
        if module.startswith("phlib") and imported and imported.startswith("_")
    ]
    assert private == []


@pytest.mark.parametrize("package", sorted(PACKAGES - {"phlib"}))
def test_each_subpackage_says_its_job_in_one_line_and_re_exports_nothing(package):
    tree = ast.parse(MODULES[package].read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree)
    assert doc and "\n" not in doc.strip() and ":" in doc, package
    assert len(tree.body) == 1, f"{package}/__init__.py should hold only its docstring"


def test_every_subpackage_sits_in_a_declared_layer():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    named = {part.strip() for layer in layers for part in layer.split("|")}
    top = {".".join(name.split(".")[:2]) for name in MODULES if name != "phlib"}
    assert top == named


def lint_imports(*args: str) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(script), *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_import_linter_contracts_are_kept():
    done = lint_imports()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_import_linter_catches_an_upward_import(tmp_path):
    # the same contracts on a copy of the package with one rule importing the runner
    copy = tmp_path / "phlib"
    for path in MODULES.values():
        target = copy / path.relative_to(PACKAGE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    bad = copy / "rules" / "ratings.py"
    bad.write_text(bad.read_text(encoding="utf-8") + "\nfrom phlib.run import quarter\n")
    (tmp_path / "pyproject.toml").write_text(
        (ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    script = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode != 0
    assert "phlib.rules.ratings -> phlib.run.quarter" in done.stdout


def documented_modules() -> set[str]:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    part = text[text.index("## Modules") : text.index("## Data files")]
    return set(re.findall(r"^\| `(phlib(?:\.\w+)*)` \|", part, re.M))


def test_architecture_names_every_module_and_only_modules_that_exist():
    actual = set(MODULES) - PACKAGES
    documented = documented_modules()
    assert sorted(actual - documented) == [], "modules missing from docs/ARCHITECTURE.md"
    assert sorted(documented - actual) == [], "docs/ARCHITECTURE.md names modules that do not exist"
