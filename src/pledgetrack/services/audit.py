"""The audit trail: every write records who, when, what, before and after.

Audit rows are written by the service that makes the change, in the same
transaction (:func:`write_audit` takes the write's session), so a change and
its trace are stored together or not at all. Nothing here updates or deletes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from pledgetrack.domain.numbers import format_number
from pledgetrack.storage.tables import AuditEntry
from pledgetrack.storage.writes import Change

__all__ = ["Change", "audit_json", "describe", "list_audit", "who", "write_audit"]


def jsonable(value: Any) -> Any:
    """*value* with dates as ISO strings (the JSON columns store plain JSON)."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def write_audit(
    session: Session,
    *,
    user: str,
    at: datetime,
    changes: Sequence[Change],
    acting_for: str | None = None,
) -> None:
    """Append the audit rows of *changes* in the caller's transaction (one executemany).
    *user* is who really acts; *acting_for* the user an admin acted for. (The entries of
    readings and reviews are written by the database's triggers, migration 0004.)"""
    if not changes:
        return
    session.connection().execute(
        insert(AuditEntry.__table__),  # type: ignore[attr-defined]
        [
            {
                "at": at,
                "user_login": user,
                "action": c.action,
                "entity": c.entity,
                "entity_id": c.entity_id,
                "target_key": c.target_key,
                "before": jsonable(c.before) if c.before is not None else None,
                "after": jsonable(c.after) if c.after is not None else None,
                "acting_for": acting_for,
            }
            for c in changes
        ],
    )


def list_audit(
    engine: Engine,
    *,
    target: str | None = None,
    user: str | None = None,
    since: date | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    """Audit entries, oldest first (the order they were written); *limit* keeps the newest N.

    *since* is a local calendar day: entries from its midnight on.
    """
    query = select(AuditEntry)
    if target:
        query = query.where(AuditEntry.target_key == target)
    if user:
        query = query.where((AuditEntry.user_login == user) | (AuditEntry.acting_for == user))
    if since is not None:
        start = datetime.combine(since, time()).astimezone().astimezone(UTC)
        query = query.where(AuditEntry.at >= start)
    query = query.order_by(AuditEntry.id.desc())  # type: ignore[union-attr]
    if limit is not None:
        query = query.limit(limit)
    with Session(engine) as session:
        rows = list(session.exec(query).all())
    rows.reverse()
    return rows


def audit_json(entry: AuditEntry) -> dict[str, Any]:
    """One entry as JSON (``pledgetrack audit --json``)."""
    return {
        "id": entry.id,
        "at": _utc(entry.at).isoformat(timespec="seconds"),
        "user": entry.user_login,
        "acting_for": entry.acting_for,
        "db_user": entry.db_user,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "target": entry.target_key,
        "before": entry.before,
        "after": entry.after,
    }


def who(entry: AuditEntry) -> str:
    """``zhao for li``, or the user."""
    return f"{entry.user_login} for {entry.acting_for}" if entry.acting_for else entry.user_login


def describe(entry: AuditEntry) -> str:
    """A short readable account of what changed: ``value: 64 → 100; note: '' → 书亭全部建成``."""
    before, after = entry.before or {}, entry.after or {}
    if not before:
        return ", ".join(
            f"{k}={_show(after[k])}" for k in _ordered(after) if after[k] not in (None, "", [])
        )
    keys = [k for k in _ordered(after) if before.get(k) != after.get(k)]
    keys += [k for k in _ordered(before) if k not in after]
    return "; ".join(f"{k}: {_show(before.get(k))} → {_show(after.get(k))}" for k in keys)


#: The order keys are told in (PostgreSQL's jsonb keeps its own order): a reading's
#: fields first, then review, then the rest as written.
_KEY_ORDER = {k: i for i, k in enumerate(("as_of", "value", "done", "note", "entered_by",
                                          "review", "comment", "id"))}  # fmt: skip


def _ordered(state: Mapping[str, Any]) -> list[str]:
    return sorted(state, key=lambda k: _KEY_ORDER.get(k, len(_KEY_ORDER)))


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, str):
        return value if value else "''"
    return str(value)


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def local_time(at: datetime) -> str:
    """An audit time as local wall-clock time, to the minute."""
    return _utc(at).astimezone().strftime("%Y-%m-%d %H:%M")
