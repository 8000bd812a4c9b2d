"""What `status --summary` and `status --json` print: summary lines, the summary's JSON,
the listing's JSON document.

Apart from cli.render (rich's tables) so that these two outputs import no rich: issue
15, every hundredth of a second of start-up counts against the raw query. cli.render
re-exports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from pledgetrack.domain.dates import date_label
from pledgetrack.domain.model import Status
from pledgetrack.domain.numbers import round_percent
from pledgetrack.domain.text import one_line
from pledgetrack.i18n import status_label, t

if TYPE_CHECKING:
    from pledgetrack.domain.breakdown import UnitStatus
    from pledgetrack.services.status import StatusListing, StatusSummary


def number_ranges(numbers: list[int], separator: str) -> str:
    """Item numbers with runs shortened: [1, 2, 3, 5, 7, 8] → "1-3, 5, 7-8"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return separator.join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def summary_json(found: StatusSummary, on: date) -> dict[str, Any]:
    """`status --summary --json` (documented in the README)."""
    counts = found.counts()
    return {
        "plan": found.plan,
        "plan_title": found.plan_title,
        "as_of": on.isoformat(),
        "total": found.total,
        "counts": {s.value: n for s, n in counts.items()},
        "items": {s.value: found.items(s) for s in counts},
    }


def summary_lines(found: StatusSummary, on: date, lang: str) -> list[str]:
    """`status --summary`: the title, the counts, then the item numbers of each status
    but on track (``已完成:1、3-4、6-7``)."""
    counts = found.counts()
    lines = [
        t("status.title", lang, plan=one_line(found.plan_title), date=date_label(on, lang)),
        t("status.summary", lang, total=found.total, **{s.value: n for s, n in counts.items()}),
    ]
    for status_ in counts:
        if status_ is not Status.ON_TRACK and counts[status_]:
            numbers = number_ranges(found.items(status_), "、" if lang == "zh" else ", ")
            lines.append(f"{status_label(status_, lang)}{':' if lang == 'zh' else ': '}{numbers}")
    return lines


def status_json_head(listing: StatusListing) -> dict[str, Any]:
    """The status JSON without its items (``"items": []``), in the document's key order."""
    achieved = listing.columns.items.achieved.tolist()
    assessed = listing.assessed_per_item()
    numbers = [(listing.items[i][1], i) for i in listing.counted]
    return {
        "plan": listing.plan.code,
        "plan_title": listing.plan.title,
        "as_of": listing.as_of.isoformat(),
        "flat": bool(listing.plan.flat),
        "items": [],
        "summary": {
            "counts": {s.value: n for s, n in listing.counts().items()},
            "achieved": [no for no, i in numbers if achieved[i]],
            "without_annual_target": [no for no, i in numbers if not assessed[i]],
        },
    }


def write_status_json(
    listing: StatusListing | None, write: Callable[[str], Any], unit: UnitStatus | None = None
) -> None:
    """`status --json` (documented in the README), written through *write* an item at a
    time: the document indented by two, each item (with its targets) on one line, as
    ``json.dumps(item, ensure_ascii=False)`` writes it.

    A province (100,000 targets) is never held whole, as text, dicts or target objects
    (issue 15: 733 MB before), and its lines are made column by column
    (:func:`item_lines`): json's indenting encoder is pure Python and took longer than
    the rest of the command.

    With *unit* (the department asked for is a unit targets are split to), the document
    ends with its shares (``"unit"``, cli.render.unit_json), each of its items on one
    line too; without *listing* (the unit answers for no item) its ``items`` are empty."""
    import json

    head = status_json_head(listing) if listing is not None else _no_items_head(unit)
    if unit is not None:
        from pledgetrack.cli.render import unit_json

        head["unit"] = unit_json(unit, items=False)
    text = json.dumps(head, ensure_ascii=False, indent=2)
    before, marker, after = text.partition('"items": []')
    assert marker, text
    write(before)
    write('"items": [')
    first = True
    pending: list[str] = []  # written 500 items at a time: a write per item cost 0.1 s
    for line in item_lines(listing) if listing is not None else ():
        pending.append(("\n    " if first else ",\n    ") + line)
        first = False
        if len(pending) == 500:
            write("".join(pending))
            pending.clear()
    write("".join(pending) + ("]" if first else "\n  ]"))
    if unit is not None:
        from pledgetrack.cli.render import unit_items_json

        # The unit's items: the last '"items": []' (text from the database is escaped).
        between, marker, after = after.rpartition('"items": []')
        assert marker, text
        write(between)
        lines = [json.dumps(item, ensure_ascii=False) for item in unit_items_json(unit)]
        write('"items": [' + ",".join(f"\n      {line}" for line in lines) + "\n    ]")
    write(after)
    write("\n")


def _no_items_head(unit: UnitStatus | None) -> dict[str, Any]:
    """The status JSON of a unit that answers for no item: no items, every count 0."""
    from pledgetrack.domain.model import STATUS_ORDER

    assert unit is not None
    plan = unit.evaluation.structure
    return {
        "plan": plan.code,
        "plan_title": plan.title,
        "as_of": unit.evaluation.as_of.isoformat(),
        "flat": bool(plan.flat),
        "items": [],
        "summary": {
            "counts": {s.value: 0 for s in STATUS_ORDER},
            "achieved": [],
            "without_annual_target": [],
        },
    }


_ITEM = (
    '{"no": %s, "title": %s, "pledge": %s, "pledge_title": %s, "annual_target": %s, '
    '"departments": %s, "status": %s, "completion": %s, "expected": %s, '
    '"last_report": %s, "targets": [%s]}'
)
_TARGET = (
    '{"key": %s, "name": %s, "unit": %s, "target": %s, "at_least": %s, "value": %s, '
    '"done": %s, "as_of": %s, "completion": %s, "expected": %s, "assessed": %s, '
    '"kind": %s, "status": %s, "deadline": %s, "works": %s, "per_period": %s}'
)


def item_lines(listing: StatusListing, batch: int = 2000) -> Iterator[str]:
    """Each item of `status --json` listed, in list order, as the one line
    ``json.dumps(item, ensure_ascii=False)`` would write for its dict (README: the
    fields; tests/test_status_json_stream.py holds the two equal).

    Made column by column, *batch* items at a time: json's own C encoder turns a whole
    column of figures into its tokens at once, and its string encoder each text; a
    target is then one string formatting. (A dict per target through ``json.dumps``
    cost 15 µs a target.)"""
    from json.encoder import encode_basestring as text

    from pledgetrack.domain.columns import STATUS_BY_CODE

    columns = listing.columns
    t, r, i = columns.targets, columns.readings, columns.items
    status = [text(s.value) for s in STATUS_BY_CODE]
    days = _iso_days()
    present = r.present.tolist()
    given = present if r.done_given is None else r.done_given.tolist()
    done_all = r.done.tolist()
    assessed = listing.assessed_per_item()
    shown = [False] * len(listing.items)
    for p in listing.counted:
        shown[p] = True
    flat = bool(listing.plan.flat)
    deadlines: dict[object, str] = {}
    for first, last, begin, rows in listing.target_batches(batch):
        end = begin + len(rows)
        _tid, key, name, unit, target, at_least, kept, kind, deadline, per_period = (
            zip(*rows, strict=True) if rows else ((),) * 10
        )
        seen = present[begin:end]
        for raw in set(deadline) - deadlines.keys():
            deadlines[raw] = text(listing.deadline(raw))
        lines = [
            _TARGET % row
            for row in zip(
                map(text, key),
                map(text, name),
                map(text, unit),
                _tokens(target),
                _booleans(at_least),
                _tokens(_where(seen, r.value[begin:end].tolist()), nan=None),
                _tokens(_where(seen, _where(given[begin:end], done_all[begin:end]))),
                [_quoted(days(d)) for d in r.as_of[begin:end].tolist()],
                _percent_tokens(t.completion[begin:end]),
                _percent_tokens(t.expected[begin:end]),
                _booleans(kept),
                map(text, kind),
                [status[c] for c in t.status[begin:end].tolist()],
                map(deadlines.__getitem__, deadline),
                ["null"] * len(rows)
                if r.works is None
                else _tokens(_where(seen, r.works[begin:end].tolist()), nan=None),
                _booleans(per_period),
                strict=True,
            )
        ]
        completion = _percent_tokens(i.completion[first:last], i.completion_known[first:last])
        expected = _percent_tokens(i.expected[first:last], i.expected_known[first:last])
        item_status = i.status[first:last].tolist()
        last_report = i.last_report[first:last].tolist()
        at = 0
        for p in range(first, last):
            count = listing.per_item[p]
            if shown[p]:
                item_id, no, title, pledge_no = listing.items[p]
                yield _ITEM % (
                    no,
                    text(title),
                    "null" if flat else pledge_no,
                    "null" if flat else text(listing.pledge_titles[pledge_no]),
                    "true" if assessed[p] else "false",
                    "[" + ", ".join(map(text, listing.departments.get(item_id, ()))) + "]",
                    status[item_status[p - first]],
                    completion[p - first],
                    expected[p - first],
                    _quoted(days(last_report[p - first])),
                    ", ".join(lines[at : at + count]),
                )
            at += count


def _where(keep: list[bool], values: list[Any]) -> list[Any]:
    """*values* where *keep*, else None."""
    return [v if k else None for k, v in zip(keep, values, strict=True)]


def _tokens(values: Sequence[Any], nan: object = "NaN") -> list[str]:
    """Each of *values* (numbers, booleans, None) as json writes it; with ``nan=None`` a
    NaN (no figure) is ``null``."""
    import json

    listed = list(values)
    if nan is None:
        listed = [None if x != x else x for x in listed]
    if not listed:
        return []
    return json.dumps(listed)[1:-1].split(", ")


def _booleans(values: Sequence[object]) -> list[str]:
    return ["true" if v else "false" for v in values]


def _quoted(day: str | None) -> str:
    return "null" if day is None else f'"{day}"'


def _percent_tokens(column: Any, known: Any = None) -> list[str]:
    """Percentages as shown (one decimal, half up: domain.numbers.round_percent), each
    distinct figure rounded once; ``null`` where not *known* (default: where NaN)."""
    import numpy as np

    distinct, at = np.unique(column, return_inverse=True)
    tokens = _tokens([round_percent(x) for x in distinct.tolist()])
    out = [tokens[j] for j in at.tolist()]
    for j in np.flatnonzero(np.isnan(column) if known is None else ~known).tolist():
        out[j] = "null"
    return out


def _iso_days() -> Callable[[int], str | None]:
    """A date ordinal (0: none) as ISO text, each distinct date made once."""
    made: dict[int, str | None] = {0: None}

    def iso(ordinal: int) -> str | None:
        if ordinal not in made:
            made[ordinal] = date.fromordinal(ordinal).isoformat()
        return made[ordinal]

    return iso
