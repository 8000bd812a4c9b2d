"""What `status --summary` and `status --json` print: summary lines, the summary's JSON,
the listing's JSON document.

Apart from cli.render (rich's tables) so that these two outputs import no rich: issue
15, every hundredth of a second of start-up counts against the raw query. cli.render
re-exports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from json.encoder import encode_basestring as text
from typing import TYPE_CHECKING, Any

from pledgetrack.domain.dates import date_label
from pledgetrack.domain.model import Status
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


def _joined(fields: Sequence[str], close: str = "}") -> Callable[..., list[str]]:
    """Rows of JSON tokens, one column per field of *fields*, as the JSON objects
    ``json.dumps`` writes for them (", " and ": " between): each row one ``"".join``
    of the tokens between the fields' labels (``%`` formatting of 16 fields cost 2 µs a
    row; this, 0.6 µs)."""
    from itertools import repeat

    labels = [("{" if n == 0 else ", ") + f'"{name}": ' for n, name in enumerate(fields)]

    def rows(*columns: Iterable[str]) -> list[str]:
        assert len(columns) == len(fields)
        pieces = [
            part
            for label, column in zip(labels, columns, strict=True)
            for part in (repeat(label), column)
        ]
        return list(map("".join, zip(*pieces, repeat(close))))

    return rows


_ITEM_FIELDS = ("no", "title", "pledge", "pledge_title", "annual_target", "departments",
                "status", "completion", "expected", "last_report", "targets")  # fmt: skip
_TARGET_FIELDS = ("key", "name", "unit", "target", "at_least", "value", "done", "as_of",
                  "completion", "expected", "assessed", "kind", "status", "deadline", "works",
                  "per_period")  # fmt: skip


def item_lines(listing: StatusListing, batch: int = 2000) -> Iterator[str]:
    """Each item of `status --json` listed, in list order, as the one line
    ``json.dumps(item, ensure_ascii=False)`` would write for its dict (README: the
    fields; tests/test_status_json_stream.py holds the two equal)."""
    for lines in item_line_batches(listing, batch):
        yield from lines


def item_line_batches(listing: StatusListing, batch: int = 2000) -> Iterator[list[str]]:
    """:func:`item_lines`, *batch* items at a time.

    Made column by column: json's C encoder turns a whole column of figures into its
    tokens at once and its string encoder each text, repeated texts (kinds, deadlines,
    dates, pledge titles) are escaped once, and a target or an item is then one string
    formatting, mapped over the columns without a Python loop of our own. (A dict per
    target through ``json.dumps`` cost 15 µs a target; this, about 3 µs.)"""
    from itertools import compress, islice

    from pledgetrack.domain.columns import STATUS_BY_CODE

    columns = listing.columns
    t, r, i = columns.targets, columns.readings, columns.items
    status = [text(s.value) for s in STATUS_BY_CODE]
    shown = [False] * len(listing.items)
    for p in listing.counted:
        shown[p] = True
    assessed = [_BOOLEAN[n > 0] for n in listing.assessed_per_item()]
    item_ids, item_nos, titles, pledge_nos = (
        zip(*listing.items, strict=True) if listing.items else ((),) * 4
    )
    flat = bool(listing.plan.flat)
    pledges = {no: str(no) for no in listing.pledge_titles}
    pledge_titles = {no: text(title) for no, title in listing.pledge_titles.items()}
    departments = listing.departments
    kinds = _Tokens(text)
    deadlines = _Tokens(lambda raw: text(listing.deadline(raw)))
    target_rows, item_rows = _joined(_TARGET_FIELDS), _joined(_ITEM_FIELDS, close="]}")
    for first, last, begin, rows in listing.target_batches(batch):
        end = begin + len(rows)
        _tid, key, name, unit, target, at_least, kept, kind, deadline, per_period = (
            zip(*rows, strict=True) if rows else ((),) * 10
        )
        unseen = ~r.present[begin:end]
        lines = target_rows(
            map(text, key),
            map(text, name),
            map(text, unit),
            _tokens(target),
            map(_BOOLEAN.__getitem__, at_least),
            _figure_tokens(r.value[begin:end], unseen),
            _done_tokens(r, begin, end, unseen),
            _date_tokens(r.as_of[begin:end]),
            _percent_tokens(t.completion[begin:end]),
            _percent_tokens(t.expected[begin:end]),
            map(_BOOLEAN.__getitem__, kept),
            kinds.of(kind),
            map(status.__getitem__, t.status[begin:end].tolist()),
            deadlines.of(deadline),
            ["null"] * len(rows) if r.works is None else _figure_tokens(r.works[begin:end], unseen),
            map(_BOOLEAN.__getitem__, per_period),
        )
        targets = iter(lines)
        per_item = ["[" + ", ".join(islice(targets, n)) for n in listing.per_item[first:last]]
        ids = item_ids[first:last]
        none = ["null"] * len(ids)
        made = item_rows(
            map(str, item_nos[first:last]),
            map(text, titles[first:last]),
            none if flat else map(pledges.__getitem__, pledge_nos[first:last]),
            none if flat else map(pledge_titles.__getitem__, pledge_nos[first:last]),
            assessed[first:last],
            ["[" + ", ".join(map(text, departments.get(d, ()))) + "]" for d in ids],
            map(status.__getitem__, i.status[first:last].tolist()),
            _percent_tokens(i.completion[first:last], i.completion_known[first:last]),
            _percent_tokens(i.expected[first:last], i.expected_known[first:last]),
            _date_tokens(i.last_report[first:last]),
            per_item,
        )
        yield list(compress(made, shown[first:last]))


_BOOLEAN = {True: "true", False: "false", None: "false"}


class _Tokens:
    """Texts seen again and again (a target's kind, its deadline) as their JSON tokens,
    each made once by *make*."""

    def __init__(self, make: Callable[[Any], str]) -> None:
        self._make = make
        self._made: dict[object, str] = {}

    def of(self, raws: Sequence[object]) -> list[str]:
        made = self._made
        for raw in set(raws) - made.keys():
            made[raw] = self._make(raw)
        return list(map(made.__getitem__, raws))


def _tokens(values: Sequence[Any]) -> list[str]:
    """Each of *values* (numbers, booleans, None) as json writes it."""
    import json

    if not values:
        return []
    return json.dumps(list(values))[1:-1].split(", ")


def _figure_tokens(column: Any, unseen: Any) -> list[str]:
    """Figures as json writes them, ``null`` where NaN (none given) or *unseen*."""
    import json

    if not len(column):
        return []
    shown = column.copy()
    shown[unseen] = float("nan")
    return json.dumps(shown.tolist())[1:-1].replace("NaN", "null").split(", ")


def _done_tokens(r: Any, begin: int, end: int, unseen: Any) -> list[str]:
    """Whether each reading says done: ``null`` where there is no reading or it says
    nothing."""
    tokens = list(map(_BOOLEAN.__getitem__, r.done[begin:end].tolist()))
    silent = unseen if r.done_given is None else unseen | ~r.done_given[begin:end]
    for j in silent.nonzero()[0].tolist():
        tokens[j] = "null"
    return tokens


def _percent_tokens(column: Any, known: Any = None) -> list[str]:
    """Percentages as shown (one decimal, half up: domain.numbers.round_percents),
    ``null`` where not *known* (default: where NaN)."""
    import json

    import numpy as np

    from pledgetrack.domain.numbers import round_percents

    if not len(column):
        return []
    rounded = round_percents(column)
    if known is not None:
        rounded[~np.asarray(known)] = np.nan
    return json.dumps(rounded.tolist())[1:-1].replace("NaN", "null").split(", ")


def _date_tokens(ordinals: Any) -> list[str]:
    """Date ordinals (0: none) as quoted ISO dates (``null``), each distinct date made
    once."""
    import numpy as np

    if not len(ordinals):
        return []
    distinct, at = np.unique(ordinals, return_inverse=True)
    made = [
        "null" if day == 0 else f'"{date.fromordinal(day).isoformat()}"'
        for day in distinct.tolist()
    ]
    return list(map(made.__getitem__, at.tolist()))
