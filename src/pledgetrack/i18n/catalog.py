"""Every user-facing string, in Chinese and English, under a namespaced key.

A key's first segment says where it is used: ``sep``, ``status``, ``col``,
``assessed`` and ``review`` by every front end; ``report``, ``score``, ``html``,
``xlsx`` and ``docx`` by the month-end report's renderers; ``cli`` by the command
line; ``tui`` and ``entry`` by the terminal UI; ``attention`` by the attention board's
words for a lagging target and its phone list (services/attention.py). Chinese prose takes full-width
punctuation (，：；（）？). English counts take a plural: ``{n} {n:item|items}``
is ``1 item`` or ``2 items`` (see :func:`pledgetrack.i18n.t`). tests/test_i18n.py holds the catalog to its rules: both
languages, the same placeholders in each, every key used and every key asked for
present, no text under two keys.
"""

CATALOG: dict[str, dict[str, str]] = {
    # sep.*: separators between the parts of a sentence, in both languages
    "sep.comma": {"zh": "，", "en": ", "},
    "sep.colon": {"zh": "：", "en": ": "},
    # status.*: Statuses (status.<value>) and the status table (CLI `status`)
    "status.achieved": {"zh": "已完成", "en": "achieved"},
    "status.ahead": {"zh": "超前推进", "en": "ahead"},
    "status.on_track": {"zh": "正常推进", "en": "on track"},
    "status.behind": {"zh": "进度滞后", "en": "behind"},
    "status.overdue": {"zh": "逾期", "en": "overdue"},
    "status.not_reported": {"zh": "未填报", "en": "not reported"},
    "status.title": {"zh": "{plan} 完成情况（截至{date}）", "en": "{plan} — status as of {date}"},
    "status.summary": {
        "zh": "共{total}项：已完成{achieved}，超前推进{ahead}，正常推进{on_track}，进度滞后{behind}，"
        "逾期{overdue}，未填报{not_reported}",
        "en": "{total} {total:item|items}: {achieved} achieved, {ahead} ahead, {on_track} on track, "
        "{behind} behind, "
        "{overdue} overdue, {not_reported} not reported",
    },
    "status.unit.title": {
        "zh": "{plan} {unit}分解任务完成情况（截至{date}）",
        "en": "{plan} — shares of {unit} as of {date}",
    },
    "status.unit.level": {"zh": "{unit}（{level}）", "en": "{unit} ({level})"},
    "status.unit.summary": {
        "zh": "共{total}项分解任务：已完成{achieved}，超前推进{ahead}，正常推进{on_track}，"
        "进度滞后{behind}，逾期{overdue}，未填报{not_reported}",
        "en": "{total} {total:share|shares}: {achieved} achieved, {ahead} ahead, "
        "{on_track} on track, {behind} behind, {overdue} overdue, {not_reported} not reported",
    },
    # col.*: Column headings, the same word in every table (CLI, TUI, reports)
    "col.no": {"zh": "序号", "en": "No."},
    "col.item": {"zh": "事项", "en": "Item"},
    "col.department": {"zh": "责任单位", "en": "Department"},
    "col.completion": {"zh": "完成率", "en": "Done"},
    "col.expected": {"zh": "应达", "en": "Expected"},
    "col.status": {"zh": "状态", "en": "Status"},
    "col.last_report": {"zh": "最近填报", "en": "Last report"},
    "col.target": {"zh": "指标", "en": "Target"},
    "col.value": {"zh": "完成值", "en": "Value"},
    "col.works": {"zh": "工程进度", "en": "Works progress"},
    "col.goal": {"zh": "目标值", "en": "Target value"},
    "col.unit": {"zh": "单位", "en": "Unit"},
    "col.deadline": {"zh": "期限", "en": "Deadline"},
    "col.assessed": {"zh": "考核", "en": "Assessed"},
    "col.change": {"zh": "较上次", "en": "Change"},
    "col.note": {"zh": "说明", "en": "Note"},
    "col.entered_by": {"zh": "填报人", "en": "Entered by"},
    "col.corrected": {"zh": "更正", "en": "Corrected"},
    "col.date": {"zh": "日期", "en": "Date"},
    "col.review": {"zh": "审核", "en": "Review"},
    "col.cooperating": {"zh": "协办单位", "en": "Co-operating"},
    # assessed.*: Whether a target counts towards its item
    "assessed.yes": {"zh": "考核", "en": "assessed"},
    "assessed.no": {"zh": "参考", "en": "reference"},
    # review.*: Review state of a reading (services.review)
    "review.submitted": {"zh": "待审核", "en": "awaiting review"},
    "review.approved": {"zh": "已通过", "en": "approved"},
    "review.returned.comment": {"zh": "已退回：{comment}", "en": "returned: {comment}"},
    # report.*: The month-end report: sentences of the text, Markdown, HTML, XLSX and DOCX renderers
    "report.title": {"zh": "{plan}进展情况", "en": "{plan}: progress report"},
    "report.as_of": {"zh": "（截至{date}）", "en": " (as of the {date})"},
    "report.scope": {
        "zh": "{plan}{pledges}件{total}项",
        "en": "the {total} {total:item|items} of {plan} ({pledges} {pledges:pledge|pledges})",
    },
    "report.scope.flat": {
        "zh": "{plan}{total}项",
        "en": "the {total} {total:item|items} of {plan}",
    },
    "report.headline": {
        "zh": "截至{date}，{scope}中的{achieved}项已实现年度目标{which}",
        "en": "As of the {date}, {achieved} of {scope} "
        "{achieved:has reached its|have reached their} annual target{which}",
    },
    "report.headline.targeted": {
        "zh": "截至{date}，{scope}中，{targeted}项设年度目标，已完成{achieved}项{which}",
        "en": "As of the {date}, {targeted} of {scope} {targeted:has|have} an annual target; "
        "{achieved} {achieved:has|have} reached it{which}",
    },
    "report.headline.rest.one": {
        "zh": "；其余{rest}项{status}。",
        "en": ". The other {rest} is {status}.",
    },
    "report.headline.rest.all": {
        "zh": "；其余{rest}项均{status}。",
        "en": ". The other {rest} {rest:is|are} all {status}.",
    },
    "report.headline.targetless": {
        "zh": "不设年度目标、常态化开展的有{n}项：{names}。",
        "en": " {n} {n:item has|items have} no annual target and {n:is|are} carried on as "
        "routine work: {names}.",
    },
    "report.targetless.status": {"zh": "常态化开展", "en": "routine work, no annual target"},
    "report.departments": {"zh": "（{names}）", "en": " ({names})"},
    "report.group.achieved": {
        "zh": "完成全年目标（{n}项）",
        "en": "Annual target reached ({n} {n:item|items})",
    },
    "report.group.ahead": {
        "zh": "超额完成节点目标（{n}项）",
        "en": "Ahead of the schedule ({n} {n:item|items})",
    },
    "report.group.on_track": {
        "zh": "按计划推进（{n}项）",
        "en": "On schedule ({n} {n:item|items})",
    },
    "report.group.behind": {"zh": "滞后（{n}项）", "en": "Behind ({n} {n:item|items})"},
    "report.group.overdue": {"zh": "逾期（{n}项）", "en": "Overdue ({n} {n:item|items})"},
    "report.group.not_reported": {
        "zh": "未填报（{n}项）",
        "en": "Not reported ({n} {n:item|items})",
    },
    "report.group.targetless": {
        "zh": "不设年度目标、常态化开展（{n}项）",
        "en": "No annual target, routine work ({n} {n:item|items})",
    },
    "report.headline.which": {"zh": "，包括{names}", "en": ": {names}"},
    "report.headline.rest": {
        "zh": "；其余{rest}项中，{parts}。",
        "en": ". Of the other {rest}: {parts}.",
    },
    "report.headline.all": {"zh": "。", "en": "."},
    "report.rest.part": {"zh": "{n}项{status}", "en": "{n} {status}"},
    "report.item.suffix": {"zh": "方面", "en": ""},
    "report.list.sep": {"zh": "、", "en": "; "},
    "report.clause.sep": {"zh": "；", "en": "; "},
    "report.share": {"zh": "，占年计划的{pct}", "en": ", {pct} of the annual target"},
    "report.share.node": {"zh": "，完成节点目标的{pct}", "en": ", {pct} of the target"},
    "report.share.percent": {"zh": "（目标{target}{unit}）", "en": " (target {target}{unit})"},
    "report.share.floor": {
        "zh": "，占年计划（不少于{target}{unit}）的{pct}",
        "en": ", {pct} of the annual target (at least {target} {unit})",
    },
    "report.deadline": {"zh": "（期限{date}）", "en": " (due {date})"},
    "report.forecast": {"zh": "，预计{when}前完成", "en": ", expected done by {when}"},
    "report.forecast.late": {
        "zh": "预计完成时间晚于期限：{no}.{title} {name}预计{when}前完成，期限{deadline}{department}",
        "en": "forecast past the deadline: {no}. {title}, {name} expected done by {when}, "
        "due {deadline}{department}",
    },
    "report.no_evidence": {
        "zh": "最新数据缺少佐证材料的指标",
        "en": "Targets whose latest figure has no evidence attached",
    },
    "report.no_evidence.line": {
        "zh": "{key} {name}（{date}）{department}",
        "en": "{key} {name} ({date}){department}",
    },
    "report.no_evidence.none": {
        "zh": "最新数据均附有佐证材料。",
        "en": "Every latest figure has evidence attached.",
    },
    "report.milestone.done": {"zh": "{name}已完成", "en": "{name}: done"},
    "report.milestone.stage": {
        "zh": "{name}正在推进，已到“{stage}”阶段（第{k}/{n}阶段）",
        "en": "{name}: in progress, at stage “{stage}” ({k} of {n})",
    },
    "report.milestone.open": {"zh": "{name}正在推进", "en": "{name}: in progress"},
    "report.no_reading": {"zh": "{name}暂无填报", "en": "{name}: no figure reported"},
    "report.works": {
        "zh": "，正在施工中，工程进度{percent}%",
        "en": ", works {percent}% complete",
    },
    "report.works.only": {
        "zh": "{name}正在施工中，工程进度{percent}%",
        "en": "{name}: works {percent}% complete",
    },
    "report.item": {
        "zh": "{no}.{title}方面，{clauses}。{status}",
        "en": "{no}. {title}: {clauses}.{status}",
    },
    "report.item.status": {"zh": "【{status}】", "en": " [{status}]"},
    "report.note": {"zh": "（{note}）", "en": " ({note})"},
    # A split target's units (reports/breakdown_text.py): "除中山区、庄河市外均已完成".
    "report.units": {"zh": "（{text}）", "en": " ({text})"},
    "report.units.all": {"zh": "各{level}均已完成", "en": "done in every {level}"},
    "report.units.level": {"zh": "单位", "en": "unit"},
    "report.units.except": {
        "zh": "除{names}外均已完成",
        "en": "done everywhere except {names}",
    },
    "report.units.done": {"zh": "{names}已完成", "en": "done in {names}"},
    "report.units.share": {"zh": "{unit}完成{percent}%", "en": "{unit} {percent}%"},
    "report.units.none": {"zh": "{unit}未填报", "en": "{unit} not reported"},
    "report.units.sep": {"zh": "，", "en": "; "},
    "report.attention": {"zh": "需关注事项", "en": "Needs attention"},
    "report.attention.none": {
        "zh": "无进度滞后、逾期或未填报事项。",
        "en": "Nothing is behind, overdue or unreported.",
    },
    "report.attention.line": {
        "zh": "{no}.{title}{department}：{status}。{targets}",
        "en": "{no}. {title}{department}: {status}. {targets}",
    },
    "report.attention.target": {
        "zh": "{name}完成{completion}，应达{expected}",
        "en": "{name} {completion} done, {expected} expected",
    },
    "report.attention.works": {
        "zh": "{name}工程进度{percent}%，应达{expected}",
        "en": "{name} works {percent}% complete, {expected} expected",
    },
    "report.attention.overdue": {
        "zh": "{name}期限{date}已过，完成{completion}",
        "en": "{name} was due {date}, {completion} done",
    },
    "report.attention.missing": {
        "zh": "{name}最近一次填报为{date}",
        "en": "{name} last reported {date}",
    },
    "report.attention.never": {"zh": "{name}从未填报", "en": "{name} never reported"},
    "report.changes": {"zh": "与{date}相比", "en": "Changes since the {date}"},
    "report.changes.no_data": {
        "zh": "{date}尚无填报数据，无法比较。",
        "en": "There were no figures as of the {date}; nothing to compare.",
    },
    "report.changes.newly": {"zh": "新实现年度目标：{names}。", "en": "Newly achieved: {names}."},
    "report.changes.newly.none": {
        "zh": "本月无新实现年度目标事项。",
        "en": "No item newly achieved this month.",
    },
    "report.changes.status": {"zh": "状态变化：{changes}。", "en": "Status changes: {changes}."},
    "report.changes.status.one": {
        "zh": "{no}.{title}由{old}变为{new}",
        "en": "{no}. {title} from {old} to {new}",
    },
    "report.changes.movers": {"zh": "进展较大：{movers}。", "en": "Biggest movers: {movers}."},
    "report.changes.mover": {
        "zh": "{name}{old}→{new}{unit}（+{delta}个百分点）",
        "en": "{name} {old} → {new} {unit} (+{delta} points)",
    },
    "report.changes.stale": {
        "zh": "本月无新填报：{names}。",
        "en": "No new figure this month: {names}.",
    },
    "report.department": {"zh": "责任单位：{name}", "en": "Department: {name}"},
    # score.*: Department scorecard (every report format and the TUI)
    "score.title": {"zh": "各责任单位情况", "en": "Departments"},
    "score.col.items": {"zh": "负责事项", "en": "Items"},
    "score.col.lead": {"zh": "牵头", "en": "Lead"},
    "score.col.completion": {"zh": "平均完成率", "en": "Mean completion"},
    "score.col.late": {"zh": "迟报指标", "en": "Late reports"},
    "score.line": {
        "zh": "{name}：负责{items}项（牵头{lead}项），{parts}；迟报指标{late}个。",
        "en": "{name}: items {items} (lead {lead}): {parts}; late reports: {late}.",
    },
    "score.part": {"zh": "{status}{n}项", "en": "{n} {status}"},
    "score.late.note": {
        "zh": "迟报：本月数据在{date}之后才填报。",
        "en": "Late: this month's figure was entered after {date}.",
    },
    # html.*: HTML report only
    "html.as_of": {
        "zh": "数据截至{date} · 本月填报截止{deadline}",
        "en": "Figures as of {date} · reporting deadline {deadline}",
    },
    "html.contents": {"zh": "目录", "en": "Contents"},
    "html.summary": {"zh": "总体情况", "en": "Summary"},
    "html.scope.flat": {"zh": "{items}项", "en": "{items:item|items}"},
    "html.scope": {
        "zh": "{pledges}件{items}项",
        "en": "items in {pledges} {pledges:pledge|pledges}",
    },
    "html.charts": {"zh": "图表", "en": "Charts"},
    "html.chart.status": {"zh": "事项状态分布", "en": "Items by status"},
    "html.chart.items": {
        "zh": "各事项完成率（按实事分组）",
        "en": "Completion by item, per pledge",
    },
    "html.chart.items.note": {
        "zh": "事项完成率为各考核指标完成率的平均值（每项最多计100%）；竖线为按时间进度应达。",
        "en": "Item completion is the mean of its assessed targets, each counted up to 100%; "
        "the tick marks the progress expected by now.",
    },
    "html.chart.departments": {"zh": "各责任单位负责事项状态", "en": "Items per department"},
    "html.chart.departments.note": {
        "zh": "每格为一项事项（含牵头和配合），颜色为其状态；右侧数字为事项数。",
        "en": "One block per item the department answers for (lead or co-operating), "
        "coloured by status; the number is the item count.",
    },
    "html.pledges": {"zh": "分项进展", "en": "Progress by pledge"},
    "html.col.details": {"zh": "情况", "en": "Details"},
    # xlsx.*: XLSX report only
    "xlsx.sheet.summary": {"zh": "汇总", "en": "Summary"},
    "xlsx.sheet.items": {"zh": "事项", "en": "Items"},
    "xlsx.sheet.targets": {"zh": "指标", "en": "Targets"},
    "xlsx.sheet.attention": {"zh": "需关注", "en": "Attention"},
    "xlsx.sheet.departments": {"zh": "各单位", "en": "Departments"},
    "xlsx.sheet.history": {"zh": "填报记录", "en": "History"},
    "xlsx.sheet.no_evidence": {"zh": "缺少佐证材料", "en": "No evidence"},
    "xlsx.yes": {"zh": "是", "en": "yes"},
    "xlsx.no": {"zh": "否", "en": "no"},
    "xlsx.stage": {"zh": "{stage}（第{k}/{n}阶段）", "en": "{stage} ({k} of {n})"},
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
    "xlsx.col.entered_at": {"zh": "录入时间", "en": "Entered at"},
    "xlsx.col.correction": {"zh": "更正", "en": "Correction"},
    "xlsx.col.superseded": {"zh": "已被更正", "en": "Superseded"},
    "xlsx.col.count": {"zh": "事项数", "en": "Items"},
    "xlsx.col.numbers": {"zh": "事项", "en": "Which items"},
    "xlsx.col.old": {"zh": "原状态", "en": "From"},
    "xlsx.col.new": {"zh": "现状态", "en": "To"},
    "xlsx.col.old_value": {"zh": "上月值", "en": "Previous"},
    "xlsx.col.new_value": {"zh": "本月值", "en": "Now"},
    "xlsx.col.delta": {"zh": "增加（百分点）", "en": "Gain (points)"},
    "xlsx.summary.plan": {"zh": "计划", "en": "Plan"},
    "xlsx.summary.as_of": {"zh": "截至日期", "en": "As of"},
    "xlsx.summary.deadline": {"zh": "本月填报截止", "en": "Reporting deadline"},
    "xlsx.summary.total": {"zh": "合计", "en": "Total"},
    "xlsx.summary.newly": {"zh": "新实现年度目标", "en": "Newly achieved"},
    "xlsx.summary.status_changes": {"zh": "状态变化", "en": "Status changes"},
    "xlsx.summary.movers": {"zh": "进展较大", "en": "Biggest movers"},
    "xlsx.summary.stale": {"zh": "本月无新填报", "en": "No new figure this month"},
    # docx.*: DOCX report only
    "docx.as_of": {"zh": "（截至{date}）", "en": "(as of {date})"},
    "docx.score.col.status": {"zh": "事项状态", "en": "Item status"},
    # cli.*: Command line
    "cli.recorded": {
        "zh": "已记录 {key} {name}：{value}（截至{date}）",
        "en": "Recorded {key} {name}: {value} as of {date}",
    },
    "cli.corrected": {
        "zh": "已更正 {key} {name}：{value}（截至{date}）",
        "en": "Corrected {key} {name}: {value} as of {date}",
    },
    "cli.unchanged": {
        "zh": "{key} 截至{date}的数值未变，未新增记录",
        "en": "{key} as of {date} is unchanged; nothing added",
    },
    "cli.progress.build": {"zh": "正在汇总数据…", "en": "Building the report…"},
    "cli.progress.write": {"zh": "正在写入{file}…", "en": "Writing {file}…"},
    # tui.*: Terminal UI: shell, dashboard, item detail, attention board, report preview, scorecard
    "tui.header": {"zh": "{plan} · 截至{date}", "en": "{plan} · as of {date}"},
    "tui.loading": {"zh": "正在加载…", "en": "Loading…"},
    "tui.counter": {"zh": "{label} {n}/{total}", "en": "{label} {n} of {total}"},
    "tui.counter.short": {"zh": "{label} {n}/{total}", "en": "{label} {n}/{total}"},
    "tui.counter.loading": {"zh": "{label} …", "en": "{label} …"},
    "tui.filter": {"zh": "筛选：{status}", "en": "Filter: {status}"},
    "tui.filter.all": {"zh": "全部", "en": "all"},
    "tui.shown": {"zh": "显示{n}项", "en": "{n} {n:item|items} shown"},
    "tui.shown.none": {
        "zh": "没有符合条件的事项（f切换状态筛选，d选择单位，/修改搜索）",
        "en": "No item matches (f: status filter, d: department, /: search)",
    },
    "tui.month.first": {
        "zh": "已是计划的第一个月（{date}），不能再往前",
        "en": "This is the plan's first month ({date}); there is none before it",
    },
    "tui.month.last": {
        "zh": "已是计划的最后一个月（{date}），不能再往后",
        "en": "This is the plan's last month ({date}); there is none after it",
    },
    "tui.shown.loading": {"zh": "正在加载其余事项…", "en": "Loading the rest of the items…"},
    "tui.still_loading": {
        "zh": "正在加载全部事项，请稍候",
        "en": "Still loading all items, one moment",
    },
    "tui.search.placeholder": {
        "zh": "按序号或事项名称搜索（/）",
        "en": "Search by item number or title (/)",
    },
    "tui.key.prev_month": {"zh": "上月", "en": "prev"},
    "tui.key.next_month": {"zh": "下月", "en": "next"},
    "tui.key.cycle_filter": {"zh": "筛选", "en": "filter"},
    "tui.key.select_cursor": {"zh": "详情", "en": "open"},
    "tui.key.toggle_lang": {"zh": "English", "en": "中文"},
    "tui.key.quit": {"zh": "退出", "en": "quit"},
    "tui.key.back": {"zh": "返回", "en": "back"},
    "tui.key.attention": {"zh": "关注", "en": "attention"},
    "tui.key.phone_list": {"zh": "电话稿", "en": "phone list"},
    "tui.key.department": {"zh": "单位", "en": "dept"},
    "tui.key.scorecard": {"zh": "考核", "en": "scores"},
    "tui.key.cycle_sort": {"zh": "排序", "en": "sort"},
    "tui.key.command_palette": {"zh": "跳转", "en": "jump"},
    "tui.key.report": {"zh": "报告", "en": "report"},
    "tui.key.save": {"zh": "保存", "en": "save"},
    "tui.key.toggle_grouped": {"zh": "分组", "en": "group"},
    "tui.key.edit_note": {"zh": "编辑说明", "en": "edit note"},
    "tui.key.attach": {"zh": "附佐证", "en": "attach"},
    "tui.key.open_evidence": {"zh": "看佐证", "en": "evidence"},
    "tui.key.withdraw_evidence": {"zh": "撤回佐证", "en": "withdraw"},
    # evidence.*: files attached to a figure (佐证材料), in the item detail
    "col.evidence": {"zh": "佐证材料", "en": "Evidence"},
    "evidence.attach.title": {
        "zh": "为 {figure} 的数据附佐证材料",
        "en": "Attach evidence to the figure of {figure}",
    },
    "evidence.attach.placeholder": {"zh": "文件路径", "en": "path of the file"},
    "evidence.attach.hint": {
        "zh": "照片、PDF、扫描件或办公文档；回车附上，Esc 取消",
        "en": "A photo, PDF, scan or office document; Enter attaches it, Esc cancels",
    },
    "evidence.attached": {"zh": "已附上 {name}（{key}）", "en": "Attached {name} to {key}"},
    "evidence.already": {
        "zh": "{name} 的内容已附在这项数据上（{key}）",
        "en": "{name}: the same content is already attached to this figure of {key}",
    },
    "evidence.no_reading": {
        "zh": "这个指标还没有数据：先填报，再附佐证材料",
        "en": "This target has no figure yet: enter one first, then attach evidence",
    },
    "evidence.none": {
        "zh": "这项数据没有佐证材料（按 a 附上）",
        "en": "No evidence attached to this figure (a attaches one)",
    },
    "evidence.pick": {"zh": "打开哪个佐证材料", "en": "Open which evidence file"},
    "evidence.pick.withdraw": {"zh": "撤回哪个佐证材料", "en": "Withdraw which evidence file"},
    "evidence.withdraw.title": {
        "zh": "撤回 {figure} 的佐证材料 {name}",
        "en": "Withdraw the evidence file {name} from the figure of {figure}",
    },
    "evidence.withdraw.placeholder": {"zh": "撤回原因（必填）", "en": "why (required)"},
    "evidence.withdraw.hint": {
        "zh": "文件不再列出或计入佐证，原因和撤回人记入日志；回车撤回，Esc 取消",
        "en": "It is no longer listed or counted; the reason and who withdrew it go to "
        "the audit. Enter withdraws it, Esc cancels",
    },
    "evidence.withdrawn": {"zh": "已撤回 {name}（{key}）", "en": "Withdrew {name} from {key}"},
    "evidence.opened": {
        "zh": "已用系统程序打开 {name}",
        "en": "Opened {name} in the system viewer",
    },
    "evidence.open.failed": {
        "zh": "无法打开佐证材料：{error}",
        "en": "Cannot open the evidence file: {error}",
    },
    "tui.key.entry": {"zh": "填报", "en": "entry"},
    "tui.key.reminders": {"zh": "催报", "en": "missing"},
    "tui.scorecard.header": {
        "zh": "{plan} · 各责任单位情况 · 截至{date}",
        "en": "{plan} · departments · as of {date}",
    },
    "tui.palette.placeholder": {
        "zh": "输入事项序号或名称跳转，或输入“填报”“关注”“报告”“审核”",
        "en": "Jump to an item by number or name, or a screen",
    },
    "tui.palette.entry": {"zh": "月度填报", "en": "Monthly entry"},
    "tui.palette.attention": {"zh": "关注清单", "en": "Attention board"},
    "tui.palette.report": {"zh": "月度报告", "en": "Month-end report"},
    "tui.palette.department": {"zh": "按责任单位筛选", "en": "Filter by department"},
    "tui.palette.scorecard": {"zh": "各责任单位情况", "en": "Department scorecard"},
    "tui.palette.review": {"zh": "审核数据", "en": "Review figures"},
    # tui.review.*: the review screen (v): submitted figures, approved (a) or returned (r)
    "tui.key.review": {"zh": "审核", "en": "review"},
    "tui.key.approve": {"zh": "通过", "en": "approve"},
    "tui.key.return_figure": {"zh": "退回", "en": "return"},
    "tui.review.header": {"zh": "{plan} · 数据审核", "en": "{plan} · review"},
    "tui.review.summary": {
        "zh": "{department} · 待审核{n}条",
        "en": "{department} · {n} {n:figure|figures} awaiting review",
    },
    "tui.review.empty": {"zh": "没有待审核的数据", "en": "No figures are waiting for review"},
    "tui.review.empty.department": {
        "zh": "{department}没有待审核的数据",
        "en": "No figures of {department} are waiting for review",
    },
    "tui.review.no_evidence": {"zh": "无", "en": "none"},
    "tui.review.context": {
        "zh": "{no}. {title} — {departments} · 填报人{by}",
        "en": "{no}. {title} — {departments} · entered by {by}",
    },
    "tui.review.approved": {"zh": "已通过：{key}（{date}）", "en": "Approved {key} ({date})"},
    "tui.review.returned": {
        "zh": "已退回：{key}（{date}），{comment}",
        "en": "Returned {key} ({date}): {comment}",
    },
    "tui.review.return.title": {
        "zh": "退回 {key} {name}（{date}）",
        "en": "Return {key} {name} ({date})",
    },
    "tui.review.return.placeholder": {
        "zh": "退回原因：需要更正或补充什么（必填，填报单位可见）",
        "en": "Reason: what to fix or add (required; the department sees it)",
    },
    "tui.review.return.missing_evidence": {
        "zh": "缺少佐证材料（原因以此开头）",
        "en": "Missing evidence (the reason starts with 缺少佐证材料)",
    },
    "tui.review.return.hint": {
        "zh": "回车退回，Tab切换，Esc取消",
        "en": "enter returns it, tab moves, esc cancels",
    },
    "tui.review.refused": {"zh": "未审核：{reason}", "en": "Not reviewed: {reason}"},
    "tui.review.refused.no_comment": {
        "zh": "退回须填写原因，说明需要更正或补充什么",
        "en": "A returned figure needs a reason saying what to fix or add",
    },
    "tui.review.acting_for": {"zh": "{recorder}代{person}", "en": "{recorder} for {person}"},
    "tui.review.refused.own": {
        "zh": "未审核：{key}（{date}）由{by}填报，本人填报的数据须由其他督查人员或管理员审核"
        "（管理员亦然）",
        "en": "Not reviewed: {key} ({date}) was entered by {by}; nobody reviews a figure they "
        "entered, admins included: another supervisor or admin reviews it",
    },
    "tui.review.refused.approved_already": {
        "zh": "未审核：{key}（{date}）已由{by}审核通过",
        "en": "Not reviewed: {key} ({date}) is already approved by {by}",
    },
    "tui.review.refused.corrected": {
        "zh": "未审核：{key}（{date}）已有更正后的数据，请审核更正后的数据",
        "en": "Not reviewed: {key} ({date}) was corrected since; review the correction",
    },
    "tui.review.refused.not_reviewer": {
        "zh": "未审核：{login}无审核权限，只有督查人员（{supervisors}）和管理员（{admins}）"
        "可以审核数据",
        "en": "Not reviewed: {login} may not approve or return figures; only supervisors "
        "({supervisors}) and admins ({admins}) review figures",
    },
    "tui.review.refused.not_user": {
        "zh": "未审核：{login}不是pledgetrack用户，只能查看；请管理员（{admins}）添加",
        "en": "Not reviewed: {login} is not a pledgetrack user and can only read; ask an "
        "admin ({admins}) to add you",
    },
    "tui.review.refused.deactivated": {
        "zh": "未审核：{login}已停用，只能查看；请管理员（{admins}）恢复",
        "en": "Not reviewed: {login} is deactivated and can only read; ask an admin "
        "({admins}) to reactivate you",
    },
    "tui.review.no_supervisor": {"zh": "暂无督查人员", "en": "none yet"},
    "tui.sort": {"zh": "排序：{column}{arrow}", "en": "sort: {column} {arrow}"},
    "tui.department.title": {"zh": "按责任单位筛选", "en": "Show one department"},
    "tui.department.placeholder": {"zh": "输入单位名称的一部分", "en": "type part of the name"},
    "tui.department.all": {"zh": "全部单位", "en": "all departments"},
    "tui.department.option": {"zh": "{name}（{n}项）", "en": "{name} ({n} {n:item|items})"},
    "tui.detail.title": {"zh": "{no}. {title}", "en": "{no}. {title}"},
    "tui.detail.departments": {
        "zh": "责任单位：{lead}（牵头）{others}",
        "en": "Departments: {lead} (lead){others}",
    },
    "tui.detail.others": {"zh": "，{names}", "en": ", {names}"},
    "tui.detail.status": {
        "zh": "状态：{status} · 完成率 {completion} · 应达 {expected} · 截至{date}",
        "en": "Status: {status} · done {completion} · expected {expected} · as of {date}",
    },
    "tui.detail.history": {"zh": "{key} {name} 填报记录", "en": "History of {key} {name}"},
    "tui.detail.history.sum": {
        "zh": "{key} {name} 填报记录（分解后为各单位之和，单位填报时自动汇总，填报人即该单位填报人）",
        "en": "History of {key} {name} (since the split: the units' total, written when a unit "
        "reports, under that unit's reporter)",
    },
    "tui.detail.history.empty": {"zh": "暂无填报记录", "en": "No readings yet"},
    "tui.detail.corrected": {"zh": "已更正", "en": "corrected"},
    "tui.detail.units": {
        "zh": "{key} 分解到{n}个单位（{rule}）",
        "en": "{key} split to {n} units ({rule})",
    },
    "tui.detail.units.sum": {"zh": "合计为各单位之和", "en": "total = sum of the units"},
    "tui.detail.units.own": {"zh": "合计单独填报", "en": "total reported on its own"},
    "col.share": {"zh": "分解任务", "en": "Share"},
    "col.split_unit": {"zh": "分解单位", "en": "Unit"},
    "breakdown.title": {
        "zh": "{key} {name}（{rule}）截至{date}",
        "en": "{key} {name} ({rule}) as of {date}",
    },
    "col.level": {"zh": "层级", "en": "Level"},
    "col.shares": {"zh": "分解指标", "en": "Shares"},
    "col.units.lagging": {"zh": "未完成", "en": "Lagging"},
    "tui.units.header": {
        "zh": "{plan} 各区市（单位）分解任务完成情况 截至{date}",
        "en": "{plan}: units' shares as of {date}",
    },
    "tui.key.units": {"zh": "区市", "en": "units"},
    "tui.units.none": {
        "zh": "本计划没有分解到区市或街道的指标",
        "en": "No target of this plan is split to units",
    },
    "tui.chart.actual": {"zh": "实际", "en": "actual"},
    "tui.chart.target": {"zh": "目标", "en": "target"},
    "tui.chart.expected": {"zh": "应达", "en": "expected"},
    "tui.goal.milestone": {"zh": "完成", "en": "done"},
    "tui.goal.at_least": {"zh": "≥{value}", "en": "≥{value}"},
    "tui.done.yes": {"zh": "已完成", "en": "done"},
    "tui.done.no": {"zh": "未完成", "en": "not done"},
    "tui.chart.caption": {
        "zh": "累计值与目标、应达进度（单位：{unit}）",
        "en": "Cumulative value vs target and expected path (unit: {unit})",
    },
    "tui.chart.caption.nounit": {
        "zh": "累计值与目标、应达进度",
        "en": "Cumulative value vs target and expected path",
    },
    "tui.chart.milestone": {"zh": "里程碑目标无数值图表", "en": "Milestone target: no value chart"},
    "tui.chart.no_target": {
        "zh": "无目标值（参考数据），不绘制图表",
        "en": "No target value (reference figure): no chart",
    },
    "tui.attention.header": {
        "zh": "{plan} · 需关注事项 · 截至{date}",
        "en": "{plan} · needs attention · as of {date}",
    },
    "tui.attention.summary": {
        "zh": "共{n}项，涉及{d}个牵头单位：{counts}",
        "en": "{n} {n:item|items}, {d} lead {d:department|departments}: {counts}",
    },
    "tui.attention.count": {"zh": "{label}{n}项", "en": "{label} {n}"},
    "tui.attention.group": {"zh": "{name}（{n}项）", "en": "{name} ({n})"},
    "tui.attention.empty": {"zh": "本月无需关注事项", "en": "Nothing needs attention this month"},
    "tui.attention.dept.sep": {"zh": "、", "en": ", "},
    "tui.attention.phone.title": {
        "zh": "电话稿 · {department}（已复制到剪贴板）",
        "en": "To read out · {department} (copied to the clipboard)",
    },
    "tui.attention.phone.none": {
        "zh": "请先选中一个单位或事项",
        "en": "Highlight a department or an item first",
    },
    # attention.*: the attention board's words for an item's lagging target (services/attention.py)
    "attention.lag.figure": {
        "zh": "{key} {name}{value}{unit}，应达{expected}{unit}",
        "en": "{key} {name}: {value} {unit}, {expected} {unit} expected by now",
    },
    "attention.lag.none": {
        "zh": "{key} {name}尚无填报，应达{expected}{unit}",
        "en": "{key} {name}: no figure yet, {expected} {unit} expected by now",
    },
    "attention.lag.milestone": {
        "zh": "{key} {name}尚未完成，应已完成",
        "en": "{key} {name}: not done, expected done by now",
    },
    "attention.phone.header": {
        "zh": "{department}：截至{date}，{n}项需关注",
        "en": "{department}: as of {date}, {n} {n:item needs|items need} attention",
    },
    "attention.phone.line": {
        "zh": "{index}. 第{no}项 {title}（{status}）：{lag}；最近填报：{last}",
        "en": "{index}. Item {no}, {title} ({status}): {lag}; last report: {last}",
    },
    "attention.phone.never": {"zh": "尚无", "en": "none yet"},
    "col.lagging": {"zh": "滞后指标", "en": "Lagging target"},
    "tui.preview.header": {
        "zh": "{plan} · {month}进展情况报告",
        "en": "{plan} · progress report, {month}",
    },
    "tui.preview.loading": {"zh": "正在生成报告…", "en": "Building the report…"},
    "tui.preview.save.title": {"zh": "保存报告", "en": "Save the report"},
    "tui.preview.save.hint": {
        "zh": "按扩展名保存：.txt 纯文本、.md Markdown、.html 网页、.xlsx Excel、.docx Word · 回车保存 · Esc 取消",
        "en": "The suffix picks the format: .txt text, .md Markdown, .html page, .xlsx Excel, .docx Word · enter saves · esc cancels",
    },
    "tui.preview.saved": {"zh": "已保存：{path}", "en": "Saved {path}"},
    "tui.preview.save.error": {
        "zh": "无法保存 {path}：{reason}",
        "en": "Could not save {path}: {reason}",
    },
    "tui.preview.error.no_dir": {"zh": "目录不存在", "en": "the directory does not exist"},
    "tui.preview.error.permission": {"zh": "没有写入权限", "en": "permission denied"},
    "tui.preview.error.is_dir": {"zh": "这是一个目录", "en": "it is a directory"},
    "tui.preview.error.exists": {
        "zh": "文件已存在（刚被其他程序写入），未覆盖",
        "en": "the file exists (written meanwhile by someone else) and was kept",
    },
    "tui.preview.error.database": {
        "zh": "这是正在使用的数据库文件，不能覆盖，请换一个文件名",
        "en": "it is the database itself: choose another file name",
    },
    "tui.preview.replace": {
        "zh": "{path} 已存在，要替换吗？",
        "en": "{path} exists. Replace it?",
    },
    "tui.preview.error.format": {
        "zh": "只能保存为 .txt、.md、.html、.xlsx 或 .docx",
        "en": "save as .txt, .md, .html, .xlsx or .docx",
    },
    "tui.confirm.yes": {"zh": "是（y）", "en": "Yes (y)"},
    "tui.confirm.no": {"zh": "否（n）", "en": "No (n)"},
    # tui.login.*: the login screen (pledgetrack --login) and the end of a session
    "tui.login.title": {"zh": "pledgetrack 登录", "en": "pledgetrack — log in"},
    "tui.login.name": {"zh": "用户名", "en": "User name"},
    "tui.login.password": {"zh": "密码", "en": "Password"},
    "tui.login.submit": {"zh": "登录", "en": "Log in"},
    "tui.login.checking": {"zh": "正在验证……", "en": "Checking…"},
    "tui.login.empty": {"zh": "请输入用户名和密码。", "en": "Type a user name and a password."},
    "tui.login.wrong": {"zh": "用户名或密码错误。", "en": "Wrong user name or password."},
    "tui.login.locked": {
        "zh": "登录失败次数过多，该用户名暂不能登录，请于{time}后再试。",
        "en": "Too many failed logins for this name: try again after {time}.",
    },
    "tui.login.deactivated": {
        "zh": "该用户已停用，请联系管理员。",
        "en": "This user is deactivated: ask an admin.",
    },
    "tui.login.not_user": {
        "zh": "该数据库登录不是本系统的用户，请联系管理员。",
        "en": "This database login is not a user of pledgetrack here: ask an admin.",
    },
    "tui.login.unchecked": {
        "zh": "数据库服务器没有校验密码（pg_hba.conf 设为 trust），不能据此登录，请联系服务器管理员。",
        "en": "The database server did not check the password (pg_hba.conf: trust), so it "
        "proves nothing: ask the server's administrator.",
    },
    "tui.login.unavailable": {
        "zh": "无法连接数据库：{reason}",
        "en": "Cannot reach the database: {reason}",
    },
    "tui.login.timed_out": {
        "zh": "{minutes}分钟无操作，已退出登录。",
        "en": "Logged out after {minutes} {minutes:minute|minutes} without activity.",
    },
    "tui.confirm.quit": {
        "zh": "有{n}条填报尚未保存，仍要退出？",
        "en": "{n} {n:entry is|entries are} not saved. Quit anyway?",
    },
    "tui.error.load": {"zh": "加载失败：{error}", "en": "Could not load: {error}"},
    # entry.*: Monthly entry (TUI screen) and the problems its checks report
    "entry.denied": {"zh": "未保存：{reason}", "en": "Not saved: {reason}"},
    "entry.title": {"zh": "月度填报 · {plan}", "en": "Monthly entry · {plan}"},
    "entry.month.label": {"zh": "填报月份", "en": "Month"},
    "entry.month": {"zh": "{year}年{month}月", "en": "{name} {year}"},
    "entry.page": {
        "zh": "第{page}/{pages}页（第{first}–{last}行，PgUp/PgDn翻页）",
        "en": "page {page} of {pages} (lines {first}–{last}, PgUp/PgDn)",
    },
    "entry.summary": {
        "zh": "截至{date} · 共{n}个指标 · 已改{changed} · 错误{errors} · 待确认{warnings}",
        "en": "as of {date} · {n} {n:target|targets} · changed {changed} · errors {errors} · "
        "to confirm {warnings}",
    },
    "entry.col.name": {"zh": "名称", "en": "Name"},
    "entry.col.goal": {"zh": "目标值", "en": "Goal"},
    "entry.col.prev": {"zh": "上月", "en": "Last month"},
    "entry.prev.help": {
        "zh": "上次填报：{figure}（{date}）",
        "en": "last figure: {figure} ({date})",
    },
    "entry.prev.none": {"zh": "此前未填报", "en": "no figure before this month"},
    "entry.col.value": {"zh": "本月累计", "en": "This month"},
    "entry.col.check": {"zh": "校验", "en": "Check"},
    "entry.note.placeholder": {"zh": "说明", "en": "note"},
    "entry.note.title": {"zh": "说明 · {line}", "en": "Note · {line}"},
    "entry.note.hint": {
        "zh": "Enter 或 Ctrl+S 保留 · Esc 取消",
        "en": "Enter or Ctrl+S keeps it · Esc cancels",
    },
    "entry.stage.placeholder": {"zh": "阶段0–{max}", "en": "stage 0–{max}"},
    "entry.stages": {"zh": "阶段：{stages}", "en": "stages: {stages}"},
    "entry.ok": {"zh": "可保存", "en": "ready"},
    "entry.empty": {
        "zh": "该单位在本计划中没有负责的指标",
        "en": "This department answers for no target of the plan",
    },
    "entry.nothing": {"zh": "没有需要保存的修改", "en": "Nothing changed to save"},
    "entry.fix": {
        "zh": "有{n}处错误需先改正：{keys}",
        "en": "Fix {n} {n:error|errors} first: {keys}",
    },
    "entry.confirm.warnings": {
        "zh": "以下{n}处需要确认，仍要保存吗？\n{list}",
        "en": "{n} {n:figure needs|figures need} confirming. Save anyway?\n{list}",
    },
    "entry.confirm.discard": {
        "zh": "有{n}条填报尚未保存，放弃这些修改？",
        "en": "{n} {n:entry is|entries are} not saved. Discard {n:it|them}?",
    },
    "entry.rejected": {"zh": "未保存，请检查：{keys}", "en": "Not saved; check {keys}"},
    "entry.saved": {
        "zh": "已保存：新增{added}条，更正{corrections}条（截至{date}）",
        "en": "Saved: {added} new, {corrections} corrected (as of {date})",
    },
    "entry.conflict": {
        "zh": "未保存：{n}个指标在您填报期间已由他人保存。您填写的内容已保留，请核对后再保存。\n{list}",
        "en": "Not saved: {n} {n:target was|targets were} saved by someone else while you were entering. "
        "What you typed is kept; check and save again.\n{list}",
    },
    "entry.conflict.item": {
        "zh": "{key} {name}：{who}已保存为{figure}",
        "en": "{key} {name}: saved by {who} as {figure}",
    },
    "entry.conflict.mark": {
        "zh": "已被{who}保存为{figure}，请核对",
        "en": "{who} saved {figure} meanwhile",
    },
    "entry.conflict.someone": {"zh": "他人", "en": "someone"},
    "entry.readonly.other_department": {
        "zh": "只读：{login}是{own}的填报人员，只能填报本单位的指标；{department}的指标由该单位填报",
        "en": "Read only: {login} enters figures for {own} only; {department}'s figures are "
        "entered by its own staff",
    },
    "entry.readonly.supervisor": {
        "zh": "只读：督查人员审核数据，不填报数据；{department}的指标由该单位填报",
        "en": "Read only: supervisors review figures, they do not enter them; {department}'s "
        "staff enter them",
    },
    "entry.readonly.not_user": {
        "zh": "只读：{login}不是pledgetrack用户，请管理员（{admins}）添加",
        "en": "Read only: {login} is not a pledgetrack user; ask an admin ({admins}) to add you",
    },
    "entry.readonly.deactivated": {
        "zh": "只读：{login}已停用，请管理员（{admins}）恢复",
        "en": "Read only: {login} is deactivated; ask an admin ({admins}) to reactivate you",
    },
    "entry.readonly.no_department": {
        "zh": "只读：{login}尚未设定所属单位，请管理员（{admins}）设定",
        "en": "Read only: {login} has no department; ask an admin ({admins}) to set it",
    },
    "entry.readonly.no_admin": {"zh": "暂无管理员", "en": "there is none"},
    # refused.entry.*: a write of figures (or their evidence) the services refused
    # (services.access PermissionDenied.reason), in the TUI (tui/refusals.py)
    "refused.evidence.missing": {"zh": "{path}：没有这个文件", "en": "{path}: no such file"},
    "refused.evidence.directory": {
        "zh": "{path}：是文件夹，不是文件",
        "en": "{path}: is a directory, not a file",
    },
    "refused.evidence.not_regular": {
        "zh": "{path}：不是普通文件（设备、管道或套接字）",
        "en": "{path}: not a regular file (a device, pipe or socket)",
    },
    "refused.evidence.unreadable": {
        "zh": "{path}：无法读取（没有权限或读取出错）",
        "en": "{path}: cannot be read (no permission, or a read error)",
    },
    "refused.evidence.too_big": {
        "zh": "{path}：{size}，超过每个文件{limit}的上限（设置项 evidence_max_mb）",
        "en": "{path}: {size} is over the limit of {limit} per file (setting evidence_max_mb)",
    },
    "refused.evidence.empty": {"zh": "{path}：文件是空的", "en": "{path}: the file is empty"},
    "refused.evidence.no_reading": {
        "zh": "{key}还没有这一期的数据：先填报，再附佐证材料",
        "en": "{key} has no figure of that date: enter it first, then attach evidence",
    },
    "refused.evidence.withdrawn": {
        "zh": "{name}：同样内容已附在{key}（{date}）这条数据上并已撤回，不能再次附在同一条数据上"
        "（数据更正后可再附）",
        "en": "{name}: this content was attached to this reading of {key} ({date}) and "
        "withdrawn; it cannot be attached to the same reading again (attach it after the "
        "figure is corrected)",
    },
    "refused.evidence.no_reason": {
        "zh": "请说明撤回原因（记入日志）",
        "en": "Say why the file is withdrawn (it is kept in the audit)",
    },
    "refused.evidence.already_withdrawn": {
        "zh": "{name}（{key}，{date}）已由{by}撤回",
        "en": "{name} on {key} ({date}) was already withdrawn by {by}",
    },
    "refused.entry.other_department": {
        "zh": "{login}是{own}的填报人员，不能填报{keys}或为其附、撤佐证；这些指标由{department}负责",
        "en": "{login} enters figures for {own} only, not for {keys}: {department} answers "
        "for them",
    },
    "refused.entry.supervisor": {
        "zh": "督查人员审核数据，不填报数据或附、撤佐证；{keys}由{department}填报",
        "en": "Supervisors review figures, they do not enter them or their evidence; "
        "{department} enters {keys}",
    },
    "refused.entry.not_user": {
        "zh": "{login}不是pledgetrack用户，只能查看；请管理员（{admins}）添加",
        "en": "{login} is not a pledgetrack user and can only read; ask an admin ({admins}) "
        "to add you",
    },
    "refused.entry.deactivated": {
        "zh": "{login}已停用，只能查看；请管理员（{admins}）恢复",
        "en": "{login} is deactivated and can only read; ask an admin ({admins}) to reactivate you",
    },
    "refused.entry.no_department": {
        "zh": "{login}尚未设定所属单位，不能填报{keys}；请管理员（{admins}）设定",
        "en": "{login} has no department and cannot enter figures for {keys}; ask an admin "
        "({admins}) to set it",
    },
    "entry.no_month": {
        "zh": "本计划尚无可填报的月份",
        "en": "No month of this plan can be reported yet",
    },
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
        "zh": "“{text}”不是日期（如2020-10-31、2020年10月底）",
        "en": "{text!r} is not a date (e.g. 2020-10-31, 2020年10月底)",
    },
    "check.outside_plan": {
        "zh": "{date}不在计划期内（{start}至{end}）",
        "en": "{date} is outside the plan period {start} … {end}",
    },
    "check.future": {
        "zh": "{date}尚未到来（今天是{today}）",
        "en": "{date} is in the future (today is {today})",
    },
    "check.value_missing": {
        "zh": "指标{target}需要填写数值",
        "en": "target {target} needs a number",
    },
    "check.not_number": {"zh": "“{text}”不是数字", "en": "{text!r} is not a number"},
    "check.negative": {"zh": "不能为负数（{text}）", "en": "{text} is negative"},
    "check.bad_stage": {
        "zh": "“{text}”不是阶段（0–{max}或阶段名称：{names}）",
        "en": "{text!r} is not a stage (0–{max} or a stage name: {names})",
    },
    "check.no_stages": {
        "zh": "里程碑{target}没有阶段：不填数值，只填是否完成",
        "en": "milestone {target} has no stages: leave the value blank and say done or not",
    },
    "check.done_for_quantity": {
        "zh": "指标{target}是数量指标：请填数值，不填“完成”",
        "en": "target {target} is a quantity: give a value, not done",
    },
    "check.bad_done": {
        "zh": "“{text}”不是“是/否”",
        "en": "{text!r} is not yes/no (use yes/no, 是/否, 1/0)",
    },
    "check.bad_text": {
        "zh": "说明中含有不允许的控制字符 {code}（{char}），请删去后再保存",
        "en": "the note contains the control character {code} ({char}): remove it and save again",
    },
    "check.bad_qualifier": {
        "zh": "“{text}”不是约数说法（约、余、近、以上、超过）",
        "en": "{text!r} is not a qualifier (约, 余, 近, 以上, 超过, or approx, more, near, "
        "above, over)",
    },
    "check.qualifier_conflict": {
        "zh": "数值“{text}”与qualifier列“{qualifier}”的约数说法不一致",
        "en": "the value {text!r} and the qualifier column ({qualifier}) disagree",
    },
    "check.qualifier_for_milestone": {
        "zh": "指标{target}是里程碑，不能带约数说法",
        "en": "target {target} is a milestone: it takes no qualifier",
    },
    "check.bad_forecast": {
        "zh": "预计完成时间“{text}”不是日期（如2020-10-31、2020-10、2020年10月底）",
        "en": "the forecast {text!r} is not a date (e.g. 2020-10-31, 2020-10, 2020年10月底)",
    },
    "reading.works": {
        "zh": "正在施工中，工程进度{percent}%",
        "en": "works {percent}% complete",
    },
    "reading.per_period": {
        "zh": "本期{amount}",
        "en": "{amount} this period",
    },
    "reading.with_works": {"zh": "{figure}（{works}）", "en": "{figure} ({works})"},
    "check.bad_works": {
        "zh": "工程进度“{text}”不是百分数（如90或90%）",
        "en": "the works progress {text!r} is not a percentage (e.g. 90 or 90%)",
    },
    "check.works_out_of_range": {
        "zh": "工程进度“{text}”应在0至100%之间",
        "en": "the works progress {text!r} must lie between 0 and 100%",
    },
    "check.works_for_milestone": {
        "zh": "指标{target}是定性指标，不填工程进度",
        "en": "target {target} is a milestone: it takes no works progress",
    },
    "check.lower_needs_note": {
        "zh": "{text}低于上次填报的{previous}，请在说明中写明原因",
        "en": "{text} is lower than the last figure ({previous}): say why in the note",
    },
    "check.undone_needs_note": {
        "zh": "此前已填报完成，改为未完成请在说明中写明原因",
        "en": "reported done before: say in the note why it is not done",
    },
    "check.over_target": {
        "zh": "{text}{unit}超过目标值{target}{unit}的{factor}倍，请确认",
        "en": "{text} {unit} is over {factor}× the target of {target} {unit}: confirm it",
    },
    "check.unit_multiplier": {
        "zh": "本指标单位已是“{unit}”：“{text}”将记为{literal}{unit}；如指{plain}{unit}，请填{plain}",
        "en": "the unit is already {unit}: {text!r} would be {literal} {unit}; "
        "for {plain} {unit}, type {plain}",
    },
    "check.changes_approved": {
        "zh": "将修改已审核通过的数据（{figure}），修改后需重新审核",
        "en": "changes an approved figure ({figure}); it will need review again",
    },
    "check.confirm_hint": {
        "zh": "（确认无误请加 --confirm）",
        "en": " (if this is right, add --confirm)",
    },
    "check.confirm_hint.import": {
        "zh": "确认无误请加 --confirm，或在confirm列填“是”",
        "en": "if these are right, add --confirm or put yes in a confirm column",
    },
    # remind.*: reminders to report (services/remind.py, reports/reminder_text.py, reminder_docx.py)
    "remind.title": {
        "zh": "{plan} · {month}进展报送提醒（截至{date}）",
        "en": "{plan} · progress for {month}: reminders (as of {date})",
    },
    "remind.when.left": {
        "zh": "{date}截止，还剩{n}天",
        "en": "due {date}, {n} {n:day|days} left",
    },
    "remind.when.today": {"zh": "今天（{date}）截止", "en": "due today, {date}"},
    "remind.when.due": {"zh": "{date}截止", "en": "due {date}"},
    "remind.when.late": {
        "zh": "{date}截止，已逾期{n}天",
        "en": "due {date}, {n} {n:day|days} overdue",
    },
    "remind.department": {
        "zh": "{department}：{n}项指标未报送{month}进展（{when}）：",
        "en": "{department}: {n} {n:target|targets} not reported for {month} ({when}):",
    },
    "remind.co_operating": {
        "zh": "（配合，牵头单位：{lead}）",
        "en": " (co-operating; lead: {lead})",
    },
    "remind.share": {"zh": "（{unit}份额）", "en": " ({unit}'s share)"},
    "remind.none": {
        "zh": "{month}进展已全部报送（截至{date}）",
        "en": "Every target is reported for {month} (as of {date}).",
    },
    "remind.none.department": {
        "zh": "{department}：{month}进展已全部报送（截至{date}）",
        "en": "{department}: every target is reported for {month} (as of {date}).",
    },
    "remind.office": {"zh": "督查室", "en": "Supervision Office"},
    "remind.strip": {
        "zh": "{month}进展：{n}个单位未报（{when}；m 查看）：{departments}",
        "en": "{month} progress: {n} {n:department|departments} missing ({when}; m: list): "
        "{departments}",
    },
    "remind.strip.none": {
        "zh": "{month}进展：{when} · 已全部报送",
        "en": "{month} progress: {when} · all reported",
    },
    "remind.strip.loading": {"zh": "填报提醒：计算中…", "en": "Reminders: working…"},
    "remind.strip.failed": {
        "zh": "填报提醒：无法计算（{error}）",
        "en": "Reminders: could not be worked out ({error})",
    },
    "remind.mail.subject.late": {
        "zh": "【催报】{plan}{month}进展：{n}项指标未报送",
        "en": "[Overdue] {plan}, {month}: {n} {n:target|targets} not reported",
    },
    "remind.mail.subject.soon": {
        "zh": "【提醒】{plan}{month}进展：{n}项指标待报送，{date}截止",
        "en": "[Reminder] {plan}, {month}: {n} {n:target|targets} to report by {date}",
    },
    "remind.salutation": {"zh": "{department}：", "en": "To {department}:"},
    "remind.body.late": {
        "zh": "你单位牵头或配合的以下{n}项指标尚未报送{month}进展情况，报送期限为{date}，"
        "已逾期{days}天。请即报送。",
        "en": "The {n} {n:target|targets} below, which your department leads or co-operates "
        "on, have no figures for {month}. They were due on {date} and are {days} "
        "{days:day|days} overdue. Please report them at once.",
    },
    "remind.body.soon": {
        "zh": "你单位牵头或配合的以下{n}项指标尚未报送{month}进展情况，请于{date}前报送。",
        "en": "The {n} {n:target|targets} below, which your department leads or co-operates "
        "on, have no figures for {month} yet. Please report them by {date}.",
    },
    "remind.body.unit.late": {
        "zh": "你单位承担的以下{n}项分解任务尚未报送{month}进展情况，报送期限为{date}，"
        "已逾期{days}天。请即报送。",
        "en": "The {n} {n:share|shares} below, which your unit is to deliver, have no "
        "figures for {month}. They were due on {date} and are {days} {days:day|days} "
        "overdue. Please report them at once.",
    },
    "remind.body.unit.soon": {
        "zh": "你单位承担的以下{n}项分解任务尚未报送{month}进展情况，请于{date}前报送。",
        "en": "The {n} {n:share|shares} below, which your unit is to deliver, have no "
        "figures for {month} yet. Please report them by {date}.",
    },
    "remind.docx.title.late": {"zh": "催报通知", "en": "Notice: progress overdue"},
    "remind.docx.title.soon": {"zh": "报送提醒", "en": "Reminder: progress due"},
    "remind.docx.deadline": {"zh": "报送期限：{date}", "en": "Due by: {date}"},
    "remind.col.role": {"zh": "牵头/配合", "en": "Role"},
    "remind.role.lead": {"zh": "牵头", "en": "lead"},
    "remind.role.co_operating": {"zh": "配合", "en": "co-operating"},
    "remind.role.share": {"zh": "本单位份额", "en": "own share"},
    "remind.never": {"zh": "从未填报", "en": "never"},
    "remind.sent": {"zh": "已发送：{department}（{to}）", "en": "sent: {department} ({to})"},
    "remind.not_sent.no_address": {
        "zh": "未发送：{department}（无邮箱地址）",
        "en": "not sent: {department} (no address)",
    },
    "remind.not_sent.refused": {
        "zh": "未发送：{department}（{reason}）",
        "en": "not sent: {department} ({reason})",
    },
    # forecast.*: the year-end forecast (研判, domain.forecast): CLI `forecast`, the item
    # detail, the attention board, the month-end report
    "forecast.flag": {
        "zh": "有风险：按当前进度，截止时预计完成{pct}",
        "en": "at risk: projected {pct} at the deadline",
    },
    "forecast.course": {
        "zh": "按当前进度，截止时预计完成{pct}",
        "en": "on course: projected {pct} at the deadline",
    },
    "forecast.outlook.at_risk": {"zh": "有风险", "en": "at risk"},
    "forecast.outlook.on_course": {"zh": "可按期完成", "en": "on course"},
    "forecast.outlook.achieved": {"zh": "已达成目标", "en": "already achieved"},
    "forecast.outlook.few_readings": {
        "zh": "填报不足两次，暂无研判",
        "en": "fewer than two readings: no projection",
    },
    "forecast.outlook.past_deadline": {"zh": "已过截止日期", "en": "deadline passed"},
    "forecast.outlook.not_quantity": {
        "zh": "非数量指标，不作研判",
        "en": "not a quantity target: no projection",
    },
    "forecast.pace": {
        "zh": "近{n}次填报月均增加{pace}{unit}",
        "en": "last {n} readings: {pace} {unit} a month",
    },
    "forecast.department": {
        "zh": "单位预计：{when}前完成",
        "en": "department expects it done by {when}",
    },
    "forecast.items": {
        "zh": "按当前进度，预计年底仍有{n}项难以完成：{names}",
        "en": "At the current pace, {n} {n:item|items} will likely not be achieved by the "
        "deadline: {names}",
    },
    "forecast.items.more": {"zh": "，另有{n}项", "en": " and {n} more"},
    "forecast.items.one": {
        "zh": "{no}.{title}（预计完成{pct}）",
        "en": "{no}. {title} (projected {pct})",
    },
    "forecast.title": {
        "zh": "{plan} 年底研判（截至{date}）",
        "en": "{plan} — year-end forecast as of {date}",
    },
    "forecast.col.latest": {"zh": "最新值", "en": "Latest"},
    "forecast.col.pace": {"zh": "月均增量", "en": "Per month"},
    "forecast.col.projected": {"zh": "截止预计", "en": "Projected"},
    "forecast.col.share": {"zh": "预计完成率", "en": "Projected %"},
    "forecast.col.outlook": {"zh": "研判", "en": "Outlook"},
    "forecast.col.department": {"zh": "单位预计", "en": "Dept. forecast"},
    "forecast.none": {
        "zh": "按当前进度，可研判的指标中暂无难以按期完成的事项。",
        "en": "Of the targets that can be projected, none looks likely to miss its deadline.",
    },
    # web.*: the page `pledgetrack serve` gives browsers (web/templates/index.html)
    "web.title": {"zh": "市办实事进度", "en": "pledgetrack"},
    "web.starting": {"zh": "正在启动……", "en": "Starting…"},
    "web.ended": {"zh": "会话已结束。", "en": "The session has ended."},
    "web.restart": {"zh": "重新开始", "en": "Start again"},
}
