"""Targets read from the sentences lists state them in (domain/target_text.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pledgetrack.domain.target_text import COUNTED_IN_WAN, UNITS, split_targets

#: Wording of the Qingdao 2020 list (its pledge headings) and of 临安区 2022, with the
#: targets a reader takes from them: (name, value, unit, at least); value None: milestone.
PUBLISHED = [
    (
        "城镇新增就业30万人,政策性扶持创业1.5万人,技能提升5万人,引才聚才25万人,实施服务职工系列工程",
        [
            ("城镇新增就业", 30, "万人", False),
            ("政策性扶持创业", 1.5, "万人", False),
            ("技能提升", 5, "万人", False),
            ("引才聚才", 25, "万人", False),
            ("实施服务职工系列工程", None, "", False),
        ],
    ),
    (
        "开工建设中小学和幼儿园80所,实施中小学幼儿园一键式紧急报警系统配备工程",
        [
            ("开工建设中小学和幼儿园", 80, "所", False),
            ("实施中小学幼儿园一键式紧急报警系统配备工程", None, "", False),
        ],
    ),
    (
        "推动安居提升工程,启动老旧小区改造项目110个,实施节能保暖工程500万平方米,加强供热燃气设施配套建设",
        [
            ("推动安居提升工程", None, "", False),
            ("启动老旧小区改造项目", 110, "个", False),
            ("实施节能保暖工程", 500, "万平方米", False),
            ("加强供热燃气设施配套建设", None, "", False),
        ],
    ),
    (
        "改造交通安全设施300处,提升公交服务能力",
        [("改造交通安全设施", 300, "处", False), ("提升公交服务能力", None, "", False)],
    ),
    (
        "扩建医保工作站至200家,增设和更新献血屋9座",
        [("扩建医保工作站", 200, "家", False), ("增设和更新献血屋", 9, "座", False)],
    ),
    (
        "创建省级美丽乡村示范村20个,完成农民技能培训2万人",
        [("创建省级美丽乡村示范村", 20, "个", False), ("完成农民技能培训", 2, "万人", False)],
    ),
    (
        "建设街道居家社区养老服务中心90个,建设养老床位12000张,增加老年护理康复床位2000张,提高城乡低保标准",
        [
            ("建设街道居家社区养老服务中心", 90, "个", False),
            ("建设养老床位", 12000, "张", False),
            ("增加老年护理康复床位", 2000, "张", False),
            ("提高城乡低保标准", None, "", False),
        ],
    ),
    (
        "创建星级农贸市场不少于40处,开展食品安全定性定量检测65000批次",
        [("创建星级农贸市场", 40, "处", True), ("开展食品安全定性定量检测", 65000, "批次", False)],
    ),
    (
        "建设全民阅读设施150处,建设运动场地和健身设施200处,改造提升商业步行街3条",
        [
            ("建设全民阅读设施", 150, "处", False),
            ("建设运动场地和健身设施", 200, "处", False),
            ("改造提升商业步行街", 3, "条", False),
        ],
    ),
    (
        "完成应急救护培训2万人,全面推进犬只狂犬病免疫",
        [("完成应急救护培训", 2, "万人", False), ("全面推进犬只狂犬病免疫", None, "", False)],
    ),
    (
        "完成职工心理健康服务中心12处、服务站点103个",
        [("完成职工心理健康服务中心", 12, "处", False), ("服务站点", 103, "个", False)],
    ),
    (
        "新建成公办中小学、幼儿园7所,新增中小学、幼儿园公办学位6800个。",
        [
            ("新建成公办中小学、幼儿园", 7, "所", False),
            ("新增中小学、幼儿园公办学位", 6800, "个", False),
        ],
    ),
    ("开展胃肠癌联合筛查1万例以上。", [("开展胃肠癌联合筛查", 10000, "例", True)]),
    ("实施农村公路大中修100公里。", [("实施农村公路大中修", 100, "公里", False)]),
    ("新增城镇就业30万人以上", [("新增城镇就业", 30, "万人", True)]),
    ("改造老旧小区6个", [("改造老旧小区", 6, "个", False)]),
    (
        "建成婴幼儿照护服务机构5家,新增托位300个以上",
        [("建成婴幼儿照护服务机构", 5, "家", False), ("新增托位", 300, "个", True)],
    ),
    ("农村垃圾分类覆盖率达到100%", [("农村垃圾分类覆盖率", 100, "%", False)]),
    ("降低用人单位医保缴费费率0.8个百分点", [("降低用人单位医保缴费费率", 0.8, "个百分点", False)]),
    (
        "新增学位6,800个；新增托位超过300个",
        [("新增学位", 6800, "个", False), ("新增托位", 300, "个", True)],
    ),
    ("11月底前建成市民中心", [("11月底前建成市民中心", None, "", False)]),
    ("建成１７３处寒暑假爱心托管驿站", [("建成寒暑假爱心托管驿站", 173, "处", False)]),
]


@pytest.mark.parametrize(("sentence", "expected"), PUBLISHED, ids=[s[:12] for s, _ in PUBLISHED])
def test_published_sentences_split_into_their_targets(sentence, expected) -> None:
    split = split_targets(sentence)
    assert split.problems == ()
    assert [(t.name, t.value, t.unit, t.at_least) for t in split.targets] == expected


def test_a_multiplier_applied_to_a_count_is_a_guess_said() -> None:
    (target,) = split_targets("开展胃肠癌联合筛查1万例以上").targets
    assert target.guesses == ("1万例 read as 10000 例",)
    assert split_targets("城镇新增就业30万人").targets[0].guesses == ()


def test_a_clause_without_a_figure_is_a_milestone_and_says_so() -> None:
    (target,) = split_targets("建成市民中心").targets
    assert (target.value, target.clause) == (None, "建成市民中心")
    assert "milestone" in target.guesses[0]


def test_a_clause_keeps_its_enumeration_when_only_one_part_has_a_figure() -> None:
    (target,) = split_targets("新建成公办中小学、幼儿园7所").targets
    assert target.clause == "新建成公办中小学、幼儿园7所"


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("组织425名劳模和5000名职工疗休养", "has 2 figures ('425名', '5000名')"),
        ("推进5G基站建设", "has digits but no figure"),
        ("新增30辆车,建设5G基站", "'建设5G基站' has digits but no figure"),
        ("建设口袋公园37座位", None),  # 座 is a unit, 位 part of the name: read
        ("建成地铁37号线", "'37' is followed by '号线'"),
        ("新增37甲乙", "'37' is followed by '甲乙'"),
        ("300个", "has a figure but names nothing"),
        ("。", "states no target"),
    ],
)
def test_what_cannot_be_read_is_a_problem_not_a_target(sentence, reason) -> None:
    split = split_targets(sentence)
    if reason is None:
        assert split.problems == ()
    else:
        assert any(reason in p for p in split.problems), split.problems


# ------------------------------------------------------------------ property

_NAME_CHARS = "新建成改造提升公办中小学幼儿园老旧区农村道大修养护服务机构托育医保工作站绿化美丽乡"
names = st.text(alphabet=_NAME_CHARS, min_size=2, max_size=12)
values = st.one_of(
    st.integers(min_value=1, max_value=10**7).map(Decimal),
    st.decimals(min_value=Decimal("0.1"), max_value=Decimal(9999), places=2).filter(
        lambda d: d != d.to_integral_value()
    ),
)
units = st.sampled_from([u for u in UNITS if u != "%"])


@st.composite
def stated_targets(draw):  # type: ignore[no-untyped-def]
    name, value, unit = draw(names), draw(values), draw(units)
    multiplier = draw(st.sampled_from(["", "", "万", "亿"]))
    floor = draw(st.sampled_from(["", "以上", "不少于"]))
    figure = f"{value.normalize():f}{multiplier}{unit}"
    text = f"{name}不少于{figure}" if floor == "不少于" else f"{name}{figure}{floor}"
    if multiplier and unit in COUNTED_IN_WAN:
        expected_value, expected_unit = value, multiplier + unit
    else:
        expected_value = value * {"": 1, "万": 10_000, "亿": 100_000_000}[multiplier]
        expected_unit = unit
    return text, (name, float(expected_value), expected_unit, bool(floor))


@given(st.lists(stated_targets(), min_size=1, max_size=5), st.sampled_from([",", "，", "；"]))
def test_a_sentence_made_of_targets_reads_back_as_those_targets(parts, separator) -> None:
    sentence = separator.join(text for text, _ in parts) + "。"
    split = split_targets(sentence)
    assert split.problems == ()
    assert [(t.name, t.value, t.unit, t.at_least) for t in split.targets] == [e for _, e in parts]


def test_a_leading_number_is_a_list_number_only_in_a_numbered_list() -> None:
    """``4.30%以上…`` on the 4th row of an item whose rows are numbered 1. 2. 3. 4. is list
    number 4 and 30 %; the same start anywhere else is the figure it says (never a
    figure silently changed: 2.3万户 is not list number 2 and 3万户)."""
    from pledgetrack.domain.target_text import numbered_list

    listed = ["*1.新增城镇就业6000人", "2.扶持创业800人", "3、培训1000人次", "4.30%以上的村覆盖"]
    assert numbered_list(listed)
    assert not numbered_list(["2.3万户完成改造", "新建公厕10座"])
    assert not numbered_list(["1.5万人参加培训"])  # one row: no list to speak of
    assert not numbered_list(["1.新建幼儿园5所", "3.改造校舍2处"])  # not its own place
    (covered,) = split_targets(listed[3], 4).targets
    assert (covered.value, covered.unit) == (30, "%")
    (homes,) = split_targets("2.3万户完成改造").targets
    assert (homes.value, homes.unit) == (2.3, "万户")
