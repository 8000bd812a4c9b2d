"""Review: a stored reading is *submitted*; a supervisor approves it or returns it with a comment.

Reviews are appended, never changed: the latest review of a reading is its
state. A figure corrected after a return is a new reading, submitted again.
Reports can be built from approved figures only (``approved_only`` of
:func:`pledgetrack.storage.latest.latest_readings`).

Targets split to units (services.breakdown): each unit's figures are reviewed as any
target's (key ``3.4/市南区``). A ``sum`` target's total is never reviewed by hand — it is
written by its units' saves, not entered — so it is not queued: it *follows* its units'
figures. When a review of a unit figure leaves every unit figure a total sums (each
unit's current reading as of the total's date) approved, the total is approved with it,
by the same reviewer; when a review leaves one of them not approved, an approved total
is returned. So ``--approved-only`` reads a total whose every part was approved, as of
the latest date that holds (a total written by the reviewer's own save is left as it
is: nobody reviews a figure they stored).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from pledgetrack.domain.breakdown import RollupRule, totals_to_review
from pledgetrack.domain.model import ReviewInfo, StoredReading
from pledgetrack.domain.plan import ItemInfo, PlanStructure, TargetInfo
from pledgetrack.domain.text import TextRefused, require_text
from pledgetrack.services.access import Actor, acting
from pledgetrack.services.breakdown import Breakdown, breakdowns, share_targets, sum_families
from pledgetrack.storage.breakdown_rows import rule_of
from pledgetrack.storage.db import session_scope
from pledgetrack.storage.latest import APPROVED, RETURNED, SUBMITTED
from pledgetrack.storage.queries import (
    find_plan,
    latest_reviews,
    load_structure,
    review_queue,
    stream_review_queue,
)
from pledgetrack.storage.tables import Review, Snapshot, Target

DECISIONS = (APPROVED, RETURNED)
STATES = (SUBMITTED, APPROVED, RETURNED)


#: The standard comment that opens the comment of a figure returned for want of evidence
#: (佐证材料, services.evidence): the department sees what to attach, and a report or a
#: filter recognises the reason (:func:`returned_for_missing_evidence`).
MISSING_EVIDENCE = "缺少佐证材料"


def returned_for_missing_evidence(comment: str) -> bool:
    """Whether a return's comment is the standard one for missing evidence."""
    return comment.startswith(MISSING_EVIDENCE)


class ReviewRefused(ValueError):
    """The review cannot be recorded (no such reading, no comment on a return, …).

    *reason* names the rule for a front end that words it in the person's language
    (``no_comment``, ``own``, ``approved_already``, ``corrected``; "" for the others), *facts*
    what the wording names (key, as_of, by)."""

    def __init__(self, message: str, *, reason: str = "", **facts: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.facts = facts


@dataclass(frozen=True)
class Reviewed:
    """A review recorded."""

    snapshot_id: int
    key: str
    as_of: date
    decision: str
    comment: str
    #: The state before: submitted, approved or returned.
    previous: str


@dataclass(frozen=True)
class ReviewLine:
    """A reading in the review list, with what it belongs to."""

    reading: StoredReading
    item: ItemInfo
    target: TargetInfo
    #: The unit whose share of the target the reading is ("": the target's own).
    unit: str = ""

    @property
    def state(self) -> str:
        return self.reading.state

    @property
    def comment(self) -> str:
        review = self.reading.review
        return review.comment if review is not None else ""


def review(
    engine: Engine,
    *,
    decision: str,
    comment: str = "",
    snapshot_id: int | None = None,
    target_key: str | None = None,
    as_of: date | None = None,
    plan: str | None = None,
    actor: Actor | str | None = None,
    now: datetime | None = None,
    missing_evidence: bool = False,
) -> Reviewed:
    """Approve or return one reading — by snapshot id, or by target key and date (its
    current reading of that date) — with its audit entry, in one transaction.

    Only supervisors and admins review (anyone in a database without users);
    a return needs a comment saying what to fix. *missing_evidence* returns it for want
    of evidence: the comment is :data:`MISSING_EVIDENCE`, then *comment* if any.
    """
    if decision not in DECISIONS:
        raise ReviewRefused(f"decision {decision!r}: approved or returned")
    if decision == RETURNED:
        comment = return_comment(comment, missing_evidence=missing_evidence)
    elif missing_evidence:
        raise ReviewRefused("missing evidence is a reason to return a figure, not approve it")
    else:
        comment = _checked_comment(comment)
    now = now or datetime.now(UTC)
    with session_scope(engine) as session:
        me = acting(session, actor)
        me.require_review()
        snap, key = _find(session, snapshot_id, target_key, as_of, plan)
        assert snap.id is not None
        if _own(me, snap):
            person = snap.entered_by or snap.recorded_by
            # Stored by someone acting for the person: "zhao for li" (the front ends word it).
            recorder = snap.recorded_by if snap.recorded_by not in ("", person) else None
            by = f"{recorder} for {person}" if recorder else person
            raise ReviewRefused(
                f"{key} ({snap.as_of}) was entered by {by}: "
                f"nobody reviews a figure they entered, admins included; another "
                f"supervisor or admin reviews it",
                reason="own",
                key=key,
                as_of=snap.as_of,
                by=person,
                recorder=recorder,
            )
        previous = latest_reviews(session=session, snapshot_ids=[snap.id]).get(snap.id)
        if decision == APPROVED and previous is not None and previous.decision == APPROVED:
            raise ReviewRefused(
                f"{key} ({snap.as_of}) is already approved by {previous.reviewed_by}",
                reason="approved_already",
                key=key,
                as_of=snap.as_of,
                by=previous.reviewed_by,
            )
        _append(session, me, now, [snap], decision, comment)
        _follow_totals(session, me, now, [snap])
    return Reviewed(
        snapshot_id=snap.id,
        key=key,
        as_of=snap.as_of,
        decision=decision,
        comment=comment,
        previous=previous.decision if previous is not None else SUBMITTED,
    )


def approve_submitted(
    engine: Engine,
    *,
    plan: str | None = None,
    until: date | None = None,
    comment: str = "",
    actor: Actor | str | None = None,
    now: datetime | None = None,
) -> int:
    """Approve every submitted current reading of a plan (dated up to *until*) in one
    transaction — e.g. figures already published; returns how many. Readings the
    reviewer entered are left submitted (nobody approves their own figures)."""
    now = now or datetime.now(UTC)
    with session_scope(engine) as session:
        me = acting(session, actor)
        me.require_review()
        plan_row = find_plan(session=session, code=plan)
        assert plan_row.id is not None
        queued = [
            q
            for q in review_queue(session=session, plan_id=plan_row.id, states=(SUBMITTED,))
            if until is None or q.as_of <= until
        ]
        snaps = {
            s.id: s
            for s in session.exec(
                select(Snapshot).where(Snapshot.id.in_([q.id for q in queued]))  # type: ignore[union-attr]
            ).all()
        }
        others = [snaps[q.id] for q in queued if not _own(me, snaps[q.id])]
        _append(session, me, now, others, APPROVED, _checked_comment(comment))
        _follow_totals(session, me, now, others)
    return len(others)


def review_list(
    engine: Engine,
    *,
    plan: str | None = None,
    department: str | None = None,
    states: Sequence[str] = (SUBMITTED, RETURNED),
    structure: PlanStructure | None = None,
) -> list[ReviewLine]:
    """Current readings in these review states (default: submitted and returned), by
    item and date; *department* keeps the items it leads or co-operates on. *structure*:
    the plan's, when the caller holds it (not read again)."""
    return list(
        review_lines(engine, plan=plan, department=department, states=states, structure=structure)
    )


def review_lines(
    engine: Engine,
    *,
    plan: str | None = None,
    department: str | None = None,
    states: Sequence[str] = (SUBMITTED, RETURNED),
    structure: PlanStructure | None = None,
) -> Iterator[ReviewLine]:
    """:func:`review_list` as it is read (a province's ``--status all`` is over a million
    figures: never held whole). Refusals (ReviewRefused, PlanNotFound) are raised here,
    before the first line."""
    unknown = [s for s in states if s not in STATES]
    if unknown:
        raise ReviewRefused(f"status {unknown[0]!r}: one of {', '.join(STATES)}")
    with Session(engine) as session:
        if structure is None:
            structure = load_structure(session=session, code=plan)
        splits = breakdowns(session, structure)
    items = [i for i in structure.items if not department or department in i.departments]
    # Each unit's share under its target's item; a sum target's total is not reviewed.
    targets: dict[int, tuple[ItemInfo, TargetInfo, str]] = {}
    for item in structure.items:
        mine = item in items
        for target in item.targets:
            split = splits.get(target.id)
            if mine and (split is None or split.rule is not RollupRule.SUM):
                targets[target.id] = (item, target, "")
            for share in split.shares if split is not None else ():
                if mine or share.unit == department:
                    targets[share.target.id] = (item, share.target, share.unit)
    if department and not targets:
        known = "、".join([*structure.departments(), *_units(splits)])
        raise ReviewRefused(f"no items for department {department!r} (departments: {known})")

    def lines() -> Iterator[ReviewLine]:
        with Session(engine) as session:
            queued = stream_review_queue(
                session=session,
                plan_id=structure.id,
                states=tuple(states),
                target_ids=list(targets) if department else None,
            )
            for q in queued:
                if q.target_id in targets:
                    yield ReviewLine(q, *targets[q.target_id])

    return lines()


def review_state(review: ReviewInfo | None) -> str:
    """submitted (no review yet), approved or returned."""
    return review.decision if review is not None else SUBMITTED


# ---- internals ----------------------------------------------------------------------


def _find(
    session: Session,
    snapshot_id: int | None,
    target_key: str | None,
    as_of: date | None,
    plan: str | None,
) -> tuple[Snapshot, str]:
    """The reading to review, and its target key; only a current (not corrected) one."""
    if snapshot_id is not None:
        snap = session.get(Snapshot, snapshot_id)
        if snap is None:
            raise ReviewRefused(f"no reading with id {snapshot_id}")
        target = session.get(Target, snap.target_id)
        assert target is not None
        key = target.key
    else:
        if not target_key or as_of is None:
            raise ReviewRefused("say which reading: a target key and --as-of, or --id")
        structure = load_structure(session=session, code=plan)
        snap, key = _current_of(session, structure, target_key, as_of)
    if rule_of(session=session, target_id=snap.target_id) == RollupRule.SUM:
        raise ReviewRefused(
            f"{key} ({snap.as_of}) is the total of its units' figures: review each unit's "
            f"figure ({key}/<unit>); the total is approved when all of them are"
        )
    correction = session.exec(select(Snapshot.id).where(Snapshot.supersedes_id == snap.id)).first()
    if correction is not None:
        raise ReviewRefused(
            f"reading {snap.id} of {key} ({snap.as_of}) was corrected by reading {correction}: "
            "review the correction",
            reason="corrected",
            key=key,
            as_of=snap.as_of,
        )
    return snap, key


def _current_of(
    session: Session, structure: PlanStructure, key: str, as_of: date
) -> tuple[Snapshot, str]:
    target = next((t for t in structure.targets() if t.key == key), None)
    if target is None:
        target = share_targets(session, structure).get(key)
    if target is None:
        raise ReviewRefused(f"no target {key!r} in plan {structure.code}")
    snaps = session.exec(
        select(Snapshot)
        .where(Snapshot.target_id == target.id, Snapshot.as_of == as_of)
        .order_by(Snapshot.id)  # type: ignore[arg-type]
    ).all()
    if not snaps:
        dates = session.exec(
            select(col(Snapshot.as_of))
            .where(Snapshot.target_id == target.id)
            .distinct()
            .order_by(col(Snapshot.as_of))
        ).all()
        known = ", ".join(d.isoformat() for d in dates) or "none"
        raise ReviewRefused(f"no reading of {key} dated {as_of} (its readings: {known})")
    return snaps[-1], key


def return_comment(comment: str, *, missing_evidence: bool = False) -> str:
    """The comment a return is stored with, or ReviewRefused: a return says what to fix
    (*missing_evidence*: :data:`MISSING_EVIDENCE`, then *comment* if any). Front ends ask it
    before sending a return, so that the person can still type one."""
    comment = _checked_comment(comment)
    if missing_evidence and not returned_for_missing_evidence(comment):
        comment = f"{MISSING_EVIDENCE}：{comment}" if comment else MISSING_EVIDENCE
    if not comment:
        raise ReviewRefused(
            "a returned figure needs a comment saying what to fix (--comment)", reason="no_comment"
        )
    return comment


def _checked_comment(comment: str) -> str:
    """A comment as typed (stripped), unless it holds control characters."""
    try:
        return require_text(comment.strip(), "comment", free=True)
    except TextRefused as exc:
        raise ReviewRefused(str(exc)) from None


def _own(me: Actor, snap: Snapshot) -> bool:
    """Whether *me* entered or stored *snap* (or acts for who did)."""
    mine = {me.login, me.recorder}
    return not me.single_user and bool(mine & {snap.entered_by, snap.recorded_by})


def _append(
    session: Session,
    me: Actor,
    now: datetime,
    readings: Sequence[Snapshot],
    decision: str,
    comment: str,
) -> None:
    """Append the reviews (the caller's transaction); the database's trigger writes their
    audit entries (migration 0004)."""
    session.add_all(
        Review(
            snapshot_id=snap.id or 0,
            decision=decision,
            comment=comment,
            reviewed_by=me.login,
            reviewed_at=now,
            recorded_by=me.recorder,
        )
        for snap in readings
    )
    session.flush()


def _units(splits: Mapping[int, Breakdown]) -> list[str]:
    """The units of *splits*, by first appearance."""
    return list(dict.fromkeys(share.unit for split in splits.values() for share in split.shares))


#: The comment of a total returned because a unit figure it sums is no longer approved.
TOTAL_RETURNED = "分解单位数据未全部审核通过"
#: The comment of a total approved with the last of its units' figures.
TOTAL_APPROVED = "分解单位数据均已审核通过"


def _follow_totals(
    session: Session, me: Actor, now: datetime, reviewed: Sequence[Snapshot]
) -> None:
    """Approve each ``sum`` total whose unit figures are now all approved, and return an
    approved one whose unit figures no longer all are, from the earliest date reviewed on
    (the module's docstring says why); in the caller's transaction, after its reviews."""
    families = sum_families(session, [(snap.target_id, snap.as_of) for snap in reviewed])
    if families is None:
        return
    since, children, history = families
    sids = [sid for rows in history.values() for _day, _value, sid in rows]
    decided = {
        sid: r.decision for sid, r in latest_reviews(session=session, snapshot_ids=sids).items()
    }
    approve: list[int] = []
    withdraw: list[int] = []
    for parent, first in since.items():
        units = {c: history.get(c, []) for c in children.get(parent, [])}
        more, fewer = totals_to_review(history.get(parent, []), units, decided, first)
        approve += more
        withdraw += fewer
    for ids, decision, comment in ((approve, APPROVED, TOTAL_APPROVED),
                                   (withdraw, RETURNED, TOTAL_RETURNED)):  # fmt: skip
        totals = [
            snap
            for snap in session.exec(select(Snapshot).where(col(Snapshot.id).in_(ids))).all()
            if not _own(me, snap)
        ] if ids else []  # fmt: skip
        _append(session, me, now, totals, decision, comment)
