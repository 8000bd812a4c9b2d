"""The message catalog: every user-facing string, in Chinese and English."""

from __future__ import annotations

from pledgetrack.domain.model import Status

LANGS = ("zh", "en")

_CATALOG: dict[str, dict[str, str]] = {
    # statuses
    "status.achieved": {"zh": "已完成", "en": "achieved"},
    "status.on_track": {"zh": "正常推进", "en": "on track"},
    "status.behind": {"zh": "进度滞后", "en": "behind"},
    "status.overdue": {"zh": "逾期", "en": "overdue"},
    "status.not_reported": {"zh": "未填报", "en": "not reported"},
    # table columns
    "col.no": {"zh": "序号", "en": "No."},
    "col.item": {"zh": "事项", "en": "Item"},
    "col.department": {"zh": "责任单位", "en": "Department"},
    "col.completion": {"zh": "完成率", "en": "Done"},
    "col.expected": {"zh": "应达", "en": "Expected"},
    "col.status": {"zh": "状态", "en": "Status"},
    "col.last_report": {"zh": "最近填报", "en": "Last report"},
    "col.target": {"zh": "指标", "en": "Target"},
    "col.value": {"zh": "完成值", "en": "Value"},
    "col.goal": {"zh": "目标值", "en": "Target value"},
    "col.unit": {"zh": "单位", "en": "Unit"},
    "col.deadline": {"zh": "期限", "en": "Deadline"},
    "col.assessed": {"zh": "考核", "en": "Assessed"},
    "assessed.yes": {"zh": "考核", "en": "assessed"},
    "assessed.no": {"zh": "参考", "en": "reference"},
    # status table
    "status.title": {"zh": "{plan} 完成情况(截至{date})", "en": "{plan} — status as of {date}"},
    "status.summary": {
        "zh": "共{total}项:已完成{achieved},正常推进{on_track},进度滞后{behind},逾期{overdue},未填报{not_reported}",
        "en": "{total} items: {achieved} achieved, {on_track} on track, {behind} behind, "
        "{overdue} overdue, {not_reported} not reported",
    },
    # report
    "report.title": {"zh": "{plan}进展情况", "en": "{plan}: progress report"},
    "report.as_of": {"zh": "(截至{date})", "en": " (as of the {date})"},
    "report.headline": {
        "zh": "截至{date},{plan}{pledges}件{total}项中的{achieved}项已实现年度目标{which}",
        "en": "As of the {date}, {achieved} of the {total} items of {plan} ({pledges} pledges) "
        "have reached their annual target{which}",
    },
    "report.headline.which": {"zh": ",包括{names}", "en": ": {names}"},
    "report.headline.rest": {
        "zh": ";其余{rest}项中,{parts}。",
        "en": ". Of the other {rest}: {parts}.",
    },
    "report.headline.all": {"zh": "。", "en": "."},
    "report.rest.part": {"zh": "{n}项{status}", "en": "{n} {status}"},
    "report.item.suffix": {"zh": "方面", "en": ""},
    "report.list.sep": {"zh": "、", "en": "; "},
    "report.clause.sep": {"zh": ";", "en": "; "},
    "report.share": {"zh": ",占年计划的{pct}", "en": ", {pct} of the annual target"},
    "report.share.floor": {
        "zh": ",占年计划(不少于{target}{unit})的{pct}",
        "en": ", {pct} of the annual target (at least {target} {unit})",
    },
    "report.deadline": {"zh": "(期限{date})", "en": " (due {date})"},
    "report.milestone.done": {"zh": "{name}已完成", "en": "{name}: done"},
    "report.milestone.stage": {
        "zh": "{name}正在推进,已到“{stage}”阶段(第{k}/{n}阶段)",
        "en": "{name}: in progress, at stage “{stage}” ({k} of {n})",
    },
    "report.milestone.open": {"zh": "{name}正在推进", "en": "{name}: in progress"},
    "report.no_reading": {"zh": "{name}暂无填报", "en": "{name}: no figure reported"},
    "report.item.status": {"zh": "【{status}】", "en": " [{status}]"},
    "report.attention": {"zh": "需关注事项", "en": "Needs attention"},
    "report.attention.none": {
        "zh": "无进度滞后、逾期或未填报事项。",
        "en": "Nothing is behind, overdue or unreported.",
    },
    "report.attention.line": {
        "zh": "{no}.{title}({department}):{status}。{targets}",
        "en": "{no}. {title} ({department}): {status}. {targets}",
    },
    "report.attention.target": {
        "zh": "{name}完成{completion},应达{expected}",
        "en": "{name} {completion} done, {expected} expected",
    },
    "report.attention.overdue": {
        "zh": "{name}期限{date}已过,完成{completion}",
        "en": "{name} was due {date}, {completion} done",
    },
    "report.attention.missing": {
        "zh": "{name}最近一次填报为{date}",
        "en": "{name} last reported {date}",
    },
    "report.attention.never": {"zh": "{name}从未填报", "en": "{name} never reported"},
    "report.changes": {"zh": "与{date}相比", "en": "Changes since the {date}"},
    "report.changes.no_data": {
        "zh": "{date}尚无填报数据,无法比较。",
        "en": "There were no figures as of the {date}; nothing to compare.",
    },
    "report.changes.newly": {"zh": "新实现年度目标:{names}。", "en": "Newly achieved: {names}."},
    "report.changes.newly.none": {
        "zh": "本月无新实现年度目标事项。",
        "en": "No item newly achieved this month.",
    },
    "report.changes.status": {"zh": "状态变化:{changes}。", "en": "Status changes: {changes}."},
    "report.changes.status.one": {
        "zh": "{no}.{title}由{old}变为{new}",
        "en": "{no}. {title} from {old} to {new}",
    },
    "report.changes.movers": {"zh": "进展较大:{movers}。", "en": "Biggest movers: {movers}."},
    "report.changes.mover": {
        "zh": "{name}{old}→{new}{unit}(+{delta}个百分点)",
        "en": "{name} {old} → {new} {unit} (+{delta} points)",
    },
    "report.changes.stale": {
        "zh": "本月无新填报:{names}。",
        "en": "No new figure this month: {names}.",
    },
    "report.department": {"zh": "责任单位:{name}", "en": "Department: {name}"},
    "report.illustrative": {"zh": "", "en": ""},
    # CLI messages
    "cli.recorded": {
        "zh": "已记录 {key} {name}:{value}(截至{date})",
        "en": "Recorded {key} {name}: {value} as of {date}",
    },
    "cli.corrected": {
        "zh": "已更正 {key} {name}:{value}(截至{date})",
        "en": "Corrected {key} {name}: {value} as of {date}",
    },
    "cli.unchanged": {
        "zh": "{key} 截至{date}的数值未变,未新增记录",
        "en": "{key} as of {date} is unchanged; nothing added",
    },
    "cli.progress.build": {"zh": "正在汇总数据…", "en": "Building the report…"},
    "cli.progress.write": {"zh": "正在写入{file}…", "en": "Writing {file}…"},
    # department scorecard (all formats)
    "score.title": {"zh": "各责任单位情况", "en": "Departments"},
    "score.col.department": {"zh": "责任单位", "en": "Department"},
    "score.col.items": {"zh": "负责事项", "en": "Items"},
    "score.col.lead": {"zh": "牵头", "en": "Lead"},
    "score.col.completion": {"zh": "平均完成率", "en": "Mean completion"},
    "score.col.late": {"zh": "迟报指标", "en": "Late reports"},
    "score.line": {
        "zh": "{name}:负责{items}项(牵头{lead}项),{parts};迟报指标{late}个。",
        "en": "{name}: items {items} (lead {lead}): {parts}; late reports: {late}.",
    },
    "score.part": {"zh": "{status}{n}项", "en": "{n} {status}"},
    "score.late.note": {
        "zh": "迟报:本月数据在{date}之后才填报。",
        "en": "Late: this month's figure was entered after {date}.",
    },
    # HTML report (reports/html.py)
    "html.as_of": {
        "zh": "数据截至{date} · 本月填报截止{deadline}",
        "en": "Figures as of {date} · reporting deadline {deadline}",
    },
    "html.contents": {"zh": "目录", "en": "Contents"},
    "html.summary": {"zh": "总体情况", "en": "Summary"},
    "html.scope": {"zh": "{pledges}件{items}项", "en": "items in {pledges} pledges"},
    "html.charts": {"zh": "图表", "en": "Charts"},
    "html.chart.status": {"zh": "事项状态分布", "en": "Items by status"},
    "html.chart.items": {"zh": "各事项完成率(按实事分组)", "en": "Completion by item, per pledge"},
    "html.chart.items.note": {
        "zh": "事项完成率为各考核指标完成率的平均值(每项最多计100%);竖线为按时间进度应达。",
        "en": "Item completion is the mean of its assessed targets, each counted up to 100%; "
        "the tick marks the progress expected by now.",
    },
    "html.chart.departments": {"zh": "各责任单位负责事项状态", "en": "Items per department"},
    "html.chart.departments.note": {
        "zh": "每格为一项事项(含牵头和配合),颜色为其状态;右侧数字为事项数。",
        "en": "One block per item the department answers for (lead or co-operating), "
        "coloured by status; the number is the item count.",
    },
    "html.pledges": {"zh": "分项进展", "en": "Progress by pledge"},
    "html.col.details": {"zh": "情况", "en": "Details"},
    # XLSX report and XLSX exchange (reports/xlsx.py, exchange/xlsx.py)
    "xlsx.sheet.summary": {"zh": "汇总", "en": "Summary"},
    "xlsx.sheet.items": {"zh": "事项", "en": "Items"},
    "xlsx.sheet.targets": {"zh": "指标", "en": "Targets"},
    "xlsx.sheet.attention": {"zh": "需关注", "en": "Attention"},
    "xlsx.sheet.departments": {"zh": "各单位", "en": "Departments"},
    "xlsx.sheet.history": {"zh": "填报记录", "en": "History"},
    "xlsx.yes": {"zh": "是", "en": "yes"},
    "xlsx.no": {"zh": "否", "en": "no"},
    "xlsx.stage": {"zh": "{stage}(第{k}/{n}阶段)", "en": "{stage} ({k} of {n})"},
    "xlsx.col.pledge": {"zh": "件", "en": "Pledge"},
    "xlsx.col.pledge_title": {"zh": "实事", "en": "Pledge title"},
    "xlsx.col.lead": {"zh": "牵头单位", "en": "Lead department"},
    "xlsx.col.partners": {"zh": "配合单位", "en": "Co-operating departments"},
    "xlsx.col.previous": {"zh": "上月状态", "en": "Last month"},
    "xlsx.col.key": {"zh": "指标编号", "en": "Key"},
    "xlsx.col.item_no": {"zh": "事项序号", "en": "Item"},
    "xlsx.col.at_least": {"zh": "不少于", "en": "At least"},
    "xlsx.col.done": {"zh": "是否完成", "en": "Milestone done"},
    "xlsx.col.stage": {"zh": "阶段", "en": "Stage"},
    "xlsx.col.as_of": {"zh": "数据截至", "en": "As of"},
    "xlsx.col.late": {"zh": "迟报", "en": "Entered late"},
    "xlsx.col.note": {"zh": "备注", "en": "Note"},
    "xlsx.col.details": {"zh": "说明", "en": "Details"},
    "xlsx.col.entered_by": {"zh": "填报人", "en": "Entered by"},
    "xlsx.col.entered_at": {"zh": "录入时间", "en": "Entered at"},
    "xlsx.col.correction": {"zh": "更正", "en": "Correction"},
    "xlsx.col.superseded": {"zh": "已被更正", "en": "Superseded"},
    "xlsx.col.count": {"zh": "事项数", "en": "Items"},
    "xlsx.col.numbers": {"zh": "事项", "en": "Which items"},
    "xlsx.col.old": {"zh": "原状态", "en": "From"},
    "xlsx.col.new": {"zh": "现状态", "en": "To"},
    "xlsx.col.old_value": {"zh": "上月值", "en": "Previous"},
    "xlsx.col.new_value": {"zh": "本月值", "en": "Now"},
    "xlsx.col.delta": {"zh": "增加(百分点)", "en": "Gain (points)"},
    "xlsx.summary.plan": {"zh": "计划", "en": "Plan"},
    "xlsx.summary.as_of": {"zh": "截至日期", "en": "As of"},
    "xlsx.summary.department": {"zh": "责任单位", "en": "Department"},
    "xlsx.summary.deadline": {"zh": "本月填报截止", "en": "Reporting deadline"},
    "xlsx.summary.total": {"zh": "合计", "en": "Total"},
    "xlsx.summary.attention": {"zh": "需关注事项", "en": "Needs attention"},
    "xlsx.summary.newly": {"zh": "新实现年度目标", "en": "Newly achieved"},
    "xlsx.summary.status_changes": {"zh": "状态变化", "en": "Status changes"},
    "xlsx.summary.movers": {"zh": "进展较大", "en": "Biggest movers"},
    "xlsx.summary.stale": {"zh": "本月无新填报", "en": "No new figure this month"},
    # DOCX report (reports/docx.py)
    "docx.as_of": {"zh": "（截至{date}）", "en": "(as of {date})"},
    "docx.score.col.status": {"zh": "事项状态", "en": "Item status"},
    # the reading check (services/reading_check.py): the same words on every path
    "check.unknown_plan": {
        "zh": "数据库中没有计划“{plan}”",
        "en": "no plan {plan!r} in the database",
    },
    "check.unknown_target": {
        "zh": "计划{plan}中没有指标“{target}”",
        "en": "no target {target!r} in plan {plan}",
    },
    "check.bad_date": {
        "zh": "“{text}”不是日期(如2020-10-31、2020年10月底)",
        "en": "{text!r} is not a date (e.g. 2020-10-31, 2020年10月底)",
    },
    "check.outside_plan": {
        "zh": "{date}不在计划期内({start}至{end})",
        "en": "{date} is outside the plan period {start} … {end}",
    },
    "check.future": {
        "zh": "{date}尚未到来(今天是{today})",
        "en": "{date} is in the future (today is {today})",
    },
    "check.value_missing": {
        "zh": "指标{target}需要填写数值",
        "en": "target {target} needs a number",
    },
    "check.not_number": {"zh": "“{text}”不是数字", "en": "{text!r} is not a number"},
    "check.negative": {"zh": "不能为负数({text})", "en": "{text} is negative"},
    "check.bad_stage": {
        "zh": "“{text}”不是阶段(0–{max}或阶段名称:{names})",
        "en": "{text!r} is not a stage (0–{max} or a stage name: {names})",
    },
    "check.no_stages": {
        "zh": "里程碑{target}没有阶段:不填数值,只填是否完成",
        "en": "milestone {target} has no stages: leave the value blank and say done or not",
    },
    "check.done_for_quantity": {
        "zh": "指标{target}是数量指标:请填数值,不填“完成”",
        "en": "target {target} is a quantity: give a value, not done",
    },
    "check.bad_done": {
        "zh": "“{text}”不是“是/否”",
        "en": "{text!r} is not yes/no (use yes/no, 是/否, 1/0)",
    },
    "check.lower_needs_note": {
        "zh": "{text}低于上次填报的{previous},请在说明中写明原因",
        "en": "{text} is lower than the last figure ({previous}): say why in the note",
    },
    "check.undone_needs_note": {
        "zh": "此前已填报完成,改为未完成请在说明中写明原因",
        "en": "reported done before: say in the note why it is not done",
    },
    "check.over_target": {
        "zh": "{text}{unit}超过目标值{target}{unit}的{factor}倍,请确认",
        "en": "{text} {unit} is over {factor}× the target of {target} {unit}: confirm it",
    },
    "check.unit_multiplier": {
        "zh": "本指标单位已是“{unit}”:“{text}”将记为{literal}{unit};如指{plain}{unit},请填{plain}",
        "en": "the unit is already {unit}: {text!r} would be {literal} {unit}; "
        "for {plain} {unit}, type {plain}",
    },
    "check.changes_approved": {
        "zh": "将修改已审核通过的数据({figure}),修改后需重新审核",
        "en": "changes an approved figure ({figure}); it will need review again",
    },
    "check.confirm_hint": {
        "zh": "确认无误请加 --confirm",
        "en": "if this is right, add --confirm",
    },
    "check.confirm_hint.import": {
        "zh": "确认无误请加 --confirm,或在confirm列填“是”",
        "en": "if these are right, add --confirm or put yes in a confirm column",
    },
}


def t(key: str, lang: str, /, **values: object) -> str:
    """The message *key* in *lang*, formatted with *values*."""
    entry = _CATALOG[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def status_label(status: Status, lang: str) -> str:
    """已完成 / achieved …"""
    return t(f"status.{status.value}", lang)


def catalog_keys() -> list[str]:
    """Every key, for the test that each one has both languages."""
    return list(_CATALOG)
