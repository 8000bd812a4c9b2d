"""Screenshots of the TUI for the README, made from the app itself on a copy of the sample data.

    python scripts/screenshot.py            # writes docs/screenshot-*.svg

Each screen is captured at 120×40 as of 2020-10-31 (the entry screen with a few
figures typed in, so its live checks show).

Rich sizes each run of text in the SVG by its number of characters (``textLength``), so a
browser squeezes a Chinese character, two cells wide on the terminal, into one cell and
the glyphs overlap. :func:`wide_cells` sizes every run by its cells instead;
tests/test_screenshots.py holds the files to it, in headless Chromium too.
"""

from __future__ import annotations

import asyncio
import html
import re
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rich.cells import cell_len  # noqa: E402
from textual.widgets import Input  # noqa: E402

from pledgetrack.config import sqlite_url  # noqa: E402
from pledgetrack.domain.model import Policy  # noqa: E402
from pledgetrack.storage.db import make_engine  # noqa: E402
from pledgetrack.tui.app import create_app  # noqa: E402

SIZE = (120, 40)

#: A run of text in Rich's SVG: its attributes up to textLength, the length, the rest.
SVG_TEXT = re.compile(r'(<text\b[^>]*?\btextLength=")([0-9.]+)("[^>]*>)([^<]*)(</text>)')


def wide_cells(svg: str) -> str:
    """*svg* with each run of text as long as the cells it takes on the terminal (a
    Chinese character two cells), not as its number of characters."""

    def widen(match: re.Match[str]) -> str:
        text = html.unescape(match.group(4))
        if not text or cell_len(text) == len(text):
            return match.group(0)
        cell = float(match.group(2)) / len(text)
        length = f"{cell * cell_len(text):.2f}".rstrip("0").rstrip(".")
        return f"{match.group(1)}{length}{match.group(3)}{match.group(4)}{match.group(5)}"

    return SVG_TEXT.sub(widen, svg)


def save_svg(app, path: Path) -> None:  # type: ignore[no-untyped-def]
    """The screen as an SVG whose wide characters take two cells in a browser."""
    path.write_text(wide_cells(app.export_screenshot()), encoding="utf-8")


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.1)


async def shoot(lang: str, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "pledges.sqlite"
        shutil.copy(ROOT / "data" / "pledges.sqlite", copy)
        engine = make_engine(sqlite_url(copy))
        app = create_app(
            engine, lang=lang, policy=Policy(), as_of=date(2020, 10, 31),
            today=date(2020, 12, 3), user="demo",
        )  # fmt: skip
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            save_svg(app, out / f"screenshot-dashboard-{lang}.svg")
            app.screen.query_one("#search", Input).value = "28"
            await pilot.pause()
            await pilot.press("e")
            await settle(pilot)
            for key, text in (("28.1", "100"), ("28.2", "8"), ("28.3", "95")):
                row = next(r for r in app.screen.rows() if r.line.target.key == key)  # type: ignore[attr-defined]
                field = row.query_one(".e-value", Input)
                field.focus()
                field.value = text
                await pilot.pause()
            await settle(pilot)
            save_svg(app, out / f"screenshot-entry-{lang}.svg")
        engine.dispose()


def main() -> None:
    out = ROOT / "docs"
    out.mkdir(exist_ok=True)
    for lang in ("zh", "en"):
        asyncio.run(shoot(lang, out))
    print(f"wrote {out}/screenshot-{{dashboard,entry}}-{{zh,en}}.svg")


if __name__ == "__main__":
    main()
