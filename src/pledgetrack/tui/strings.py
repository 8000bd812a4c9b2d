"""Strings of the terminal UI, in Chinese and English (same shape as pledgetrack.i18n).

Keys not found here fall back to the shared catalog (column names, statuses), so
every string a widget shows goes through :func:`ui`.
"""

from __future__ import annotations

from pledgetrack.i18n import t

_CATALOG: dict[str, dict[str, str]] = {
    # header and counters
    "header": {"zh": "{plan} · 截至{date}", "en": "{plan} · as of {date}"},
    "header.loading": {"zh": "正在加载…", "en": "Loading…"},
    "counter": {"zh": "{label} {n}/{total}", "en": "{label} {n} of {total}"},
    "filter": {"zh": "筛选:{status}", "en": "Filter: {status}"},
    "filter.all": {"zh": "全部", "en": "all"},
    "shown": {"zh": "显示{n}项", "en": "{n} items shown"},
    "search.placeholder": {
        "zh": "按序号或事项名称搜索(/)",
        "en": "Search by item number or title (/)",
    },
    # bindings (footer)
    "key.prev_month": {"zh": "上月", "en": "prev month"},
    "key.next_month": {"zh": "下月", "en": "next month"},
    "key.cycle_filter": {"zh": "筛选", "en": "filter"},
    "key.search": {"zh": "搜索", "en": "search"},
    "key.select_cursor": {"zh": "详情", "en": "details"},
    "key.toggle_lang": {"zh": "English", "en": "中文"},
    "key.quit": {"zh": "退出", "en": "quit"},
    "key.back": {"zh": "返回", "en": "back"},
    "key.attention": {"zh": "关注", "en": "attention"},
    "key.report": {"zh": "报告", "en": "report"},
    # item detail
    "detail.title": {"zh": "{no}. {title}", "en": "{no}. {title}"},
    "detail.departments": {
        "zh": "责任单位:{lead}(牵头){others}",
        "en": "Departments: {lead} (lead){others}",
    },
    "detail.others": {"zh": ",{names}", "en": ", {names}"},
    "detail.status": {
        "zh": "状态:{status} · 完成率 {completion} · 应达 {expected} · 截至{date}",
        "en": "Status: {status} · done {completion} · expected {expected} · as of {date}",
    },
    "detail.history": {"zh": "{key} {name} 填报记录", "en": "History of {key} {name}"},
    "detail.history.empty": {"zh": "暂无填报记录", "en": "No readings yet"},
    "col.change": {"zh": "较上次", "en": "Change"},
    "col.note": {"zh": "说明", "en": "Note"},
    "col.entered_by": {"zh": "填报人", "en": "Entered by"},
    "col.corrected": {"zh": "更正", "en": "Corrected"},
    "col.date": {"zh": "日期", "en": "Date"},
    "corrected": {"zh": "已更正", "en": "corrected"},
    "milestone": {"zh": "完成", "en": "done"},
    "done.yes": {"zh": "已完成", "en": "done"},
    "done.no": {"zh": "未完成", "en": "not done"},
    "at_least": {"zh": "≥{value}", "en": "≥{value}"},
    # item detail chart (helper A adds keys here)
    # attention board (helper B adds keys here)
    # report preview (helper B adds keys here)
    # monthly entry
    # errors
    "error.load": {"zh": "加载失败:{error}", "en": "Could not load: {error}"},
}


def ui(key: str, lang: str, /, **values: object) -> str:
    """The UI string *key* in *lang*, formatted with *values*."""
    entry = _CATALOG.get(key)
    if entry is None:
        return t(key, lang, **values)
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def ui_keys() -> list[str]:
    """Every key of the UI catalog (for the test that each has both languages)."""
    return list(_CATALOG)
