"""Office plan tables whose targets are sentences (``import plan --from-text``): each row's
目标任务 split into target rows (domain/target_text.py), and what was guessed, for the
preview. Without ``--from-text`` such a table is refused: nothing guessed is stored
unless the user asked for it, having seen the proposal (``--from-text --dry-run``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pledgetrack.domain.errors import CellError, ImportRejected
from pledgetrack.domain.numbers import format_number
from pledgetrack.domain.target_text import (
    TargetProposal,
    figure_only,
    numbered_list,
    split_targets,
    states_figures,
)
from pledgetrack.exchange.table_body import Row


@dataclass(frozen=True)
class ProposedTarget:
    """A target read from a sentence, on the file row of that sentence."""

    row: Row
    proposal: TargetProposal

    @property
    def key(self) -> str:
        return self.row.get("target")


@dataclass
class TableGuesses:
    """What an import guessed: the office-table fill-ins and the targets read from sentences."""

    lines: list[str] = field(default_factory=list)
    proposed: list[ProposedTarget] = field(default_factory=list)


def is_office_table(rows: list[Row]) -> bool:
    """A plan table without a ``plan`` column (exchange/office_plan.py ``office_plan_rows``)."""
    return bool(rows) and "plan" not in rows[0].cells


def split_sentence_rows(rows: list[Row], name: str, guesses: TableGuesses) -> list[Row]:
    """*rows* with every 目标任务 sentence whose row has no 目标值 replaced by one row per
    target it states (same file row number); every clause that cannot be read is a
    ``file:row:target_name`` problem, and nothing is returned then."""
    if rows and not is_office_table(rows):
        raise ImportRejected(
            [
                CellError(
                    name,
                    rows[0].number,
                    "plan",
                    "--from-text reads office tables (no plan column); a plan file states "
                    "each target on a row of its own, with target_value and unit",
                )
            ]
        )
    out: list[Row] = []
    errors: list[CellError] = []
    numbered = _numbered_items(rows)
    place: dict[str, int] = {}  # item → rows of it so far
    for row in rows:
        sentence = row.get("target_name")
        item = row.get("item")
        place[item] = place.get(item, 0) + 1
        if row.get("target_value") or not sentence or figure_only(sentence):
            out.append(row)  # a figure alone: exchange/office_plan.py figure_targets
            continue
        split = split_targets(sentence, place[item] if item in numbered else None)
        errors += [CellError(name, row.number, "target_name", p) for p in split.problems]
        for proposal in split.targets:
            value = "" if proposal.value is None else format_number(proposal.value)
            cells = {
                **row.cells,
                "target_name": proposal.name,
                "target_value": value + ("以上" if value and proposal.at_least else ""),
                "unit": proposal.unit,
            }
            split_row = Row(row.number, cells)
            out.append(split_row)
            guesses.proposed.append(ProposedTarget(split_row, proposal))
    if errors:
        raise ImportRejected(errors)
    return out


def _numbered_items(rows: list[Row]) -> set[str]:
    """The items whose 目标任务 sentences are a numbered list (domain.target_text
    :func:`numbered_list`)."""
    by_item: dict[str, list[str]] = {}
    for row in rows:
        by_item.setdefault(row.get("item"), []).append(row.get("target_name"))
    return {item for item, sentences in by_item.items() if numbered_list(sentences)}


def refuse_sentence_targets(rows: list[Row], name: str) -> None:
    """Refuse an office table that states figures only in its 目标任务 sentences (no 目标值
    column) when ``--from-text`` was not given: it would import every target as a
    milestone, its figures lost."""
    if not is_office_table(rows) or "target_value" in rows[0].cells:
        return
    for row in rows:
        sentence = row.get("target_name")
        if states_figures(sentence) and figure_only(sentence) is None:
            raise ImportRejected(
                [
                    CellError(
                        name,
                        row.number,
                        "target_name",
                        f"{row.get('target_name')!r} states its target in a sentence and the "
                        "table has no 目标值 column: see what `import plan FILE --from-text "
                        "--dry-run` reads from the sentences, then import with --from-text "
                        "(or add 目标值 and 单位 columns)",
                    )
                ]
            )
