"""`pledgetrack serve` in headless Chromium: the page asks no other host for anything
(with a control page that does, to show the check sees it), the month's figures are
entered and saved in zh and en, and tabs that close, reload or crash leave no app.

The screen is read from the browser's own terminal (xterm.js's buffer), see
tests/web_support.py (HOOK)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pledgetrack.services.access import add_user
from pledgetrack.services.database import close_database, open_database
from pledgetrack.services.login import set_password
from tests.backends import DEFAULT_BACKEND
from tests.web_support import (
    BROWSER_FLAGS,
    CHROMIUM,
    chromium,
    hook_terminal,
    needs_chromium,
    row_with,
    screen,
    served,
    wait_for_text,
    wait_until,
)

DATA = Path(__file__).resolve().parents[1] / "data"
SIZE = {"width": 1400, "height": 900}

#: What textual-serve's own page has in its head: a stylesheet from Google Fonts.
OUTSIDE_FONT = (
    '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto%20Mono" />'
)

#: Collects the requests the page's Content-Security-Policy refused (they never reach
#: the network, so the request log alone would not show them).
VIOLATIONS_JS = """
window.__refused = [];
document.addEventListener('securitypolicyviolation', (e) => window.__refused.push(e.blockedURI));
"""


#: The people of the browser tests: item 28 (全民阅读设施建设) is 市文化和旅游局's.
PASSWORD = "reading-rooms-2020"
PEOPLE = (
    ("zhao", "admin", None),
    ("wenlv", "staff", "市文化和旅游局"),
    ("minzheng", "staff", "市民政局"),
)
#: The login screen's title, the first thing every browser session shows.
LOGIN_TITLE = {"zh": "pledgetrack 登录", "en": "pledgetrack — log in"}


def with_people(path: Path) -> Path:
    """A copy of the shipped sample at *path* with :data:`PEOPLE`, each with a password."""
    shutil.copy(DATA / "pledges.sqlite", path)
    engine = open_database(f"sqlite:///{path}")
    try:
        for login, role, department in PEOPLE:
            add_user(engine, login=login, role=role, department=department, actor="zhao")
            set_password(engine, login, PASSWORD, actor="zhao")
    finally:
        close_database(engine)
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return with_people(tmp_path / "pledges.sqlite")


@pytest.fixture
def sample_db(tmp_path: Path) -> Iterator[str]:
    """The shipped sample with :data:`PEOPLE` on SQLite. Logins on PostgreSQL are the
    people's own database logins, checked by a server that asks for passwords
    (tests/test_login.py runs them against one, tests/password_server.py); the local
    test server trusts every connection, so the browser tests log in on SQLite."""
    if DEFAULT_BACKEND == "postgresql":
        pytest.skip("logins on PostgreSQL need a password-checking server: tests/test_login.py")
    yield str(with_people(tmp_path / "pledges.sqlite"))


PASSWORD_LABEL = {"zh": "密码", "en": "Password"}


def log_in(page: Any, login: str, lang: str = "zh") -> None:
    """Log in on the page's login screen as *login*, waiting for each step to show."""
    wait_for_text(page, LOGIN_TITLE[lang])
    page.locator(".xterm-helper-textarea").focus()
    page.keyboard.type(login)
    wait_for_text(page, login)
    page.keyboard.press("Enter")
    # Keys typed before the password field has the focus would go to the name field.
    wait_for_text(page, "› " + PASSWORD_LABEL[lang])
    page.keyboard.type(PASSWORD)
    wait_until(lambda: "•" * len(PASSWORD) in screen(page), "the masked password")
    page.keyboard.press("Enter")


class Requests:
    """Every request a page makes (or tries to make), websockets included."""

    def __init__(self, page: Any) -> None:
        self.urls: list[str] = []
        self.page = page
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("websocket", lambda ws: self.urls.append(ws.url))
        page.add_init_script(VIOLATIONS_JS)

    def outside(self, origin: str) -> list[str]:
        """The URLs not of *origin* (http://host:port): requested, or refused by CSP."""
        refused = self.page.evaluate("window.__refused || []")
        socket = "ws" + origin.removeprefix("http")
        return sorted(
            {u for u in self.urls + refused if not u.startswith((origin, socket, "data:"))}
        )


def open_app(browser: Any, url: str) -> tuple[Any, Requests]:
    page = browser.new_page(viewport=SIZE)
    requests = Requests(page)
    hook_terminal(page)
    page.goto(url)
    return page, requests


@needs_chromium
def test_the_page_asks_no_other_host(db: Path) -> None:
    with served(db) as server, chromium() as browser:
        origin = server.url.rstrip("/")
        page, requests = open_app(browser, server.url + "?lang=zh")
        wait_for_text(page, LOGIN_TITLE["zh"])
        log_in(page, "wenlv")
        wait_for_text(page, "2020年青岛市市办实事", "已完成 18/36")
        page.evaluate("document.fonts.ready")
        assert requests.outside(origin) == []
        # The terminal script, its CSS and font came from here, and the font is in use.
        assert any(u.endswith("/static/js/textual.js") for u in requests.urls)
        assert any(u.endswith("/static/css/xterm.css") for u in requests.urls)
        assert any(u.endswith("RobotoMono-VariableFont_wght.ttf") for u in requests.urls)
        assert page.evaluate("document.fonts.check(\"16px 'Roboto Mono'\")")
        assert any(u.startswith(f"ws{origin.removeprefix('http')}/ws/zh") for u in requests.urls)


@needs_chromium
@pytest.mark.parametrize("policy", ["kept", "removed"])
def test_the_check_sees_a_page_that_asks_another_host(db: Path, policy: str) -> None:
    """Control: the same page with textual-serve's Google Fonts link put back. With our
    Content-Security-Policy the browser refuses it; without, it requests it: either way
    the check above names it."""
    with served(db) as server, chromium() as browser:
        origin = server.url.rstrip("/")
        page = browser.new_page(viewport=SIZE)
        requests = Requests(page)

        def with_outside_font(route: Any) -> None:
            response = route.fetch()
            headers = dict(response.headers)
            if policy == "removed":
                headers.pop("content-security-policy")
            body = response.text().replace("<title>", OUTSIDE_FONT + "<title>")
            route.fulfill(response=response, body=body, headers=headers)

        page.route(server.url + "?lang=en", with_outside_font)
        page.goto(server.url + "?lang=en")
        wait_until(lambda: requests.outside(origin), "the outside request", 60)
        assert requests.outside(origin) == ["https://fonts.googleapis.com/css?family=Roboto%20Mono"]


ENTRY = {
    # lang: (dashboard before, after saving, the entry sheet's heading, item 28's status)
    "zh": ("已完成 18/36", "已完成 19/36", "月度填报", "已完成"),
    "en": ("achieved 18 of 36", "achieved 19 of 36", "Monthly entry", "achieved"),
}
REPORT = {"zh": "进展情况", "en": "progress report"}
SEARCH_ONE = {"zh": "显示1项", "en": "1 item shown"}
CHANGED = {"zh": "已改{n}", "en": "changed {n}"}
NOVEMBER = {"zh": "截至2020年11月30日", "en": "as of 2020-11-30"}


def footer(page: Any) -> str:
    """The terminal's last row: the app's footer with the keys that work now."""
    rows = [row for row in screen(page).splitlines() if row.strip()]
    return rows[-1] if rows else ""


def focus(page: Any) -> None:
    """Give the terminal the keyboard, and wait until the app knows (its table's Enter
    binding shows in the footer: Textual shows no bindings while the page is blurred)."""
    page.locator(".xterm-helper-textarea").focus()
    wait_for_text(page, "⏎")


@needs_chromium
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_enter_two_figures_save_see_the_dashboard_change_and_read_the_report(
    sample_db: str, lang: str
) -> None:
    before, after, heading, achieved = ENTRY[lang]
    with served(sample_db) as server, chromium() as browser:
        page, _ = open_app(browser, f"{server.url}?lang={lang}")
        log_in(page, "wenlv", lang)
        wait_for_text(page, before)
        keys = page.keyboard
        focus(page)
        # Find item 28 (全民阅读设施建设, behind in October) and open its department's sheet.
        # Each key that moves the focus is followed by a wait for the footer to show it
        # (the app handles a key after the focus moved, as a person's next key would be).
        keys.press("/")
        wait_until(lambda: "⏎" not in footer(page), "the search field to have the focus")
        keys.type("28")
        wait_for_text(page, SEARCH_ONE[lang])
        assert achieved not in row_with(page, "全民阅读设施建设")
        keys.press("Enter")
        wait_until(lambda: "⏎" in footer(page), "the table to have the focus again")
        keys.press("e")
        # The help line names the target whose field has the focus: the first figure's.
        wait_for_text(page, heading, "· 28.1 书亭")
        # Two figures: 28.1 book kiosks 100 (of 100), 28.2 reading rooms 20 (of 20); Enter
        # goes from a figure to its note, and from the note to the next figure.
        keys.type("100")
        wait_for_text(page, CHANGED[lang].format(n=1))
        keys.press("Enter")
        keys.press("Enter")
        wait_for_text(page, "· 28.2 书屋")
        keys.type("20")
        wait_for_text(page, CHANGED[lang].format(n=2))
        assert "100" in row_with(page, "28.1") and "20" in row_with(page, "28.2")
        keys.press("Control+s")
        # Back on the dashboard, as of the month just entered: item 28 is achieved.
        shown = wait_for_text(page, after, NOVEMBER[lang])
        assert achieved in row_with(page, "全民阅读设施建设"), shown
        # Saved in the database: a new tab (a new app process) shows the same.
        page.close()
        wait_until(lambda: len(server.apps()) == 0, "the closed tab's app to end")
        again, _ = open_app(browser, f"{server.url}?lang={lang}")
        log_in(again, "wenlv", lang)
        wait_for_text(again, after, NOVEMBER[lang])  # opens on the month just entered
        # The month-end report of that month, read in the browser.
        focus(again)
        again.keyboard.press("r")
        report = wait_for_text(again, REPORT[lang])
        assert "19" in report, report


READ_ONLY = {
    "zh": "只读：minzheng是市民政局的填报人员，只能填报本单位的指标；市文化和旅游局的指标由该单位填报",
    "en": "Read only: minzheng enters figures for 市民政局 only",
}


@needs_chromium
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_another_departments_staff_is_refused_for_those_targets(sample_db: str, lang: str) -> None:
    """minzheng (市民政局) logs in: the entry sheet opens on their own department; item
    28's (市文化和旅游局) is read only, says why, and takes no figure."""
    before = ENTRY[lang][0]
    with served(sample_db) as server, chromium() as browser:
        page, _ = open_app(browser, f"{server.url}?lang={lang}")
        log_in(page, "minzheng", lang)
        wait_for_text(page, before)
        focus(page)
        keys = page.keyboard
        keys.press("e")
        # Their own sheet: 22.1 is 市民政局's first target, 28.1 is not on it.
        wait_for_text(page, ENTRY[lang][2], "· 22.1 ")
        assert "28.1" not in screen(page)
        # Back to the department box (two fields up), open it, pick 市文化和旅游局 by typing.
        keys.press("Shift+Tab")
        keys.press("Shift+Tab")
        keys.press("Shift+Tab")
        keys.press("Enter")
        wait_for_text(page, "市公安局")  # the list of departments is open
        keys.type("市文化")
        keys.press("Enter")
        shown = wait_for_text(page, READ_ONLY[lang], "28.1")
        # A figure typed into 28.1 is refused: nothing changed, nothing to save.
        keys.press("Tab")
        keys.type("100")
        keys.press("Control+s")
        keys.press("Escape")
        wait_for_text(page, before)  # the keys above were handled, in order
        assert CHANGED[lang].format(n=1) not in shown
    conn = sqlite3.connect(sample_db)
    try:
        november = conn.execute(
            "SELECT count(*) FROM snapshot s JOIN target t ON t.id = s.target_id "
            "WHERE t.key LIKE '28.%' AND s.as_of > '2020-10-31'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert november == 0


@needs_chromium
def test_tabs_closed_reloaded_or_crashed_leave_no_app(db: Path) -> None:
    with served(db) as server, chromium() as browser:
        assert server.apps() == set()
        pages = [open_app(browser, f"{server.url}?lang=zh")[0] for _ in range(3)]
        for page in pages:
            wait_for_text(page, LOGIN_TITLE["zh"])
        first_three = server.apps()
        assert len(first_three) == 3
        # Closing a tab ends its app.
        pages[0].close()
        wait_until(lambda: len(server.apps()) == 2, "two apps")
        # Reloading a tab ends its app and starts another.
        pages[1].reload()
        wait_for_text(pages[1], LOGIN_TITLE["zh"])
        wait_until(lambda: len(server.apps()) == 2, "two apps after the reload")
        assert server.apps() != first_three - {min(first_three)}
        # Reloading at once, before the app has drawn: no app is left behind either.
        for _ in range(3):
            _reload_at_once(pages[1])
        wait_for_text(pages[1], LOGIN_TITLE["zh"])
        wait_until(lambda: len(server.apps()) == 2, "two apps after quick reloads")
        # A tab whose renderer crashes (no closing handshake at all) ends its app too. In
        # a browser of its own: tabs of one site may share a renderer process, and a busy
        # machine's Chromium then takes the others down with it.
        other = browser.browser_type.launch(executable_path=CHROMIUM, args=BROWSER_FLAGS)
        try:
            crashed = open_app(other, f"{server.url}?lang=zh")[0]
            wait_for_text(crashed, LOGIN_TITLE["zh"])
            wait_until(lambda: len(server.apps()) == 3, "three apps")
            _crash(crashed)
            wait_until(lambda: len(server.apps()) == 2, "two apps after the crash", 90)
        finally:
            other.close()
        browser.close()
        wait_until(lambda: server.apps() == set(), "no app once the browser is gone")


def _reload_at_once(page: Any) -> None:
    """Reload *page* without waiting for more than the navigation's start. A reload asked
    for while the last one swaps the page's renderer may find no page attached for a
    moment (Chromium under load): asked again then, as a person pressing F5 again would."""
    from playwright.sync_api import Error

    for attempt in range(20):
        try:
            page.reload(wait_until="commit")
            return
        except Error as exc:
            if "Not attached to an active page" not in str(exc) or attempt == 19:
                raise
            page.wait_for_timeout(100)


def _crash(page: Any) -> None:
    """Crash the tab's renderer (Chromium's own ``chrome://crash``)."""
    try:
        page.goto("chrome://crash", timeout=10_000)
    except Exception:
        pass
