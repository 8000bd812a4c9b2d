"""`status --json` is written an item at a time, each item on one line made column by
column (issue 15: a province's document, built whole, peaked at 733 MB; json's
indenting encoder took seconds): the document is what the table's evaluation says —
the same fields as the README documents them — and each line is exactly what
``json.dumps(item, ensure_ascii=False)`` writes for it."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from pledgetrack.cli.render import write_status_json
from pledgetrack.domain.evaluation import ItemRow, PlanEvaluation
from pledgetrack.domain.model import Policy
from pledgetrack.domain.numbers import round_percent_decimal
from pledgetrack.services.status import plan_status, status_listing
from tests.conftest import write
from tests.test_real_lists import FLAT_PLAN, FLAT_PROGRESS


def reference_document(evaluation: PlanEvaluation) -> dict[str, Any]:
    """The status JSON as the table's evaluation (target objects) states it: the
    reference the column-by-column writer is held to."""
    return {
        "plan": evaluation.structure.code,
        "plan_title": evaluation.structure.title,
        "as_of": evaluation.as_of.isoformat(),
        "flat": evaluation.structure.flat,
        "items": [reference_item(evaluation, row) for row in evaluation.items],
        "summary": {
            "counts": {s.value: n for s, n in evaluation.counts().items()},
            "achieved": [row.info.no for row in evaluation.achieved_items()],
            "without_annual_target": [
                row.info.no for row in evaluation.items if not row.info.has_annual_target
            ],
        },
    }


def reference_item(evaluation: PlanEvaluation, row: ItemRow) -> dict[str, Any]:
    def pct(value: float | None) -> float | None:
        return None if value is None else round_percent_decimal(value)

    flat = evaluation.structure.flat
    return {
        "no": row.info.no,
        "title": row.info.title,
        "pledge": None if flat else row.info.pledge_no,
        "pledge_title": None if flat else evaluation.structure.pledge(row.info.pledge_no).title,
        "annual_target": row.info.has_annual_target,
        "departments": list(row.info.departments),
        "status": row.result.status.value,
        "completion": pct(row.result.completion),
        "expected": pct(row.result.expected),
        "last_report": row.last_report.isoformat() if row.last_report else None,
        "targets": [
            {
                "key": tr.info.key,
                "name": tr.info.name,
                "unit": tr.info.unit,
                "target": tr.info.rule.target_value,
                "at_least": tr.info.rule.at_least,
                "value": tr.result.reading.value if tr.result.reading else None,
                "done": tr.result.reading.done if tr.result.reading else None,
                "as_of": tr.result.reading.as_of.isoformat() if tr.result.reading else None,
                "completion": pct(tr.result.completion),
                "expected": pct(tr.result.expected),
                "assessed": tr.info.rule.assessed,
                "kind": tr.info.rule.kind.value,
                "status": tr.result.status.value,
                "deadline": tr.info.rule.deadline.isoformat(),
                "works": tr.result.reading.works if tr.result.reading else None,
                "per_period": tr.info.rule.per_period,
            }
            for tr in row.targets
        ],
    }


def streamed(engine: Engine, **chosen: Any) -> str:
    out = StringIO()
    with status_listing(engine, **chosen) as listing:
        write_status_json(listing, out.write)
    return out.getvalue()


def same_with_nan(a: object, b: object) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@pytest.mark.parametrize(
    "chosen",
    [
        {"on": date(2020, 10, 31)},
        {"on": date(2020, 3, 31)},
        {"on": date(2020, 12, 31), "approved_only": True},
        {"on": date(2020, 10, 31), "department": "市教育局"},
    ],
)
def test_the_streamed_json_is_what_the_evaluation_says(engine: Engine, chosen: Any) -> None:
    text = streamed(engine, policy=Policy(), **chosen)
    document = json.loads(text)
    assert same_with_nan(document, reference_document(plan_status(engine, **chosen)))
    if "department" not in chosen:
        assert len(document["items"]) == 36
    lines = text.splitlines()
    assert lines[:3] == [
        "{",
        '  "plan": "qingdao-2020",',
        '  "plan_title": "2020年青岛市市办实事",',
    ]
    items = [line for line in lines if line.startswith("    {")]
    assert len(items) == len(document["items"])
    for line, item in zip(items, document["items"], strict=True):
        assert line.removeprefix("    ").removesuffix(",") == json.dumps(item, ensure_ascii=False)


def test_a_plan_with_no_items_streams_an_empty_list(engine: Engine) -> None:
    with status_listing(engine, on=date(2020, 10, 31)) as listing:
        empty = listing.__class__(**{**listing.__dict__, "items": [], "counted": [],
                                     "target_rows": ()})  # fmt: skip
        object.__setattr__(empty, "per_item", [])
        out = StringIO()
        write_status_json(empty, out.write)
    text = out.getvalue()
    assert json.loads(text)["items"] == []
    assert '"items": [],' in text


def assert_streamed_as_dumped(engine: Engine, **chosen: Any) -> dict[str, Any]:
    """The streamed document is the evaluation's, each item line json.dumps' own."""
    text = streamed(engine, policy=Policy(), **chosen)
    document = json.loads(text)
    assert same_with_nan(document, reference_document(plan_status(engine, **chosen)))
    items = [line for line in text.split("\n") if line.startswith("    {")]  # not at U+2028
    assert len(items) == len(document["items"])
    for line, item in zip(items, document["items"], strict=True):
        assert line.removeprefix("    ").removesuffix(",") == json.dumps(item, ensure_ascii=False)
    return document


def test_texts_written_straight_into_the_database_are_escaped_as_json_does(
    engine: Engine,
) -> None:
    """Quotes, backslashes, control characters, markup and non-BMP characters in titles,
    names, units and departments (written past the importer's checks, as anyone with
    the database can) come out as json.dumps writes them."""
    from sqlalchemy import text as sql

    odd = 'a "quoted" \\ back\tslash\x01 [b]bold[/b] 𠀋 \u2028'
    with engine.begin() as conn:
        conn.execute(sql("UPDATE item SET title = :t WHERE no = 1"), {"t": odd})
        conn.execute(sql("UPDATE pledge SET title = :t WHERE no = 1"), {"t": odd + "件"})
        conn.execute(sql("UPDATE target SET name = :t, unit = :u WHERE key = '1.1'"),
                     {"t": odd, "u": '万"人'})  # fmt: skip
        conn.execute(sql("UPDATE department SET name = :t WHERE name = '市人力资源社会保障局'"),
                     {"t": odd + "局"})  # fmt: skip
    document = assert_streamed_as_dumped(engine, on=date(2020, 10, 31))
    first = document["items"][0]
    assert first["title"] == odd and first["pledge_title"] == odd + "件"
    assert first["targets"][0]["name"] == odd and first["targets"][0]["unit"] == '万"人'
    assert odd + "局" in first["departments"]


def test_a_flat_list_streams_without_pledges(empty_engine: Engine, tmp_path: Path) -> None:
    """A flat list (no 件), an item without an annual target, a node target: the
    streamed lines are what the evaluation says."""
    from pledgetrack.services.plans import import_plan
    from pledgetrack.services.progress import read_progress_file, save_entries

    import_plan(empty_engine, write(tmp_path / "plan.csv", FLAT_PLAN))
    progress = write(tmp_path / "progress.csv", FLAT_PROGRESS)
    save_entries(empty_engine, read_progress_file(empty_engine, progress, today=date(2023, 10, 1)))
    document = assert_streamed_as_dumped(empty_engine, on=date(2023, 9, 30))
    assert document["flat"] is True
    assert [i["pledge"] for i in document["items"]] == [None, None, None]
    assert [i["annual_target"] for i in document["items"]] == [True, True, False]
