"""PostgreSQL holds each person to what pledgetrack allows them — with plain SQL.

Each test logs in as a person's own database role (made by ``user add``, as the
README's department server set-up does) and writes with SQL, not through the
program, as someone with ``psql`` would; the database refuses what the program
refuses (migrations 0004 and 0005). The program's own checks, through the same
logins, keep their messages.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from typer.testing import CliRunner

from pledgetrack.cli import app
from pledgetrack.services.access import add_user, set_user
from pledgetrack.services.sample import load_sample
from pledgetrack.storage.db import make_engine
from tests.backends import PG_URL, pg_schema_url, pg_url
from tests.conftest import DATA

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PLEDGETRACK_TEST_DATABASE_URL")

CULTURE = "市文化和旅游局"  # answers for item 28 (targets 28.1 …)
REFUSED = (psycopg.errors.InsufficientPrivilege, psycopg.errors.RaiseException)


@dataclass
class Deployment:
    """A department server: the owner's engine and each person's login."""

    owner: Engine
    url: str
    schema: str
    admin: str
    staff: str
    other_staff: str
    supervisor: str

    def url_as(self, login: str) -> str:
        return make_url(self.url).set(username=login).render_as_string(hide_password=False)

    def connect(self, login: str) -> psycopg.Connection:
        """A plain psycopg connection as *login* — what ``psql -U login`` gets."""
        url = make_url(pg_url())
        return psycopg.connect(
            host=url.host or "127.0.0.1",
            port=url.port or 5432,
            dbname=url.database,
            user=login,
            options=f"-csearch_path={self.schema}",
            autocommit=True,
        )

    def target_id(self, key: str) -> int:
        with self.owner.connect() as conn:
            return int(
                conn.execute(text("SELECT id FROM target WHERE key = :k"), {"k": key}).scalar_one()
            )


@pytest.fixture
def deployment() -> Iterator[Deployment]:
    """The sample plan on a fresh schema, set up by its owner; an admin, two staff of
    different departments and a supervisor, each with their own database login."""
    tag = uuid.uuid4().hex[:6]
    people = {
        "admin": f"zhao_{tag}",
        "staff": f"li_{tag}",
        "other_staff": f"wang_{tag}",
        "supervisor": f"zhang_{tag}",
    }
    with pg_schema_url() as url:
        owner = make_engine(url)
        load_sample(owner, DATA)
        add_user(owner, login=people["admin"], role="admin", actor="owner", database_roles=True)
        add = dict(actor=people["admin"], database_roles=True)
        add_user(owner, login=people["staff"], role="staff", department=CULTURE, **add)  # type: ignore[arg-type]
        add_user(
            owner,
            login=people["other_staff"],
            role="staff",
            department="市人力资源社会保障局",
            **add,  # type: ignore[arg-type]
        )
        add_user(owner, login=people["supervisor"], role="supervisor", **add)  # type: ignore[arg-type]
        schema = make_url(url).query["options"].removeprefix("-csearch_path=")  # type: ignore[union-attr]
        try:
            yield Deployment(owner, url, str(schema), **people)
        finally:
            owner.dispose()
    server = create_engine(pg_url(), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        for login in people.values():
            conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
    server.dispose()


def insert_reading(conn: psycopg.Connection, target_id: int, by: str, **extra: object) -> int:
    values = {"entered_by": by, "value": 77, "note": "", **extra}
    columns = ", ".join(values)
    marks = ", ".join(f"%({k})s" for k in values)
    row = conn.execute(
        f"INSERT INTO snapshot (target_id, as_of, entered_at, {columns}) "
        f"VALUES (%(target_id)s, '2020-11-30', now(), {marks}) RETURNING id",
        {"target_id": target_id, **values},
    ).fetchone()
    assert row is not None
    return int(row[0])


def test_staff_insert_readings_only_for_their_own_departments_targets(
    deployment: Deployment,
) -> None:
    own, other = deployment.target_id("28.1"), deployment.target_id("1.1")
    with deployment.connect(deployment.staff) as conn:
        new = insert_reading(conn, own, deployment.staff)
        with pytest.raises(REFUSED, match="row-level security"):
            insert_reading(conn, other, deployment.staff)  # 1.1: another department's
        with pytest.raises(REFUSED, match="row-level security"):
            insert_reading(conn, own, deployment.other_staff)  # entered "by" someone else
        # Who stored it is the login, whatever the row claims.
        claimed = insert_reading(
            conn, deployment.target_id("28.2"), deployment.staff, recorded_by=deployment.admin
        )
        stored = conn.execute(
            "SELECT recorded_by FROM snapshot WHERE id IN (%s, %s) ORDER BY id", (new, claimed)
        ).fetchall()
        assert stored == [(deployment.staff,), (deployment.staff,)]
        # The trigger wrote both to the audit trail, as the login.
        trail = conn.execute(
            "SELECT user_login, db_user, action, target_key FROM audit "
            "WHERE entity = 'snapshot' AND entity_id IN (%s, %s) ORDER BY id",
            (new, claimed),
        ).fetchall()
        assert trail == [
            (deployment.staff, deployment.staff, "snapshot.add", "28.1"),
            (deployment.staff, deployment.staff, "snapshot.add", "28.2"),
        ]


def test_nobody_updates_or_deletes_readings_reviews_or_the_audit(deployment: Deployment) -> None:
    for login in (deployment.staff, deployment.supervisor, deployment.admin):
        with deployment.connect(login) as conn:
            for statement in (
                "UPDATE snapshot SET value = 1",
                "DELETE FROM snapshot",
                "UPDATE review SET decision = 'approved'",
                "DELETE FROM review",
                "UPDATE audit SET user_login = 'nobody'",
                "DELETE FROM audit",
                "TRUNCATE audit",
            ):
                with pytest.raises(REFUSED):
                    conn.execute(statement)
    with deployment.owner.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit")).scalar_one() > 0


def test_only_admins_change_users_and_plans_and_nobody_but_the_owner_the_schema(
    deployment: Deployment,
) -> None:
    for login in (deployment.staff, deployment.supervisor):
        with deployment.connect(login) as conn:
            with pytest.raises(REFUSED):
                conn.execute("UPDATE app_user SET role = 'admin' WHERE login = %s", (login,))
            with pytest.raises(REFUSED):
                conn.execute("UPDATE target SET target_value = 1")
            with pytest.raises(REFUSED):
                conn.execute("INSERT INTO department (name) VALUES ('伪造局')")
    # Group roles belong to the server: a staff member who is an admin of another
    # deployment (a member of pledgetrack_admin) is still staff here.
    with deployment.owner.connect() as conn:
        conn.execute(text(f'GRANT pledgetrack_admin TO "{deployment.staff}"'))
        conn.commit()
    with deployment.connect(deployment.staff) as conn:
        conn.execute("SET ROLE pledgetrack_admin")
        with pytest.raises(REFUSED, match="row-level security"):
            conn.execute("INSERT INTO department (name) VALUES ('伪造局')")
        assert conn.execute("UPDATE target SET target_value = 1").rowcount == 0
    with deployment.connect(deployment.admin) as conn:
        conn.execute(
            "UPDATE app_user SET display_name = '李' WHERE login = %s", (deployment.staff,)
        )
        with pytest.raises(REFUSED):
            conn.execute("DELETE FROM app_user")
        for ddl in ("ALTER TABLE snapshot DISABLE TRIGGER USER", "DROP TABLE audit"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="must be owner"):
                conn.execute(ddl)


def test_supervisors_review_but_enter_nothing_and_never_their_own(deployment: Deployment) -> None:
    own = deployment.target_id("28.1")
    with deployment.connect(deployment.staff) as conn:
        reading = insert_reading(conn, own, deployment.staff)
    with deployment.connect(deployment.supervisor) as conn:
        with pytest.raises(REFUSED):
            insert_reading(conn, own, deployment.supervisor)
        review = (
            "INSERT INTO review (snapshot_id, decision, comment, reviewed_by, reviewed_at) "
            "VALUES (%s, 'approved', '', %s, now())"
        )
        with pytest.raises(REFUSED, match="row-level security"):
            conn.execute(review, (reading, deployment.admin))  # as someone else
        conn.execute(review, (reading, deployment.supervisor))
        assert conn.execute(
            "SELECT user_login, action FROM audit WHERE action LIKE 'review.%%' AND entity_id = %s",
            (reading,),
        ).fetchall() == [(deployment.supervisor, "review.approve")]
    # An admin enters a figure, and cannot approve it themselves.
    with deployment.connect(deployment.admin) as conn:
        mine = insert_reading(conn, deployment.target_id("1.1"), deployment.admin)
        with pytest.raises(REFUSED, match="row-level security"):
            conn.execute(review, (mine, deployment.admin))
    with deployment.connect(deployment.staff) as conn, pytest.raises(REFUSED):
        conn.execute(review, (reading, deployment.staff))


def test_deactivated_people_write_nothing(deployment: Deployment) -> None:
    set_user(deployment.owner, deployment.staff, active=False, actor=deployment.admin)
    with deployment.connect(deployment.staff) as conn, pytest.raises(REFUSED):
        insert_reading(conn, deployment.target_id("28.1"), deployment.staff)


def test_the_program_through_a_persons_login_keeps_its_messages(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Through the program, each person is who they logged in as: LOGNAME, USER and the
    OS account do not count; the program's refusals read as before."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLEDGETRACK_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("LOGNAME", deployment.admin)
    monkeypatch.setenv("USER", deployment.admin)
    runner = CliRunner()

    def run(login: str, *args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["--db", deployment.url_as(login), *args])

    ok = run(deployment.staff, "record", "28.1", "64", "--as-of", "2020-11-30")
    assert ok.exit_code == 0, ok.output
    refused = run(deployment.staff, "record", "1.1", "45", "--as-of", "2020-11-30")
    assert refused.exit_code == 2
    assert f"{deployment.staff} (staff, {CULTURE}) cannot enter figures for 1.1" in refused.output
    claimed = run(deployment.staff, "--user", deployment.admin, "record", "1.1", "45", "--as-of", "2020-11-30")  # fmt: skip
    assert claimed.exit_code == 2
    assert f"only an admin may act as another user, and {deployment.staff}" in claimed.output
    # The admin acts for the staff member: recorded as "zhao for li".
    acted = run(deployment.admin, "--user", deployment.staff, "record", "28.2", "30", "--as-of", "2020-11-30")  # fmt: skip
    assert acted.exit_code == 0, acted.output
    trail = run(deployment.supervisor, "audit", "--target", "28.2", "--json")
    assert trail.exit_code == 0, trail.output
    last = json.loads(trail.stdout)[-1]
    assert (last["user"], last["acting_for"], last["db_user"]) == (
        deployment.admin,
        deployment.staff,
        deployment.admin,
    )
    approve = run(deployment.supervisor, "review", "approve", "28.1", "--as-of", "2020-11-30")
    assert approve.exit_code == 0, approve.output


def test_a_department_server_set_up_as_the_readme_says(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An owner who is not a superuser (CREATEROLE only) runs `db upgrade` and adds the
    first admin; the admin, with their own login, adds staff; the staff member records.
    `db upgrade` again keeps every row."""
    tag = uuid.uuid4().hex[:6]
    owner, admin, staff, schema = f"own_{tag}", f"zhao_{tag}", f"li_{tag}", f"s_{tag}"
    server = create_engine(pg_url(), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{owner}" LOGIN CREATEROLE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}" AUTHORIZATION "{owner}"'))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("PLEDGETRACK_CONFIG", str(tmp_path / "none.toml"))
    base = make_url(pg_url()).update_query_dict({"options": f"-csearch_path={schema}"})
    runner = CliRunner()

    def run(login: str, *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
        url = base.set(username=login).render_as_string(hide_password=False)
        return runner.invoke(app, ["--db", url, *args], input=stdin)

    try:
        steps = [
            run(owner, "db", "upgrade"),
            run(owner, "import", "plan", str(DATA / "qingdao-2020-plan.csv")),
            run(owner, "user", "add", admin, "--role", "admin", "--password", stdin="s3cret-pw\n"),
            run(admin, "user", "add", staff, "--department", CULTURE),
            run(staff, "record", "28.1", "64", "--as-of", "2020-11-30"),
            # The admin's own login changes plans and people, as the program allows.
            run(admin, "import", "plan", str(DATA / "qingdao-2020-plan.csv")),
            run(admin, "user", "set", staff, "--name", "李雷"),
            run(staff, "status", "--as-of", "2020-11-30", "--summary"),
            run(owner, "db", "upgrade"),
        ]
        for step in steps:
            assert step.exit_code == 0, step.output
        # The owner's own login is not a person, and is not a user: it reads only.
        refused = run(owner, "record", "28.1", "65", "--as-of", "2020-11-30")
        assert refused.exit_code == 2 and "is not a pledgetrack user" in refused.output
        with server.connect() as conn:
            password = conn.execute(
                text("SELECT rolpassword IS NOT NULL FROM pg_authid WHERE rolname = :r"),
                {"r": admin},
            ).scalar_one()
            assert password
            rows = conn.execute(
                text(f'SELECT value, entered_by, recorded_by FROM "{schema}".snapshot')
            ).all()
            assert [tuple(r) for r in rows] == [(64.0, staff, staff)]
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            for login in (staff, admin, owner):
                conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
        server.dispose()
