"""Checking one reading before it is stored — shared by `record`, the progress import and the TUI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pledgetrack.domain.dates import DateFormatError, parse_date
from pledgetrack.domain.model import PlanPeriod, Reading, TargetKind
from pledgetrack.domain.numbers import NumberFormatError, format_number, parse_number
from pledgetrack.domain.plan import TargetInfo
from pledgetrack.exchange.cells import parse_bool


@dataclass(frozen=True)
class FieldProblem:
    """A reason a field of a reading is refused."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


class InvalidReading(ValueError):
    """A reading that cannot be stored; the message is one line naming the reason."""

    def __init__(self, problems: list[FieldProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def check_as_of(
    text: str | date, period: PlanPeriod, today: date
) -> tuple[date | None, str | None]:
    """A reading date: a real date, inside the plan period, not in the future."""
    try:
        as_of = text if isinstance(text, date) else parse_date(text)
    except DateFormatError as exc:
        return None, str(exc)
    if not period.contains(as_of):
        return None, f"{as_of} is outside the plan period {period.start} … {period.end}"
    if as_of > today:
        return None, f"{as_of} is in the future (today is {today})"
    return as_of, None


def check_reading(
    target: TargetInfo,
    period: PlanPeriod,
    *,
    as_of: str | date,
    value: str | None,
    done: str | bool | None = None,
    today: date,
) -> Reading:
    """Build a valid Reading from what a person typed, or raise InvalidReading.

    Quantity: a non-negative number in the target's unit (``6,800``, ``1.5万``).
    Milestone: ``done`` yes/no, and for a staged milestone the stage reached,
    by number or by name.
    """
    problems: list[FieldProblem] = []
    day, reason = check_as_of(as_of, period, today)
    if reason:
        problems.append(FieldProblem("as_of", reason))
    number: float | None = None
    flag: bool | None = None
    text = (value or "").strip()
    rule = target.rule
    if rule.kind is TargetKind.QUANTITY:
        if not text:
            problems.append(FieldProblem("value", f"target {target.key} needs a number"))
        else:
            try:
                number = parse_number(text).value
                if number < 0:
                    problems.append(FieldProblem("value", f"{text} is negative"))
            except NumberFormatError as exc:
                problems.append(FieldProblem("value", str(exc)))
    else:
        try:
            flag = done if isinstance(done, bool) else parse_bool(done or "")
        except ValueError as exc:
            problems.append(FieldProblem("done", str(exc)))
        if text:
            number = _stage_number(target, text, problems)
        if rule.stages:
            if flag:
                number = float(len(rule.stages))
            elif number is not None and number >= len(rule.stages):
                flag = True
    if problems:
        raise InvalidReading(problems)
    assert day is not None
    return Reading(day, number, flag)


def _stage_number(target: TargetInfo, text: str, problems: list[FieldProblem]) -> float | None:
    stages = target.rule.stages
    names = [s.name for s in stages]
    if text in names:
        return float(names.index(text) + 1)
    if not stages:
        problems.append(
            FieldProblem(
                "value", f"milestone {target.key} has no stages: leave value blank, use done"
            )
        )
        return None
    try:
        number = parse_number(text).value
    except NumberFormatError:
        problems.append(
            FieldProblem("value", f"{text!r} is neither a stage number nor one of {names}")
        )
        return None
    if not number.is_integer() or not 0 <= number <= len(stages):
        problems.append(
            FieldProblem(
                "value",
                f"stage must be 0…{len(stages)} or one of {names}, not {format_number(number)}",
            )
        )
        return None
    return number
