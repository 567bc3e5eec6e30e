"""Layering rules of the package beyond the import-linter contract (docs/architecture.md "Layers"):
agriremed imports sit at the top of their module (so that a cycle cannot hide inside a function),
no module imports another module's private name, the contract has no exceptions and no two
agriremed modules import each other (directly or through a chain)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "agriremed"

#: In-function agriremed imports that stay, as ``"<module>:<imported module>": reason``. Empty:
#: every agriremed import is at module level (in-function imports are kept only for optional heavy
#: third-party libraries, which this test does not look at).
ALLOWED_IN_FUNCTION: dict[str, str] = {}


def module_name(path: Path) -> str:
    """Dotted name of a module file of the package."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _target(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    """Absolute name of the module a ``from … import`` statement reads."""
    if node.level == 0:
        return node.module or ""
    base = module.split(".")[: None if is_package else -1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def scan(source: str, module: str, is_package: bool = False) -> tuple[list, list]:
    """In-function agriremed imports and private names imported from another agriremed module.

    Returns
    -------
    (in_function, private) : two lists
        ``(line, imported module)`` of each agriremed import inside a function, and
        ``(line, imported module, name)`` of each ``_name`` imported from another module.
    """
    in_function, private = [], []

    def visit(node, depth):
        for child in ast.iter_child_nodes(node):
            d = depth + isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.ImportFrom):
                target = _target(module, child, is_package)
                if target.split(".")[0] == "agriremed":
                    if depth:
                        in_function.append((child.lineno, target))
                    private.extend((child.lineno, target, a.name) for a in child.names
                                   if a.name.startswith("_") and not a.name.startswith("__") and target != module)
            elif isinstance(child, ast.Import):
                for a in child.names:
                    if a.name.split(".")[0] == "agriremed" and depth:
                        in_function.append((child.lineno, a.name))
            visit(child, d)

    visit(ast.parse(source), 0)
    return in_function, private


def _modules():
    return sorted(PACKAGE.rglob("*.py"))


def test_the_scanner_finds_what_it_looks_for():
    src = ("from agriremed.models.uptake import _Z95\n"
           "from . import _local\n"
           "def f():\n"
           "    from agriremed.core import columns\n"
           "    import agriremed.io.geo\n"
           "    from numpy import _private\n")
    in_function, private = scan(src, "agriremed.stages.uptake.predict")
    assert in_function == [(4, "agriremed.core"), (5, "agriremed.io.geo")]
    assert private == [(1, "agriremed.models.uptake", "_Z95"), (2, "agriremed.stages.uptake", "_local")]
    # a module's own private names, module-level imports and other packages are not reported
    assert scan("from agriremed.core.columns import _x\nimport numpy\n", "agriremed.core.columns") == ([], [])


def test_no_agriremed_import_inside_a_function():
    found = []
    for path in _modules():
        mod = module_name(path)
        in_function, _ = scan(path.read_text(encoding="utf-8"), mod, path.name == "__init__.py")
        found += [f"{path.relative_to(ROOT)}:{line} imports {target}" for line, target in in_function
                  if f"{mod}:{target}" not in ALLOWED_IN_FUNCTION]
    assert not found, "move these imports to the top of the module (or list them with a reason):\n" + \
        "\n".join(found)


def test_the_allow_list_names_only_imports_that_exist():
    present = set()
    for path in _modules():
        mod = module_name(path)
        in_function, _ = scan(path.read_text(encoding="utf-8"), mod, path.name == "__init__.py")
        present |= {f"{mod}:{target}" for _, target in in_function}
    assert set(ALLOWED_IN_FUNCTION) <= present


def test_no_private_name_is_imported_from_another_module():
    found = []
    for path in _modules():
        _, private = scan(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py")
        found += [f"{path.relative_to(ROOT)}:{line} imports {name} from {target}" for line, target, name in private]
    assert not found, "make these names public (with a docstring) or move them:\n" + "\n".join(found)


def test_the_layer_contract_has_no_exceptions():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    assert [c["layers"] for c in contracts if c["type"] == "layers"] == [
        ["apps", "engine", "io", "stages", "models", "core"]]
    assert all(not c.get("ignore_imports") for c in contracts)


def test_no_import_cycle_between_modules():
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("agriremed", cache_dir=None)
    cycles = []
    for module in sorted(graph.modules):
        for other in graph.find_modules_directly_imported_by(module):
            if other != module and graph.chain_exists(importer=other, imported=module):
                cycles.append(f"{module} -> {other} -> … -> {module}")
    assert not cycles, "\n".join(cycles)
