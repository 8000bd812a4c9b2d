"""What real lists say: approximate readings (约11890人, 24500余人, 70%以上), forecasts
("预计10月底前全部完成") and history typed in after the fact."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from pledgetrack.domain.errors import ImportRejected
from pledgetrack.domain.numbers import NumberFormatError, format_number
from pledgetrack.domain.qualifier import Qualifier, parse_qualified, parse_qualifier, qualified
from pledgetrack.domain.report_format import ReportFormat
from pledgetrack.services.month_report import build_month_report, render_report, write_report
from pledgetrack.services.progress import (
    export_progress,
    read_progress_file,
    record,
    save_entries,
)
from pledgetrack.services.sample import load_sample
from pledgetrack.storage.schema import current_revision
from pledgetrack.storage.tables import Snapshot
from tests.backends import BOTH, empty_database
from tests.conftest import DATA, TODAY

NOVEMBER = date(2020, 11, 30)
RED_CROSS = "市红十字会"  # 32.1 应急救护培训, 20000人
CULTURE = "市文化和旅游局"  # 28.1 书亭, 100处


@contextmanager
def sample(backend: str, tmp_path: Path) -> Iterator[Engine]:
    with empty_database(backend, tmp_path) as engine:
        load_sample(engine, DATA)
        yield engine


# ---- reading a figure -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value", "qualifier"),
    [
        ("约11890", 11890, Qualifier.APPROX),
        ("24500余", 24500, Qualifier.MORE),
        ("1100多", 1100, Qualifier.MORE),
        ("1.1万余", 11000, Qualifier.MORE),
        ("70%以上", 70, Qualifier.ABOVE),
        ("近万", 10000, Qualifier.NEAR),
        ("超过9300", 9300, Qualifier.OVER),
        ("9300", 9300, None),
    ],
)
def test_a_qualified_figure_reads_as_its_number_and_qualifier(
    typed: str, value: float, qualifier: Qualifier | None
) -> None:
    parsed, found = parse_qualified(typed)
    assert (parsed.value, found) == (value, qualifier)


@pytest.mark.parametrize("typed", ["约", "约近100", "100余以上", "大概100", "不少于100"])
def test_what_is_not_a_qualified_figure_is_refused(typed: str) -> None:
    with pytest.raises(NumberFormatError):
        parse_qualified(typed)


def test_a_qualifier_cell_takes_the_word_or_the_code() -> None:
    assert parse_qualifier("约") is parse_qualifier("approx") is Qualifier.APPROX
    assert parse_qualifier("多") is Qualifier.MORE
    assert parse_qualifier(" ") is None
    with pytest.raises(ValueError, match="not a qualifier"):
        parse_qualifier("大概")


@given(
    value=st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False).map(float),
    qualifier=st.sampled_from([*Qualifier, None]),
)
def test_a_figure_said_back_reads_as_it_was_stored(
    value: float, qualifier: Qualifier | None
) -> None:
    said = qualified(format_number(value), "", qualifier, "zh")
    parsed, found = parse_qualified(said)
    assert (parsed.value, found) == (value, qualifier)


def test_said_back_as_the_bulletins_say_it() -> None:
    assert qualified("11890", "人", "approx", "zh") == "约11890人"
    assert qualified("24500", "人", "more", "zh") == "24500余人"
    assert qualified("70", "%", "above", "zh") == "70%以上"
    assert qualified("10000", "人次", "near", "zh") == "近10000人次"
    assert qualified("9300", "家", "over", "zh") == "超过9300家"
    assert qualified("9300", "家", "over", "en", sep=" ") == "over 9300 家"


# ---- stored, reported, exported, imported again -----------------------------------------


@BOTH
def test_approximate_readings_and_forecasts_go_through_record_import_reports_and_exports(
    backend: str, tmp_path: Path
) -> None:
    with sample(backend, tmp_path) as engine:
        _, entry, _ = record(
            engine, target_key="32.1", value="约19500", as_of=NOVEMBER, entered_by="wang",
            today=TODAY,
        )  # fmt: skip
        assert (entry.value, entry.qualifier) == (19500, "approx")
        record(
            engine, target_key="10.1", value="2", as_of=NOVEMBER, forecast="2020-12",
            note="预计12月底前全部完成", entered_by="wang", today=TODAY,
        )  # fmt: skip
        progress = tmp_path / "november.csv"
        progress.write_text(
            "plan,target,as_of,value,note,qualifier,forecast\n"
            "qingdao-2020,28.1,2020-11-30,70,,以上,2020-12-15\n"
            "qingdao-2020,28.2,2020-11-30,12余,,,\n",
            encoding="utf-8",
        )
        save_entries(engine, read_progress_file(engine, progress, today=TODAY))
        with Session(engine) as session:
            stored = {
                (s.target_id, s.value): (s.qualifier, s.forecast_done_by)
                for s in session.exec(select(Snapshot).where(Snapshot.as_of == NOVEMBER))
            }
        assert set(stored.values()) == {
            ("approx", None), (None, date(2020, 12, 31)), ("above", date(2020, 12, 15)),
            ("more", None),
        }  # fmt: skip

        report = build_month_report(engine, month=NOVEMBER)
        zh = render_report(report, ReportFormat.text, "zh")
        assert "应急救护培训约19500人，占年计划的97.5%" in zh
        assert "书亭70处以上" in zh and "书屋12余处" in zh
        assert "，预计12月15日前完成" in zh
        assert "，预计12月底前完成" in zh
        assert "预计完成时间晚于期限：10.交通安全设施改造" in zh
        en = render_report(report, ReportFormat.text, "en")
        assert "about 19500 人, 97.5% of the annual target" in en
        assert "at least 70 处" in en and "expected done by the end of December" in en
        assert "forecast past the deadline: 10. " in en
        # 28.1's deadline is the year's end: its forecast is said, not flagged.
        assert [f.item_no for f in report.late_forecasts] == [10]
        # The late forecast is in every format, not only the text.
        late_zh = "预计完成时间晚于期限：10.交通安全设施改造"
        assert late_zh in render_report(report, ReportFormat.html, "zh")
        docx_out, xlsx_out = tmp_path / "report.docx", tmp_path / "report.xlsx"
        write_report(report, ReportFormat.docx, "zh", docx_out)
        write_report(report, ReportFormat.xlsx, "zh", xlsx_out)
        paragraphs = [p.text for p in docx.Document(str(docx_out)).paragraphs]
        assert any(p.startswith(late_zh) for p in paragraphs)
        summary = openpyxl.load_workbook(xlsx_out).worksheets[0]
        cells = [c.value for row in summary.iter_rows() for c in row if isinstance(c.value, str)]
        assert any(c.startswith(late_zh) for c in cells)

        for name in ("again.csv", "again.xlsx"):
            exported = tmp_path / name
            export_progress(engine, exported)
            again = read_progress_file(engine, exported, today=TODAY)
            outcome = save_entries(engine, again)
            assert (outcome.added, outcome.corrections) == (0, 0), name
        assert "approx" in (tmp_path / "again.csv").read_text(encoding="utf-8")


def test_a_conflicting_or_unknown_qualifier_names_the_row_and_column(
    qingdao: Engine, tmp_path: Path
) -> None:
    progress = tmp_path / "bad.csv"
    progress.write_text(
        "plan,target,as_of,value,qualifier,forecast\n"
        "qingdao-2020,28.1,2020-11-30,约70,以上,\n"
        "qingdao-2020,28.2,2020-11-30,12,,next year\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as rejected:
        read_progress_file(qingdao, progress, today=TODAY)
    assert [(e.row, e.column, e.code) for e in rejected.value.errors] == [
        (2, "qualifier", "qualifier_conflict"),
        (3, "forecast", "bad_forecast"),
    ]


# ---- history typed in after the fact ---------------------------------------------------


def test_a_back_filled_month_is_not_counted_late(qingdao: Engine, tmp_path: Path) -> None:
    progress = tmp_path / "typed-in-later.csv"
    progress.write_text(
        "plan,target,as_of,value,entered_on\n"
        "qingdao-2020,32.1,2020-11-30,19500,2020-12-03\n"  # before the 5th: on time
        "qingdao-2020,28.1,2020-11-30,70,\n",  # entered today, years later: late
        encoding="utf-8",
    )
    save_entries(qingdao, read_progress_file(qingdao, progress, today=TODAY))
    scores = {
        s.name: s.late_reports for s in build_month_report(qingdao, month=NOVEMBER).departments
    }
    assert scores[RED_CROSS] == 0
    assert scores[CULTURE] == 1


def test_an_entry_day_that_is_not_a_date_is_refused(qingdao: Engine, tmp_path: Path) -> None:
    progress = tmp_path / "bad-day.csv"
    progress.write_text(
        "plan,target,as_of,value,entered_on\nqingdao-2020,32.1,2020-11-30,19500,last week\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as rejected:
        read_progress_file(qingdao, progress, today=TODAY)
    assert [(e.row, e.column) for e in rejected.value.errors] == [(2, "entered_on")]


# ---- the migration -----------------------------------------------------------------------


@BOTH
def test_upgrading_to_0006_keeps_every_reading_exact(backend: str, tmp_path: Path) -> None:
    from alembic import command

    from pledgetrack.storage.schema import alembic_config, head_revision, upgrade

    with sample(backend, tmp_path) as engine:
        with engine.connect() as conn:
            before = conn.execute(
                text("SELECT id, target_id, as_of, value, done, note FROM snapshot ORDER BY id")
            ).all()
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0005")
        assert current_revision(engine) == "0005"
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            after = conn.execute(
                text("SELECT id, target_id, as_of, value, done, note FROM snapshot ORDER BY id")
            ).all()
            qualified_rows = conn.execute(
                text("SELECT COUNT(*) FROM snapshot WHERE qualifier IS NOT NULL "
                     "OR forecast_done_by IS NOT NULL")
            ).scalar_one()  # fmt: skip
        assert after == before and before
        assert qualified_rows == 0


@BOTH
def test_upgrading_to_0007_keeps_plans_targets_and_readings(backend: str, tmp_path: Path) -> None:
    """0007 adds plan.flat, target.per_period and snapshot.works_percent: every existing
    row keeps its values and reads as before (not flat, cumulative, no works progress)."""
    from alembic import command

    from pledgetrack.storage.schema import alembic_config, head_revision, upgrade

    queries = {
        "plan": 'SELECT id, code, title, start, "end" FROM plan ORDER BY id',
        "target": "SELECT id, key, name, kind, target_value, unit, deadline FROM target ORDER BY id",
        "snapshot": "SELECT id, target_id, as_of, value, done, note, qualifier FROM snapshot "
        "ORDER BY id",
    }
    with sample(backend, tmp_path) as engine:
        with engine.connect() as conn:
            before = {name: conn.execute(text(sql)).all() for name, sql in queries.items()}
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0006")
        assert current_revision(engine) == "0006"
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            after = {name: conn.execute(text(sql)).all() for name, sql in queries.items()}
            flat = conn.execute(text("SELECT COUNT(*) FROM plan WHERE flat")).scalar_one()
            per_period = conn.execute(
                text("SELECT COUNT(*) FROM target WHERE per_period")
            ).scalar_one()
            works = conn.execute(
                text("SELECT COUNT(*) FROM snapshot WHERE works_percent IS NOT NULL")
            ).scalar_one()
        assert after == before and all(before.values())
        assert (flat, per_period, works) == (0, 0, 0)


@BOTH
def test_upgrading_to_0008_drops_two_audit_indexes_and_keeps_the_trail(
    backend: str, tmp_path: Path
) -> None:
    """0008 drops ix_audit_at and ix_audit_user (they cost imports and served no query);
    every audit row stays, ix_audit_target stays, and a downgrade puts them back."""
    from alembic import command
    from sqlalchemy import inspect

    from pledgetrack.storage.schema import alembic_config, upgrade

    def indexes(engine: Engine) -> set[str]:
        return {str(ix["name"]) for ix in inspect(engine).get_indexes("audit")}

    with sample(backend, tmp_path) as engine:
        trail = "SELECT id, at, user_login, action, target_key FROM audit ORDER BY id"
        with engine.connect() as conn:
            before = conn.execute(text(trail)).all()
        assert indexes(engine) == {"ix_audit_target"}
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0007")
        assert indexes(engine) == {"ix_audit_at", "ix_audit_user", "ix_audit_target"}
        upgrade(engine)
        assert indexes(engine) == {"ix_audit_target"}
        with engine.connect() as conn:
            assert conn.execute(text(trail)).all() == before and before
