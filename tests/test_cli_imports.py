"""The command line goes through the services: it imports services, domain, config and
the message catalog, and the TUI only inside the function that opens it; and it starts
without loading the heavy libraries its commands import when they run."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CLI = Path(__file__).resolve().parents[1] / "src" / "pledgetrack" / "cli"
ALLOWED = ("pledgetrack.cli", "pledgetrack.services", "pledgetrack.domain")
ALLOWED_MODULES = ("pledgetrack.config", "pledgetrack.i18n")
#: Imported inside a function only: the TUI, opened when no command is given, and the
#: web server and its app command line (`pledgetrack serve`).
LAZY_ONLY = ("pledgetrack.tui.app", "pledgetrack.web.server", "pledgetrack.web.command")


def imports(tree: ast.AST) -> list[tuple[str, bool]]:
    """(module, at module level) for every pledgetrack import in *tree*."""
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = top and not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom) and child.module:
                names = [child.module]
                if child.module == "pledgetrack":
                    names = [f"pledgetrack.{a.name}" for a in child.names]
                found.extend((n, top) for n in names)
            elif isinstance(child, ast.Import):
                found.extend((a.name, top) for a in child.names)
            visit(child, inner)

    visit(tree, True)
    return [(m, top) for m, top in found if m.startswith("pledgetrack")]


def allowed(module: str) -> bool:
    return module in ALLOWED_MODULES or any(
        module == p or module.startswith(p + ".") for p in ALLOWED
    )


def test_the_cli_imports_only_services_domain_config_and_the_catalog() -> None:
    wrong = []
    for path in sorted(CLI.glob("*.py")):
        for module, top in imports(ast.parse(path.read_text(encoding="utf-8"))):
            if allowed(module) or (module in LAZY_ONLY and not top):
                continue
            wrong.append(f"{path.name}: {module}{'' if top else ' (in a function)'}")
    assert wrong == []


def test_the_cli_starts_without_numpy_textual_alembic_aiohttp_or_the_office_libraries() -> None:
    code = (
        "import sys\n"
        "import pledgetrack.cli\n"
        "heavy = ('numpy', 'textual', 'alembic', 'openpyxl', 'docx', 'plotext', 'aiohttp')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
