"""Reading single cells: yes/no flags, kinds, pledge numbers, schedules."""

from __future__ import annotations

from pledgetrack.domain.dates import DateFormatError, parse_date
from pledgetrack.domain.model import ScheduleNode, Stage, TargetKind
from pledgetrack.domain.numbers import NumberFormatError, parse_number

_TRUE = {"yes", "y", "true", "t", "1", "是", "√", "✓", "x", "done", "完成", "已完成"}
_FALSE = {"no", "n", "false", "f", "0", "否", "×", "✗", "", "未完成"}
_KINDS = {
    "quantity": TargetKind.QUANTITY,
    "数量": TargetKind.QUANTITY,
    "定量": TargetKind.QUANTITY,
    "milestone": TargetKind.MILESTONE,
    "里程碑": TargetKind.MILESTONE,
    "定性": TargetKind.MILESTONE,
}
_ZH_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def parse_bool(text: str) -> bool:
    """yes/no, 是/否, true/false, 1/0; blank is no."""
    raw = text.strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(f"not yes/no: {text!r} (use yes/no, 是/否, 1/0)")


def parse_kind(text: str) -> TargetKind:
    """quantity / milestone (数量 / 里程碑)."""
    try:
        return _KINDS[text.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown kind {text!r} (use quantity or milestone)") from None


_ZH_UNITS = {"千": 1000, "百": 100, "十": 10}


def _chinese_number(raw: str, text: str) -> int:
    """一, 十二, 一百零五, 三千四百二十 (below 10 000)."""
    total = 0
    digit: int | None = None
    last_unit = 10_000
    for ch in raw:
        if ch == "零":
            digit = None
        elif ch in _ZH_UNITS:
            unit = _ZH_UNITS[ch]
            if unit >= last_unit:
                raise ValueError(f"not a number: {text!r}")
            total += (digit if digit is not None else 1) * unit
            digit, last_unit = None, unit
        elif digit is not None:
            raise ValueError(f"not a number: {text!r}")
        else:
            digit = _ZH_DIGITS[ch]
    return total + (digit or 0)


def parse_ordinal(text: str) -> int:
    """A positive whole number, also in Chinese numerals (一, 十二, 一百零五)."""
    raw = text.strip().rstrip("、.．")
    if raw.isdigit():
        value = int(raw)
    elif raw and all(ch in _ZH_DIGITS or ch in _ZH_UNITS or ch == "零" for ch in raw):
        value = _chinese_number(raw, text)
    else:
        try:
            as_float = float(raw)
        except ValueError:
            raise ValueError(f"not a whole number: {text!r}") from None
        if not as_float.is_integer():
            raise ValueError(f"not a whole number: {text!r}")
        value = int(as_float)
    if value <= 0:
        raise ValueError(f"must be 1 or more: {text!r}")
    return value


def split_list(text: str) -> list[str]:
    """Split ``a; b；c`` into names, dropping blanks."""
    return [part.strip() for part in text.replace("；", ";").split(";") if part.strip()]


def parse_schedule(text: str, *, per_period: bool = False) -> list[ScheduleNode]:
    """``2020-03=2; 2020-06=4`` → nodes sorted by date; dates must be distinct. Values
    are cumulative and must not fall, unless they are *per_period* amounts."""
    nodes = []
    for part in split_list(text):
        when, sep, value = part.replace("＝", "=").partition("=")
        if not sep:
            raise ValueError(f"schedule node {part!r} is not DATE=VALUE")
        try:
            on = parse_date(when)
            figure = parse_number(value).value
        except (DateFormatError, NumberFormatError) as exc:
            raise ValueError(f"schedule node {part!r}: {exc}") from None
        nodes.append(ScheduleNode(on, figure))
    nodes.sort(key=lambda n: n.on)
    dates = [n.on for n in nodes]
    if len(set(dates)) != len(dates):
        raise ValueError("schedule has two nodes on the same date")
    values = [n.value for n in nodes]
    if values != sorted(values) and not per_period:
        raise ValueError("schedule values must not fall over time (they are cumulative)")
    return nodes


def parse_stages(text: str) -> list[Stage]:
    """``开发;试运行=2020-11-15;正式运行`` → stages in order, with planned dates."""
    stages = []
    for part in split_list(text):
        name, sep, when = part.replace("＝", "=").partition("=")
        planned = None
        if sep:
            try:
                planned = parse_date(when)
            except DateFormatError as exc:
                raise ValueError(f"stage {part!r}: {exc}") from None
        stages.append(Stage(name.strip(), planned))
    names = [s.name for s in stages]
    if len(set(names)) != len(names):
        raise ValueError("two stages have the same name")
    return stages
