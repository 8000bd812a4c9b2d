"""What an import guessed, said before its outcome: the office-table fill-ins and, with
``import plan --from-text``, each target read from a 目标任务 sentence, by item."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from pledgetrack.cli.app import as_text
from pledgetrack.domain.numbers import format_number

if TYPE_CHECKING:
    from pledgetrack.services.plans import TableGuesses


def say_guesses(guesses: TableGuesses) -> None:
    """One line per guess, then the targets read from sentences under their items."""
    for line in guesses.lines:
        typer.echo(as_text(f"guessed: {line}"))
    if not guesses.proposed:
        return
    typer.echo("targets read from the 目标任务 sentences:")
    item = None
    for proposed in guesses.proposed:
        row = proposed.row
        if row.get("item") != item:
            item = row.get("item")
            typer.echo(as_text(f"  item {item} {row.get('item_title')}"))
        p = proposed.proposal
        if p.value is None:
            figure = "milestone (done or not done)"
        else:
            figure = f"{format_number(p.value)} {p.unit}".rstrip() + (" 以上" if p.at_least else "")
        said = "".join(f"; guessed: {g}" for g in p.guesses if p.value is not None)
        typer.echo(
            as_text(
                f"    {proposed.key} {p.name}: {figure}{said}  ← {p.clause!r} (row {row.number})"
            )
        )
