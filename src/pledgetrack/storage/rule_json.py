"""A target's schedule and stages as stored (JSON lists) and as the engine takes them."""

from __future__ import annotations

import json
from datetime import date

from pledgetrack.domain.model import ScheduleNode, Stage


def json_list(raw: str | list[dict[str, object]] | None) -> list[dict[str, object]]:
    """A JSON list column read as text: most are empty, so skip the decoder for those.
    (psycopg hands PostgreSQL JSON over decoded already.)"""
    if isinstance(raw, list):
        return raw
    if not raw or raw == "[]" or raw == "null":
        return []
    value = json.loads(raw)
    return value if isinstance(value, list) else []


def schedule_nodes(nodes: list[dict[str, object]]) -> tuple[ScheduleNode, ...]:
    """A target's stored schedule (``[{"on": …, "value": …}]``) as the engine's nodes."""
    return tuple(
        ScheduleNode(date.fromisoformat(str(n["on"])), float(n["value"]))  # type: ignore[arg-type]
        for n in nodes
    )


def stage_tuple(stages: list[dict[str, object]]) -> tuple[Stage, ...]:
    """A milestone's stored stages (``[{"name": …, "planned": …}]``) as the engine's."""
    return tuple(
        Stage(str(s["name"]), date.fromisoformat(str(s["planned"])) if s.get("planned") else None)
        for s in stages
    )
