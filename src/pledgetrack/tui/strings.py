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
    "counter.loading": {"zh": "{label} …", "en": "{label} …"},
    "filter": {"zh": "筛选:{status}", "en": "Filter: {status}"},
    "filter.all": {"zh": "全部", "en": "all"},
    "shown": {"zh": "显示{n}项", "en": "{n} items shown"},
    "shown.loading": {"zh": "正在加载其余事项…", "en": "Loading the rest of the items…"},
    "still_loading": {
        "zh": "正在加载全部事项,请稍候",
        "en": "Still loading all items, one moment",
    },
    "search.placeholder": {
        "zh": "按序号或事项名称搜索(/)",
        "en": "Search by item number or title (/)",
    },
    # bindings (footer)
    "key.prev_month": {"zh": "上月", "en": "prev"},
    "key.next_month": {"zh": "下月", "en": "next"},
    "key.cycle_filter": {"zh": "筛选", "en": "filter"},
    "key.search": {"zh": "搜索", "en": "search"},
    "key.select_cursor": {"zh": "详情", "en": "open"},
    "key.toggle_lang": {"zh": "English", "en": "中文"},
    "key.quit": {"zh": "退出", "en": "quit"},
    "key.back": {"zh": "返回", "en": "back"},
    "key.attention": {"zh": "关注", "en": "attention"},
    "key.department": {"zh": "单位", "en": "dept"},
    "key.scorecard": {"zh": "考核", "en": "scores"},
    "score.header": {
        "zh": "{plan} · 各责任单位情况 · 截至{date}",
        "en": "{plan} · departments · as of {date}",
    },
    "key.cycle_sort": {"zh": "排序", "en": "sort"},
    "key.reverse_sort": {"zh": "倒序", "en": "reverse"},
    "key.command_palette": {"zh": "跳转", "en": "jump"},
    "palette.placeholder": {
        "zh": "输入事项序号或名称跳转,或输入“填报”“关注”“报告”",
        "en": "Jump to an item by number or name, or a screen",
    },
    "palette.entry": {"zh": "月度填报", "en": "Monthly entry"},
    "palette.attention": {"zh": "关注清单", "en": "Attention board"},
    "palette.report": {"zh": "月度报告", "en": "Month-end report"},
    "palette.department": {"zh": "按责任单位筛选", "en": "Filter by department"},
    "palette.scorecard": {"zh": "各责任单位情况", "en": "Department scorecard"},
    "sort": {"zh": "排序:{column}{arrow}", "en": "sort: {column} {arrow}"},
    "department.title": {"zh": "按责任单位筛选", "en": "Show one department"},
    "department.placeholder": {"zh": "输入单位名称的一部分", "en": "type part of the name"},
    "department.all": {"zh": "全部单位", "en": "all departments"},
    "department.option": {"zh": "{name}({n}项)", "en": "{name} ({n} items)"},
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
    # review of figures (services.review): history column, entry check column
    "col.review": {"zh": "审核", "en": "Review"},
    "review.submitted": {"zh": "待审核", "en": "awaiting review"},
    "review.approved": {"zh": "已通过", "en": "approved"},
    "review.returned": {"zh": "已退回", "en": "returned"},
    "review.returned.comment": {"zh": "已退回:{comment}", "en": "returned: {comment}"},
    "entry.denied": {"zh": "未保存:{reason}", "en": "Not saved: {reason}"},
    "milestone": {"zh": "完成", "en": "done"},
    "done.yes": {"zh": "已完成", "en": "done"},
    "done.no": {"zh": "未完成", "en": "not done"},
    "at_least": {"zh": "≥{value}", "en": "≥{value}"},
    # item detail chart (helper A adds keys here)
    "chart.caption": {
        "zh": "累计值与目标、应达进度(单位:{unit})",
        "en": "Cumulative value vs target and expected path (unit: {unit})",
    },
    "chart.caption.nounit": {
        "zh": "累计值与目标、应达进度",
        "en": "Cumulative value vs target and expected path",
    },
    "chart.milestone": {"zh": "里程碑目标无数值图表", "en": "Milestone target: no value chart"},
    "chart.no_target": {
        "zh": "无目标值(参考数据),不绘制图表",
        "en": "No target value (reference figure): no chart",
    },
    # attention board (helper B adds keys here)
    "attention.header": {
        "zh": "{plan} · 需关注事项 · 截至{date}",
        "en": "{plan} · needs attention · as of {date}",
    },
    "attention.summary": {
        "zh": "共{n}项,涉及{d}个牵头单位:{counts}",
        "en": "{n} items, {d} lead departments: {counts}",
    },
    "attention.count": {"zh": "{label}{n}项", "en": "{label} {n}"},
    "attention.count.sep": {"zh": ",", "en": ", "},
    "attention.group": {"zh": "{name}({n}项)", "en": "{name} ({n})"},
    "attention.empty": {"zh": "本月无需关注事项", "en": "Nothing needs attention this month"},
    "col.cooperating": {"zh": "协办单位", "en": "Co-operating"},
    "attention.dept.sep": {"zh": "、", "en": ", "},
    # report preview (helper B adds keys here)
    "preview.header": {
        "zh": "{plan} · {month}进展情况报告",
        "en": "{plan} · progress report, {month}",
    },
    "preview.loading": {"zh": "正在生成报告…", "en": "Building the report…"},
    "preview.save.title": {"zh": "保存报告", "en": "Save the report"},
    "preview.save.hint": {
        "zh": "按扩展名保存:.txt 纯文本、.md Markdown、.html 网页、.xlsx Excel、.docx Word · 回车保存 · Esc 取消",
        "en": "The suffix picks the format: .txt text, .md Markdown, .html page, .xlsx Excel, .docx Word · enter saves · esc cancels",
    },
    "preview.saved": {"zh": "已保存:{path}", "en": "Saved {path}"},
    "preview.save.error": {
        "zh": "无法保存 {path}:{reason}",
        "en": "Could not save {path}: {reason}",
    },
    "preview.error.no_dir": {"zh": "目录不存在", "en": "the directory does not exist"},
    "preview.error.permission": {"zh": "没有写入权限", "en": "permission denied"},
    "preview.error.is_dir": {"zh": "这是一个目录", "en": "it is a directory"},
    "preview.error.format": {
        "zh": "只能保存为 .txt、.md、.html、.xlsx 或 .docx",
        "en": "save as .txt, .md, .html, .xlsx or .docx",
    },
    "key.save": {"zh": "保存", "en": "save"},
    # monthly entry
    "key.entry": {"zh": "填报", "en": "entry"},
    "entry.title": {"zh": "月度填报 · {plan}", "en": "Monthly entry · {plan}"},
    "entry.department": {"zh": "责任单位", "en": "Department"},
    "entry.month.label": {"zh": "填报月份", "en": "Month"},
    "entry.month": {"zh": "{year}年{month}月", "en": "{name} {year}"},
    "entry.page": {
        "zh": "第{page}/{pages}页（第{first}–{last}行，PgUp/PgDn翻页）",
        "en": "page {page} of {pages} (lines {first}–{last}, PgUp/PgDn)",
    },
    "entry.summary": {
        "zh": "截至{date} · 共{n}个指标 · 已改{changed} · 错误{errors} · 待确认{warnings}",
        "en": "as of {date} · {n} targets · changed {changed} · errors {errors} · "
        "to confirm {warnings}",
    },
    "entry.col.key": {"zh": "指标", "en": "Target"},
    "entry.col.name": {"zh": "名称", "en": "Name"},
    "entry.col.unit": {"zh": "单位", "en": "Unit"},
    "entry.col.goal": {"zh": "目标值", "en": "Goal"},
    "entry.col.prev": {"zh": "上月", "en": "Last month"},
    "entry.col.value": {"zh": "本月累计", "en": "This month"},
    "entry.col.note": {"zh": "说明", "en": "Note"},
    "entry.col.check": {"zh": "校验", "en": "Check"},
    "entry.note.placeholder": {"zh": "说明", "en": "note"},
    "entry.stage.placeholder": {"zh": "阶段0–{max}", "en": "stage 0–{max}"},
    "entry.stages": {"zh": "阶段:{stages}", "en": "stages: {stages}"},
    "entry.ok": {"zh": "可保存", "en": "ready"},
    "entry.empty": {
        "zh": "该单位在本计划中没有负责的指标",
        "en": "This department answers for no target of the plan",
    },
    "entry.problem.not_number": {"zh": "“{text}”不是数字", "en": "{text!r} is not a number"},
    "entry.problem.negative": {"zh": "不能为负数({text})", "en": "{text} is negative"},
    "entry.problem.lower_needs_note": {
        "zh": "低于上月({previous}),请在说明中写明原因",
        "en": "lower than last month ({previous}): say why in the note",
    },
    "entry.problem.undone_needs_note": {
        "zh": "上月已完成,改为未完成请写明原因",
        "en": "done last month: say why it is undone in the note",
    },
    "entry.problem.value_missing": {
        "zh": "有说明但未填数值",
        "en": "a note without a value",
    },
    "entry.problem.bad_stage": {
        "zh": "“{text}”不是阶段(0–{max}或阶段名称)",
        "en": "{text!r} is not a stage (0–{max} or a stage name)",
    },
    "entry.problem.over_target": {
        "zh": "{text}超过目标值{target}的{factor}倍,保存时需确认",
        "en": "{text} is over {factor}× the target {target}: confirm on save",
    },
    "entry.nothing": {"zh": "没有需要保存的修改", "en": "Nothing changed to save"},
    "entry.fix": {
        "zh": "有{n}处错误需先改正:{keys}",
        "en": "Fix {n} errors first: {keys}",
    },
    "entry.confirm.large": {
        "zh": "以下{n}个数值超过目标值的3倍,确认保存?\n{list}",
        "en": "{n} figures are over 3× their target. Save anyway?\n{list}",
    },
    "entry.confirm.discard": {
        "zh": "有{n}条填报尚未保存,放弃这些修改?",
        "en": "{n} entries are not saved. Discard them?",
    },
    "entry.rejected": {"zh": "未保存,请检查:{keys}", "en": "Not saved; check {keys}"},
    "entry.saved": {
        "zh": "已保存:新增{added}条,更正{corrections}条(截至{date})",
        "en": "Saved: {added} new, {corrections} corrected (as of {date})",
    },
    "entry.conflict": {
        "zh": "未保存:{n}个指标在您填报期间已由他人保存。您填写的内容已保留,请核对后再保存。\n{list}",
        "en": "Not saved: {n} targets were saved by someone else while you were entering. "
        "What you typed is kept; check and save again.\n{list}",
    },
    "entry.conflict.item": {
        "zh": "{key} {name}:{who}已保存为{figure}",
        "en": "{key} {name}: saved by {who} as {figure}",
    },
    "entry.conflict.mark": {
        "zh": "已被{who}保存为{figure},请核对",
        "en": "{who} saved {figure} meanwhile",
    },
    "entry.conflict.someone": {"zh": "他人", "en": "someone"},
    "entry.no_month": {
        "zh": "本计划尚无可填报的月份",
        "en": "No month of this plan can be reported yet",
    },
    "confirm.yes": {"zh": "是(y)", "en": "Yes (y)"},
    "confirm.no": {"zh": "否(n)", "en": "No (n)"},
    "confirm.quit": {
        "zh": "有{n}条填报尚未保存,仍要退出?",
        "en": "{n} entries are not saved. Quit anyway?",
    },
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
