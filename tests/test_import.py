"""Plan and progress files: encodings, every error path, nothing half-written, round trips."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from pledgetrack.domain.errors import ImportRejected
from pledgetrack.services.plans import export_plan, import_plan
from pledgetrack.services.progress import export_progress, read_progress_file, save_entries
from pledgetrack.services.status import plan_status
from pledgetrack.storage.tables import Plan, Snapshot, Target
from tests.conftest import PLAN_CSV, PROGRESS_CSV, TODAY, write

HEADER = (
    "plan,pledge,pledge_title,item,item_title,department,target,target_name,"
    "target_value,unit,baseline,deadline,assessed,kind,schedule,note\n"
)
GOOD = (
    "demo-2021,1,促进就业,1,就业,市人社局,1.1,城镇新增就业,30,万人,,,yes,quantity,,\n"
    "demo-2021,1,促进就业,1,就业,市人社局,1.2,引才,25,万人,,,是,数量,2021-06=10;2021-09=20,\n"
    "demo-2021,一,促进就业,2,献血屋,市卫健委;市红十字会,2.1,献血屋,9以上,座,,2021-11-30,yes,quantity,,\n"
    "demo-2021,2,政务服务,3,政策通,市民营经济局,3.1,政策通二期,,,,,yes,milestone,开发;试运行=2021-11-15;正式运行,\n"
)


def count(engine, table) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def rejected(engine, path: Path) -> list[str]:
    with pytest.raises(ImportRejected) as info:
        import_plan(engine, path)
    assert count(engine, Plan) == 0, "a rejected import wrote something"
    return [str(e) for e in info.value.errors]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_plan_imports_in_every_encoding_excel_writes(empty_engine, tmp_path, encoding) -> None:
    path = write(tmp_path / "plan.csv", HEADER + GOOD, encoding)
    (saved,) = import_plan(empty_engine, path)
    assert saved.created and saved.items == 3 and saved.targets_added == 4
    evaluation = plan_status(empty_engine, on=date(2021, 3, 31))
    assert [i.title for i in evaluation.structure.items] == ["就业", "献血屋", "政策通"]
    assert evaluation.structure.items[1].departments == ("市卫健委", "市红十字会")
    blood = evaluation.structure.items[1].targets[0].rule
    assert blood.at_least and blood.target_value == 9 and blood.deadline == date(2021, 11, 30)


def test_the_shipped_plan_file_imports_as_gb18030_and_with_bom(empty_engine, tmp_path) -> None:
    text = PLAN_CSV.read_text(encoding="utf-8")
    import_plan(empty_engine, write(tmp_path / "gb.csv", text, "gb18030"))
    import_plan(empty_engine, write(tmp_path / "bom.csv", text, "utf-8-sig"))
    assert count(empty_engine, Target) == 91


def test_every_bad_cell_is_reported_with_row_and_column(empty_engine, tmp_path) -> None:
    bad = (
        "demo-2021,1,促进就业,1,就业,市人社局,1.1,城镇新增就业,三十,万人,,,yes,quantity,,\n"  # row 2
        "demo-2021,1,促进就业,1,就业,市人社局,1.1,重复,30,万人,,,yes,quantity,,\n"  # row 3 duplicate key
        "demo-2021,1,另一个标题,2,献血屋,市卫健委,2.1,献血屋,9,座,,2022-01-31,maybe,quantity,,\n"  # row 4
        "demo-2021,2,政务服务,3,政策通,,3.1,政策通二期,5,,,,yes,milestone,,\n"  # row 5
        "demo-2021,2,政务服务,4,图书,市文旅局,4.1,书亭,100,处,,2021-13-01,yes,gadget,,\n"  # row 6
        "demo-2021,2,政务服务,5,引才,市人社局,5.1,引才,,万人,,,yes,quantity,,\n"  # row 7
        "demo-2021,2,政务服务,6,参考,市人社局,6.1,会员,,万人次,,,no,quantity,,\n"  # row 8
        "demo-2021,2,政务服务,7,排期,市人社局,7.1,驿站,10,个,,,yes,quantity,2021-06=8;2021-03=9,\n"  # row 9
    )
    errors = rejected(empty_engine, write(tmp_path / "bad.csv", HEADER + bad))
    name = str(tmp_path / "bad.csv")
    expected = [
        f"{name}:2:target_value:",
        f"{name}:3:target:",
        f"{name}:4:assessed:",
        f"{name}:4:deadline:",
        f"{name}:4:pledge_title:",
        f"{name}:5:department:",
        f"{name}:5:target_value: a milestone has no target value",
        f"{name}:6:deadline:",
        f"{name}:6:kind:",
        f"{name}:7:target_value: an assessed quantity needs a target value",
        f"{name}:9:schedule:",
    ]
    for prefix in expected:
        assert any(e.startswith(prefix) for e in errors), (prefix, errors)
    # Item 6 has only a reference figure: an item without an annual target, not an error.
    assert not any(e.startswith(f"{name}:8:") for e in errors), errors


def test_missing_columns_are_named(empty_engine, tmp_path) -> None:
    errors = rejected(empty_engine, write(tmp_path / "p.csv", "plan,pledge,item\nx-2020,1,1\n"))
    assert any(e.endswith(":1:target: required column is missing from the header") for e in errors)


def test_a_file_that_is_not_text_is_refused(empty_engine, tmp_path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\xff\xfe\x00\x81\x30\x81\x30\xff" * 10)
    errors = rejected(empty_engine, path)
    assert "neither UTF-8 nor GB18030" in errors[0]


def test_plan_without_a_year_needs_its_period(empty_engine, tmp_path) -> None:
    errors = rejected(
        empty_engine, write(tmp_path / "p.csv", HEADER + GOOD.replace("demo-2021", "demo"))
    )
    assert "plan_start and plan_end" in errors[0]


def test_empty_file_and_header_only(empty_engine, tmp_path) -> None:
    assert "empty" in rejected(empty_engine, write(tmp_path / "e.csv", ""))[0]
    assert "no data rows" in rejected(empty_engine, write(tmp_path / "h.csv", HEADER))[0]


def progress(tmp_path: Path, rows: str, encoding: str = "utf-8") -> Path:
    return write(
        tmp_path / "progress.csv", "plan,target,as_of,value,done,note,entered_by\n" + rows, encoding
    )


def test_progress_errors_are_all_reported_and_nothing_is_written(qingdao, tmp_path) -> None:
    before = count(qingdao, Snapshot)
    path = progress(
        tmp_path,
        "qingdao-2020,1.1,2020-11-30,abc,,,\n"  # 2 not a number
        "qingdao-2020,9.9,2020-11-30,1,,,\n"  # 3 unknown target
        "other-2020,1.1,2020-11-30,1,,,\n"  # 4 unknown plan
        "qingdao-2020,1.1,2021-01-31,45,,,\n"  # 5 outside the plan
        "qingdao-2020,1.1,2020-11-30,-3,,,\n"  # 6 negative
        "qingdao-2020,10.1,2020-11-30,,perhaps,,\n"  # 7 bad done flag
        "qingdao-2020,10.1,2020-11-30,9,,,\n"  # 8 stage out of range
        "qingdao-2020,1.1,2020年11月底,45,,ok,\n",  # 9 fine
    )
    with pytest.raises(ImportRejected) as info:
        read_progress_file(qingdao, path, today=TODAY)
    where = [(e.row, e.column) for e in info.value.errors]
    assert where == [
        (2, "value"),
        (3, "target"),
        (4, "plan"),
        (5, "as_of"),
        (6, "value"),
        (7, "done"),
        (8, "value"),
    ]
    assert count(qingdao, Snapshot) == before


def test_readings_in_the_future_are_refused(qingdao, tmp_path) -> None:
    path = progress(tmp_path, "qingdao-2020,1.1,2020-11-30,45,,,\n")
    with pytest.raises(ImportRejected, match="in the future"):
        read_progress_file(qingdao, path, today=date(2020, 11, 15))


def test_reimporting_the_same_progress_file_adds_nothing(qingdao) -> None:
    before = count(qingdao, Snapshot)
    outcome = save_entries(qingdao, read_progress_file(qingdao, PROGRESS_CSV, today=TODAY))
    assert (outcome.added, outcome.corrections, outcome.unchanged) == (0, 0, 91)
    assert count(qingdao, Snapshot) == before


def test_a_changed_figure_is_a_correction_not_an_overwrite(qingdao, tmp_path) -> None:
    before = count(qingdao, Snapshot)
    outcome = save_entries(
        qingdao,
        read_progress_file(
            qingdao, progress(tmp_path, "qingdao-2020,2.1,2020-10-31,21.6,,修正,\n"), today=TODAY
        ),
    )
    assert outcome.corrections == 1
    assert count(qingdao, Snapshot) == before + 1


def test_milestone_stage_by_name(qingdao, tmp_path) -> None:
    path = progress(tmp_path, "qingdao-2020,35.1,2020-11-30,试运行,no,11月中旬试运行,\n")
    (entry,) = read_progress_file(qingdao, path, today=TODAY)
    assert entry.reading.value == 2 and entry.reading.done is False


def test_export_then_reimport_gives_the_same_state(qingdao, empty_engine, tmp_path) -> None:
    from pledgetrack.config import sqlite_url
    from pledgetrack.storage.db import create_schema, make_engine

    save_entries(
        qingdao,
        read_progress_file(
            qingdao, progress(tmp_path, "qingdao-2020,2.1,2020-10-31,21.6,,修正,\n"), today=TODAY
        ),
    )
    plan_file, progress_file = tmp_path / "plan-out.csv", tmp_path / "progress-out.csv"
    export_plan(qingdao, plan_file)
    export_progress(qingdao, progress_file, history=True)
    assert plan_file.read_bytes().startswith(b"\xef\xbb\xbf")

    copy = make_engine(sqlite_url(tmp_path / "copy.sqlite"))
    create_schema(copy)
    import_plan(copy, plan_file)
    save_entries(copy, read_progress_file(copy, progress_file, today=TODAY))
    for on in (date(2020, 10, 31), date(2020, 12, 31)):
        a, b = plan_status(qingdao, on=on), plan_status(copy, on=on)
        assert a.structure.title == b.structure.title
        assert [(r.info, r.result) for r in a.items] == [
            (r.info, r.result) for r in b.items
        ] or _same_modulo_ids(a, b)
    assert count(copy, Snapshot) == count(qingdao, Snapshot)
    # Re-importing into the original changes nothing.
    import_plan(qingdao, plan_file)
    outcome = save_entries(qingdao, read_progress_file(qingdao, progress_file, today=TODAY))
    assert outcome.added == outcome.corrections == 0
    # And exporting the copy gives the same files.
    export_plan(copy, tmp_path / "plan-again.csv")
    assert (tmp_path / "plan-again.csv").read_bytes() == plan_file.read_bytes()
    copy.dispose()


def _same_modulo_ids(a, b) -> bool:
    def strip(ev):
        return [
            (
                r.info.no,
                r.info.title,
                r.info.departments,
                r.result.status,
                r.result.completion,
                [(t.info.key, t.info.rule, t.result) for t in r.targets],
            )
            for r in ev.items
        ]

    return strip(a) == strip(b)
