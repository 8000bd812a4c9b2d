"""The README's screenshots (docs/screenshot-*.svg, made by scripts/screenshot.py) show
Chinese as the terminal does: a character two cells wide, glyphs side by side, never on
top of each other — checked in the SVG's numbers, and in headless Chromium's layout."""

from __future__ import annotations

import html
import importlib.util
import json
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.test_report_html import _chromium, needs_chromium

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = sorted((ROOT / "docs").glob("screenshot-*.svg"))


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("screenshot", ROOT / "scripts" / "screenshot.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


screenshot = _script()


def runs(svg: str) -> list[tuple[str, float, float]]:
    """(text, x, textLength) of every run of terminal text in *svg*."""
    out = []
    for match in re.finditer(
        r'<text\b[^>]*?\bx="([0-9.]+)"[^>]*?\btextLength="([0-9.]+)"[^>]*>([^<]*)</text>', svg
    ):
        out.append((html.unescape(match.group(3)), float(match.group(1)), float(match.group(2))))
    return out


def squashed(svg: str) -> str:
    """*svg* as Rich writes it: each run as long as its number of characters."""

    def squash(match: re.Match[str]) -> str:
        text = html.unescape(match.group(4))
        cell = float(match.group(2)) / cell_len(text) if cell_len(text) else 0.0
        return f"{match.group(1)}{cell * len(text):.2f}{match.group(3)}{match.group(4)}{match.group(5)}"

    return screenshot.SVG_TEXT.sub(squash, svg)


def test_there_are_readme_screenshots_in_both_languages() -> None:
    names = {path.name for path in SCREENSHOTS}
    assert {
        f"screenshot-{screen}-{lang}.svg"
        for screen in ("dashboard", "entry")
        for lang in ("zh", "en")
    } <= names


@pytest.mark.parametrize("path", SCREENSHOTS, ids=lambda p: p.name)
def test_every_run_of_text_is_as_long_as_its_cells(path: Path) -> None:
    found = runs(path.read_text(encoding="utf-8"))
    chinese = [text for text, _, _ in found if cell_len(text) > len(text)]
    if "-zh" in path.name:
        assert chinese, "a Chinese screenshot without Chinese text"
    cells = {round(length / cell_len(text), 2) for text, _, length in found if cell_len(text)}
    assert cells == {12.2}  # one cell's width, for every run, Chinese or not


def test_wide_cells_sizes_chinese_by_cells_and_leaves_the_rest() -> None:
    svg = (
        '<text class="r1" x="12.2" y="20" textLength="36.6" clip-path="url(#c)">已完成</text>'
        '<text class="r1" x="85.4" y="20" textLength="61" clip-path="url(#c)">18/36</text>'
        '<text class="r1" x="0" y="20" textLength="24.4" clip-path="url(#c)">&#160;·</text>'
    )
    assert runs(screenshot.wide_cells(svg)) == [
        ("已完成", 12.2, 73.2),
        ("18/36", 85.4, 61.0),
        ("\xa0·", 0.0, 24.4),
    ]


# ---- in a browser ------------------------------------------------------------------------

#: Lays the SVG out and writes, into the page, every pair of neighbouring glyphs on a line
#: that overlap by more than a pixel (within one run of text and between runs).
OVERLAP_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{svg}
<pre id="result"></pre><script>
const found = [];
const texts = Array.from(document.querySelectorAll("svg text")).filter(t => t.getNumberOfChars() > 0);
const lines = new Map();
for (const text of texts) {{
  const y = text.getAttribute("y");
  if (!lines.has(y)) lines.set(y, []);
  for (let i = 0; i < text.getNumberOfChars(); i++) {{
    const box = text.getExtentOfChar(i);
    const ch = text.textContent[i];
    if (ch.trim() === "" || ch === "\\u00a0") continue;
    lines.get(y).push({{ch, left: box.x, right: box.x + box.width}});
  }}
}}
for (const glyphs of lines.values()) {{
  glyphs.sort((a, b) => a.left - b.left);
  for (let i = 1; i < glyphs.length; i++) {{
    if (glyphs[i].left < glyphs[i - 1].right - 1) found.push(glyphs[i - 1].ch + glyphs[i].ch);
  }}
}}
document.getElementById("result").textContent = JSON.stringify({{glyphs: texts.length, overlaps: found}});
</script></body></html>"""


def overlaps_in_chromium(svg: str, tmp_path: Path) -> dict[str, object]:
    page = tmp_path / "page.html"
    page.write_text(OVERLAP_PAGE.format(svg=svg), encoding="utf-8")
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri()).stdout.decode("utf-8")
    match = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
    assert match, dom[-2000:]
    return json.loads(html.unescape(match.group(1)))  # type: ignore[no-any-return]


@needs_chromium
@pytest.mark.parametrize("path", SCREENSHOTS, ids=lambda p: p.name)
def test_chromium_draws_the_screenshot_without_overlapping_glyphs(
    path: Path, tmp_path: Path
) -> None:
    result = overlaps_in_chromium(path.read_text(encoding="utf-8"), tmp_path)
    assert result["glyphs"], "nothing laid out"
    assert result["overlaps"] == []


@needs_chromium
def test_the_overlap_check_catches_rich_s_squashed_chinese(tmp_path: Path) -> None:
    """Not vacuous: the same screenshot sized as Rich sizes it has overlapping Chinese."""
    svg = (ROOT / "docs" / "screenshot-dashboard-zh.svg").read_text(encoding="utf-8")
    result = overlaps_in_chromium(squashed(svg), tmp_path)
    assert len(result["overlaps"]) > 50  # type: ignore[arg-type]
    assert any("完" in pair or "成" in pair for pair in result["overlaps"])  # type: ignore[union-attr]
