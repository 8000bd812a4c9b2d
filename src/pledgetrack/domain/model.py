"""Value types of the domain: what a target promises, a reading, a status.

Types made in bulk (one per target per evaluation: ``TargetRule``, ``Reading``,
``TargetResult``, ``ItemResult``) are slotted, not frozen: a frozen dataclass costs several
times as much to construct and a province evaluation makes hundreds of thousands of them.
They are values all the same: nothing changes them after creation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple, Protocol


class TargetKind(StrEnum):
    """A figure with a unit, or a done / not-done promise."""

    QUANTITY = "quantity"
    MILESTONE = "milestone"


class Status(StrEnum):
    """Status of a target or an item as of a date (README.md, "The rules")."""

    ACHIEVED = "achieved"
    AHEAD = "ahead"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    OVERDUE = "overdue"
    NOT_REPORTED = "not_reported"

    @property
    def severity(self) -> int:
        """Higher is worse; used to pick an item's status and sort attention lists."""
        return SEVERITY[self]


#: Higher is worse (see Status.severity); a plain dict for hot loops.
SEVERITY = {
    Status.ACHIEVED: 0,
    Status.AHEAD: 1,
    Status.ON_TRACK: 2,
    Status.BEHIND: 3,
    Status.NOT_REPORTED: 4,
    Status.OVERDUE: 5,
}

#: Display order of statuses in counters and summaries.
STATUS_ORDER = (
    Status.ACHIEVED,
    Status.AHEAD,
    Status.ON_TRACK,
    Status.BEHIND,
    Status.OVERDUE,
    Status.NOT_REPORTED,
)


class ScheduleNode(NamedTuple):
    """A planned cumulative value by a date (e.g. 6月底前4家).

    Named tuples, not frozen dataclasses: a province plan loads some 60k schedule nodes
    and stages, and a frozen dataclass costs several times as much to construct."""

    on: date
    value: float


class Stage(NamedTuple):
    """A named stage of a milestone (项目 → 试运行 → 正式运行), optionally planned by a date."""

    name: str
    planned: date | None = None


@dataclass(slots=True)
class TargetRule:
    """Everything the progress engine needs to know about one target."""

    kind: TargetKind
    deadline: date
    assessed: bool = True
    target_value: float | None = None
    baseline: float = 0.0
    at_least: bool = False
    schedule: tuple[ScheduleNode, ...] = ()
    stages: tuple[Stage, ...] = ()
    #: The target is an amount per period of its schedule (计划二季度完成…20场): each
    #: schedule node is the amount planned for the period ending on its date, and each
    #: reading the amount done in its period (domain.per_period), not a running total.
    per_period: bool = False

    @property
    def has_target(self) -> bool:
        """False for a reference figure recorded without a target (21.21万只 dogs)."""
        return self.kind is TargetKind.MILESTONE or self.target_value is not None

    @property
    def paced(self) -> bool:
        """Its expected progress follows a path through the year (a quantity with a
        target; a milestone every stage of which carries a planned date): only such a
        target can be ahead of it. A milestone with undated stages has no path to be
        ahead of (nothing says when its first stage was due)."""
        if self.kind is TargetKind.MILESTONE:
            return bool(self.stages) and all(stage.planned is not None for stage in self.stages)
        return self.target_value is not None


@dataclass(slots=True)
class Reading:
    """The cumulative value (or done flag) of a target as of a date (for a per-period
    target, as stored: the amount of its period; as the rules read it: the total of the
    periods so far, domain.per_period)."""

    as_of: date
    value: float | None = None
    done: bool | None = None
    #: Evidence or explanation given with the reading (not used by the rules).
    note: str = ""
    #: How the figure is approximate (a domain.qualifier.Qualifier code), "" if exact:
    #: said back in reports, never used by the rules.
    qualifier: str = ""
    #: When the department expects the target done, if it said.
    forecast: date | None = None
    #: Works progress (形象进度) of a count target not yet finished, 0–100
    #: ("正在施工中(90%)"); None when none was given. Weighed against expected progress
    #: in place of the count's completion while the target is not achieved.
    works: float | None = None


@dataclass(frozen=True, slots=True)
class ReviewInfo:
    """The latest review of a stored reading: approved or returned, by whom, why."""

    decision: str
    comment: str
    reviewed_by: str
    reviewed_at: datetime


@dataclass(frozen=True, slots=True)
class StoredReading:
    """A reading as it is stored: one row of the ``snapshot`` table, with its target key.

    The one shape of a stored reading, from storage to the screens and reports: a new
    one to append (``id`` None; ``supersedes_id`` the reading it corrects, as the person
    saw it), a target's history (``superseded`` and ``review`` filled in), the review
    queue, the reading that won a race, a report's history.
    """

    target_id: int
    key: str
    as_of: date
    value: float | None
    done: bool | None
    #: Evidence or explanation given with the figure.
    note: str = ""
    entered_by: str = ""
    entered_at: datetime | None = None
    #: The stored reading this one corrects (for one to store: the one the person saw).
    supersedes_id: int | None = None
    id: int | None = None
    #: A later record corrects this one (when the query says so).
    superseded: bool = False
    #: Its latest review (None: submitted, not reviewed; or not asked for).
    review: ReviewInfo | None = None
    #: How the figure is approximate (domain.qualifier.Qualifier code), "" if exact.
    qualifier: str = ""
    #: When the department expects the target done, if it said.
    forecast: date | None = None
    #: Works progress (形象进度) in percent, None if none was given.
    works: float | None = None

    @property
    def reading(self) -> Reading:
        """The figure as the rules read it."""
        return Reading(
            self.as_of, self.value, self.done, self.note, self.qualifier, self.forecast, self.works
        )

    @property
    def correction(self) -> bool:
        """It corrects an earlier record for the same date."""
        return self.supersedes_id is not None

    @property
    def state(self) -> str:
        """Its review state: submitted, approved or returned."""
        return self.review.decision if self.review is not None else "submitted"


@dataclass(frozen=True)
class Policy:
    """Configurable parts of the rules."""

    #: Behind = more than this many percentage points below expected.
    tolerance: float = 10.0
    #: Ahead = more than this many percentage points above expected (not yet achieved).
    ahead_margin: float = 10.0
    #: Progress for month M is due by this day of month M+1.
    reporting_day: int = 5


@dataclass(frozen=True)
class PlanPeriod:
    """The period a plan covers, normally a calendar year."""

    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(slots=True)
class TargetResult:
    """A target evaluated as of a date."""

    status: Status
    completion: float | None
    expected: float | None
    achieved: bool
    reading: Reading | None


class TargetResultSource(Protocol):
    """Where an item's target results come from when they are made on first use."""

    def results(self, begin: int, end: int) -> tuple[TargetResult, ...]: ...


@dataclass(slots=True)
class ItemResult:
    """An item evaluated as of a date, from its targets' results.

    A whole-plan evaluation makes the results of an item's targets only when someone
    asks for them (*source*, positions *begin* … *end*): a screen of a 100k-target plan
    shows item rows, and making 100k target results would cost more than the evaluation.
    """

    status: Status
    completion: float | None
    expected: float | None
    achieved: bool
    _targets: tuple[TargetResult, ...] | None = field(default=(), repr=False, compare=False)
    _source: tuple[TargetResultSource, int, int] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def targets(self) -> tuple[TargetResult, ...]:
        """Each assessed and reference target's result, in list order."""
        if self._targets is None:
            assert self._source is not None
            source, begin, end = self._source
            self._targets = source.results(begin, end)
        return self._targets
