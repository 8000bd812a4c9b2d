"""The audit trail: every write records who, when, what, before and after — in its own
transaction — on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from pledgetrack.cli import app
from pledgetrack.domain.errors import ImportRejected
from pledgetrack.services.access import PermissionDenied, add_user, set_user
from pledgetrack.services.audit import describe, list_audit
from pledgetrack.services.plans import import_plan
from pledgetrack.services.progress import record
from pledgetrack.services.review import review
from pledgetrack.services.sample import ENTERED_AT, load_sample
from pledgetrack.storage.tables import AuditEntry, Snapshot
from tests.backends import BOTH, database_url, empty_database
from tests.conftest import DATA, PLAN_CSV, TODAY

CULTURE = "市文化和旅游局"
NOVEMBER = date(2020, 11, 30)
T1 = datetime(2020, 12, 1, 1, 0, tzinfo=UTC)
T2 = datetime(2020, 12, 2, 1, 0, tzinfo=UTC)
T3 = datetime(2020, 12, 3, 1, 0, tzinfo=UTC)


@pytest.fixture
def sample(backend: str, tmp_path: Path) -> Iterator[Engine]:
    with empty_database(backend, tmp_path) as engine:
        load_sample(engine, DATA)
        yield engine


def count(engine: Engine, table: type) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def put(engine: Engine, key: str, value: str, by: str, note: str = "") -> None:
    record(engine, target_key=key, value=value, as_of=NOVEMBER, note=note, entered_by=by,
           today=TODAY)  # fmt: skip


@BOTH
def test_loading_the_sample_is_audited(sample: Engine) -> None:
    entries = list_audit(sample)
    actions = Counter(e.action for e in entries)
    assert actions == {
        "plan.import": 1,
        "item.add": 36,
        "target.add": 91,
        "snapshot.add": 91,
        "review.approve": 91,
    }
    assert {(e.user_login, e.at.replace(tzinfo=UTC)) for e in entries} == {
        ("市政府办公厅", ENTERED_AT)
    }
    plan = entries[0]
    assert plan.action == "plan.import" and plan.before is None
    assert plan.after == {
        "code": "qingdao-2020",
        "title": "2020年青岛市市办实事",
        "start": "2020-01-01",
        "end": "2020-12-31",
        "targets": 91,
        "file": "qingdao-2020-plan.csv",
    }
    item_5 = next(e for e in entries if e.action == "item.add" and e.after["no"] == 5)  # type: ignore[index]
    assert item_5.after["departments"] == ["市教育局", "市公安局"]  # type: ignore[index]


def edited_plan(tmp_path: Path, key: str, **changes: str) -> Path:
    """The sample plan file with some columns of one target's row changed."""
    with PLAN_CSV.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if row["target"] == key:
            row.update(changes)
    path = tmp_path / "plan.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(rows[0]))
        out.writeheader()
        out.writerows(rows)
    return path


@BOTH
def test_every_write_records_who_what_before_and_after(sample: Engine, tmp_path: Path) -> None:
    start = count(sample, AuditEntry)
    add_user(sample, login="zhao", role="admin", actor="root", now=T1)
    add_user(sample, login="li", role="staff", department=CULTURE, actor="zhao", now=T1)
    add_user(sample, login="zhang", role="supervisor", actor="zhao", now=T1)
    put(sample, "28.1", "100", by="li", note="书亭全部建成")
    review(sample, decision="returned", comment="请附清单", target_key="28.1", as_of=NOVEMBER,
           actor="zhang", now=T2)  # fmt: skip
    put(sample, "28.1", "98", by="li", note="清单已附")
    review(sample, decision="approved", target_key="28.1", as_of=NOVEMBER, actor="zhang", now=T3)
    set_user(sample, "li", display_name="李", actor="zhao", now=T3)
    # A plan edited: one target's value changed, re-imported by the admin.
    edited = edited_plan(tmp_path, "28.1", target_value="120")
    import_plan(sample, edited, actor="zhao", now=T3)

    entries = list_audit(sample)[start:]
    assert [(e.user_login, e.action, e.target_key) for e in entries] == [
        ("root", "user.add", None),
        ("zhao", "user.add", None),
        ("zhao", "user.add", None),
        ("li", "snapshot.add", "28.1"),
        ("zhang", "review.return", "28.1"),
        ("li", "snapshot.correct", "28.1"),
        ("zhang", "review.approve", "28.1"),
        ("zhao", "user.change", None),
        ("zhao", "plan.update", None),
        ("zhao", "target.change", "28.1"),
    ]
    added, returned, corrected, approved = entries[3:7]
    assert added.before is None
    assert added.after == {"as_of": "2020-11-30", "value": 100.0, "done": None,
                           "note": "书亭全部建成", "entered_by": "li"}  # fmt: skip
    with Session(sample) as session:
        first = session.get(Snapshot, added.entity_id)
        assert first is not None and first.value == 100.0
    assert returned.entity_id == added.entity_id
    assert (returned.before["review"], returned.after["review"]) == ("submitted", "returned")  # type: ignore[index]
    assert returned.after["comment"] == "请附清单"  # type: ignore[index]
    assert corrected.before == {**added.after, "id": added.entity_id}  # type: ignore[dict-item]
    assert corrected.after["value"] == 98.0 and corrected.after["id"] == corrected.entity_id  # type: ignore[index]
    assert describe(corrected) == (
        f"value: 100 → 98; note: 书亭全部建成 → 清单已附; id: {added.entity_id} → "
        f"{corrected.entity_id}"
    )
    assert approved.entity_id == corrected.entity_id
    user_change = entries[7]
    assert user_change.before["display_name"] == "" and user_change.after["display_name"] == "李"  # type: ignore[index]
    assert describe(user_change) == "display_name: '' → 李"
    target_change = entries[9]
    assert (target_change.before["target_value"], target_change.after["target_value"]) == (  # type: ignore[index]
        100.0,
        120.0,
    )
    assert describe(target_change) == "target_value: 100 → 120"
    # Re-importing the same file changes nothing but is still recorded as an import.
    import_plan(sample, edited, actor="zhao", now=T3)
    assert [e.action for e in list_audit(sample)[start + len(entries) :]] == ["plan.update"]


@BOTH
def test_a_refused_or_failed_write_leaves_no_trace(
    sample: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(sample, login="zhao", role="admin", actor="root")
    add_user(sample, login="li", role="staff", department=CULTURE, actor="zhao")
    audits, snapshots = count(sample, AuditEntry), count(sample, Snapshot)
    with pytest.raises(PermissionDenied):
        put(sample, "1.1", "45", by="li")
    assert (count(sample, AuditEntry), count(sample, Snapshot)) == (audits, snapshots)

    # The audit row is written in the write's transaction: if it fails, so does the write.
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr("pledgetrack.services.progress.write_audit", broken)
    with pytest.raises(RuntimeError, match="audit unavailable"):
        put(sample, "28.1", "100", by="li")
    assert (count(sample, AuditEntry), count(sample, Snapshot)) == (audits, snapshots)


@BOTH
def test_filters_by_target_user_since_and_limit(sample: Engine) -> None:
    add_user(sample, login="zhao", role="admin", actor="root", now=T1)
    put(sample, "28.1", "100", by="zhao")
    put(sample, "28.2", "20", by="zhao")
    put(sample, "28.1", "99", by="zhao")
    on_28_1 = list_audit(sample, target="28.1")
    assert [e.action for e in on_28_1] == [
        "target.add",
        "snapshot.add",
        "review.approve",
        "snapshot.add",
        "snapshot.correct",
    ]
    assert [e.action for e in list_audit(sample, user="zhao")] == ["snapshot.add"] * 2 + [
        "snapshot.correct"
    ]
    assert [e.action for e in list_audit(sample, user="root")] == ["user.add"]
    # Since a day: the sample (2020-11-11) and the user (2020-12-01) are older than today.
    recent = list_audit(sample, since=date.today())
    assert [e.target_key for e in recent] == ["28.1", "28.2", "28.1"]
    assert len(list_audit(sample, since=date(2020, 11, 30))) == 4
    newest = list_audit(sample, limit=2)
    assert [e.target_key for e in newest] == ["28.2", "28.1"]  # newest last
    assert [e.id for e in newest] == sorted(e.id for e in newest)  # type: ignore[type-var]


# ---- the command line -------------------------------------------------------------------

runner = CliRunner()


@BOTH
def test_cli_audit(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pledgetrack.storage.db import make_engine

    monkeypatch.setattr("pledgetrack.services.access.os_account", lambda: "li")
    with database_url(backend, tmp_path) as url:
        engine = make_engine(url)
        load_sample(engine, DATA)
        engine.dispose()

        def run(*args: str):
            return runner.invoke(app, ["--db", url, *args])

        result = run("record", "28.1", "100", "--as-of", "2020-11-30", "--note", "书亭全部建成")
        assert result.exit_code == 0, result.output
        assert run("record", "28.1", "98", "--as-of", "2020-11-30").exit_code == 0
        result = run("audit", "--target", "28.1", "--json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert [(d["user"], d["action"]) for d in data] == [
            ("市政府办公厅", "target.add"),
            ("市政府办公厅", "snapshot.add"),
            ("市政府办公厅", "review.approve"),
            ("li", "snapshot.add"),
            ("li", "snapshot.correct"),
        ]
        assert set(data[-1]) == {
            "id", "at", "user", "action", "entity", "entity_id", "target", "before", "after",
            "acting_for", "db_user",
        }  # fmt: skip
        assert (data[-1]["before"]["value"], data[-1]["after"]["value"]) == (100.0, 98.0)
        result = run("audit", "--user", "li", "--since", "2020-11-01", "--limit", "1")
        assert result.exit_code == 0
        assert "snapshot.correct" in result.stdout and "snapshot.add" not in result.stdout
        assert "value: 100 → 98" in result.stdout
        assert "no audit entries" in run("audit", "--user", "nobody").stdout
        result = run("audit", "--since", "yesterday-ish")
        assert result.exit_code == 2 and "--since" in result.output


@BOTH
def test_a_bulk_import_is_one_audit_entry_and_each_correction_its_own(
    sample: Engine, tmp_path: Path
) -> None:
    """Imports are audited in bulk (the snapshot rows record who and when themselves);
    a figure that changes an existing one keeps its before and after."""
    from pledgetrack.services.progress import read_progress_file, save_entries

    before = count(sample, AuditEntry)
    path = DATA / "qingdao-2020-progress.csv"
    text = path.read_text(encoding="utf-8-sig").replace(
        "qingdao-2020,1.1,2020-10-31,41.58", "qingdao-2020,1.1,2020-10-31,41.6"
    )
    changed = tmp_path / "changed.csv"
    changed.write_text(text, encoding="utf-8")
    with pytest.raises(ImportRejected, match="changes an approved figure"):
        read_progress_file(sample, changed, today=TODAY)
    entries = read_progress_file(sample, changed, today=TODAY, confirm=True)
    outcome = save_entries(sample, entries, actor="loader", source="changed.csv")
    assert (outcome.added, outcome.corrections) == (0, 1)
    new = list_audit(sample)[before:]
    assert [e.action for e in new] == ["snapshot.correct", "progress.import"]
    assert new[0].target_key == "1.1"
    assert new[0].before["value"] == 41.58 and new[0].after["value"] == 41.6  # type: ignore[index]
    assert new[1].after["source"] == "changed.csv" and new[1].after["corrections"] == 1  # type: ignore[index]
