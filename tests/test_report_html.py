"""The self-contained HTML month-end report: content, no external resources, and a real
browser (headless Chromium) that draws it without making a single request."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import zlib
from dataclasses import dataclass, field
from datetime import date
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from pledgetrack.domain.dates import date_label, month_label
from pledgetrack.domain.model import Status
from pledgetrack.domain.numbers import format_percent
from pledgetrack.domain.report_format import ReportFormat
from pledgetrack.i18n import status_label, t
from pledgetrack.reports.html import render_html
from pledgetrack.reports.model import MonthReport
from pledgetrack.reports.render import render_string
from pledgetrack.reports.text import change_lines, headline, item_paragraph, scorecard_lines
from pledgetrack.services.month_report import build_month_report
from pledgetrack.services.progress import record
from tests.conftest import TODAY

OCTOBER = date(2020, 10, 1)
LANGS = ("zh", "en")
BEHIND_IN_OCTOBER = [8, 15, 18, 26, 28, 30]


@pytest.fixture
def report(qingdao: Engine) -> MonthReport:
    return build_month_report(qingdao, month=OCTOBER)


# --- a small structural reader (stdlib html.parser) -----------------------------------

VOID = {"meta", "link", "br", "img", "hr", "input", "source", "wbr", "col", "area", "base"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def find_all(self, tag: str, cls: str | None = None) -> list[Node]:
        return [n for n in self.walk() if n.tag == tag and (cls is None or cls in n.classes)]

    def one(self, tag: str, cls: str | None = None, **attrs: str) -> Node:
        found = [
            n for n in self.find_all(tag, cls) if all(n.attrs.get(k) == v for k, v in attrs.items())
        ]
        assert len(found) == 1, (tag, cls, attrs, len(found))
        return found[0]

    def content(self) -> str:
        """The text inside, as a browser's textContent would read it."""
        return "".join(self.text) + "".join(c.content() for c in self.children)


class Tree(HTMLParser):
    """Builds a tree and insists that every element is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.doctype: str | None = None

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        assert tag not in VOID, f"</{tag}> closes a void element"
        open_tag = self.stack.pop().tag
        assert open_tag == tag, f"</{tag}> closes <{open_tag}>"

    def handle_data(self, data: str) -> None:
        # Text before an element's first child is its own; later text becomes a child,
        # so content() reads in document order.
        if self.stack[-1].children:
            self.stack[-1].children.append(Node("#text", {}, text=[data]))
        else:
            self.stack[-1].text.append(data)


def parse(page: str) -> Node:
    tree = Tree()
    tree.feed(page)
    tree.close()
    assert tree.stack == [tree.root], [n.tag for n in tree.stack]
    assert tree.doctype == "DOCTYPE html"
    return tree.root


# --- the page on the shipped data ------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_page_is_a_balanced_html5_document(report: MonthReport, lang: str) -> None:
    page = render_html(report, lang)
    assert page.startswith("<!DOCTYPE html>\n")
    doc = parse(page)
    html = doc.one("html")
    assert html.attrs["lang"] == ("zh-CN" if lang == "zh" else "en")
    assert doc.one("meta", charset="utf-8")
    assert doc.one("meta", name="viewport").attrs["content"] == (
        "width=device-width, initial-scale=1"
    )
    title = t("report.title", lang, plan=report.plan_title) + t(
        "report.as_of", lang, date=month_label(report.as_of, lang)
    )
    assert doc.one("head").one("title").content() == title
    assert doc.one("h1").content() == title
    assert len(doc.find_all("style")) == 1
    for anchor in ("summary", "charts", "pledges", "attention", "changes", "departments"):
        assert doc.one("section", id=anchor)
        assert doc.one("a", href=f"#{anchor}")


@pytest.mark.parametrize("lang", LANGS)
def test_page_makes_no_request_of_any_kind(report: MonthReport, lang: str) -> None:
    """Nothing in the page can make the browser fetch anything: no URL at all."""
    page = render_html(report, lang).lower()
    assert "http" not in page  # no http:, https:, no SVG xmlns either
    assert "//" not in page  # no protocol-relative URL, no JS comment (the doctype has none)
    for needle in (
        "<script",
        "<link",
        "<img",
        "<iframe",
        "<object",
        "<embed",
        "@import",
        "url(",
        "src=",
        "srcset",
        "xmlns",
        "xlink",
        "@font-face",
        "<base",
    ):
        assert needle not in page, needle
    doc = parse(render_html(report, lang))
    hrefs = [n.attrs["href"] for n in doc.walk() if "href" in n.attrs]
    assert hrefs and all(h.startswith("#") for h in hrefs), hrefs


def test_the_same_report_renders_the_same_page(report: MonthReport) -> None:
    assert render_html(report, "zh") == render_html(report, "zh")
    assert render_string(report, ReportFormat.html, "en") == render_html(report, "en")


@pytest.mark.parametrize("lang", LANGS)
def test_headline_and_counts(report: MonthReport, lang: str) -> None:
    page = render_html(report, lang)
    doc = parse(page)
    assert doc.one("p", "headline").content() == headline(report, lang)
    assert escape(headline(report, lang)) in page
    counts = {
        li.classes[0]: (li.one("span", "n").content(), li.one("span", "l").content())
        for li in doc.one("ul", "counts").find_all("li")
    }
    assert counts["total"][0] == "36"
    assert counts["s-achieved"] == ("18", status_label(Status.ACHIEVED, lang))
    assert counts["s-ahead"] == ("2", status_label(Status.AHEAD, lang))
    assert counts["s-on_track"] == ("10", status_label(Status.ON_TRACK, lang))
    assert counts["s-behind"] == ("6", status_label(Status.BEHIND, lang))
    assert counts["s-overdue"][0] == counts["s-not_reported"][0] == "0"


@pytest.mark.parametrize("lang", LANGS)
def test_every_pledge_and_item_with_its_paragraph_and_status(
    report: MonthReport, lang: str
) -> None:
    doc = parse(render_html(report, lang))
    items = doc.find_all("article", "item")
    assert len(items) == report.item_count == 36
    assert len(doc.find_all("section", "pledge")) == report.pledge_count == 12
    for section in report.pledges:
        block = doc.one("section", id=f"pledge-{section.no}")
        assert section.title in block.one("h3").content()
        for line in section.items:
            article = block.one("article", id=f"item-{line.no}")
            assert f"s-{line.status.value}" in article.classes
            # The paragraph reads exactly as in the text report; its 【status】 is the badge.
            assert article.content() == item_paragraph(line, lang, report.plan_end)
            badge = article.one("span", "badge").content()
            assert status_label(line.status, lang) in badge
    achieved = [
        int(a.attrs["id"].removeprefix("item-")) for a in items if "s-achieved" in a.classes
    ]
    assert achieved == report.achieved and len(achieved) == 18


@pytest.mark.parametrize("lang", LANGS)
def test_attention_table(report: MonthReport, lang: str) -> None:
    doc = parse(render_html(report, lang))
    table = doc.one("table", "attention")
    heads = [th.content() for th in table.find_all("th")]
    for key in ("col.item", "col.status", "col.completion", "col.expected", "col.department"):
        assert t(key, lang) in heads
    rows = table.one("tbody").find_all("tr")
    assert [line.no for line in report.attention] == BEHIND_IN_OCTOBER
    assert len(rows) == 6
    for row, line in zip(rows, report.attention, strict=True):
        cells = [td.content() for td in row.find_all("td")]
        assert cells[0].startswith(f"{line.no}.") and line.title in cells[0]
        assert row.one("a").attrs["href"] == f"#item-{line.no}"
        assert cells[1] == status_label(Status.BEHIND, lang)
        assert cells[2] == format_percent(line.completion)
        assert cells[3] == format_percent(line.expected)
        assert all(d in cells[4] for d in line.departments)
    first = [td.content() for td in rows[0].find_all("td")]
    assert first[2:4] == ["63.5%", "83.3%"]


@pytest.mark.parametrize("lang", LANGS)
def test_department_scorecard_and_late_note(report: MonthReport, lang: str) -> None:
    doc = parse(render_html(report, lang))
    table = doc.one("table", "scorecard")
    heads = [th.content() for th in table.find_all("th")]
    assert heads == [
        t("col.department", lang),
        t("score.col.items", lang),
        t("score.col.lead", lang),
        *(status_label(s, lang) for s in Status),
        t("score.col.late", lang),
        t("score.col.completion", lang),
    ]
    rows = table.one("tbody").find_all("tr")
    assert len(rows) == len(report.departments) == len(scorecard_lines(report, lang))
    for row, score in zip(rows, report.departments, strict=True):
        cells = [td.content() for td in row.find_all("td")]
        assert cells == [
            score.name,
            str(score.items),
            str(score.lead_items),
            *(str(score.counts[s]) for s in Status),
            str(score.late_reports),
            format_percent(score.completion),
        ]
    note = t("score.late.note", lang, date=date_label(report.reporting_deadline, lang))
    assert doc.one("p", "late-note").content() == note


@pytest.mark.parametrize("lang", LANGS)
def test_three_charts_drawn_from_the_model(report: MonthReport, lang: str) -> None:
    doc = parse(render_html(report, lang))
    charts = doc.one("section", id="charts")
    svgs = charts.find_all("svg")
    assert len(svgs) == 3
    for svg in svgs:
        assert svg.attrs["role"] == "img" and svg.attrs["aria-label"]
        assert "xmlns" not in svg.attrs
    strip, items, departments = svgs
    # Status distribution: one segment per status that occurs, its count written on it.
    assert [x.content() for x in strip.find_all("text")] == ["18", "2", "10", "6"]
    assert "viewbox" not in strip.attrs  # html.parser lowercases attribute names
    # Completion per item, grouped by pledge: every item has a row and its percentage.
    assert items.attrs["viewbox"].startswith("0 0 360 ")
    assert departments.attrs["viewbox"].startswith("0 0 360 ")
    texts = [x.content() for x in items.find_all("text")]
    for section in report.pledges:
        for line in section.items:
            assert format_percent(line.completion) in texts
    assert len(items.find_all("g")) == 36
    # Departments: one row each.
    assert len(departments.find_all("g")) == len(report.departments)


def test_month_over_month_section(qingdao: Engine) -> None:
    october = parse(render_html(build_month_report(qingdao, month=OCTOBER), "zh"))
    lines = [li.content() for li in october.one("ul", "changes").find_all("li")]
    assert lines == ["2020年9月底尚无填报数据，无法比较。"]

    for key, value in (("28.1", "100"), ("28.2", "20"), ("15.1", "9")):
        record(
            qingdao, target_key=key, value=value, as_of="2020-11-30", entered_by="t", today=TODAY
        )
    november = build_month_report(qingdao, month=date(2020, 11, 1))
    assert november.changes.newly_achieved == [15, 28]
    for lang in LANGS:
        doc = parse(render_html(november, lang))
        section = doc.one("section", id="changes")
        assert section.one("h2").content() == t(
            "report.changes", lang, date=month_label(november.changes.previous_as_of, lang)
        )
        assert [li.content() for li in section.find_all("li")] == change_lines(november, lang)


def test_all_text_from_the_model_is_escaped(report: MonthReport) -> None:
    nasty = '<script>alert("x")</script> & <b>'
    first = report.departments[0].model_copy(update={"name": nasty})
    hostile = report.model_copy(
        update={"plan_title": nasty, "department": nasty, "departments": [first]}
    )
    page = render_html(hostile, "en")
    assert "<script" not in page and "<b>" not in page
    assert escape(nasty) in page
    doc = parse(page)
    assert nasty in doc.one("h1").content()
    assert doc.one("table", "scorecard").find_all("td")[0].content() == nasty


def test_nothing_needs_attention(report: MonthReport) -> None:
    calm = report.model_copy(update={"attention": []})
    doc = parse(render_html(calm, "en"))
    section = doc.one("section", id="attention")
    assert not section.find_all("table")
    assert section.one("p").content() == t("report.attention.none", "en")


# --- a real browser ----------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--hide-scrollbars",
    # Belt and braces: even the browser's own background traffic cannot leave the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    assert CHROMIUM
    profile = tmp_path / "profile"
    return subprocess.run(
        [CHROMIUM, *BROWSER_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        timeout=120,
        check=False,
    )


def _png(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the decompressed pixel rows of a PNG file."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return width, height, zlib.decompress(idat)


def _screenshot(tmp_path: Path, page: Path, name: str, size: str, *extra: str) -> Path:
    shot = tmp_path / name
    run = _chromium(
        tmp_path, f"--screenshot={shot}", f"--window-size={size}", *extra, page.as_uri()
    )
    assert shot.exists(), run.stderr.decode(errors="replace")[-2000:]
    width, height, pixels = _png(shot)
    assert (width, height) == tuple(int(x) for x in size.split(","))
    assert shot.stat().st_size > 20_000
    assert len(set(pixels[::7])) > 50, "the screenshot is blank"
    return shot


def _net_log(path: Path) -> list[dict]:
    """The URL requests in a Chromium net log (``--log-net-log``)."""
    text = path.read_text(encoding="utf-8")
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # cut short: the browser did not write the closing brackets
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    return [
        e.get("params", {})
        for e in log["events"]
        if names.get(e["type"]) == "URL_REQUEST_START_JOB" and "url" in e.get("params", {})
    ]


def _from_the_page(request: dict) -> bool:
    """Was this request made for the page (not by the browser for itself)?

    The browser's own traffic (time, component and dictionary updates) has no initiating
    origin; a page opened from a file has the opaque origin "null" and a file:// site.
    """
    if request["url"].startswith(("file:", "data:", "about:", "chrome:")):
        return False
    initiator = request.get("initiator", "")
    return (
        initiator != "not an origin"
        or "file://" in request.get("network_isolation_key", "")
        or "site=file://" in request.get("site_for_cookies", "")
    )


_no_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium binary (apt-get install chromium fonts-noto-cjk; .ci/run installs it)",
)


def needs_chromium(test):  # type: ignore[no-untyped-def]
    """Drives headless Chromium: skipped without it, and slow (a browser start each)."""
    return pytest.mark.slow(_no_chromium(test))


@needs_chromium
def test_chromium_draws_the_page_without_any_request(report: MonthReport, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_html(report, "zh"), encoding="utf-8")
    net = tmp_path / "net.json"
    _screenshot(
        tmp_path,
        page,
        "page.png",
        "1280,2000",
        f"--log-net-log={net}",
        "--net-log-capture-mode=Default",
    )
    _screenshot(tmp_path, page, "phone.png", "390,2000")

    requests = _net_log(net)
    assert not [r["url"] for r in requests if _from_the_page(r)]

    # The browser parsed the whole page: its DOM ends with the scorecard and the footer.
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri()).stdout.decode("utf-8")
    assert escape(headline(report, "zh")) in dom
    assert dom.count('class="item ') == 36
    assert 'id="departments"' in dom and "</footer>" in dom


@needs_chromium
def test_the_request_check_catches_a_page_that_fetches(tmp_path: Path) -> None:
    """The net-log check above is not vacuous: a stylesheet and a background image from the
    web show up as requests from the page."""
    page = tmp_path / "fetches.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="https://cdn.example.com/x.css">'
        "<style>body { background: url(http://img.example.org/bg.png) }</style>"
        "</head><body><p>x</p></body></html>",
        encoding="utf-8",
    )
    net = tmp_path / "net.json"
    _chromium(
        tmp_path,
        f"--log-net-log={net}",
        "--net-log-capture-mode=Default",
        f"--screenshot={tmp_path / 'x.png'}",
        "--window-size=400,300",
        page.as_uri(),
    )
    urls = sorted(r["url"] for r in _net_log(net) if _from_the_page(r))
    assert urls == ["http://img.example.org/bg.png", "https://cdn.example.com/x.css"]
