"""`status --json` is written an item at a time (issue 15: a province's document, built
whole, peaked at 733 MB); the text is exactly the whole document's."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from io import StringIO

from sqlalchemy.engine import Engine

from pledgetrack.cli.render import status_json, write_status_json
from pledgetrack.domain.model import Policy
from pledgetrack.services.status import plan_status


def streamed(evaluation: object) -> str:
    out = StringIO()
    write_status_json(evaluation, out.write)  # type: ignore[arg-type]
    return out.getvalue()


def test_the_streamed_json_is_the_whole_documents_text(engine: Engine) -> None:
    evaluation = plan_status(engine, on=date(2020, 10, 31), policy=Policy())
    whole = json.dumps(status_json(evaluation), ensure_ascii=False, indent=2) + "\n"
    assert len(evaluation.items) == 36
    assert streamed(evaluation) == whole


def test_a_plan_with_no_items_streams_an_empty_list(engine: Engine) -> None:
    evaluation = dataclasses.replace(
        plan_status(engine, on=date(2020, 10, 31), policy=Policy()), items=()
    )
    text = streamed(evaluation)
    assert text == json.dumps(status_json(evaluation), ensure_ascii=False, indent=2) + "\n"
    assert json.loads(text)["items"] == []
