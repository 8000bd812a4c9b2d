"""A plan's structure as plain values: plan → pledges → items → targets."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from pledgetrack.domain.columns import RuleColumns, rule_columns
from pledgetrack.domain.model import PlanPeriod, TargetKind, TargetRule


@dataclass(slots=True)
class TargetInfo:
    """A target with what people read about it, and the rule the engine applies."""

    id: int
    key: str
    item_no: int
    name: str
    unit: str
    rule: TargetRule
    note: str = ""

    @property
    def kind(self) -> TargetKind:
        return self.rule.kind


@dataclass(slots=True)
class ItemInfo:
    """An item (项) and who answers for it (the lead first)."""

    id: int
    no: int
    title: str
    pledge_no: int
    departments: tuple[str, ...]
    targets: tuple[TargetInfo, ...]

    @property
    def lead(self) -> str:
        return self.departments[0] if self.departments else ""

    @property
    def has_annual_target(self) -> bool:
        """False for an item without an annual target (不设年度目标，常态化开展): every
        target of it is a reference figure (not assessed). Such an item is tracked and
        reported, but is not among the items that can be achieved."""
        return any(t.rule.assessed for t in self.targets)


@dataclass(frozen=True)
class PledgeInfo:
    """A pledge (件) heading."""

    no: int
    title: str


@dataclass(frozen=True)
class PlanStructure:
    """Everything a plan promises, in list order."""

    id: int
    code: str
    title: str
    period: PlanPeriod
    pledges: tuple[PledgeInfo, ...]
    items: tuple[ItemInfo, ...]
    #: No 件 level (a flat list): screens and reports show no pledge and count none.
    flat: bool = False

    def targets(self) -> list[TargetInfo]:
        return [t for item in self.items for t in item.targets]

    def use_rule_columns(self, columns: RuleColumns) -> None:
        """Take the rules as already stored in columns (storage.rule_cache) instead of
        making them from the targets; they must be this structure's, target for target."""
        ids = [t.id for item in self.items for t in item.targets]
        if columns.items != len(self.items) or columns.target_id.tolist() != ids:
            raise ValueError("the rule columns are not this plan structure's")
        self.__dict__["rule_columns"] = columns  # what cached_property would keep

    @cached_property
    def rule_columns(self) -> RuleColumns:
        """The rules of every target as columns, made once per loaded structure (a TUI
        evaluates the same structure again on every month step)."""
        return rule_columns(
            [t.id for item in self.items for t in item.targets],
            [t.rule for item in self.items for t in item.targets],
            [index for index, item in enumerate(self.items) for _ in item.targets],
            len(self.items),
        )

    def pledge(self, no: int) -> PledgeInfo:
        return next(p for p in self.pledges if p.no == no)

    def departments(self) -> list[str]:
        seen: dict[str, None] = {}
        for item in self.items:
            for name in item.departments:
                seen.setdefault(name, None)
        return list(seen)
