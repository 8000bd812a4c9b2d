"""The item detail's evidence (佐证材料) keys: attach a file to the highlighted figure
(``a``), open one with the system viewer (``o``), withdraw one attached by mistake
(``w``, with a reason). Apart from the screen's layout (item_detail.py); the services
decide who may (services/evidence.py)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, cast

from textual import work

from pledgetrack.i18n import t
from pledgetrack.tui.refusals import entry_refusal_text
from pledgetrack.tui.widgets.fitted_table import FittedTable

if TYPE_CHECKING:
    from pledgetrack.domain.evaluation import ItemRow, TargetRow
    from pledgetrack.domain.model import StoredReading
    from pledgetrack.services.evidence import EvidenceLine
    from pledgetrack.tui.app import PledgeApp

    _Screen = Any  # the screen this is mixed into (textual's Screen)
else:
    _Screen = object


class EvidenceActions(_Screen):
    """Mixed into the item detail screen, which keeps the history and its files."""

    row: ItemRow
    target_id: int | None
    history: dict[int, list[StoredReading]]
    evidence: dict[int, dict[int, list[EvidenceLine]]]

    @property
    def lang(self) -> str:
        raise NotImplementedError

    def _post_history(self, target_id: int) -> None:
        raise NotImplementedError

    def _highlighted_figure(self) -> tuple[TargetRow, StoredReading, bool] | None:
        """The target shown and the reading highlighted in its history when the history
        has the focus (True), else its latest reading (False); None, said in a
        notification, when it has no reading yet."""
        target = next((t for t in self.row.targets if t.info.id == self.target_id), None)
        entries = self.history.get(self.target_id or 0) if target is not None else None
        if target is None or not entries:
            self.notify(t("evidence.no_reading", self.lang), severity="warning")
            return None
        table = self.query_one("#history", FittedTable)
        if table.has_focus and 0 <= table.cursor_row < len(entries):
            return target, entries[table.cursor_row], True
        return target, entries[-1], False  # oldest first: the last is the current latest

    def _figure_files(self, pick_title: str, then: Any) -> None:
        """Call *then* with a file of the highlighted figure (asked which when several;
        without a highlighted reading, any of the target's), or say there is none."""
        figure = self._highlighted_figure()
        if figure is None:
            return
        target, entry, highlighted = figure
        by_reading = self.evidence.get(target.info.id, {})
        files = (
            by_reading.get(entry.id or 0, [])
            if highlighted
            else [f for reading in by_reading.values() for f in reading]
        )
        if not files:
            self.notify(t("evidence.none", self.lang), severity="warning")
            return
        if len(files) == 1:
            then(files[0])
            return
        from pledgetrack.tui.screens.pick import PickScreen

        def picked(line: EvidenceLine | None) -> None:
            if line is not None:
                then(line)

        options = [(f"{f.as_of.isoformat()} {f.file_name}", f) for f in files]
        self.app.push_screen(PickScreen(t(pick_title, self.lang), "", options), picked)

    # ---- attach -------------------------------------------------------------------

    def action_attach(self) -> None:
        """Ask for a file and attach it to the highlighted figure."""
        figure = self._highlighted_figure()
        if figure is None:
            return
        target, entry, _highlighted = figure
        from pledgetrack.tui.screens.evidence_path import EvidencePathScreen

        def chosen(path: str | None) -> None:
            if path:
                self._attach_file(target.info.id, target.info.key, entry.as_of, path)

        label = f"{target.info.key} {entry.as_of.isoformat()}"
        self.app.push_screen(EvidencePathScreen(label), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="evidence", description="attach")
    def _attach_file(self, target_id: int, key: str, as_of: date, path: str) -> None:
        from pathlib import Path

        from pledgetrack.config import Settings
        from pledgetrack.services.access import PermissionDenied
        from pledgetrack.services.evidence import (
            DEFAULT_MAX_MB,
            EvidenceRefused,
            attach_evidence,
            max_bytes,
            read_evidence_file,
        )
        from pledgetrack.services.output import protected_files

        app = cast("PledgeApp", self.app)
        try:
            limit = max_bytes(Settings().evidence_max_mb)
        except ValueError:  # a bad config file: the command line says so at start
            limit = max_bytes(DEFAULT_MAX_MB)
        try:
            file = read_evidence_file(
                Path(path).expanduser(), limit=limit, protected=protected_files(app.engine)
            )
            done = attach_evidence(
                app.engine, target_key=key, files=[file], as_of=as_of, actor=app.actor
            )
        except (EvidenceRefused, PermissionDenied) as exc:
            app.call_from_thread(self.notify, entry_refusal_text(exc, self.lang), severity="error")
            return
        said = "evidence.attached" if done[0].new else "evidence.already"
        app.call_from_thread(self.notify, t(said, self.lang, name=file.name, key=key))
        self._post_history(target_id)

    # ---- open ---------------------------------------------------------------------

    def action_open_evidence(self) -> None:
        """Open a file of the highlighted figure with the system viewer (choose when several)."""
        self._figure_files("evidence.pick", self._open_evidence_file)

    @work(thread=True, exclusive=False, exit_on_error=False, group="evidence", description="open")
    def _open_evidence_file(self, line: EvidenceLine) -> None:
        from pledgetrack.services.evidence import evidence_content
        from pledgetrack.tui import viewer

        app = cast("PledgeApp", self.app)
        content = evidence_content(app.engine, line.id)
        if app.is_web:  # served to a browser (pledgetrack serve): the browser opens it
            from io import BytesIO

            from pledgetrack.services.evidence_export import safe_part

            app.call_from_thread(
                app.deliver_binary,
                BytesIO(content),
                save_filename=safe_part(line.file_name),
                open_method="browser",
                mime_type=line.media_type,
            )
            return
        try:
            viewer.open_in_viewer(line.file_name, content)
        except OSError as exc:
            app.call_from_thread(
                self.notify, t("evidence.open.failed", self.lang, error=exc), severity="error"
            )
            return
        app.call_from_thread(self.notify, t("evidence.opened", self.lang, name=line.file_name))

    # ---- withdraw -----------------------------------------------------------------

    def action_withdraw_evidence(self) -> None:
        """Withdraw a file of the highlighted figure, asking why (choose when several)."""
        from pledgetrack.tui.screens.evidence_path import WithdrawReasonScreen

        def ask(line: EvidenceLine) -> None:
            def chosen(reason: str | None) -> None:
                if reason:
                    self._withdraw_file(line, reason)

            figure = f"{line.key} {line.as_of.isoformat()}"
            self.app.push_screen(WithdrawReasonScreen(figure, line.file_name), chosen)

        self._figure_files("evidence.pick.withdraw", ask)

    @work(
        thread=True, exclusive=True, exit_on_error=False, group="evidence", description="withdraw"
    )
    def _withdraw_file(self, line: EvidenceLine, reason: str) -> None:
        from pledgetrack.services.access import PermissionDenied
        from pledgetrack.services.evidence import EvidenceRefused, withdraw_evidence

        app = cast("PledgeApp", self.app)
        try:
            withdraw_evidence(
                app.engine,
                target_key=line.key,
                file_name=line.file_name,
                reason=reason,
                as_of=line.as_of,
                actor=app.actor,
            )
        except (EvidenceRefused, PermissionDenied) as exc:
            app.call_from_thread(self.notify, entry_refusal_text(exc, self.lang), severity="error")
            return
        said = t("evidence.withdrawn", self.lang, name=line.file_name, key=line.key)
        app.call_from_thread(self.notify, said)
        self._post_history(line.target_id)
