"""`pledgetrack report`: the month-end summary as text, Markdown, HTML, XLSX or DOCX."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from pledgetrack.cli.app import (
    ApprovedOnly,
    Force,
    Lang,
    PlanOption,
    app,
    engine_for,
    err,
    fail,
    lang_of,
    os_reason,
    policy,
)
from pledgetrack.domain.dates import DateFormatError, parse_month
from pledgetrack.domain.errors import (
    OutputRefused,
    OutsidePlan,
    PlanNotFound,
    UnsupportedFileType,
)
from pledgetrack.domain.report_format import ReportFormat, report_format
from pledgetrack.i18n import t


@app.command()
def report(
    month: Annotated[
        str, typer.Option("--month", help="Reporting month, e.g. 2020-10 or 2020年10月.")
    ],
    fmt: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            help="text, md, html, xlsx or docx (default: from the --out suffix, else text).",
        ),
    ] = None,
    lang: Annotated[Lang | None, typer.Option("--lang", help="zh or en.")] = None,
    plan: PlanOption = None,
    department: Annotated[
        str | None, typer.Option("--department", help="Only this department's items.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write to this file (required for xlsx and docx)."),
    ] = None,
    approved_only: ApprovedOnly = False,
    grouped: Annotated[
        bool,
        typer.Option(
            "--grouped",
            help="Group the items as bulletins do (完成全年目标 / 超额完成节点目标 / 按计划推进 / "
            "滞后 …) instead of under their pledges.",
        ),
    ] = False,
    evidence: Annotated[
        bool,
        typer.Option(
            "--evidence",
            help="Add the targets whose latest figure has no evidence (佐证材料) attached "
            "(a section; in XLSX a sheet).",
        ),
    ] = False,
    force: Force = False,
) -> None:
    """The month-end summary, structured like the official progress report."""
    from pledgetrack.cli.render import progress_line
    from pledgetrack.services.month_report import build_month_report, render_report, write_report

    try:
        month_end = parse_month(month)
    except DateFormatError as exc:
        fail(f"--month: {exc}")
    try:
        chosen = report_format(fmt, out)
    except UnsupportedFileType as exc:
        fail(f"--out: {exc}")
    if chosen.binary and out is None:
        fail(f"--format {chosen.value} writes a file: give --out FILE.{chosen.value}")
    if out is not None:
        if out.is_dir():
            fail(f"--out: {out} is a directory, not a file")
        if not out.parent.is_dir():
            fail(f"--out: directory {out.parent} does not exist")
    language = lang_of(lang)
    engine = engine_for()
    from pledgetrack.services.status import check_in_period

    try:
        check_in_period(engine, plan=plan, day=month_end, month=True)
    except PlanNotFound as exc:
        fail(str(exc))
    except OutsidePlan as exc:
        fail(f"--month: {exc}")
    if out is not None:
        from pledgetrack.services.output import check_output_file

        try:
            check_output_file(engine, out, force=force)
        except OutputRefused as exc:
            fail(f"--out: {exc}")
        except OSError as exc:
            fail(f"--out: cannot write {out}: {os_reason(exc)}")
    with progress_line() as progress:
        task = progress.add_task(t("cli.progress.build", language), total=None)
        try:
            model = build_month_report(
                engine,
                month=month_end,
                plan=plan,
                department=department,
                policy=policy(),
                with_history=chosen.needs_history,
                approved_only=approved_only,
                grouped=grouped,
            )
        except PlanNotFound as exc:
            fail(str(exc))
        if evidence:
            from pledgetrack.services.evidence_report import add_missing_evidence

            add_missing_evidence(engine, model)
        if department and not model.item_count:
            fail(f"no items for department {department!r}")
        if out is None:
            progress.stop()
            sys.stdout.write(render_report(model, chosen, language))
            return
        progress.update(task, description=t("cli.progress.write", language, file=out.name))

        def step(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            write_report(model, chosen, language, out, progress=step, replace=force)
        except OutputRefused as exc:
            fail(f"--out: {exc}")
        except OSError as exc:
            fail(f"--out: cannot write {out}: {os_reason(exc)}")
    err.print(f"wrote {out}")
