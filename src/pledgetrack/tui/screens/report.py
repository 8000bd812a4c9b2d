"""The month-end report of the selected month, as ``pledgetrack report`` prints it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static, TextArea

from pledgetrack.domain.dates import month_label
from pledgetrack.domain.errors import OutputRefused, UnsupportedFileType
from pledgetrack.domain.report_format import ReportFormat, report_format
from pledgetrack.i18n import t
from pledgetrack.services.month_report import (
    MonthReport,
    build_month_report,
    render_report,
    write_report,
)
from pledgetrack.services.output import check_output_file
from pledgetrack.tui.cells import localize_bindings
from pledgetrack.tui.messages import ReportSaved
from pledgetrack.tui.screens.confirm import ConfirmScreen
from pledgetrack.tui.screens.month_report import MonthReportScreen
from pledgetrack.tui.widgets.fitting_footer import FittingFooter
from pledgetrack.tui.widgets.plain import Plain
from pledgetrack.tui.widgets.reading_text import ReadingTextArea

if TYPE_CHECKING:
    from pledgetrack.tui.app import PledgeApp


def default_file_name(report: MonthReport, lang: str) -> str:
    """``report-2020-10-zh.txt`` (in the current directory)."""
    return f"report-{report.month}-{lang}.txt"


def save_error(exc: OSError, lang: str) -> str:
    """Why a save failed, in *lang* for the usual reasons, else as the OS says it."""
    for kind, key in (
        (FileNotFoundError, "tui.preview.error.no_dir"),
        (PermissionError, "tui.preview.error.permission"),
        (IsADirectoryError, "tui.preview.error.is_dir"),
        (FileExistsError, "tui.preview.error.exists"),
    ):
        if isinstance(exc, kind):
            return t(key, lang)
    return exc.strerror or str(exc)


class SaveReportScreen(ModalScreen[str | None]):
    """Asks for the file name; dismisses with it, or None on escape / empty name."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel", key_display="esc")
    ]

    def __init__(self, default: str) -> None:
        super().__init__()
        self.default = default

    @property
    def lang(self) -> str:
        return cast("PledgeApp", self.app).lang

    def compose(self) -> ComposeResult:
        with Vertical(id="save-dialog"):
            yield Plain(t("tui.preview.save.title", self.lang), id="save-title")
            yield Input(self.default, id="save-path")
            yield Plain(t("tui.preview.save.hint", self.lang), id="save-hint")

    def on_mount(self) -> None:
        path = self.query_one("#save-path", Input)
        path.cursor_blink = False
        path.focus()

    @on(Input.Submitted, "#save-path")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReportScreen(MonthReportScreen[None]):
    """The report text, read-only and scrollable; "s" saves it to a file, "g" groups the
    items as bulletins do (完成全年目标 / 超额完成节点目标 / …) or under their pledges again."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "save", "save"),
        Binding("g", "toggle_grouped", "group"),
        Binding("escape", "back", "back", key_display="esc"),
    ]

    @property
    def text(self) -> str:
        """The report text on screen ("" until built)."""
        return self.query_one("#report", TextArea).text

    def compose(self) -> ComposeResult:
        yield Plain(id="report-header")
        # Lines break at whole numbers and words, never before 、 or 。 (domain.linebreak);
        # the text itself, saved and copied, is the report's as rendered.
        yield ReadingTextArea(id="report", show_cursor=False, highlight_cursor_line=False)
        yield FittingFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._lang_changed, init=False)
        self._draw()
        self.query_one("#report", TextArea).focus()
        self._build()

    def _lang_changed(self, _lang: str) -> None:
        self._draw()

    def _draw(self) -> None:
        lang = self.lang
        localize_bindings([self], lang)
        header = self.query_one("#report-header", Static)
        area = self.query_one("#report", TextArea)
        if self.report is None:
            header.update(t("tui.preview.loading", lang))
            return
        header.update(
            t(
                "tui.preview.header",
                lang,
                plan=self.report.plan_title,
                month=month_label(self.report.as_of, lang),
            )
        )
        area.load_text(render_report(self.report, ReportFormat.text, lang))
        area.scroll_home(animate=False)

    def action_toggle_grouped(self) -> None:
        """Group the items by status as bulletins do, or under their pledges again (the
        report saved with "s" is grouped the same way)."""
        if self.report is None:
            return
        self.report.grouped = not self.report.grouped
        self._draw()

    # ---- saving -----------------------------------------------------------------

    def action_save(self) -> None:
        if self.report is None:
            return
        self.app.push_screen(
            SaveReportScreen(default_file_name(self.report, self.lang)), self._save_to
        )

    def _save_to(self, name: str | None) -> None:
        if name is None or self.report is None:
            return
        path = Path(name).expanduser()
        lang = self.lang
        try:
            fmt = report_format(None, path)
        except UnsupportedFileType:
            self._save_failed(path.absolute(), t("tui.preview.error.format", lang))
            return
        report = self.report
        try:
            check_output_file(self.pledge_app.engine, path, force=False)
        except OutputRefused as exc:
            if not exc.exists:  # the database itself
                self._save_failed(path.absolute(), t("tui.preview.error.database", lang))
                return

            def answered(replace: bool | None) -> None:
                if replace:
                    self._save(path, fmt, report, lang, replace=True)

            question = t("tui.preview.replace", lang, path=path.absolute())
            yes, no = t("tui.confirm.yes", lang), t("tui.confirm.no", lang)
            self.app.push_screen(ConfirmScreen(question, yes, no), answered)
            return
        except OSError as exc:
            self._save_failed(path.absolute(), save_error(exc, lang))
            return
        self._save(path, fmt, report, lang)

    @work(thread=True, exit_on_error=False, group="save", description="save the report")
    def _save(
        self,
        path: Path,
        fmt: ReportFormat,
        report: MonthReport,
        lang: str,
        *,
        replace: bool = False,
    ) -> None:
        """Write *report* to *path* in *fmt*, by the same renderers as ``pledgetrack report``."""
        try:
            if fmt.needs_history:  # the workbook's sheet of the month's records
                app = self.pledge_app
                report = build_month_report(
                    app.engine,
                    month=self.as_of,
                    plan=self.plan_code,
                    structure=self.structure,
                    policy=app.policy,
                    with_history=True,
                )
            write_report(report, fmt, lang, path, replace=replace)
        except OutputRefused:  # someone else wrote the file since the question
            self.post_message(ReportSaved(path.absolute(), FileExistsError(path)))
        except OSError as exc:
            self.post_message(ReportSaved(path.absolute(), exc))
        else:
            self.post_message(ReportSaved(path.resolve()))

    @on(ReportSaved)
    def _saved(self, message: ReportSaved) -> None:
        lang = self.lang
        if message.error is None:
            self.notify(t("tui.preview.saved", lang, path=message.path), markup=False)
        else:
            self._save_failed(message.path, save_error(message.error, lang))

    def _save_failed(self, path: Path, reason: str) -> None:
        self.notify(
            t("tui.preview.save.error", self.lang, path=path, reason=reason),
            severity="error",
            markup=False,
        )

    def action_back(self) -> None:
        self.dismiss()
