"""The month-end report model: built once per month and plan; renderers only read it.

Text people gave (titles, names, units, notes, departments) is :data:`Shown`: made safe
for every renderer as the model is built (domain.text.shown), so a control character
stored long ago can break neither a terminal nor an XLSX or DOCX file.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, SkipValidation

from pledgetrack.domain.model import Status, StoredReading
from pledgetrack.domain.text import shown

#: Text from people, without control characters or escape sequences.
Shown = Annotated[str, AfterValidator(shown)]


@dataclasses.dataclass(slots=True, kw_only=True)
class TargetLine:
    """A target's line. A plain slotted dataclass, not a pydantic model: a province
    report has 100,000 of them, and as models they took 420 MB (issue 15); its texts
    are made :data:`Shown` as it is made, all the same."""

    key: str
    name: str
    unit: str
    kind: str
    assessed: bool
    target_value: float | None
    at_least: bool
    deadline: date
    value: float | None
    done: bool | None
    stage: str | None
    stage_no: int | None
    stage_count: int
    completion: float | None
    """Rounded to one decimal, as published."""
    expected: float | None
    status: Status
    note: str
    as_of: date | None
    entered_late: bool = False
    """Its figure for this month was entered after the reporting deadline."""
    qualifier: str = ""
    """How the figure is approximate (domain.qualifier code: approx, more, near, above,
    over), said back with it; "" for an exact figure."""
    forecast: date | None = None
    """When the department expects it done ("预计10月底前全部完成"), if it said."""
    forecast_late: bool = False
    """The forecast is past the target's deadline and the target is not achieved."""
    works: float | None = None
    """Works progress (形象进度) in percent its reading gives, if any ("正在施工中(90%)")."""
    per_period: bool = False
    """An amount per period: *value* is the total of its periods so far (domain.per_period)."""
    units: tuple[UnitLine, ...] = ()
    """A split target's units, in list order (services.breakdown); () when not split."""

    def __post_init__(self) -> None:
        self.key, self.name, self.unit = shown(self.key), shown(self.name), shown(self.unit)
        self.note = shown(self.note)
        if self.stage is not None:
            self.stage = shown(self.stage)


@dataclasses.dataclass(slots=True)
class UnitLine:
    """A unit's share of a split target in a report: "普兰店区完成95%" (domain.breakdown)."""

    unit: str
    level: str
    completion: float | None
    """Rounded to one decimal, as published; None: no figure."""
    achieved: bool

    def __post_init__(self) -> None:
        self.unit, self.level = shown(self.unit), shown(self.level)


class ItemLine(BaseModel):
    no: int
    title: Shown
    pledge_no: int
    departments: list[Shown]
    status: Status
    completion: float | None
    expected: float | None
    #: Made already checked (a province has 100,000): not validated again.
    targets: SkipValidation[list[TargetLine]]
    previous_status: Status | None
    reported_this_month: bool
    last_report: date | None = None
    """Date of the newest reading among its targets (as the dashboard shows it)."""
    annual_target: bool = True
    """False for an item without an annual target (不设年度目标，常态化开展: every target a
    reference figure): reported in its own sentence, not among the items that can be
    achieved."""


class PledgeSection(BaseModel):
    no: int
    title: Shown
    items: list[ItemLine]


class Mover(BaseModel):
    key: Shown
    name: Shown
    unit: Shown
    item_no: int
    old: float | None
    new: float | None
    delta_points: float
    new_qualifier: str = ""
    """How the new figure is approximate (TargetLine.qualifier)."""


class LateForecast(BaseModel):
    """A target expected done only after its deadline: a warning line of the report."""

    item_no: int
    item_title: Shown
    name: Shown
    forecast: date
    deadline: date
    departments: list[Shown]


class NoEvidence(BaseModel):
    """A target whose latest figure has no evidence (佐证材料) attached."""

    item_no: int
    key: Shown
    name: Shown
    as_of: date
    departments: list[Shown]


class AtRiskItem(BaseModel):
    """An item that, at the pace of its last readings, will likely not be achieved by its
    deadline (domain.forecast): the year-end forecast's sentence of the report."""

    item_no: int
    item_title: Shown
    departments: list[Shown]
    completion: float
    """The lowest projected completion of its assessed targets at risk, rounded."""


class StatusChange(BaseModel):
    no: int
    title: Shown
    old: Status
    new: Status


class Changes(BaseModel):
    previous_as_of: date
    previous_has_data: bool
    newly_achieved: list[int]
    status_changes: list[StatusChange]
    movers: list[Mover]
    no_new_figure: list[int]


class DepartmentScore(BaseModel):
    """One responsible department's month: the items it answers for (lead or co-operating)."""

    name: Shown
    items: int
    lead_items: int
    counts: dict[Status, int]
    late_reports: int
    """Targets whose figure for this month was entered after the reporting deadline."""
    completion: float | None
    """Mean item completion, each item capped at 100 %, rounded to one decimal."""

    @property
    def achieved(self) -> int:
        return self.counts[Status.ACHIEVED]


@dataclasses.dataclass(slots=True)
class HistoryLine:
    """One stored reading up to the report date (corrections included), under its item.
    A slotted dataclass, not a pydantic model: a province's month has 100,000 (the XLSX
    history sheet); its texts are made shown as it is made, all the same."""

    item_no: int
    reading: StoredReading

    def __post_init__(self) -> None:
        reading = self.reading
        note, who = shown(reading.note), shown(reading.entered_by)
        if note != reading.note or who != reading.entered_by:
            self.reading = dataclasses.replace(reading, note=note, entered_by=who)


class MonthReport(BaseModel):
    plan_code: Shown
    plan_title: Shown
    month: str
    as_of: date
    plan_end: date
    department: Shown | None
    pledge_count: int
    item_count: int
    counts: dict[Status, int]
    achieved: list[int]
    flat: bool = False
    """The list has no 件 level: no pledge is shown or counted."""
    targeted_counts: dict[Status, int] = {}
    """Like *counts*, over the items that have an annual target only (the headline's)."""
    targetless: list[int] = []
    """Items without an annual target (不设年度目标，常态化开展), in list order."""
    grouped: bool = False
    """The body groups the items as bulletins do (完成全年目标 / 超额完成节点目标 / 按计划推进
    / 滞后 …) instead of under their pledges (``report --grouped``)."""
    pledges: list[PledgeSection]
    attention: list[ItemLine]
    changes: Changes
    reporting_deadline: date
    """Figures for this month entered after this day are late."""
    departments: list[DepartmentScore]
    """The department scorecard, in list order (the lead of item 1 first)."""
    late_forecasts: list[LateForecast] = []
    """Targets not achieved whose department expects them done after their deadline."""
    no_evidence: list[NoEvidence] | None = None
    """Targets whose latest figure has no evidence attached, in list order; None: not
    asked for (``report --evidence``, services.evidence_report)."""
    at_risk: list[AtRiskItem] = []
    """Items the year-end forecast finds short at their deadline (services.forecast), in
    list order."""
    history: SkipValidation[list[HistoryLine]] = []
    """Every record dated in the report month, corrections included; filled only when asked
    (the XLSX history sheet). Made already checked (a province's month has 100,000): not
    validated again."""

    @property
    def targeted_count(self) -> int:
        """How many items have an annual target (can be achieved)."""
        return self.item_count - len(self.targetless)

    def item(self, no: int) -> ItemLine:
        return next(i for s in self.pledges for i in s.items if i.no == no)
