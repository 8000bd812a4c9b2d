"""`pledgetrack evidence`: attach files (佐证材料) to figures, list them, export them."""

import json
from pathlib import Path
from typing import Annotated

import typer

from pledgetrack.cli.app import (
    Force,
    PlanOption,
    app,
    as_text,
    engine_for,
    fail,
    os_reason,
    parse_date_option,
    state,
    sub_app,
)
from pledgetrack.domain.errors import OutputRefused, PlanNotFound

evidence_app = sub_app(
    "Evidence (佐证材料) with the figures: attach photos, PDFs, scans or office "
    "documents to a reading, list them, export a plan's as a zip or a directory, "
    "withdraw one attached by mistake."
)
app.add_typer(evidence_app, name="evidence")


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


@evidence_app.command("add")
def evidence_add(
    target: Annotated[str, typer.Argument(help="Target key, e.g. 28.1.")],
    files: Annotated[list[Path], typer.Argument(help="The files to attach.")],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Date of the figure (default: its latest reading)."),
    ] = None,
    plan: PlanOption = None,
) -> None:
    """Attach FILES to the figure of TARGET dated --as-of: all of them or, when one is
    refused (missing, unreadable, over evidence_max_mb), none. The same content is
    stored once, however often it is attached."""
    from pledgetrack.services.access import PermissionDenied
    from pledgetrack.services.evidence import (
        EvidenceRefused,
        attach_evidence,
        max_bytes,
        read_evidence_files,
    )
    from pledgetrack.services.output import protected_files

    on = parse_date_option(as_of, "--as-of")
    engine = engine_for()
    try:
        checked = read_evidence_files(
            files,
            limit=max_bytes(state.settings.evidence_max_mb),
            protected=protected_files(engine),
        )
    except EvidenceRefused as exc:
        fail(str(exc))
    try:
        done = attach_evidence(
            engine, target_key=target, files=checked, as_of=on, plan=plan, actor=state.actor
        )
    except (EvidenceRefused, PermissionDenied, PlanNotFound) as exc:
        fail(str(exc))
    for attached in done:
        file = attached.file
        what = "attached" if attached.new else "already attached"
        typer.echo(
            as_text(
                f"{what}: {file.name} ({file.media_type}, {_size(file.size)}, "
                f"sha256 {file.sha256[:12]}) to {attached.key} ({attached.as_of})"
            )
        )


@evidence_app.command("list")
def evidence_list(
    target: Annotated[str | None, typer.Argument(help="Only this target's.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Only figures of this date.")] = None,
    plan: PlanOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The attached files of a plan (or one target), by target and date."""
    from pledgetrack.services.evidence import EvidenceRefused, list_evidence

    on = parse_date_option(as_of, "--as-of")
    engine = engine_for()
    try:
        lines = list_evidence(engine, plan=plan, target_key=target, as_of=on)
    except (EvidenceRefused, PlanNotFound) as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps([line.as_dict() for line in lines], ensure_ascii=False, indent=2))
        return
    if not lines:
        typer.echo("no evidence attached")
        return
    for line in lines:
        typer.echo(
            as_text(
                f"{line.key}  {line.as_of}  {line.file_name}  {line.media_type}  "
                f"{_size(line.size)}  {line.sha256[:12]}  {line.attached_by}  "
                f"{line.attached_at:%Y-%m-%d %H:%M}"
            )
        )


@evidence_app.command("withdraw")
def evidence_withdraw(
    target: Annotated[str, typer.Argument(help="Target key, e.g. 28.1.")],
    file: Annotated[str, typer.Argument(help="The file's name as attached (evidence list).")],
    reason: Annotated[
        str, typer.Option("--reason", help="Why it is withdrawn (kept in the audit).")
    ],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Date of the figure (needed when the name is on several)."),
    ] = None,
    plan: PlanOption = None,
) -> None:
    """Withdraw a file attached by mistake from the figure of TARGET: it is no longer
    listed, exported or counted as the figure's evidence. Nothing is deleted: the audit
    keeps who withdrew which file and why."""
    from pledgetrack.services.access import PermissionDenied
    from pledgetrack.services.evidence import EvidenceRefused, withdraw_evidence

    on = parse_date_option(as_of, "--as-of")
    engine = engine_for()
    try:
        done = withdraw_evidence(
            engine,
            target_key=target,
            file_name=file,
            reason=reason,
            as_of=on,
            plan=plan,
            actor=state.actor,
        )
    except (EvidenceRefused, PermissionDenied, PlanNotFound) as exc:
        fail(str(exc))
    line = done.line
    typer.echo(
        as_text(
            f"withdrawn: {line.file_name} ({line.media_type}, {_size(line.size)}, "
            f"sha256 {line.sha256[:12]}) from {line.key} ({line.as_of}): {done.reason}"
        )
    )


@evidence_app.command("export")
def evidence_export(
    out: Annotated[
        Path,
        typer.Option("--out", help="A .zip file, or a new directory, to write the files to."),
    ],
    plan: PlanOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Only figures of this date.")] = None,
    force: Force = False,
) -> None:
    """Write a plan's evidence files, under <target>/<date>/, with manifest.csv (target,
    date, file name, SHA-256, …): a zip file when --out ends in .zip, else a new directory."""
    from pledgetrack.services.evidence_export import export_evidence

    on = parse_date_option(as_of, "--as-of")
    engine = engine_for()
    try:
        done = export_evidence(engine, out, plan=plan, as_of=on, force=force)
    except (OutputRefused, PlanNotFound) as exc:
        fail(f"--out: {exc}" if isinstance(exc, OutputRefused) else str(exc))
    except OSError as exc:
        fail(f"--out: cannot write {out}: {os_reason(exc)}")
    files = "file" if done.files == 1 else "files"
    typer.echo(f"wrote {done.files} evidence {files} and manifest.csv to {done.path}")
