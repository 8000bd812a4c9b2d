"""A plan as it is written down before it is stored: read from a plan file, or made from a
stored plan to be exported or changed. storage.writes stores one (storage does not know
file formats); exchange.plan_file reads and writes one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pledgetrack.domain.model import ScheduleNode, Stage, TargetKind


@dataclass
class TargetDraft:
    """One target of a plan draft; *row* is the file row it came from (0: not from a file)."""

    key: str
    name: str
    kind: TargetKind
    target_value: float | None
    at_least: bool
    unit: str
    baseline: float
    deadline: date | None
    assessed: bool
    schedule: list[ScheduleNode]
    stages: list[Stage]
    note: str
    row: int
    #: Amounts per period of its schedule, not a running total (domain.per_period).
    per_period: bool = False


@dataclass
class ItemDraft:
    """One item (项) of a plan draft, with its departments, lead first."""

    no: int
    title: str
    pledge_no: int
    departments: list[str]
    row: int
    targets: list[TargetDraft] = field(default_factory=list)


@dataclass
class PlanDraft:
    """A whole plan: its period, pledge titles by number, items by number."""

    code: str
    title: str
    start: date
    end: date
    pledges: dict[int, str] = field(default_factory=dict)
    items: dict[int, ItemDraft] = field(default_factory=dict)
    #: The list numbers its items directly, with no 件 level: each item is stored as its
    #: own pledge (numbered and titled as the item), and nothing shows that pledge.
    flat: bool = False
