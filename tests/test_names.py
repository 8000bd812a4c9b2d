"""Names and titles sort by pinyin, as a Chinese index has them (domain/names.py)."""

from __future__ import annotations

from pledgetrack.domain.names import pinyin_key


def test_a_character_is_its_most_common_reading_with_the_tone_as_a_number() -> None:
    assert pinyin_key("市民政局") == ("shi4", "min2", "zheng4", "ju2")
    assert pinyin_key("绿满青岛") == ("lv4", "man3", "qing1", "dao3")  # ü as v, as typed


def test_departments_sort_by_pinyin_not_by_code_point() -> None:
    names = ["市民政局", "市教育局", "市城市管理局", "市总工会", "市体育局", "市住房城乡建设局"]
    assert sorted(names, key=pinyin_key) == [
        "市城市管理局",  # cheng
        "市教育局",  # jiao
        "市民政局",  # min
        "市体育局",  # ti
        "市住房城乡建设局",  # zhu
        "市总工会",  # zong
    ]
    assert sorted(names) != sorted(names, key=pinyin_key)


def test_other_text_sorts_as_it_is_case_folded() -> None:
    assert pinyin_key("Ab1") == ("a", "b", "1")
    assert sorted(["b组", "A组", "安居"], key=pinyin_key) == ["A组", "安居", "b组"]
