"""`status --as-of` and `report --month` refuse a date outside the plan's period, on
either engine: one line naming the plan's period, exit 2, nothing printed on stdout."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from pledgetrack.cli import app
from pledgetrack.domain.errors import OutsidePlan
from pledgetrack.services.status import check_in_period

runner = CliRunner()
PERIOD = "2020-01-01 … 2020-12-31"


def url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.mark.parametrize(
    ("args", "option", "asked"),
    [
        (["status", "--as-of", "2019-05-01"], "--as-of", "2019-05-01"),
        (["status", "--as-of", "2021-01-01", "--summary"], "--as-of", "2021-01-01"),
        (["status", "--as-of", "2021年3月底", "--json"], "--as-of", "2021-03-31"),
        (["report", "--month", "2021-03"], "--month", "2021-03"),
        (["report", "--month", "2019-12", "--format", "md"], "--month", "2019-12"),
    ],
)
def test_a_date_outside_the_plan_is_refused(
    cli_db, qingdao: Engine, args: list[str], option: str, asked: str
) -> None:
    result = runner.invoke(app, ["--db", url(qingdao), *args])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    line = " ".join(result.stderr.split())
    assert line.startswith(f"error: {option}: {asked} is outside the plan period")
    assert PERIOD in line and "qingdao-2020" in line and "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["status", "--as-of", "2020-01-01", "--summary"],
        ["status", "--as-of", "2020-12-31", "--summary"],
        ["report", "--month", "2020-01"],
        ["report", "--month", "2020-12"],
    ],
)
def test_the_first_and_last_day_and_month_are_inside(cli_db, qingdao: Engine, args) -> None:
    result = runner.invoke(app, ["--db", url(qingdao), *args])
    assert result.exit_code == 0, result.output


def test_a_month_that_meets_the_period_is_inside(qingdao: Engine) -> None:
    """A plan that starts or ends mid-month still reports that month."""
    from datetime import date

    from sqlmodel import Session, select

    from pledgetrack.storage.tables import Plan

    with Session(qingdao) as session:
        plan = session.exec(select(Plan)).one()
        plan.start, plan.end = date(2020, 3, 15), date(2020, 11, 10)
        session.add(plan)
        session.commit()
    check_in_period(qingdao, plan=None, day=date(2020, 3, 31), month=True)
    check_in_period(qingdao, plan=None, day=date(2020, 11, 30), month=True)
    with pytest.raises(OutsidePlan, match="2020-03-14 is outside"):
        check_in_period(qingdao, plan=None, day=date(2020, 3, 14))
    with pytest.raises(OutsidePlan, match=r"2020-12 is outside .* pick a month in it"):
        check_in_period(qingdao, plan=None, day=date(2020, 12, 31), month=True)
