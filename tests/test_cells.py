"""Dates and numbers as users write them."""

from datetime import date

import pytest

from pledgetrack.domain.dates import DateFormatError, parse_date
from pledgetrack.domain.numbers import (
    NumberFormatError,
    format_percent,
    parse_number,
    round_percent,
)
from pledgetrack.exchange.cells import parse_bool, parse_ordinal, parse_schedule, parse_stages


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-10-31", date(2020, 10, 31)),
        ("2020/10/31", date(2020, 10, 31)),
        ("2020-10", date(2020, 10, 31)),
        ("2020-02", date(2020, 2, 29)),
        ("2020年10月31日", date(2020, 10, 31)),
        ("2020年10月底", date(2020, 10, 31)),
        ("2020年11月", date(2020, 11, 30)),
        ("２０２０－１０－３１", date(2020, 10, 31)),
        ("2020-10-31 00:00:00", date(2020, 10, 31)),
    ],
)
def test_accepted_date_forms(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "yesterday", "2020-13-01", "2020-02-30", "10/31/2020"])
def test_rejected_dates_say_why(text: str) -> None:
    with pytest.raises(DateFormatError):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "value", "floor"),
    [
        ("6800", 6800, False),
        ("6,800", 6800, False),
        ("1万", 10000, False),
        ("1.5万", 15000, False),
        ("100%", 100, False),
        ("41.58", 41.58, False),
        ("40以上", 40, True),
        ("不少于40", 40, True),
        ("1万以上", 10000, True),
        ("１，２３４", 1234, False),
    ],
)
def test_accepted_numbers(text: str, value: float, floor: bool) -> None:
    parsed = parse_number(text, allow_floor=True)
    assert parsed.value == value
    assert parsed.at_least is floor


@pytest.mark.parametrize("text", ["", "abc", "1,23", "12..5", "五", "nan", "inf"])
def test_rejected_numbers(text: str) -> None:
    with pytest.raises(NumberFormatError):
        parse_number(text)


def test_floor_is_refused_where_a_reading_is_expected() -> None:
    with pytest.raises(NumberFormatError, match="以上"):
        parse_number("40以上")


def test_percent_is_rounded_half_up_like_the_government() -> None:
    assert round_percent(425 / 400 * 100) == 106.3  # Python's round() gives 106.2
    assert round_percent(41.58 / 30 * 100) == 138.6
    assert format_percent(100.0) == "100%"
    assert format_percent(85.96) == "86%"


def test_pledge_numbers_in_chinese_numerals() -> None:
    assert [parse_ordinal(x) for x in ["一", "十", "十二", "二十一", "7"]] == [1, 10, 12, 21, 7]
    with pytest.raises(ValueError):
        parse_ordinal("0")


def test_bool_cells() -> None:
    assert parse_bool("是") and parse_bool("yes") and not parse_bool("否") and not parse_bool("")
    with pytest.raises(ValueError):
        parse_bool("maybe")


def test_schedule_and_stages() -> None:
    nodes = parse_schedule("2020-06=4; 2020-03=2；2020年9月底=7")
    assert [(n.on, n.value) for n in nodes] == [
        (date(2020, 3, 31), 2),
        (date(2020, 6, 30), 4),
        (date(2020, 9, 30), 7),
    ]
    with pytest.raises(ValueError, match="fall"):
        parse_schedule("2020-03=5; 2020-06=4")
    stages = parse_stages("开发;试运行=2020-11-15;正式运行")
    assert [s.name for s in stages] == ["开发", "试运行", "正式运行"]
    assert stages[1].planned == date(2020, 11, 15)
