"""The one check of a reading, for every path that stores one.

The monthly entry screen, ``pledgetrack record``, the progress import (CSV or XLSX) and
corrections all call :func:`check_reading`. It returns coded problems, each with a
severity:

* **error** — never stored: not a number, negative, no value, unknown plan or target,
  a date that is not a date, outside the plan or in the future, a stage that is not one
  of the target's, ``done`` given for a quantity or not a yes/no, a note holding a
  control character or an escape sequence (domain.text), works progress that is not a
  percentage from 0 to 100 or is given for a milestone;
* **warning** — stored only when the person confirms: lower than the last figure
  without a note (not for a per-period target, whose figure is its period's amount), a milestone reported done and now undone without a note, more than
  3× the target, a 万/亿 multiplier typed into a target whose unit already carries it,
  a change to an approved figure.

The TUI asks before saving; the CLI refuses with exit status 2 and names ``--confirm``;
an import lists every problem as ``file:row:column`` and writes nothing unless its
warnings are confirmed (``--confirm`` or a ``confirm`` column). The words are the
catalog's ``check.<code>`` messages, in Chinese and English, the same on every path.

**The unit rule.** A figure is in its target's unit: ``64`` for a target in 万人 means
64万人. ``1万`` typed for a 万人 target reads as 10000万人, which is almost never meant,
so it is a warning that offers both readings (10000万人 as typed, or 1万人 by typing 1).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from pledgetrack.domain.dates import DateFormatError, parse_date
from pledgetrack.domain.model import PlanPeriod, Reading, TargetKind
from pledgetrack.domain.numbers import (
    MULTIPLIERS,
    NumberFormatError,
    format_number,
    parse_number,
)
from pledgetrack.domain.plan import TargetInfo
from pledgetrack.domain.qualifier import Qualifier, parse_qualified, parse_qualifier
from pledgetrack.domain.text import character_code, character_name, refused_character
from pledgetrack.exchange.cells import parse_bool
from pledgetrack.i18n import t

#: A figure above this multiple of the target needs confirmation.
LARGE_FACTOR = 3

#: Multipliers that a unit can carry (万人, 万平方米, 亿元): typing one again is a warning.
UNIT_MULTIPLIERS = ("万", "亿")


class Severity(StrEnum):
    """Whether a problem stops a reading (error) or needs it confirmed (warning)."""

    ERROR = "error"
    WARNING = "warning"


#: Every problem the check knows, and its severity. The catalog has ``check.<code>``
#: for each, in both languages (tests/test_reading_check.py walks them all).
SEVERITIES: Mapping[str, Severity] = MappingProxyType(
    {
        "unknown_plan": Severity.ERROR,
        "unknown_target": Severity.ERROR,
        "bad_date": Severity.ERROR,
        "outside_plan": Severity.ERROR,
        "future": Severity.ERROR,
        "value_missing": Severity.ERROR,
        "not_number": Severity.ERROR,
        "negative": Severity.ERROR,
        "bad_stage": Severity.ERROR,
        "no_stages": Severity.ERROR,
        "done_for_quantity": Severity.ERROR,
        "bad_done": Severity.ERROR,
        "bad_text": Severity.ERROR,
        "bad_qualifier": Severity.ERROR,
        "qualifier_conflict": Severity.ERROR,
        "qualifier_for_milestone": Severity.ERROR,
        "bad_forecast": Severity.ERROR,
        "bad_works": Severity.ERROR,
        "works_out_of_range": Severity.ERROR,
        "works_for_milestone": Severity.ERROR,
        "lower_needs_note": Severity.WARNING,
        "undone_needs_note": Severity.WARNING,
        "over_target": Severity.WARNING,
        "unit_multiplier": Severity.WARNING,
        "changes_approved": Severity.WARNING,
    }
)


@dataclass(frozen=True)
class Problem:
    """A reason a reading is refused (error) or needs confirming (warning).

    *field* names what it is about, as the progress file's column: ``plan``, ``target``,
    ``as_of``, ``value``, ``done``, ``note``, ``qualifier``, ``forecast`` or ``works_percent``.
    """

    code: str
    field: str
    #: What the message names; figures are kept as numbers and written out by
    #: :meth:`message` (a confirmed province import never writes most of them).
    values: Mapping[str, str | float] = dataclasses.field(default_factory=dict)

    @property
    def severity(self) -> Severity:
        return SEVERITIES[self.code]

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def message(self, lang: str) -> str:
        """The reason in words, from the catalog (``check.<code>``)."""
        shown = {k: format_number(v) if isinstance(v, float) else v for k, v in self.values.items()}
        return t(f"check.{self.code}", lang, **shown)


@dataclass(frozen=True)
class ReadingCheck:
    """The verdict on one reading: the reading to store (None when an error stops it)
    and every problem found, errors first."""

    reading: Reading | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.is_error)

    @property
    def error(self) -> Problem | None:
        """The first error, or None."""
        return next((p for p in self.problems if p.is_error), None)

    @property
    def warning(self) -> Problem | None:
        """The first warning, or None."""
        return next((p for p in self.problems if not p.is_error), None)

    def storable(self, *, confirmed: bool) -> bool:
        """Whether the reading may be stored: no error, and no warning unless confirmed."""
        return self.reading is not None and not self.errors and (confirmed or not self.warnings)


@dataclass(frozen=True)
class ReadingContext:
    """What is already stored that a new reading is checked against."""

    #: The latest figure reported before the reading's month (last month's, as a rule).
    previous: Reading | None = None
    #: The reading already stored for the same target and date (a new one corrects it).
    current: Reading | None = None
    #: Whether that current reading has been approved by a supervisor.
    current_approved: bool = False


NO_CONTEXT = ReadingContext()


class ReadingRefused(ValueError):
    """A reading (or several) cannot be stored: errors, or warnings not confirmed.

    ``problems`` are keyed by target key; the message is one line.
    """

    def __init__(self, problems: Mapping[str, tuple[Problem, ...]], lang: str = "en"):
        self.problems = dict(problems)
        self.lang = lang
        colon, clause = t("sep.colon", lang), t("report.clause.sep", lang)
        super().__init__(
            clause.join(
                f"{key}{colon}{p.message(lang)}" for key, ps in self.problems.items() for p in ps
            )
        )

    @property
    def needs_confirmation_only(self) -> bool:
        """True when every problem is a warning: confirming would store the readings."""
        return all(not p.is_error for ps in self.problems.values() for p in ps)


def unknown_target(key: str, plan: str) -> Problem:
    """The problem of a target key the plan does not have."""
    return Problem("unknown_target", "target", {"target": key, "plan": plan})


def unknown_plan(code: str) -> Problem:
    """The problem of a plan code the database does not have (blank: no code given)."""
    return Problem("unknown_plan", "plan", {"plan": code})


def check_reading(
    target: TargetInfo,
    period: PlanPeriod,
    *,
    as_of: str | date,
    value: str | None,
    done: str | bool | None = None,
    note: str = "",
    today: date,
    context: ReadingContext = NO_CONTEXT,
    qualifier: str | None = None,
    forecast: str | date | None = None,
    works: str | float | None = None,
) -> ReadingCheck:
    """Check a reading as a person gave it, against what is stored (*context*).

    Quantity: a non-negative number in the target's unit (``6,800``, ``1.5万``), maybe
    approximate as typed (``约11890``, ``24500余``, ``近万``, ``70%以上``, ``超过9300``) or
    with a *qualifier* word or code (domain.qualifier); the number counts, the qualifier
    is kept. *forecast*: the date (or month: its end) the target is expected done by.
    *works*: works progress (形象进度) of a quantity target in percent, 0–100 (``90``,
    ``90%``); with it the value may be left blank (a report of works progress only).
    Milestone: *done* yes/no, and for a staged milestone the stage reached, by number or
    by name (reaching the last stage is done). A reading equal to the one already stored
    for its date changes nothing and is not warned about.
    """
    problems: list[Problem] = []
    day = _check_date(as_of, period, today, problems)
    text = (value or "").strip()
    note = (note or "").strip()
    refused = refused_character(note, free=True)
    if refused is not None:
        problems.append(
            Problem(
                "bad_text",
                "note",
                {"char": character_name(refused), "code": character_code(refused)},
            )
        )
    rule = target.rule
    number: float | None = None
    flag: bool | None = None
    multiplier = ""
    given = _qualifier_cell(qualifier, problems)
    typed: Qualifier | None = None
    expected_by = _forecast(forecast, problems)
    works_percent = _works(works, problems)
    if rule.kind is TargetKind.QUANTITY:
        if _flag(done, problems):
            problems.append(Problem("done_for_quantity", "done", {"target": target.key}))
        if not text:
            if works_percent is None:
                problems.append(Problem("value_missing", "value", {"target": target.key}))
        else:
            number, multiplier, typed = _number(text, problems)
        if given and typed and given is not typed:
            problems.append(
                Problem("qualifier_conflict", "qualifier", {"text": text, "qualifier": given})
            )
    else:
        if given:
            problems.append(Problem("qualifier_for_milestone", "qualifier", {"target": target.key}))
        if works_percent is not None:
            problems.append(Problem("works_for_milestone", "works_percent", {"target": target.key}))
        flag = _flag(done, problems)
        if text:
            number = _stage_number(target, text, problems)
        if rule.stages:
            if not text and flag is False:
                problems.append(Problem("value_missing", "value", {"target": target.key}))
            elif flag:
                number = float(len(rule.stages))
            elif number is not None:
                flag = number >= len(rule.stages)
    if problems or day is None:
        return ReadingCheck(None, tuple(problems))
    reading = Reading(day, number, flag, note, (typed or given or ""), expected_by, works_percent)
    if not _same(reading, context.current):
        _warnings(target, text, multiplier, reading, context, problems)
    return ReadingCheck(reading, tuple(problems))


def _check_date(text: str | date, period: PlanPeriod, today: date, problems: list[Problem]):
    try:
        day = text if isinstance(text, date) else parse_date(str(text or "").strip())
    except DateFormatError:
        problems.append(Problem("bad_date", "as_of", {"text": str(text or "")}))
        return None
    if not period.contains(day):
        problems.append(
            Problem(
                "outside_plan",
                "as_of",
                {"date": day.isoformat(), "start": str(period.start), "end": str(period.end)},
            )
        )
        return None
    if day > today:
        problems.append(Problem("future", "as_of", {"date": day.isoformat(), "today": str(today)}))
        return None
    return day


def _number(text: str, problems: list[Problem]) -> tuple[float | None, str, Qualifier | None]:
    try:
        parsed, qualifier = parse_qualified(text)
    except NumberFormatError:
        problems.append(Problem("not_number", "value", {"text": text}))
        return None, "", None
    if parsed.value < 0:
        problems.append(Problem("negative", "value", {"text": text}))
        return None, "", None
    return parsed.value, parsed.multiplier, qualifier


def _qualifier_cell(text: str | None, problems: list[Problem]) -> Qualifier | None:
    try:
        return parse_qualifier(text or "")
    except ValueError:
        problems.append(Problem("bad_qualifier", "qualifier", {"text": text or ""}))
        return None


def _forecast(text: str | date | None, problems: list[Problem]) -> date | None:
    """The forecast date: a date, or a month meaning its end (``2020-10``)."""
    if text is None or isinstance(text, date):
        return text
    if not text.strip():
        return None
    try:
        return parse_date(text)
    except DateFormatError:
        problems.append(Problem("bad_forecast", "forecast", {"text": text}))
        return None


def _works(given: str | float | None, problems: list[Problem]) -> float | None:
    """Works progress in percent: a number from 0 to 100, ``%`` allowed; blank: none."""
    if given is None or isinstance(given, (int, float)):
        number = None if given is None else float(given)
        text = "" if given is None else format_number(float(given))
    else:
        text = given.strip()
        if not text:
            return None
        try:
            parsed = parse_number(text)
        except NumberFormatError:
            problems.append(Problem("bad_works", "works_percent", {"text": text}))
            return None
        if parsed.at_least or parsed.multiplier:
            problems.append(Problem("bad_works", "works_percent", {"text": text}))
            return None
        number = parsed.value
    if number is None:
        return None
    if number != number or not 0.0 <= number <= 100.0:  # NaN is no percentage either
        problems.append(Problem("works_out_of_range", "works_percent", {"text": text}))
        return None
    return number


def _flag(done: str | bool | None, problems: list[Problem]) -> bool | None:
    if isinstance(done, bool) or done is None:
        return bool(done)
    try:
        return parse_bool(done)
    except ValueError:
        problems.append(Problem("bad_done", "done", {"text": done}))
        return None


def _stage_number(target: TargetInfo, text: str, problems: list[Problem]) -> float | None:
    stages = target.rule.stages
    names = [s.name for s in stages]
    if text in names:
        return float(names.index(text) + 1)
    if not stages:
        problems.append(Problem("no_stages", "value", {"target": target.key, "text": text}))
        return None
    try:
        number = parse_number(text).value
    except NumberFormatError:
        number = -1.0
    if not number.is_integer() or not 0 <= number <= len(stages):
        problems.append(
            Problem(
                "bad_stage",
                "value",
                {"text": text, "max": str(len(stages)), "names": "、".join(names)},
            )
        )
        return None
    return number


def _same(reading: Reading, current: Reading | None) -> bool:
    return (
        current is not None
        and current.value == reading.value
        and bool(current.done) == bool(reading.done)
        and (current.note or "") == reading.note
        and current.qualifier == reading.qualifier
        and current.forecast == reading.forecast
        and current.works == reading.works
    )


def _warnings(
    target: TargetInfo,
    text: str,
    multiplier: str,
    reading: Reading,
    context: ReadingContext,
    problems: list[Problem],
) -> None:
    rule = target.rule
    previous = context.previous
    number = reading.value
    if previous is not None and not reading.note:
        # A per-period figure is its period's amount: less than last period's is no fall.
        if (
            number is not None
            and previous.value is not None
            and number < previous.value
            and not rule.per_period
        ):
            problems.append(
                Problem(
                    "lower_needs_note",
                    "note",
                    {"previous": previous.value, "text": number},
                )
            )
        elif rule.kind is TargetKind.MILESTONE and not rule.stages:
            if previous.done and not reading.done:
                problems.append(Problem("undone_needs_note", "note", {}))
    if rule.kind is TargetKind.QUANTITY and number is not None:
        if rule.target_value and number > LARGE_FACTOR * rule.target_value:
            problems.append(
                Problem(
                    "over_target",
                    "value",
                    {
                        "text": number,
                        "target": rule.target_value,
                        "unit": target.unit,
                        "factor": str(LARGE_FACTOR),
                    },
                )
            )
        if multiplier in UNIT_MULTIPLIERS and target.unit.startswith(multiplier):
            problems.append(
                Problem(
                    "unit_multiplier",
                    "value",
                    {
                        "text": text,
                        "unit": target.unit,
                        "literal": number,
                        "plain": number / MULTIPLIERS[multiplier],
                    },
                )
            )
    current = context.current
    if current is not None and context.current_approved:
        problems.append(Problem("changes_approved", "value", {"figure": figure(target, current)}))


def figure(target: TargetInfo, reading: Reading) -> str:
    """A stored figure as a person reads it: ``64万人``, ``done``, ``stage 2``."""
    if target.rule.kind is TargetKind.MILESTONE and not target.rule.stages:
        return "✓" if reading.done else "✗"
    if reading.value is None:
        return "—"
    return f"{format_number(reading.value)}{target.unit}"
