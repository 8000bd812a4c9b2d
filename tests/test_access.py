"""People and roles: who may enter, review and manage — on SQLite and PostgreSQL.

The rules live in the service layer (services.access), so they are tested here
through the services every front end calls, and through the CLI.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from pledgetrack.cli import app
from pledgetrack.services.access import (
    Actor,
    InvalidUser,
    PermissionDenied,
    Role,
    add_user,
    identity,
    list_users,
    set_user,
)
from pledgetrack.services.entry import LineInput, load_sheet, save_sheet
from pledgetrack.services.plans import import_plan
from pledgetrack.services.progress import read_progress_file, record, save_entries
from pledgetrack.services.review import ReviewRefused, review
from pledgetrack.services.sample import load_sample
from pledgetrack.storage.tables import Review, Snapshot
from tests.backends import BOTH, database_url, empty_database
from tests.conftest import DATA, PLAN_CSV, TODAY, write

CULTURE = "市文化和旅游局"
HR = "市人力资源社会保障局"
RED_CROSS = "市红十字会"  # co-operates on item 15 (献血屋设置), leads item 32
NOVEMBER = date(2020, 11, 30)


@pytest.fixture
def sample(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """The shipped sample (no users yet: single-user mode) on *backend*."""
    with empty_database(backend, tmp_path) as engine:
        load_sample(engine, DATA)
        yield engine


def add_people(engine: Engine) -> None:
    """An admin first (anyone may add the first, an admin), then the others."""
    add_user(engine, login="zhao", role="admin", display_name="赵", actor="whoever")
    add_user(engine, login="li", role="staff", department=CULTURE, actor="zhao")
    add_user(engine, login="chen", role="staff", department=RED_CROSS, actor="zhao")
    add_user(engine, login="zhang", role="supervisor", display_name="张", actor="zhao")


def november(engine: Engine) -> list[Snapshot]:
    with Session(engine) as session:
        return list(session.exec(select(Snapshot).where(Snapshot.as_of == NOVEMBER)).all())


def put(engine: Engine, key: str, value: str, by: str) -> None:
    record(engine, target_key=key, value=value, as_of=NOVEMBER, entered_by=by, today=TODAY)


# ---- bootstrap ---------------------------------------------------------------------


@BOTH
def test_a_database_without_users_is_single_user_mode(sample: Engine) -> None:
    actor = Actor.resolve(sample, "anyone")
    assert actor.single_user and actor.can_write and actor.may_review()
    put(sample, "1.1", "45", by="anyone")
    review(sample, decision="approved", target_key="1.1", as_of=NOVEMBER, actor="anyone")
    import_plan(sample, PLAN_CSV, actor="anyone")
    assert len(november(sample)) == 1


@BOTH
def test_the_first_user_must_be_an_admin_then_rules_apply(sample: Engine) -> None:
    with pytest.raises(PermissionDenied, match="first user must be an admin"):
        add_user(sample, login="li", role="staff", department=CULTURE, actor="li")
    assert list_users(sample) == []
    add_user(sample, login="zhao", role="admin", actor="root")
    assert not Actor.resolve(sample, "root").single_user
    with pytest.raises(PermissionDenied, match="root is not a pledgetrack user"):
        add_user(sample, login="li", role="staff", department=CULTURE, actor="root")
    add_user(sample, login="li", role="staff", department=CULTURE, actor="zhao")
    assert [(u.login, u.role, u.department) for u in list_users(sample)] == [
        ("li", Role.STAFF, CULTURE),
        ("zhao", Role.ADMIN, None),
    ]


# ---- entering figures ------------------------------------------------------------------


@BOTH
def test_staff_enter_figures_of_their_own_department_only(sample: Engine) -> None:
    add_people(sample)
    put(sample, "28.1", "100", by="li")
    with pytest.raises(PermissionDenied) as refused:
        put(sample, "1.1", "45", by="li")
    message = refused.value.message
    assert message.startswith("li (staff, 市文化和旅游局) cannot enter figures for 1.1")
    assert f"not a target of {CULTURE}" in message and HR in message
    assert "admins: zhao" in message
    assert [(s.value, s.entered_by) for s in november(sample)] == [(100.0, "li")]


@BOTH
def test_a_co_operating_department_enters_too(sample: Engine) -> None:
    add_people(sample)
    put(sample, "15.1", "12", by="chen")  # item 15: 市卫生健康委 leads, 市红十字会 co-operates
    put(sample, "32.1", "19000", by="chen")  # item 32: 市红十字会 leads
    with pytest.raises(PermissionDenied, match=r"cannot enter figures for 14\.1"):
        put(sample, "14.1", "1", by="chen")
    assert sorted(s.value for s in november(sample)) == [12.0, 19000.0]


@BOTH
def test_a_refused_file_stores_nothing_and_names_every_target(
    sample: Engine, tmp_path: Path
) -> None:
    add_people(sample)
    path = write(
        tmp_path / "p.csv",
        "plan,target,as_of,value\n"
        "qingdao-2020,28.1,2020-11-30,100\n"
        "qingdao-2020,1.1,2020-11-30,45\n"
        "qingdao-2020,2.1,2020-11-30,23\n",
    )
    entries = read_progress_file(sample, path, today=TODAY)
    with pytest.raises(PermissionDenied, match=r"cannot enter figures for 1\.1, 2\.1:"):
        save_entries(sample, entries, actor="li")
    assert november(sample) == []


@BOTH
def test_supervisors_review_but_do_not_enter_figures(sample: Engine) -> None:
    add_people(sample)
    with pytest.raises(PermissionDenied) as refused:
        put(sample, "28.1", "100", by="zhang")
    assert "supervisors review figures, they do not enter them" in refused.value.message
    assert f"staff of {CULTURE} enter them" in refused.value.message
    put(sample, "28.1", "100", by="li")
    done = review(sample, decision="returned", comment="附清单", target_key="28.1",
                  as_of=NOVEMBER, actor="zhang")  # fmt: skip
    assert done.decision == "returned"
    review(sample, decision="approved", target_key="28.1", as_of=NOVEMBER, actor="zhang")


@BOTH
def test_staff_cannot_approve_or_return(sample: Engine) -> None:
    add_people(sample)
    put(sample, "28.1", "100", by="li")
    with pytest.raises(PermissionDenied) as refused:
        review(sample, decision="approved", target_key="28.1", as_of=NOVEMBER, actor="li")
    assert refused.value.message == (
        "li (staff, 市文化和旅游局) cannot approve or return figures: only supervisors "
        "(supervisors: zhang) and admins (admins: zhao) review figures"
    )


@BOTH
def test_admins_may_do_anything(sample: Engine) -> None:
    """An admin (no department) enters any department's figures, reviews them, imports
    plans and manages people — and each is stored as the admin's."""
    add_people(sample)
    put(sample, "1.1", "45", by="zhao")  # 市人力资源社会保障局
    put(sample, "28.1", "100", by="zhao")  # 市文化和旅游局
    assert sorted((s.value, s.entered_by) for s in november(sample)) == [
        (45.0, "zhao"),
        (100.0, "zhao"),
    ]
    # … but nobody approves a figure they entered, an admin included.
    with pytest.raises(ReviewRefused, match="nobody reviews a figure they entered"):
        review(sample, decision="approved", target_key="1.1", as_of=NOVEMBER, actor="zhao")
    put(sample, "28.2", "20", by="li")
    done = review(sample, decision="approved", target_key="28.2", as_of=NOVEMBER, actor="zhao")
    assert (done.key, done.decision, done.previous) == ("28.2", "approved", "submitted")
    with Session(sample) as session:
        decisions = session.exec(select(Review).where(Review.snapshot_id == done.snapshot_id))
        assert [(r.decision, r.reviewed_by) for r in decisions] == [("approved", "zhao")]
    saved = import_plan(sample, PLAN_CSV, actor="zhao")
    assert [(s.code, s.created) for s in saved] == [("qingdao-2020", False)]
    set_user(sample, "li", role="supervisor", actor="zhao")
    assert {u.login: u.role for u in list_users(sample)}["li"] == "supervisor"


@BOTH
def test_an_admin_who_stored_a_figure_for_staff_does_not_review_it(sample: Engine) -> None:
    """Stored by zhao for li (--user li): zhao may not approve it either; the refusal
    names both, and says who is who to the front ends (facts)."""
    from pledgetrack.services.access import Actor

    add_people(sample)
    record(sample, target_key="28.1", value="90", as_of=NOVEMBER, entered_by="li", today=TODAY,
           actor=Actor(login="li", by="zhao"))  # fmt: skip
    with pytest.raises(ReviewRefused, match="was entered by zhao for li") as refused:
        review(sample, decision="approved", target_key="28.1", as_of=NOVEMBER, actor="zhao")
    assert (refused.value.reason, refused.value.facts["by"], refused.value.facts["recorder"]) == (
        "own", "li", "zhao")  # fmt: skip
    done = review(sample, decision="approved", target_key="28.1", as_of=NOVEMBER, actor="zhang")
    assert done.decision == "approved"


@BOTH
def test_admins_import_plans_staff_and_supervisors_cannot(sample: Engine) -> None:
    add_people(sample)
    for who in ("li", "zhang"):
        with pytest.raises(PermissionDenied, match="cannot import or change plans: only admins"):
            import_plan(sample, PLAN_CSV, actor=who)
    saved = import_plan(sample, PLAN_CSV, actor="zhao")
    assert saved[0].code == "qingdao-2020" and not saved[0].created


@BOTH
def test_an_unknown_login_reads_but_does_not_write(sample: Engine) -> None:
    add_people(sample)
    actor = Actor.resolve(sample, "wang")
    assert not actor.can_write and actor.role is None
    with pytest.raises(PermissionDenied) as refused:
        put(sample, "28.1", "100", by="wang")
    assert refused.value.message == (
        "wang is not a pledgetrack user: ask an admin (admins: zhao) to add you; "
        "you can read but not write"
    )
    sheet = load_sheet(sample, department=CULTURE, month=NOVEMBER, today=TODAY)
    with pytest.raises(PermissionDenied, match="wang is not a pledgetrack user"):
        save_sheet(sample, sheet, {sheet.lines[0].target.id: LineInput("100")}, entered_by="wang")
    assert november(sample) == []


@BOTH
def test_users_are_deactivated_never_deleted_and_an_admin_always_remains(
    sample: Engine,
) -> None:
    add_people(sample)
    set_user(sample, "li", active=False, actor="zhao")
    with pytest.raises(PermissionDenied, match="li is deactivated: ask an admin"):
        put(sample, "28.1", "100", by="li")
    assert [u.login for u in list_users(sample)] == ["chen", "li", "zhang", "zhao"]
    with pytest.raises(InvalidUser, match="zhao is the last active admin"):
        set_user(sample, "zhao", role="staff", department=HR, actor="zhao")
    with pytest.raises(InvalidUser, match="last active admin"):
        set_user(sample, "zhao", active=False, actor="zhao")
    with pytest.raises(PermissionDenied, match="only admins do"):
        set_user(sample, "li", active=True, actor="zhang")
    # Moving li to another department moves what li may enter.
    set_user(sample, "li", active=True, department=HR, actor="zhao")
    put(sample, "1.1", "45", by="li")
    with pytest.raises(PermissionDenied):
        put(sample, "28.1", "100", by="li")


@BOTH
def test_user_changes_are_checked(sample: Engine) -> None:
    add_people(sample)
    with pytest.raises(InvalidUser, match="no department '市不存在局'"):
        add_user(sample, login="x", role="staff", department="市不存在局", actor="zhao")
    with pytest.raises(InvalidUser, match="staff enter figures for a department"):
        add_user(sample, login="x", role="staff", actor="zhao")
    with pytest.raises(InvalidUser, match="li is already a user"):
        add_user(sample, login="li", role="staff", department=CULTURE, actor="zhao")
    with pytest.raises(InvalidUser, match="role 'boss'"):
        add_user(sample, login="x", role="boss", actor="zhao")
    with pytest.raises(InvalidUser, match="no user 'nobody'"):
        set_user(sample, "nobody", role="admin", actor="zhao")


# ---- acting as someone else (--user) -------------------------------------------------


@BOTH
def test_acting_as_another_user_only_for_admins(sample: Engine) -> None:
    assert identity(sample, os_login="root", requested="li") == "li"  # no users yet
    add_people(sample)
    assert identity(sample, os_login="zhao", requested="li") == "li"
    assert identity(sample, os_login="li", requested=None) == "li"
    assert identity(sample, os_login="li", requested="li") == "li"
    for me in ("li", "zhang", "wang"):
        with pytest.raises(PermissionDenied, match="only an admin may act as another user"):
            identity(sample, os_login=me, requested="zhao")


# ---- the command line ------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def cli_db(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database URL with the sample loaded."""
    from pledgetrack.storage.db import make_engine

    with database_url(backend, tmp_path) as url:
        engine = make_engine(url)
        load_sample(engine, DATA)
        engine.dispose()
        yield url


def cli(url: str, *args: str, login: str = "root", monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("pledgetrack.services.access.os_account", lambda: login)
    # `status` on a SQLite file resolves the person without services.access.
    monkeypatch.setattr("pledgetrack.services.person.os_account", lambda: login)
    return runner.invoke(app, ["--db", url, *args])


@BOTH
def test_cli_user_add_list_set(cli_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def run(*args: str, login: str = "zhao"):
        return cli(cli_db, *args, login=login, monkeypatch=monkeypatch)

    result = run("user", "add", "li", "--department", CULTURE, "--name", "李")
    assert result.exit_code == 2 and "first user must be an admin" in result.output
    result = run("user", "add", "zhao", "--role", "admin", "--name", "赵")
    assert result.exit_code == 0, result.output
    assert "added zhao (admin)" in result.stdout
    assert run("user", "add", "li", "--department", CULTURE, "--name", "李").exit_code == 0
    result = run("user", "add", "wu", "--role", "supervisor", login="li")
    assert result.exit_code == 2 and "cannot add users: only admins do (admins: zhao)" in (
        result.output
    )
    result = run("user", "set", "li", "--inactive")
    assert result.exit_code == 0 and "(inactive)" in result.stdout
    users = json.loads(run("user", "list", "--json").stdout)
    assert users == [
        {"login": "li", "display_name": "李", "role": "staff", "department": CULTURE,
         "active": False},
        {"login": "zhao", "display_name": "赵", "role": "admin", "department": None,
         "active": True},
    ]  # fmt: skip
    assert "zhao" in run("user", "list").stdout
    result = run("user", "set", "li", "--active", "--department", "市不存在局")
    assert result.exit_code == 2 and "no department" in result.output


@BOTH
def test_cli_record_and_import_follow_the_roles(
    cli_db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def run(*args: str, login: str):
        return cli(cli_db, *args, login=login, monkeypatch=monkeypatch)

    assert run("user", "add", "zhao", "--role", "admin", login="zhao").exit_code == 0
    assert run("user", "add", "li", "--department", CULTURE, login="zhao").exit_code == 0
    result = run("record", "28.1", "100", "--as-of", "2020-11-30", login="li")
    assert result.exit_code == 0, result.output
    result = run("record", "1.1", "45", "--as-of", "2020-11-30", login="li")
    assert result.exit_code == 2
    assert "li (staff, 市文化和旅游局) cannot enter figures for 1.1" in result.output
    result = run("record", "1.1", "45", "--as-of", "2020-11-30", login="wang")
    assert result.exit_code == 2 and "wang is not a pledgetrack user" in result.output
    # Reading stays open to everyone.
    assert run("status", "--as-of", "2020-10-31", "--json", login="wang").exit_code == 0
    result = run("import", "plan", str(PLAN_CSV), login="li")
    assert result.exit_code == 2 and "cannot import or change plans" in result.output
    assert run("import", "plan", str(PLAN_CSV), login="zhao").exit_code == 0
    progress = write(
        tmp_path / "p.csv", "plan,target,as_of,value\nqingdao-2020,1.1,2020-11-30,45\n"
    )
    result = run("import", "progress", str(progress), login="li")
    assert result.exit_code == 2 and "cannot enter figures for 1.1" in result.output


@BOTH
def test_cli_user_option_only_for_admins(cli_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def run(*args: str, login: str):
        return cli(cli_db, *args, login=login, monkeypatch=monkeypatch)

    first = run("user", "add", "zhao", "--role", "admin", login="root")
    assert first.exit_code == 0
    assert "you (root) are not one of them: from now on you can only read" in first.stdout
    assert run("user", "add", "li", "--department", CULTURE, login="zhao").exit_code == 0
    # An admin may act as li: the figure is li's, and li's rules apply.
    result = run("--user", "li", "record", "28.1", "100", "--as-of", "2020-11-30", login="zhao")
    assert result.exit_code == 0, result.output
    result = run("--user", "li", "record", "1.1", "45", "--as-of", "2020-11-30", login="zhao")
    assert result.exit_code == 2 and "li (staff" in result.output
    # Staff may not act as anyone else, not even to read.
    result = run("--user", "zhao", "status", "--as-of", "2020-10-31", login="li")
    assert result.exit_code == 2
    assert "--user zhao: only an admin may act as another user, and li is not" in result.output
    monkeypatch.setenv("PLEDGETRACK_USER", "zhao")
    result = run("record", "28.2", "20", "--as-of", "2020-11-30", login="li")
    assert result.exit_code == 2 and "only an admin may act as another user" in result.output
    monkeypatch.delenv("PLEDGETRACK_USER")
    from pledgetrack.storage.db import make_engine

    engine = make_engine(cli_db)
    try:
        assert [(s.value, s.entered_by) for s in november(engine)] == [(100.0, "li")]
    finally:
        engine.dispose()


# ---- attribution -----------------------------------------------------------------------


def test_the_identity_is_the_os_account_never_logname_or_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`LOGNAME=zhao pledgetrack record …` run by another account records nothing: the
    identity is the account of the process (its real uid), not an environment variable."""
    import pwd

    from pledgetrack.services.access import os_account

    me = pwd.getpwuid(os.getuid()).pw_name
    assert os_account() == me
    admin = "zhao" if me != "zhao" else "zhao2"
    with database_url("sqlite", tmp_path) as url:
        from pledgetrack.storage.db import make_engine

        engine = make_engine(url)
        load_sample(engine, DATA)
        add_user(engine, login=admin, role="admin", actor="anyone")
        engine.dispose()
        for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
            monkeypatch.setenv(variable, admin)
        result = runner.invoke(app, ["--db", url, "record", "1.1", "45", "--as-of", "2020-11-30"])
        assert result.exit_code == 2
        assert f"{me} is not a pledgetrack user" in result.output


@BOTH
def test_an_admin_acting_for_someone_is_recorded_as_both(
    cli_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def run(*args: str, login: str):
        return cli(cli_db, *args, login=login, monkeypatch=monkeypatch)

    assert run("user", "add", "zhao", "--role", "admin", login="root").exit_code == 0
    assert run("user", "add", "li", "--department", CULTURE, login="zhao").exit_code == 0
    done = run("--user", "li", "record", "28.1", "100", "--as-of", "2020-11-30", login="zhao")
    assert done.exit_code == 0, done.output
    trail = run("audit", "--target", "28.1", login="li")
    assert "zhao for li" in " ".join(trail.stdout.split())
    entry = json.loads(run("audit", "--target", "28.1", "--json", login="li").stdout)[-1]
    assert (entry["user"], entry["acting_for"], entry["action"]) == ("zhao", "li", "snapshot.add")
    snap = next(s for s in november(make_engine_of(cli_db)) if s.value == 100)
    assert (snap.entered_by, snap.recorded_by) == ("li", "zhao")


def make_engine_of(url: str) -> Engine:
    from pledgetrack.storage.db import make_engine

    return make_engine(url)


@BOTH
def test_imported_entered_by_is_kept_beside_the_real_importer(
    cli_db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A file's entered_by / entered_at are kept as the file claims them, beside who
    really imported it and when; only an admin imports figures entered by others, and
    `audit --target` lists readings that came in by import."""

    def run(*args: str, login: str):
        return cli(cli_db, *args, login=login, monkeypatch=monkeypatch)

    assert run("user", "add", "zhao", "--role", "admin", login="root").exit_code == 0
    assert run("user", "add", "li", "--department", CULTURE, login="zhao").exit_code == 0
    file = write(
        tmp_path / "office.csv",
        "plan,target,as_of,value,entered_by,entered_at\n"
        "qingdao-2020,28.1,2020-11-30,100,wang,2020-12-01T09:00:00+08:00\n",
    )
    refused = run("import", "progress", str(file), login="li")
    assert refused.exit_code == 2
    assert "28.1 (2020-11-30) is entered by wang" in refused.output
    assert "only an admin imports figures on behalf of others" in refused.output
    own = write(tmp_path / "own.csv", "plan,target,as_of,value,entered_by\nqingdao-2020,28.2,2020-11-30,20,li\n")  # fmt: skip
    assert run("import", "progress", str(own), login="li").exit_code == 0
    done = run("import", "progress", str(file), login="zhao")
    assert done.exit_code == 0, done.output
    snap = next(s for s in november(make_engine_of(cli_db)) if s.value == 100)
    assert (snap.entered_by, snap.recorded_by) == ("wang", "zhao")
    assert snap.entered_at is not None and snap.entered_at.day == 1  # as the file claims
    assert snap.recorded_at is not None and snap.recorded_at.year >= 2026  # the import
    entries = json.loads(run("audit", "--target", "28.1", "--json", login="li").stdout)
    assert [(e["user"], e["acting_for"], e["action"]) for e in entries][-1] == (
        "zhao",
        "wang",
        "snapshot.add",
    )
