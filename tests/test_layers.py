"""Imports follow the flow tui/cli → services → storage/exchange → domain.

Every module under src/pledgetrack is read with ``ast`` (not imported), and every
import in it counts: at the top, inside a function, under ``if TYPE_CHECKING``.
An import of another pledgetrack module is allowed when the table below has an
edge from the importer's layer to the imported module's layer.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "pledgetrack"

#: The message catalog, its own layer: every layer may say things.
CATALOG = ("pledgetrack.i18n",)

#: Layer → the layers its modules may import. A layer may always import itself.
ALLOWED: dict[str, frozenset[str]] = {
    "tui": frozenset({"services", "domain", "config", "catalog"}),
    "cli": frozenset({"services", "domain", "config", "catalog"}),
    "services": frozenset({"storage", "exchange", "reports", "domain", "config", "catalog"}),
    "storage": frozenset({"domain"}),
    "exchange": frozenset({"domain"}),
    # Renderers write workbooks with exchange's cell and sheet helpers (a file format
    # beside another); they never reach storage or services.
    "reports": frozenset({"domain", "catalog", "exchange"}),
    "catalog": frozenset({"domain"}),
    "config": frozenset({"domain"}),
    "domain": frozenset(),
    # `pledgetrack serve`: runs the app as processes, never imports the TUI or services.
    "web": frozenset({"catalog"}),
    "root": frozenset(),
    # `python -m pledgetrack`: the command line, nothing else.
    "__main__": frozenset({"entry"}),
    # The `pledgetrack` command: notes the invoked command, then runs the command line.
    "entry": frozenset({"cli"}),
}

#: The edges allowed only inside a function: the CLI opens the TUI, and `serve` the web
#: server, lazily, so no other sub-command loads textual or aiohttp.
LAZY_ONLY = {
    ("cli", "pledgetrack.tui.app"),
    ("cli", "pledgetrack.web.server"),
    ("cli", "pledgetrack.web.command"),
}

#: Besides pledgetrack and the standard library, the domain imports only these.
DOMAIN_THIRD_PARTY = frozenset({"numpy", "dateutil", "pypinyin"})


def layer_of(module: str) -> str:
    """The layer of a pledgetrack module name."""
    if module in CATALOG or any(module.startswith(c + ".") for c in CATALOG):
        return "catalog"
    parts = module.split(".")
    if len(parts) == 1:
        return "root"
    top = parts[1]
    if top in ALLOWED:
        return top
    raise AssertionError(f"{module}: no layer; add its package to tests/test_layers.py")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_modules() -> list[tuple[str, Path]]:
    return sorted((module_name(p), p) for p in PACKAGE.rglob("*.py"))


def imports(module: str, path: Path) -> Iterator[tuple[str, bool]]:
    """(imported module, inside a function) for every import in *path*; relative imports
    resolved, ``from package import name`` read as the module ``package.name``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def walk(node: ast.AST, in_function: bool) -> Iterator[tuple[str, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, in_function
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:
                    name = f"{base}.{alias.name}"
                    # `from pledgetrack.x import y`: y is a module when there is a file for it.
                    yield (name if is_module(name) else base), in_function
            inner = in_function or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            yield from walk(child, inner)

    yield from walk(tree, False)


def is_module(name: str) -> bool:
    if not name.startswith("pledgetrack."):
        return False
    relative = Path(*name.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").is_file() or (
        PACKAGE / relative / "__init__.py"
    ).is_file()


def allowed(module: str, imported: str, in_function: bool) -> bool:
    """Whether *module* may import *imported* (inside a function when *in_function*)."""
    layer = layer_of(module)
    top = imported.split(".")[0]
    if top != "pledgetrack":
        return (
            layer != "domain"
            or top in sys.stdlib_module_names
            or top in DOMAIN_THIRD_PARTY
            or top == "__future__"
        )
    target = layer_of(imported)
    if target == layer or target in ALLOWED[layer]:
        return True
    return in_function and (layer, imported) in LAZY_ONLY


def violations(prefix: str = "pledgetrack") -> list[str]:
    """``module -> imported`` for every import against the flow, of the modules under
    *prefix*."""
    return sorted(
        {
            f"{module} -> {imported}"
            for module, path in source_modules()
            if module == prefix or module.startswith(prefix + ".")
            for imported, in_function in imports(module, path)
            if not allowed(module, imported, in_function)
        }
    )


def test_the_tui_imports_only_services_domain_config_and_the_catalog() -> None:
    found = violations("pledgetrack.tui")
    print("\n".join(found))
    assert found == []


def test_every_import_follows_the_flow() -> None:
    found = violations()
    print("\n".join(found))
    assert found == []


def test_the_check_sees_an_import_against_the_flow(tmp_path: Path) -> None:
    """The walk finds imports inside functions and resolves relative ones."""
    source = tmp_path / "probe.py"
    source.write_text(
        "from . import queries\n"
        "def f():\n"
        "    from ...storage.queries import load_structure\n"
        "    import pledgetrack.reports.build\n",
        encoding="utf-8",
    )
    found = list(imports("pledgetrack.tui.screens.probe", source))
    assert found == [
        ("pledgetrack.tui.screens", False),
        ("pledgetrack.storage.queries", True),
        ("pledgetrack.reports.build", True),
    ]
    assert layer_of("pledgetrack.i18n.catalog") == "catalog"
    assert layer_of("pledgetrack.tui.screens.dashboard") == "tui"


def test_the_table_refuses_edges_against_the_flow() -> None:
    assert not allowed("pledgetrack.tui.data", "pledgetrack.storage.queries", False)
    assert not allowed("pledgetrack.storage.writes", "pledgetrack.exchange.plan_file", False)
    assert not allowed("pledgetrack.reports.build", "pledgetrack.storage.queries", True)
    assert not allowed("pledgetrack.cli", "pledgetrack.tui.app", False)
    assert allowed("pledgetrack.cli", "pledgetrack.tui.app", True)
    assert not allowed("pledgetrack.domain.model", "sqlmodel", False)
    assert allowed("pledgetrack.domain.columns", "numpy", False)
    assert allowed("pledgetrack.services.status", "pledgetrack.storage.queries", False)
