"""Evidence with every figure (佐证材料): files attached to readings, stored in the database
once per content, listed, exported, audited, kept by backups, asked for by reviewers."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from pledgetrack.cli import app
from pledgetrack.config import sqlite_url
from pledgetrack.domain.errors import OutputRefused
from pledgetrack.domain.evidence_media import media_type
from pledgetrack.domain.report_format import ReportFormat
from pledgetrack.services.access import PermissionDenied, add_user
from pledgetrack.services.audit import list_audit
from pledgetrack.services.backup import backup_database, restore_database
from pledgetrack.services.evidence import (
    EvidenceRefused,
    attach_evidence,
    evidence_by_reading,
    evidence_content,
    list_evidence,
    max_bytes,
    read_evidence_file,
    withdraw_evidence,
)
from pledgetrack.services.evidence_export import export_evidence
from pledgetrack.services.evidence_report import add_missing_evidence
from pledgetrack.services.month_report import build_month_report, render_report
from pledgetrack.services.progress import record
from pledgetrack.services.review import (
    MISSING_EVIDENCE,
    ReviewRefused,
    returned_for_missing_evidence,
    review,
)
from pledgetrack.services.sample import load_sample
from pledgetrack.storage.db import make_engine
from pledgetrack.storage.tables import Evidence, EvidenceBlob
from tests.backends import BOTH, empty_database
from tests.conftest import DATA, TODAY

CULTURE = "市文化和旅游局"  # answers for item 28 (targets 28.1 …)
OCTOBER = date(2020, 10, 31)
LIMIT = max_bytes(20)
PDF = b"%PDF-1.4\n% a scanned acceptance certificate\n"
JPEG = b"\xff\xd8\xff\xe0" + b"photo of the finished kiosk" * 10

runner = CliRunner()


def a_file(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def attach(engine: Engine, key: str, *files: Path, actor: str | None = None, **kw: object):
    checked = [read_evidence_file(f, limit=LIMIT) for f in files]
    return attach_evidence(engine, target_key=key, files=checked, actor=actor, **kw)  # type: ignore[arg-type]


def counts(engine: Engine) -> tuple[int, int]:
    with Session(engine) as session:
        blobs = session.exec(select(func.count()).select_from(EvidenceBlob)).one()
        links = session.exec(select(func.count()).select_from(Evidence)).one()
    return blobs, links


@pytest.fixture
def shared(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """The sample with people: zhao admin, li staff of 市文化和旅游局, wang staff of
    another department, zhang supervisor."""
    with empty_database(backend, tmp_path) as engine:
        load_sample(engine, DATA)
        add_user(engine, login="zhao", role="admin", actor="zhao")
        add_user(engine, login="li", role="staff", department=CULTURE, actor="zhao")
        add_user(
            engine, login="wang", role="staff", department="市人力资源社会保障局", actor="zhao"
        )
        add_user(engine, login="zhang", role="supervisor", actor="zhao")
        yield engine


# ---- storing ------------------------------------------------------------------------


@BOTH
def test_the_same_content_attached_twice_is_stored_once(shared: Engine, tmp_path: Path) -> None:
    scan = a_file(tmp_path, "验收单.pdf", PDF)
    copy = a_file(tmp_path, "copy-of-scan.pdf", PDF)
    first = attach(shared, "28.1", scan, actor="li")
    again = attach(shared, "28.1", copy, actor="li")  # same figure: not a second link
    other = attach(shared, "28.2", copy, actor="li")  # another figure: a link, same blob
    assert [a.new for a in first + again + other] == [True, False, True]
    assert [a.new_content for a in first + other] == [True, False]
    assert counts(shared) == (1, 2)
    lines = list_evidence(shared)
    assert [(e.key, e.as_of, e.file_name) for e in lines] == [
        ("28.1", OCTOBER, "验收单.pdf"),
        ("28.2", OCTOBER, "copy-of-scan.pdf"),
    ]
    assert lines[0].sha256 == lines[1].sha256
    assert lines[0].media_type == "application/pdf" and lines[0].size == len(PDF)
    assert lines[0].attached_by == "li" and lines[0].recorded_by == "li"
    assert evidence_content(shared, lines[1].id) == PDF


@BOTH
def test_evidence_follows_a_corrected_figure(shared: Engine, tmp_path: Path) -> None:
    attach(shared, "28.1", a_file(tmp_path, "photo.jpg", JPEG), actor="li")
    record(shared, target_key="28.1", value="99", as_of=OCTOBER, entered_by="li", today=TODAY,
           confirm=True)  # fmt: skip
    # The correction is a new reading; the figure's evidence is still known to it.
    again = attach(shared, "28.1", a_file(tmp_path, "photo-again.jpg", JPEG), actor="li")
    assert not again[0].new
    report = add_missing_evidence(shared, build_month_report(shared, month=OCTOBER))
    assert "28.1" not in [m.key for m in report.no_evidence or []]


@BOTH
def test_staff_attach_only_to_their_own_departments_figures(shared: Engine, tmp_path: Path) -> None:
    scan = a_file(tmp_path, "scan.pdf", PDF)
    with pytest.raises(PermissionDenied, match="not a target of 市人力资源社会保障局"):
        attach(shared, "28.1", scan, actor="wang")
    with pytest.raises(PermissionDenied, match="supervisors review figures"):
        attach(shared, "28.1", scan, actor="zhang")
    assert counts(shared) == (0, 0)
    attach(shared, "28.1", scan, actor="zhao")  # admins may
    assert counts(shared) == (1, 1)


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(
    engine: Engine, tmp_path: Path
) -> None:
    small = a_file(tmp_path, "small.pdf", PDF)
    big = a_file(tmp_path, "big.pdf", b"%PDF" + b"x" * 2000)
    with pytest.raises(
        EvidenceRefused, match=r"big.pdf: 0.0 MB is over the limit .*evidence_max_mb"
    ):
        [read_evidence_file(f, limit=1000) for f in (small, big)]
    assert counts(engine) == (0, 0)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda d: d / "missing.pdf", "no such file"),
        (lambda d: d, "is a directory, not a file"),
        (lambda d: a_file(d, "empty.pdf", b""), "the file is empty"),
        (lambda d: a_file(d, "bell\x07.pdf", PDF), "file name: contains U\\+0007"),
    ],
    ids=["missing", "directory", "empty", "control character in name"],
)
def test_a_bad_path_is_refused_with_its_reason(make, reason: str, tmp_path: Path) -> None:
    path = make(tmp_path)
    with pytest.raises(EvidenceRefused, match=reason):
        read_evidence_file(path, limit=LIMIT)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions")
def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    locked = a_file(tmp_path, "locked.pdf", PDF)
    locked.chmod(0)
    with pytest.raises(EvidenceRefused, match=r"locked\.pdf: cannot be read: Permission denied"):
        read_evidence_file(locked, limit=LIMIT)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_is_not_a_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.pdf")
    with pytest.raises(EvidenceRefused, match="not a regular file"):
        read_evidence_file(tmp_path / "pipe.pdf", limit=LIMIT)


def test_no_reading_no_evidence(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(EvidenceRefused, match=r"no reading of 28.1 dated 2020-11-30 .*2020-10-31"):
        attach(engine, "28.1", a_file(tmp_path, "a.pdf", PDF), as_of=date(2020, 11, 30))
    with pytest.raises(EvidenceRefused, match=r"no target '99\.9'"):
        attach(engine, "99.9", a_file(tmp_path, "a.pdf", PDF))


@pytest.mark.parametrize(
    ("head", "name", "expected"),
    [
        (PDF, "scan", "application/pdf"),
        (JPEG, "IMG_0001.PNG", "image/jpeg"),  # the content, not the name, says
        (
            b"PK\x03\x04rest",
            "台账.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (b"PK\x03\x04rest", "bundle", "application/zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old.doc", "application/msword"),
        (b"plain words", "说明.txt", "text/plain"),
        (b"plain words", "noext", "application/octet-stream"),
    ],
)
def test_the_media_type_is_sniffed_from_the_content_else_the_name(
    head: bytes, name: str, expected: str
) -> None:
    assert media_type(head, name) == expected


@BOTH
def test_attaching_is_in_the_audit_trail(shared: Engine, tmp_path: Path) -> None:
    attach(shared, "28.1", a_file(tmp_path, "photo.jpg", JPEG), actor="li")
    entry = [e for e in list_audit(shared, target="28.1") if e.action == "evidence.attach"]
    assert len(entry) == 1
    assert entry[0].user_login == "li"
    assert entry[0].after is not None
    assert entry[0].after["file"] == "photo.jpg"
    assert entry[0].after["media_type"] == "image/jpeg"
    assert entry[0].after["as_of"] == "2020-10-31"


@BOTH
def test_an_admin_acting_for_staff_is_recorded_as_such(shared: Engine, tmp_path: Path) -> None:
    from pledgetrack.services.access import Actor

    attach(shared, "28.1", a_file(tmp_path, "a.pdf", PDF), actor=Actor(login="li", by="zhao"))  # type: ignore[arg-type]
    line = list_evidence(shared)[0]
    assert (line.attached_by, line.recorded_by) == ("li", "zhao")
    entry = next(e for e in list_audit(shared, target="28.1") if e.action == "evidence.attach")
    assert (entry.user_login, entry.acting_for) == ("zhao", "li")


def test_a_file_attached_by_another_program_is_audited_too(engine: Engine) -> None:
    """The trail is the database's: an insert with the sqlite3 shell is in it."""
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO evidence_blob (sha256, size, media_type, stored_at, content) "
                "VALUES (:h, 3, 'text/plain', '2020-11-01 08:00:00.000000', :c)"
            ),
            {"h": hashlib.sha256(b"abc").hexdigest(), "c": b"abc"},
        )
        conn.execute(
            text(
                "INSERT INTO evidence (snapshot_id, blob_id, file_name, attached_by, "
                "recorded_by, attached_at) SELECT s.id, 1, 'by-hand.txt', 'x', 'x', "
                "'2020-11-01 08:00:00.000000' FROM snapshot s JOIN target t "
                "ON t.id = s.target_id WHERE t.key = '28.1'"
            )
        )
    entry = [e for e in list_audit(engine, target="28.1") if e.action == "evidence.attach"]
    assert len(entry) == 1 and entry[0].after is not None
    assert entry[0].after["file"] == "by-hand.txt" and entry[0].after["size"] == 3


# ---- export -------------------------------------------------------------------------


def test_a_plans_evidence_exports_as_a_zip_with_a_manifest(engine: Engine, tmp_path: Path) -> None:
    attach(engine, "28.1", a_file(tmp_path, "照片.jpg", JPEG), a_file(tmp_path, "验收单.pdf", PDF))
    (tmp_path / "other").mkdir()
    attach(engine, "28.2", a_file(tmp_path / "other", "照片.jpg", PDF + b"2"))
    done = export_evidence(engine, tmp_path / "out.zip")
    assert done.files == 3 and done.zipped
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        names = sorted(archive.namelist())
        manifest = list(
            csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig")))
        )
        assert archive.read("28.1/2020-10-31/验收单.pdf") == PDF
    assert names == [
        "28.1/2020-10-31/照片.jpg",
        "28.1/2020-10-31/验收单.pdf",
        "28.2/2020-10-31/照片.jpg",
        "manifest.csv",
    ]
    assert [(m["target"], m["as_of"], m["file_name"]) for m in manifest] == [
        ("28.1", "2020-10-31", "照片.jpg"),
        ("28.1", "2020-10-31", "验收单.pdf"),
        ("28.2", "2020-10-31", "照片.jpg"),
    ]
    assert manifest[1]["sha256"] == hashlib.sha256(PDF).hexdigest()
    with pytest.raises(OutputRefused, match="exists: pass --force"):
        export_evidence(engine, tmp_path / "out.zip")


def test_export_to_a_directory_is_all_or_nothing(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attach(engine, "28.1", a_file(tmp_path, "a.pdf", PDF), a_file(tmp_path, "b.jpg", JPEG))
    out = tmp_path / "out"
    out.mkdir()
    export_evidence(engine, out / "dir")
    assert (out / "dir" / "28.1" / "2020-10-31" / "a.pdf").read_bytes() == PDF
    assert (out / "dir" / "manifest.csv").is_file()
    with pytest.raises(OutputRefused, match="exists: name a new directory"):
        export_evidence(engine, out / "dir")

    def disk_full_on_the_second(engine: Engine, evidence_id: int) -> bytes:
        if evidence_id != lines[0].id:
            raise OSError(28, "No space left on device")
        return PDF

    lines = list_evidence(engine)
    monkeypatch.setattr(
        "pledgetrack.services.evidence_export.evidence_content", disk_full_on_the_second
    )
    for broken in (out / "broken", out / "broken.zip"):
        with pytest.raises(OSError, match="No space left"):
            export_evidence(engine, broken)
    assert sorted(p.name for p in out.iterdir()) == ["dir"]  # nothing half-written


# ---- review and report --------------------------------------------------------------


@BOTH
def test_a_reviewer_returns_a_figure_for_missing_evidence(shared: Engine) -> None:
    done = review(
        shared, decision="returned", target_key="28.1", as_of=OCTOBER, actor="zhang",
        missing_evidence=True,
    )  # fmt: skip
    assert done.comment == MISSING_EVIDENCE
    assert returned_for_missing_evidence(done.comment)
    more = review(
        shared, decision="returned", target_key="28.2", as_of=OCTOBER, actor="zhang",
        missing_evidence=True, comment="请补充完工照片",
    )  # fmt: skip
    assert more.comment == "缺少佐证材料：请补充完工照片"
    with pytest.raises(ReviewRefused, match="not approve"):
        review(shared, decision="approved", target_key="28.3", as_of=OCTOBER, actor="zhang",
               missing_evidence=True)  # fmt: skip


def test_the_report_lists_targets_whose_latest_figure_has_no_evidence(
    engine: Engine, tmp_path: Path
) -> None:
    attach(engine, "28.1", a_file(tmp_path, "a.pdf", PDF))
    report = build_month_report(engine, month=OCTOBER)
    assert report.no_evidence is None  # not asked for: the report says nothing of it
    assert "佐证" not in render_report(report, ReportFormat.text, "zh")
    add_missing_evidence(engine, report)
    missing = [m.key for m in report.no_evidence or []]
    with_figure = [
        t.key for s in report.pledges for i in s.items for t in i.targets if t.as_of is not None
    ]
    assert "28.1" not in missing and "28.2" in missing
    assert len(missing) == len(with_figure) - 1
    text = render_report(report, ReportFormat.text, "zh")
    assert "最新数据缺少佐证材料的指标" in text
    assert "28.2 " in text.split("最新数据缺少佐证材料的指标")[1]


def test_every_report_format_carries_the_list_of_figures_without_evidence(
    engine: Engine, tmp_path: Path
) -> None:
    from docx import Document
    from openpyxl import load_workbook

    from pledgetrack.services.month_report import write_report

    attach(engine, "28.1", a_file(tmp_path, "a.pdf", PDF))
    report = add_missing_evidence(engine, build_month_report(engine, month=OCTOBER))
    heading = "最新数据缺少佐证材料的指标"
    html = render_report(report, ReportFormat.html, "zh")
    section = html.split('id="evidence"')[1].split("</section>")[0]
    assert heading in section and "28.2 " in section and "28.1 " not in section
    assert 'href="#evidence"' in html
    write_report(report, ReportFormat.docx, "zh", tmp_path / "r.docx")
    paragraphs = [p.text for p in Document(str(tmp_path / "r.docx")).paragraphs]
    after = paragraphs[paragraphs.index(heading) + 1 :]
    missing = [m.key for m in report.no_evidence or []]
    assert [p.split(" ")[0] for p in after[: len(missing)]] == missing
    write_report(report, ReportFormat.xlsx, "zh", tmp_path / "r.xlsx")
    sheet = load_workbook(tmp_path / "r.xlsx", read_only=True)["缺少佐证材料"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("指标编号", "事项序号", "指标")
    keys = [row[0] for row in rows[1:]]
    assert keys == [m.key for m in report.no_evidence or []] and "28.1" not in keys
    # Not asked for: no section, no sheet.
    plain = build_month_report(engine, month=OCTOBER)
    assert 'id="evidence"' not in render_report(plain, ReportFormat.html, "zh")
    write_report(plain, ReportFormat.xlsx, "zh", tmp_path / "plain.xlsx")
    assert "缺少佐证材料" not in load_workbook(tmp_path / "plain.xlsx", read_only=True).sheetnames


# ---- backup -------------------------------------------------------------------------


def test_evidence_survives_a_backup_and_restore(tmp_path: Path) -> None:
    db, saved = tmp_path / "db.sqlite", tmp_path / "backup.sqlite"
    engine = make_engine(sqlite_url(db))
    load_sample(engine, DATA)
    attach(engine, "28.1", a_file(tmp_path, "a.pdf", PDF), a_file(tmp_path, "b.jpg", JPEG))
    before = [e.as_dict() for e in list_evidence(engine)]
    engine.dispose()
    backup_database(sqlite_url(db), saved)
    engine = make_engine(sqlite_url(db))
    attach(engine, "28.2", a_file(tmp_path, "later.pdf", PDF + b"later"))
    engine.dispose()
    restore_database(sqlite_url(db), saved)
    engine = make_engine(sqlite_url(db))
    try:
        after = list_evidence(engine)
        assert [e.as_dict() for e in after] == before
        assert evidence_content(engine, after[0].id) == PDF
        assert counts(engine) == (2, 2)
    finally:
        engine.dispose()


# ---- command line -------------------------------------------------------------------


def test_cli_attaches_lists_and_exports(cli_db: Path, tmp_path: Path) -> None:
    scan = a_file(tmp_path, "[bold]验收单.pdf", PDF)
    db = ["--db", str(cli_db)]
    added = runner.invoke(app, [*db, "evidence", "add", "28.1", str(scan), "--as-of", "2020-10-31"])
    assert added.exit_code == 0, added.output
    assert "attached: [bold]验收单.pdf (application/pdf" in added.output
    listed = runner.invoke(app, [*db, "evidence", "list", "28.1", "--json"])
    assert [e["file"] for e in json.loads(listed.output)] == ["[bold]验收单.pdf"]
    out = tmp_path / "evidence.zip"
    exported = runner.invoke(app, [*db, "evidence", "export", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    assert "wrote 1 evidence file and" in exported.output
    with zipfile.ZipFile(out) as archive:
        assert "28.1/2020-10-31/[bold]验收单.pdf" in archive.namelist()
    report = runner.invoke(app, [*db, "report", "--month", "2020-10", "--evidence", "--lang", "en"])
    assert "Targets whose latest figure has no evidence attached" in report.output


def test_cli_refuses_a_bad_file_and_stores_nothing(
    cli_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = a_file(tmp_path, "good.pdf", PDF)
    big = a_file(tmp_path, "big.pdf", b"%PDF" + b"x" * 300_000)
    monkeypatch.setenv("PLEDGETRACK_EVIDENCE_MAX_MB", "0.25")
    db = ["--db", str(cli_db)]
    result = runner.invoke(app, [*db, "evidence", "add", "28.1", str(good), str(big)])
    assert result.exit_code == 2
    assert "big.pdf: 0.3 MB is over the limit of 0.2 MB per file" in result.output
    missing = runner.invoke(app, [*db, "evidence", "add", "28.1", str(tmp_path / "gone.pdf")])
    assert missing.exit_code == 2 and "gone.pdf: no such file" in missing.output
    link = tmp_path / "scan.pdf"
    link.symlink_to(cli_db)  # the database itself, under another name
    itself = runner.invoke(app, [*db, "evidence", "add", "28.1", str(cli_db), str(link)])
    assert itself.exit_code == 2
    assert "is the database's own file (" in itself.output and "not evidence" in itself.output
    listed = runner.invoke(app, [*db, "evidence", "list"])
    assert listed.output.strip() == "no evidence attached"


def test_cli_review_return_for_missing_evidence(cli_db: Path) -> None:
    result = runner.invoke(
        app,
        ["--db", str(cli_db), "review", "return", "28.1", "--as-of", "2020-10-31",
         "--missing-evidence"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "28.1 (2020-10-31) returned: 缺少佐证材料" in result.output


def test_history_shows_evidence_by_reading(engine: Engine, tmp_path: Path) -> None:
    attach(engine, "28.1", a_file(tmp_path, "a.pdf", PDF), a_file(tmp_path, "b.jpg", JPEG))
    lines = list_evidence(engine, target_key="28.1")
    by_reading = evidence_by_reading(engine, lines[0].target_id)
    assert [[e.file_name for e in v] for v in by_reading.values()] == [["a.pdf", "b.jpg"]]


# ---- withdrawing (migration 0012) -----------------------------------------------------


def withdraw(engine: Engine, key: str, name: str, reason: str = "错传的照片", **kw: object):
    return withdraw_evidence(engine, target_key=key, file_name=name, reason=reason, **kw)  # type: ignore[arg-type]


@BOTH
def test_a_withdrawn_file_is_no_longer_the_figures_evidence(shared: Engine, tmp_path: Path) -> None:
    """Withdrawn: not listed, not in the history, not exported, not counted as the
    figure's evidence (the report asks for it again); audited with the reason; the rows
    and the content stay."""
    attach(shared, "28.1", a_file(tmp_path, "wrong.jpg", JPEG), a_file(tmp_path, "ok.pdf", PDF),
           actor="li")  # fmt: skip
    attach(shared, "28.2", a_file(tmp_path, "only.jpg", JPEG + b"2"), actor="li")
    done = withdraw(shared, "28.2", "only.jpg", actor="li")
    assert (done.line.key, done.line.file_name, done.reason) == ("28.2", "only.jpg", "错传的照片")
    withdraw(shared, "28.1", "wrong.jpg", reason="  不是本项目的照片 ", actor="li")
    assert [(e.key, e.file_name) for e in list_evidence(shared)] == [("28.1", "ok.pdf")]
    target_id = list_evidence(shared)[0].target_id
    assert [e.file_name for lines in evidence_by_reading(shared, target_id).values()
            for e in lines] == ["ok.pdf"]  # fmt: skip
    report = add_missing_evidence(shared, build_month_report(shared, month=OCTOBER))
    missing = [m.key for m in report.no_evidence or []]
    assert "28.2" in missing and "28.1" not in missing
    exported = export_evidence(shared, tmp_path / "out.zip")
    assert exported.files == 1
    assert counts(shared) == (3, 3)  # nothing deleted
    entries = [e for e in list_audit(shared, target="28.1") if e.action == "evidence.withdraw"]
    assert len(entries) == 1 and entries[0].user_login == "li" and entries[0].before is None
    assert entries[0].after is not None
    assert entries[0].after["reason"] == "不是本项目的照片"
    assert entries[0].after["file"] == "wrong.jpg" and entries[0].after["as_of"] == "2020-10-31"


@BOTH
def test_who_may_attach_may_withdraw(shared: Engine, tmp_path: Path) -> None:
    attach(shared, "28.1", a_file(tmp_path, "photo.jpg", JPEG), actor="li")
    with pytest.raises(PermissionDenied, match="not a target of 市人力资源社会保障局"):
        withdraw(shared, "28.1", "photo.jpg", actor="wang")
    with pytest.raises(PermissionDenied, match="supervisors review figures"):
        withdraw(shared, "28.1", "photo.jpg", actor="zhang")
    assert [e.file_name for e in list_evidence(shared)] == ["photo.jpg"]
    withdraw(shared, "28.1", "photo.jpg", actor="zhao")  # admins may
    assert list_evidence(shared) == []


@BOTH
def test_a_withdrawal_is_refused_with_its_reason(shared: Engine, tmp_path: Path) -> None:
    attach(shared, "28.1", a_file(tmp_path, "photo.jpg", JPEG), actor="li")
    with pytest.raises(EvidenceRefused, match="reason: say why"):
        withdraw(shared, "28.1", "photo.jpg", reason="   ", actor="li")
    with pytest.raises(EvidenceRefused, match="reason: at most 500 characters"):
        withdraw(shared, "28.1", "photo.jpg", reason="长" * 501, actor="li")
    with pytest.raises(EvidenceRefused, match=r"reason: .*U\+001B"):
        withdraw(shared, "28.1", "photo.jpg", reason="bad \x1b[31m", actor="li")
    with pytest.raises(EvidenceRefused, match=r"no file 'nope.jpg' attached to 28.1 "
                       r"\(attached: photo.jpg \(2020-10-31\)\)"):  # fmt: skip
        withdraw(shared, "28.1", "nope.jpg", actor="li")
    with pytest.raises(EvidenceRefused, match=r"no target '99\.9'"):
        withdraw(shared, "99.9", "photo.jpg", actor="li")
    withdraw(shared, "28.1", "photo.jpg", actor="li")
    with pytest.raises(EvidenceRefused, match="was already withdrawn by li on"):
        withdraw(shared, "28.1", "photo.jpg", actor="li")
    # The same content cannot be linked to the same reading again (a link is unique).
    with pytest.raises(EvidenceRefused, match="withdrawn; it cannot be attached to the same"):
        attach(shared, "28.1", a_file(tmp_path, "photo-again.jpg", JPEG), actor="li")


@BOTH
def test_a_name_on_several_figures_needs_the_date(shared: Engine, tmp_path: Path) -> None:
    september = date(2020, 9, 30)
    record(shared, target_key="28.1", value="10", as_of=september, entered_by="li", today=TODAY,
           confirm=True)  # fmt: skip
    attach(shared, "28.1", a_file(tmp_path, "photo.jpg", JPEG), actor="li")
    attach(shared, "28.1", a_file(tmp_path, "photo.jpg", JPEG + b"9"), as_of=september,
           actor="li")  # fmt: skip
    with pytest.raises(EvidenceRefused, match=r"several figures of 28.1 \(2020-09-30, 2020-10-31"):
        withdraw(shared, "28.1", "photo.jpg", actor="li")
    withdraw(shared, "28.1", "photo.jpg", as_of=september, actor="li")
    assert [(e.as_of, e.file_name) for e in list_evidence(shared)] == [(OCTOBER, "photo.jpg")]


def test_a_withdrawal_is_append_only_and_audited_whoever_writes_it(
    engine: Engine, tmp_path: Path
) -> None:
    """The trail is the database's: a withdrawal inserted with the sqlite3 shell is in
    the audit, and none is changed or deleted."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    attach(engine, "28.1", a_file(tmp_path, "x.pdf", PDF))
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO evidence_withdrawal (evidence_id, reason, withdrawn_by, "
                "recorded_by, withdrawn_at) SELECT id, 'by hand', 'x', 'x', "
                "'2020-11-01 08:00:00.000000' FROM evidence"
            )
        )
    entry = [e for e in list_audit(engine, target="28.1") if e.action == "evidence.withdraw"]
    assert len(entry) == 1 and entry[0].after is not None
    assert entry[0].after["reason"] == "by hand" and entry[0].after["file"] == "x.pdf"
    for statement in ("UPDATE evidence_withdrawal SET reason = 'changed'",
                      "DELETE FROM evidence_withdrawal"):  # fmt: skip
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))


def test_cli_withdraws(cli_db: Path, tmp_path: Path) -> None:
    scan = a_file(tmp_path, "验收单.pdf", PDF)
    db = ["--db", str(cli_db)]
    assert runner.invoke(app, [*db, "evidence", "add", "28.1", str(scan)]).exit_code == 0
    missing = runner.invoke(app, [*db, "evidence", "withdraw", "28.1", "验收单.pdf"])
    assert missing.exit_code == 2 and "--reason" in missing.output
    done = runner.invoke(
        app, [*db, "evidence", "withdraw", "28.1", "验收单.pdf", "--reason", "[b]错传[/b]"]
    )
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("withdrawn: 验收单.pdf (application/pdf")
    assert done.stdout.rstrip().endswith("from 28.1 (2020-10-31): [b]错传[/b]")  # as text
    listed = runner.invoke(app, [*db, "evidence", "list"])
    assert listed.stdout.strip() == "no evidence attached"
    again = runner.invoke(app, [*db, "evidence", "withdraw", "28.1", "验收单.pdf", "--reason", "x"])
    assert again.exit_code == 2 and "already withdrawn" in again.output


@BOTH
def test_two_people_withdrawing_the_same_file_at_once(shared: Engine, tmp_path: Path) -> None:
    """The second withdrawal, which read the file as still attached, is refused with a
    reason (the unique link), not a database error."""
    from pledgetrack.services import evidence as service

    attach(shared, "28.1", a_file(tmp_path, "photo.jpg", JPEG), actor="li")
    real = service._one_attachment

    def read_then_lose_the_race(*args, **kwargs):  # type: ignore[no-untyped-def]
        line = real(*args, **kwargs)
        service._one_attachment = real  # the other person's withdrawal reads as usual
        withdraw(shared, "28.1", "photo.jpg", reason="first", actor="zhao")
        return line

    service._one_attachment = read_then_lose_the_race  # type: ignore[assignment]
    try:
        with pytest.raises(EvidenceRefused, match="withdrawn by someone else a moment ago"):
            withdraw(shared, "28.1", "photo.jpg", reason="second", actor="li")
    finally:
        service._one_attachment = real  # type: ignore[assignment]
    entries = [e for e in list_audit(shared, target="28.1") if e.action == "evidence.withdraw"]
    assert [e.after["reason"] for e in entries if e.after] == ["first"]
