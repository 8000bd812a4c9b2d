"""`pledgetrack review`: list submitted figures, approve them, or return them."""

from collections.abc import Iterator
from enum import StrEnum
from itertools import chain
from typing import TYPE_CHECKING, Annotated

import typer

from pledgetrack.cli.app import PlanOption, app, engine_for, fail, parse_date_option, state, sub_app
from pledgetrack.domain.errors import PlanNotFound

if TYPE_CHECKING:
    from pledgetrack.services.review import ReviewLine

review_app = sub_app("Review submitted figures: list them, approve, or return.")
app.add_typer(review_app, name="review")


class ReviewStatus(StrEnum):
    submitted = "submitted"
    returned = "returned"
    approved = "approved"
    all = "all"


@review_app.command("list")
def review_list_cmd(
    department: Annotated[
        str | None,
        typer.Option(
            "--department", help="Only this department's items (a unit: its shares' figures)."
        ),
    ] = None,
    status: Annotated[
        ReviewStatus | None,
        typer.Option(
            "--status",
            help="submitted, returned, approved or all (default: submitted and returned).",
        ),
    ] = None,
    plan: PlanOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Current figures waiting for review (or in another review state), by item and date."""
    from pledgetrack.cli.render import (
        REVIEW_GIVES_WAY,
        json_list_chunks,
        print_streamed_table,
        review_json_item,
        review_table,
        review_texts,
    )
    from pledgetrack.services.review import STATES, ReviewRefused, review_lines

    states: tuple[str, ...]
    if status is None:
        states = ("submitted", "returned")
    elif status is ReviewStatus.all:
        states = STATES
    else:
        states = (status.value,)
    engine = engine_for()
    try:
        lines = review_lines(engine, plan=plan, department=department, states=states)
    except (ReviewRefused, PlanNotFound) as exc:
        fail(str(exc))
    if as_json:
        # Written as the figures are read: --status all lists every current reading.
        for chunk in json_list_chunks(review_json_item(line) for line in lines):
            typer.echo(chunk, nl=False)
        typer.echo()
        return
    first = next(lines, None)
    if first is None:
        typer.echo(f"no figures {' or '.join(states)}")
        return
    # To a file or a pipe the table is read twice (widths, then lines), never held whole.
    passes = [chain([first], lines)]

    def again() -> "Iterator[ReviewLine]":
        if passes:
            return passes.pop()
        return review_lines(engine, plan=plan, department=department, states=states)

    print_streamed_table(
        review_table([]),
        lambda: map(review_texts, again()),
        lambda: review_table(list(again())),
        REVIEW_GIVES_WAY,
    )


def _review(
    decision: str,
    target: str | None,
    as_of: str | None,
    snapshot_id: int | None,
    comment: str,
    plan: str | None,
    missing_evidence: bool = False,
) -> None:
    from pledgetrack.services.access import PermissionDenied
    from pledgetrack.services.review import ReviewRefused, review

    if snapshot_id is None and (target is None or as_of is None):
        fail("say which figure: TARGET --as-of DATE, or --id N (see 'pledgetrack review list')")
    on = parse_date_option(as_of, "--as-of")
    engine = engine_for()
    try:
        done = review(
            engine,
            decision=decision,
            comment=comment,
            snapshot_id=snapshot_id,
            target_key=target,
            as_of=on,
            plan=plan,
            actor=state.actor,
            missing_evidence=missing_evidence,
        )
    except (PermissionDenied, ReviewRefused, PlanNotFound) as exc:
        fail(str(exc))
    said = f": {done.comment}" if done.comment else ""
    typer.echo(f"{done.key} ({done.as_of}) {done.decision}{said}")


@review_app.command("approve")
def review_approve(
    target: Annotated[str | None, typer.Argument(help="Target key, e.g. 28.1.")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date of the figure (2020-11-30, 2020-11).")
    ] = None,
    snapshot_id: Annotated[
        int | None, typer.Option("--id", help="The figure's id (from 'review list').")
    ] = None,
    comment: Annotated[str, typer.Option("--comment", help="Optional remark.")] = "",
    plan: PlanOption = None,
) -> None:
    """Approve a figure (supervisors and admins): reports from approved figures use it."""
    _review("approved", target, as_of, snapshot_id, comment, plan)


@review_app.command("return")
def review_return(
    target: Annotated[str | None, typer.Argument(help="Target key, e.g. 28.1.")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date of the figure (2020-11-30, 2020-11).")
    ] = None,
    snapshot_id: Annotated[
        int | None, typer.Option("--id", help="The figure's id (from 'review list').")
    ] = None,
    comment: Annotated[
        str,
        typer.Option(
            "--comment", help="What to fix (required, unless --missing-evidence); staff see it."
        ),
    ] = "",
    plan: PlanOption = None,
    missing_evidence: Annotated[
        bool,
        typer.Option(
            "--missing-evidence",
            help="Return it for want of evidence: the comment starts with 缺少佐证材料 "
            "(attach files with 'pledgetrack evidence add').",
        ),
    ] = False,
) -> None:
    """Return a figure to its department with a comment (supervisors and admins); a
    corrected figure is submitted again."""
    _review("returned", target, as_of, snapshot_id, comment, plan, missing_evidence)
