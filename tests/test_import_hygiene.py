"""Headless modules never import textual: the CLI, reports and services stay light."""

import subprocess
import sys


def test_headless_modules_do_not_import_textual() -> None:
    code = (
        "import sys\n"
        "import pledgetrack.cli, pledgetrack.services.status, pledgetrack.services.progress\n"
        "import pledgetrack.services.month_report, pledgetrack.reports.text, pledgetrack.exchange.plan_file\n"
        "print('textual' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_domain_is_pure() -> None:
    code = (
        "import sys\n"
        "import pledgetrack.domain.progress, pledgetrack.domain.evaluation, pledgetrack.domain.plan\n"
        "print(sorted(m for m in ('sqlmodel', 'sqlalchemy', 'textual') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
