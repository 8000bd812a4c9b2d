"""The latest reading per target as of a date: one SQL statement, corrections win."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event
from sqlmodel import Session, select

from pledgetrack.services.progress import record
from pledgetrack.storage.queries import latest_readings, target_history
from pledgetrack.storage.tables import Target


def test_latest_readings_is_one_statement_for_the_whole_plan(qingdao) -> None:
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(qingdao, "before_cursor_execute", count)
    with Session(qingdao) as session:
        readings = latest_readings(session=session, plan_id=1, on=date(2020, 10, 31))
    event.remove(qingdao, "before_cursor_execute", count)
    assert len(readings) == 91
    assert len([s for s in statements if "snapshot" in s.lower()]) == 1


def test_a_correction_supersedes_and_both_stay_in_history(qingdao) -> None:
    today = date(2026, 1, 1)
    record(
        qingdao,
        target_key="2.1",
        value="22",
        as_of="2020-10-31",
        entered_by="a",
        today=today,
        note="修正",
    )
    with Session(qingdao) as session:
        target_id = session.exec(select(Target.id).where(Target.key == "2.1")).one()
        assert (
            latest_readings(session=session, plan_id=1, on=date(2020, 10, 31))[target_id].value
            == 22
        )
        history = target_history(session=session, target_id=target_id)
    assert [h.value for h in history] == [21.49, 22]
    assert history[0].superseded and not history[1].superseded
    assert history[1].supersedes_id == history[0].id


def test_time_travel_sees_the_month_as_it_was(qingdao) -> None:
    today = date(2026, 1, 1)
    record(qingdao, target_key="2.1", value="24", as_of="2020-11-30", entered_by="a", today=today)
    with Session(qingdao) as session:
        target_id = session.exec(select(Target.id).where(Target.key == "2.1")).one()
        october = latest_readings(session=session, plan_id=1, on=date(2020, 10, 31))
        november = latest_readings(session=session, plan_id=1, on=date(2020, 11, 30))
        september = latest_readings(session=session, plan_id=1, on=date(2020, 9, 30))
    assert october[target_id].value == 21.49
    assert november[target_id].value == 24
    assert target_id not in september
