"""Evidence with every figure (佐证材料): files attached to readings, kept in the database.

A file is read and checked once (:func:`read_evidence_file`: it exists, is a regular
readable file within the size limit, its name can be shown), then stored in one
transaction with its audit entry (``evidence.attach``): its content once per distinct
SHA-256 (``evidence_blob``), and a link from the reading with the file name as given.
Who may attach is who may enter the figure: staff of the target's departments and
admins (anyone while the database has no users); on PostgreSQL the database holds them
to it too (migration 0010).

The evidence of a figure is what is attached to any reading of its target and date, so
a correction keeps the evidence of the reading it corrects.

A file attached by mistake is withdrawn (:func:`withdraw_evidence`, with a reason, by
who may attach; migration 0012): it is no longer listed, exported or counted, and the
audit says who withdrew what (``evidence.withdraw``). Nothing is deleted.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from pledgetrack.domain.evidence_media import media_type
from pledgetrack.domain.text import TextRefused, require_text
from pledgetrack.services.access import Actor, acting, require_entry_for_targets
from pledgetrack.storage.db import session_scope
from pledgetrack.storage.queries import find_plan
from pledgetrack.storage.tables import (
    Evidence,
    EvidenceBlob,
    EvidenceWithdrawal,
    Snapshot,
    Target,
)

_Q = TypeVar("_Q", bound=Any)

#: The default size limit of one file (setting ``evidence_max_mb``).
DEFAULT_MAX_MB = 20.0
#: The longest file name kept (the column's length).
MAX_NAME = 255


class EvidenceRefused(ValueError):
    """A file or an attachment that cannot be stored; the message names the file and why.

    *reason* names the rule for a front end that words it in the person's language
    (``missing``, ``directory``, ``not_regular``, ``unreadable``, ``too_big``, ``empty``,
    ``no_reading``, ``withdrawn``, ``no_reason``, ``already_withdrawn``; "" for the
    others), *facts* what the wording names (path, size, limit, key, as_of …)."""

    def __init__(self, message: str, *, reason: str = "", **facts: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.facts = facts


def max_bytes(max_mb: float) -> int:
    """The limit in bytes of a limit in MB (MiB, as file managers count)."""
    return int(max_mb * 1024 * 1024)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


@dataclass(frozen=True)
class EvidenceFile:
    """A file read and checked, ready to attach."""

    name: str
    content: bytes
    sha256: str
    media_type: str

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class EvidenceLine:
    """One attached file as it is listed: what it belongs to, its content's identity."""

    id: int
    snapshot_id: int
    target_id: int
    key: str
    as_of: date
    file_name: str
    sha256: str
    size: int
    media_type: str
    attached_by: str
    recorded_by: str
    attached_at: datetime

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "target": self.key,
            "as_of": self.as_of.isoformat(),
            "reading": self.snapshot_id,
            "file": self.file_name,
            "sha256": self.sha256,
            "size": self.size,
            "media_type": self.media_type,
            "attached_by": self.attached_by,
            "recorded_by": self.recorded_by,
            "attached_at": self.attached_at.isoformat(timespec="seconds"),
        }


@dataclass(frozen=True)
class Attached:
    """What attaching did with one file."""

    file: EvidenceFile
    key: str
    as_of: date
    #: False: the same content was already attached to this figure (nothing stored).
    new: bool
    #: False: its content was already in the database (stored once).
    new_content: bool


# ---- reading files ------------------------------------------------------------------


def read_evidence_file(path: Path, *, limit: int, protected: Iterable[Path] = ()) -> EvidenceFile:
    """Read *path* as an evidence file of at most *limit* bytes, or EvidenceRefused naming
    it and saying why (missing, a directory or device, unreadable, empty, too big, a name
    with control characters, one of *protected*: the database's own files, whose logins
    and password hashes must not become an attachment anyone may export)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise EvidenceRefused(f"{path}: no such file", reason="missing", path=path) from None
    except OSError as exc:
        raise EvidenceRefused(
            f"{path}: cannot be read: {exc.strerror or exc}", reason="unreadable", path=path
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise EvidenceRefused(f"{path}: is a directory, not a file", reason="directory", path=path)
    if not stat.S_ISREG(info.st_mode):
        raise EvidenceRefused(
            f"{path}: not a regular file (a device, pipe or socket)",
            reason="not_regular",
            path=path,
        )
    for guarded in protected:
        if _same_file(path, guarded):
            raise EvidenceRefused(
                f"{path}: is the database's own file ({guarded.name}), not evidence"
            )
    name = path.name
    try:
        require_text(name, "file name")
    except TextRefused as exc:
        raise EvidenceRefused(f"{path}: {exc}") from None
    if len(name) > MAX_NAME:
        raise EvidenceRefused(f"{path}: the file name is longer than {MAX_NAME} characters")
    if info.st_size > limit:
        raise EvidenceRefused(
            f"{path}: {_mb(info.st_size)} is over the limit of {_mb(limit)} per file "
            "(setting evidence_max_mb)",
            reason="too_big",
            path=path,
            size=_mb(info.st_size),
            limit=_mb(limit),
        )
    try:
        # O_NONBLOCK: a file swapped for a pipe since the check does not hang the read.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as stream:
            content = stream.read(limit + 1)
    except OSError as exc:
        raise EvidenceRefused(
            f"{path}: cannot be read: {exc.strerror or exc}", reason="unreadable", path=path
        ) from None
    if len(content) > limit:
        raise EvidenceRefused(
            f"{path}: over the limit of {_mb(limit)} per file",
            reason="too_big",
            path=path,
            size=f"> {_mb(limit)}",
            limit=_mb(limit),
        )
    if not content:
        raise EvidenceRefused(f"{path}: the file is empty", reason="empty", path=path)
    return EvidenceFile(
        name=name,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        media_type=media_type(content[:64], name),
    )


def read_evidence_files(
    paths: Iterable[Path], *, limit: int, protected: Iterable[Path] = ()
) -> list[EvidenceFile]:
    """Every file read and checked before anything is stored (EvidenceRefused on the first
    one refused)."""
    guarded = tuple(protected)
    return [read_evidence_file(path, limit=limit, protected=guarded) for path in paths]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # the guarded file does not exist
        return False


# ---- attaching ----------------------------------------------------------------------


def attach_evidence(
    engine: Engine,
    *,
    target_key: str,
    files: Sequence[EvidenceFile],
    as_of: date | None = None,
    plan: str | None = None,
    actor: Actor | str | None = None,
    now: datetime | None = None,
) -> list[Attached]:
    """Attach *files* to the current reading of *target_key* dated *as_of* (default: its
    latest reading), all or none, each with its ``evidence.attach`` audit entry (written
    by the database's trigger, as for readings)."""
    if not files:
        raise EvidenceRefused("no file to attach")
    now = now or datetime.now(UTC)
    done: list[Attached] = []
    with session_scope(engine) as session:
        me = acting(session, actor)
        target = _target(session, plan, target_key)
        assert target.id is not None
        require_entry_for_targets(session, me, {target.id: target.key})
        snap = _reading(session, target, as_of)
        assert snap.id is not None
        linked = _linked_blobs(session, target.id, snap.as_of)
        withdrawn = _withdrawn_blobs(session, snap.id)
        for file in files:
            blob_id, new_content = _blob(session, file, now)
            if blob_id in linked:
                done.append(Attached(file, target.key, snap.as_of, False, False))
                continue
            if blob_id in withdrawn:
                raise EvidenceRefused(
                    f"{file.name}: this content was attached to this reading of {target.key} "
                    f"({snap.as_of}) and withdrawn; it cannot be attached to the same "
                    "reading again (attach it after the figure is corrected)",
                    reason="withdrawn",
                    name=file.name,
                    key=target.key,
                    as_of=snap.as_of,
                )
            linked.add(blob_id)
            # The database's trigger writes its audit entry (migration 0010).
            session.connection().execute(
                insert(Evidence.__table__).values(  # type: ignore[attr-defined]
                    snapshot_id=snap.id,
                    blob_id=blob_id,
                    file_name=file.name,
                    attached_by=me.login,
                    recorded_by=me.recorder,
                    attached_at=now,
                )
            )
            done.append(Attached(file, target.key, snap.as_of, True, new_content))
    return done


def _target(session: Session, plan: str | None, key: str) -> Target:
    plan_row = find_plan(session=session, code=plan)
    target = session.exec(
        select(Target).where(Target.plan_id == plan_row.id, Target.key == key)
    ).first()
    if target is None:
        raise EvidenceRefused(f"no target {key!r} in plan {plan_row.code}")
    return target


def _reading(session: Session, target: Target, as_of: date | None) -> Snapshot:
    """The current reading of *target* dated *as_of* (default: its latest date)."""
    query = select(Snapshot).where(Snapshot.target_id == target.id)
    if as_of is not None:
        query = query.where(Snapshot.as_of == as_of)
    snap = session.exec(query.order_by(col(Snapshot.as_of).desc(), col(Snapshot.id).desc())).first()
    if snap is not None:
        return snap
    dates = session.exec(
        select(col(Snapshot.as_of))
        .where(Snapshot.target_id == target.id)
        .distinct()
        .order_by(col(Snapshot.as_of))
    ).all()
    known = ", ".join(d.isoformat() for d in dates) or "none"
    when = f" dated {as_of}" if as_of is not None else ""
    raise EvidenceRefused(
        f"no reading of {target.key}{when} to attach evidence to (its readings: {known}); "
        "enter the figure first",
        reason="no_reading",
        key=target.key,
    )


def _linked_blobs(session: Session, target_id: int, as_of: date) -> set[int]:
    """The contents attached to this figure (any reading of the target and date), not
    withdrawn."""
    return set(
        session.exec(
            _not_withdrawn(
                select(Evidence.blob_id)
                .join(Snapshot, col(Snapshot.id) == Evidence.snapshot_id)
                .where(Snapshot.target_id == target_id, Snapshot.as_of == as_of)
            )
        ).all()
    )


def _withdrawn_blobs(session: Session, snapshot_id: int) -> set[int]:
    """The contents attached to this very reading and withdrawn (a link is unique)."""
    return set(
        session.exec(
            select(Evidence.blob_id)
            .join(EvidenceWithdrawal, col(EvidenceWithdrawal.evidence_id) == Evidence.id)
            .where(Evidence.snapshot_id == snapshot_id)
        ).all()
    )


def _not_withdrawn(query: _Q) -> _Q:
    """*query* (over ``evidence``) without the attachments withdrawn."""
    withdrawn = select(EvidenceWithdrawal.evidence_id).where(
        EvidenceWithdrawal.evidence_id == Evidence.id
    )
    return query.where(~withdrawn.exists())


def _blob(session: Session, file: EvidenceFile, now: datetime) -> tuple[int, bool]:
    """The blob id of *file*'s content, stored if new; whether it was new."""
    found = _blob_id(session, file.sha256)
    if found is not None:
        return found, False
    try:
        # A savepoint: another person storing the same content at the same moment wins
        # the unique sha256, and this transaction goes on with their row.
        with session.begin_nested():
            new = session.connection().execute(
                insert(EvidenceBlob.__table__).values(  # type: ignore[attr-defined]
                    sha256=file.sha256,
                    size=file.size,
                    media_type=file.media_type,
                    stored_at=now,
                    content=file.content,
                )
            )
        return int(new.inserted_primary_key[0]), True  # type: ignore[index]
    except IntegrityError:
        found = _blob_id(session, file.sha256)
        if found is None:
            raise
        return found, False


def _blob_id(session: Session, sha256: str) -> int | None:
    return session.exec(select(EvidenceBlob.id).where(EvidenceBlob.sha256 == sha256)).first()


# ---- listing and reading back -------------------------------------------------------


def _lines_query():
    return (
        select(
            Evidence.id,
            Evidence.snapshot_id,
            Snapshot.target_id,
            Target.key,
            Snapshot.as_of,
            Evidence.file_name,
            EvidenceBlob.sha256,
            EvidenceBlob.size,
            EvidenceBlob.media_type,
            Evidence.attached_by,
            Evidence.recorded_by,
            Evidence.attached_at,
        )
        .join(Snapshot, col(Snapshot.id) == Evidence.snapshot_id)
        .join(Target, col(Target.id) == Snapshot.target_id)
        .join(EvidenceBlob, col(EvidenceBlob.id) == Evidence.blob_id)
    )


def list_evidence(
    engine: Engine,
    *,
    plan: str | None = None,
    target_key: str | None = None,
    as_of: date | None = None,
    target_id: int | None = None,
) -> list[EvidenceLine]:
    """Attached files of a plan (default: the newest), or of one target (*target_key*, or
    *target_id* whatever its plan), optionally of one date; by target, date, attachment."""
    with Session(engine) as session:
        query = _not_withdrawn(_lines_query())
        if target_id is not None:
            query = query.where(Snapshot.target_id == target_id)
        else:
            plan_row = find_plan(session=session, code=plan)
            query = query.where(Target.plan_id == plan_row.id)
            if target_key is not None:
                target = _target(session, plan_row.code, target_key)
                query = query.where(Snapshot.target_id == target.id)
        if as_of is not None:
            query = query.where(Snapshot.as_of == as_of)
        rows = session.exec(query.order_by(col(Target.id), col(Snapshot.as_of), col(Evidence.id)))
        lines = [EvidenceLine(*row) for row in rows]
    return sorted(lines, key=lambda e: (_key_order(e.key), e.as_of, e.id))


def _key_order(key: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (1 << 30, p) for p in key.split("."))


def evidence_by_reading(engine: Engine, target_id: int) -> dict[int, list[EvidenceLine]]:
    """A target's attached files by the reading they were attached to (the item history)."""
    by_reading: dict[int, list[EvidenceLine]] = {}
    for line in list_evidence(engine, target_id=target_id):
        by_reading.setdefault(line.snapshot_id, []).append(line)
    return by_reading


def evidence_content(engine: Engine, evidence_id: int) -> bytes:
    """The content of one attached file."""
    with Session(engine) as session:
        content = session.exec(
            select(EvidenceBlob.content)
            .join(Evidence, col(Evidence.blob_id) == EvidenceBlob.id)
            .where(Evidence.id == evidence_id)
        ).first()
    if content is None:
        raise EvidenceRefused(f"no attached file with id {evidence_id}")
    return bytes(content)


def figures_with_evidence(session: Session, plan_id: int) -> set[tuple[int, date]]:
    """The figures (target id, date) of a plan with at least one attached file: one
    grouped query over the attached files, which are few beside the readings."""
    rows = session.exec(
        _not_withdrawn(
            select(col(Snapshot.target_id), col(Snapshot.as_of))
            .join(Evidence, col(Evidence.snapshot_id) == Snapshot.id)
            .join(Target, col(Target.id) == Snapshot.target_id)
            .where(Target.plan_id == plan_id)
        ).group_by(col(Snapshot.target_id), col(Snapshot.as_of))
    ).all()
    return {(target_id, day) for target_id, day in rows}


# ---- withdrawing --------------------------------------------------------------------

#: The longest reason kept (the column's length).
MAX_REASON = 500


@dataclass(frozen=True)
class Withdrawn:
    """An attached file withdrawn."""

    line: EvidenceLine
    reason: str


def withdraw_evidence(
    engine: Engine,
    *,
    target_key: str,
    file_name: str,
    reason: str,
    as_of: date | None = None,
    plan: str | None = None,
    actor: Actor | str | None = None,
    now: datetime | None = None,
) -> Withdrawn:
    """Withdraw the file *file_name* attached to the figure of *target_key* (dated
    *as_of*; without it, the one figure the file is attached to), giving *reason*. Who
    may attach to the figure may withdraw from it; the database's trigger writes the
    ``evidence.withdraw`` audit entry. Nothing is deleted (migration 0012)."""
    reason = _checked_reason(reason)
    now = now or datetime.now(UTC)
    with session_scope(engine) as session:
        me = acting(session, actor)
        target = _target(session, plan, target_key)
        assert target.id is not None
        require_entry_for_targets(session, me, {target.id: target.key})
        query = _not_withdrawn(_lines_query()).where(
            Snapshot.target_id == target.id, Evidence.file_name == file_name
        )
        if as_of is not None:
            query = query.where(Snapshot.as_of == as_of)
        found = [EvidenceLine(*row) for row in session.exec(query.order_by(col(Evidence.id)))]
        line = _one_attachment(session, target, file_name, as_of, found)
        session.add(
            EvidenceWithdrawal(
                evidence_id=line.id,
                reason=reason,
                withdrawn_by=me.login,
                recorded_by=me.recorder,
                withdrawn_at=now,
            )
        )
        try:
            session.flush()
        except IntegrityError:  # withdrawn by someone else since it was read
            raise EvidenceRefused(
                f"{file_name!r} on {line.key} ({line.as_of}) was withdrawn by someone "
                "else a moment ago",
                reason="already_withdrawn",
                name=file_name,
                key=line.key,
                as_of=line.as_of,
                by="—",
            ) from None
    return Withdrawn(line, reason)


def _checked_reason(reason: str) -> str:
    """A withdrawal's reason as typed (stripped): required, one field of at most
    :data:`MAX_REASON` characters, no control characters."""
    reason = reason.strip()
    if not reason:
        raise EvidenceRefused(
            "reason: say why the file is withdrawn (it is kept in the audit)", reason="no_reason"
        )
    if len(reason) > MAX_REASON:
        raise EvidenceRefused(f"reason: at most {MAX_REASON} characters ({len(reason)} given)")
    try:
        return require_text(reason, "reason", free=True)
    except TextRefused as exc:
        raise EvidenceRefused(str(exc)) from None


def _one_attachment(
    session: Session,
    target: Target,
    file_name: str,
    as_of: date | None,
    found: list[EvidenceLine],
) -> EvidenceLine:
    """The one attachment named, or EvidenceRefused saying what is attached instead."""
    if len(found) == 1:
        return found[0]
    when = f" dated {as_of}" if as_of is not None else ""
    if found:
        dates = ", ".join(sorted({line.as_of.isoformat() for line in found}))
        raise EvidenceRefused(
            f"{file_name!r} is attached to several figures of {target.key} ({dates}): "
            "say which with --as-of"
        )
    gone = session.exec(
        select(
            col(EvidenceWithdrawal.withdrawn_by),
            col(EvidenceWithdrawal.withdrawn_at),
            col(Snapshot.as_of),
        )
        .join(Evidence, col(Evidence.id) == EvidenceWithdrawal.evidence_id)
        .join(Snapshot, col(Snapshot.id) == Evidence.snapshot_id)
        .where(Snapshot.target_id == target.id, Evidence.file_name == file_name)
        .where(True if as_of is None else Snapshot.as_of == as_of)
        .order_by(col(EvidenceWithdrawal.id).desc())
    ).first()
    if gone is not None:
        by, at, day = gone
        raise EvidenceRefused(
            f"{file_name!r} on {target.key} ({day}) was already withdrawn by {by} "
            f"on {at:%Y-%m-%d %H:%M}",
            reason="already_withdrawn",
            name=file_name,
            key=target.key,
            as_of=day,
            by=by,
        )
    query = _not_withdrawn(_lines_query()).where(Snapshot.target_id == target.id)
    if as_of is not None:
        query = query.where(Snapshot.as_of == as_of)
    attached = [EvidenceLine(*row) for row in session.exec(query.order_by(col(Evidence.id)))]
    names = ", ".join(f"{line.file_name} ({line.as_of})" for line in attached) or "none"
    raise EvidenceRefused(
        f"no file {file_name!r} attached to {target.key}{when} (attached: {names})"
    )
