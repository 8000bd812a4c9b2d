"""PostgreSQL holds people to who may attach evidence (佐证材料) — with plain SQL, as
someone with ``psql`` would, and through the program (migration 0010)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from pledgetrack.cli import app
from tests.backends import PG_URL
from tests.test_database_roles import REFUSED, Deployment, deployment  # noqa: F401

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PLEDGETRACK_TEST_DATABASE_URL")

PDF = b"%PDF-1.4\n% site inspection record\n"
runner = CliRunner()


def reading_of(server: Deployment, key: str) -> int:
    with server.owner.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT s.id FROM snapshot s JOIN target t ON t.id = s.target_id "
                    "WHERE t.key = :k ORDER BY s.as_of DESC, s.id DESC LIMIT 1"
                ),
                {"k": key},
            ).scalar_one()
        )


def store_blob(conn: psycopg.Connection, content: bytes, sha256: str | None = None) -> int:
    row = conn.execute(
        "INSERT INTO evidence_blob (sha256, size, media_type, stored_at, content) "
        "VALUES (%s, %s, 'application/pdf', now(), %s) RETURNING id",
        (sha256 or hashlib.sha256(content).hexdigest(), len(content), content),
    ).fetchone()
    assert row is not None
    return int(row[0])


def link(conn: psycopg.Connection, reading: int, blob: int, by: str) -> int:
    row = conn.execute(
        "INSERT INTO evidence (snapshot_id, blob_id, file_name, attached_by, recorded_by, "
        "attached_at) VALUES (%s, %s, 'record.pdf', %s, 'someone-else', now()) RETURNING id",
        (reading, blob, by),
    ).fetchone()
    assert row is not None
    return int(row[0])


def test_staff_of_another_department_are_refused_by_the_database(
    deployment: Deployment,  # noqa: F811
) -> None:
    culture = reading_of(deployment, "28.1")  # 市文化和旅游局's
    with deployment.connect(deployment.other_staff) as conn:
        blob = store_blob(conn, PDF)  # content alone says nothing of any figure
        with pytest.raises(REFUSED, match="row-level security"):
            link(conn, culture, blob, deployment.other_staff)
    with deployment.connect(deployment.staff) as conn:
        with pytest.raises(REFUSED, match="row-level security"):
            link(conn, culture, blob, deployment.other_staff)  # attached "by" someone else
        new = link(conn, culture, blob, deployment.staff)
        stored = conn.execute("SELECT recorded_by FROM evidence WHERE id = %s", (new,)).fetchone()
        assert stored == (deployment.staff,)  # stamped from the login, whatever the row says
        trail = conn.execute(
            "SELECT user_login, db_user, target_key FROM audit "
            "WHERE action = 'evidence.attach' AND entity_id = %s",
            (new,),
        ).fetchall()
        assert trail == [(deployment.staff, deployment.staff, "28.1")]  # by the trigger


def test_supervisors_attach_nothing_and_nobody_changes_evidence(
    deployment: Deployment,  # noqa: F811
) -> None:
    with deployment.connect(deployment.supervisor) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            store_blob(conn, PDF)
    with deployment.connect(deployment.staff) as conn:
        blob = store_blob(conn, PDF)
        link(conn, reading_of(deployment, "28.1"), blob, deployment.staff)
    for login in (deployment.staff, deployment.supervisor, deployment.admin):
        with deployment.connect(login) as conn:
            for statement in (
                "UPDATE evidence SET file_name = 'other.pdf'",
                "DELETE FROM evidence",
                "UPDATE evidence_blob SET media_type = 'x'",
                "DELETE FROM evidence_blob",
            ):
                with pytest.raises(REFUSED):
                    conn.execute(statement)


def test_a_blob_is_held_to_its_content(deployment: Deployment) -> None:  # noqa: F811
    with deployment.connect(deployment.staff) as conn:
        with pytest.raises(psycopg.errors.CheckViolation):
            store_blob(conn, PDF, sha256="0" * 64)


def test_the_program_through_a_persons_login_attaches_and_is_refused_alike(
    deployment: Deployment,  # noqa: F811
    tmp_path: Path,
) -> None:
    scan = tmp_path / "验收单.pdf"
    scan.write_bytes(PDF)

    def run(login: str, *args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["--db", deployment.url_as(login), *args])

    mine = run(deployment.staff, "evidence", "add", "28.1", str(scan))
    assert mine.exit_code == 0, mine.output
    theirs = run(deployment.other_staff, "evidence", "add", "28.1", str(scan))
    assert theirs.exit_code == 2
    assert "not a target of 市人力资源社会保障局" in theirs.output
    listed = run(deployment.supervisor, "evidence", "list", "--json")
    assert '"file": "验收单.pdf"' in listed.output
    with deployment.owner.connect() as conn:
        trail = conn.execute(
            text("SELECT user_login, db_user FROM audit WHERE action = 'evidence.attach'")
        ).all()
    assert [tuple(r) for r in trail] == [(deployment.staff, deployment.staff)]


def withdraw(conn: psycopg.Connection, evidence: int, by: str) -> int:
    row = conn.execute(
        "INSERT INTO evidence_withdrawal (evidence_id, reason, withdrawn_by, recorded_by, "
        "withdrawn_at) VALUES (%s, '错传', %s, 'someone-else', now()) RETURNING id",
        (evidence, by),
    ).fetchone()
    assert row is not None
    return int(row[0])


def test_who_may_withdraw_is_held_by_the_database(deployment: Deployment) -> None:  # noqa: F811
    """A withdrawal (migration 0012): staff of the figure's department, as themselves, or an
    admin; supervisors and other departments' staff are refused; none is changed or
    deleted; the trail is written by the database."""
    with deployment.connect(deployment.staff) as conn:
        attached = link(
            conn, reading_of(deployment, "28.1"), store_blob(conn, PDF), deployment.staff
        )
    with deployment.connect(deployment.other_staff) as conn:
        with pytest.raises(REFUSED, match="row-level security"):
            withdraw(conn, attached, deployment.other_staff)
    with deployment.connect(deployment.supervisor) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            withdraw(conn, attached, deployment.supervisor)
    with deployment.connect(deployment.staff) as conn:
        with pytest.raises(REFUSED, match="row-level security"):
            withdraw(conn, attached, deployment.other_staff)  # withdrawn "by" someone else
        new = withdraw(conn, attached, deployment.staff)
        stored = conn.execute(
            "SELECT recorded_by FROM evidence_withdrawal WHERE id = %s", (new,)
        ).fetchone()
        assert stored == (deployment.staff,)  # stamped from the login
        trail = conn.execute(
            "SELECT user_login, db_user, target_key, after->>'reason' FROM audit "
            "WHERE action = 'evidence.withdraw' AND entity_id = %s",
            (attached,),
        ).fetchall()
        assert trail == [(deployment.staff, deployment.staff, "28.1", "错传")]
    for login in (deployment.staff, deployment.supervisor, deployment.admin):
        with deployment.connect(login) as conn:
            for statement in (
                "UPDATE evidence_withdrawal SET reason = 'x'",
                "DELETE FROM evidence_withdrawal",
            ):
                with pytest.raises(REFUSED):
                    conn.execute(statement)
