"""Tables printed to a file or a pipe are laid out by cli.render.plain_table_lines when
they are simple enough, character for character as rich prints them (issue 15: rich's
layout was a fifth of `status` on the sample)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from sqlalchemy.engine import Engine

from pledgetrack.cli.render import plain_table_lines, status_table
from pledgetrack.services.status import plan_status


def by_rich(table: Table) -> str:
    wide = Console(width=10**5, file=io.StringIO())
    width = Measurement.get(wide, wide.options, table).maximum
    out = io.StringIO()
    Console(width=max(1, width), soft_wrap=False, file=out).print(table)
    return out.getvalue()


def by_hand(table: Table) -> str | None:
    lines = plain_table_lines(table)
    return None if lines is None else "".join(f"{line}\n" for line in lines)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "chosen",
    [{"on": date(2020, 10, 31)}, {"on": date(2020, 2, 29)},
     {"on": date(2020, 10, 31), "department": "市民政局"}],
)  # fmt: skip
def test_the_status_table_is_laid_out_as_rich_does(
    engine: Engine, lang: str, chosen: dict[str, object]
) -> None:
    evaluation = plan_status(engine, **chosen)  # type: ignore[arg-type]
    made = by_hand(status_table(evaluation, lang))
    assert made is not None
    assert made == by_rich(status_table(evaluation, lang))


texts = st.lists(
    st.sampled_from([*"ab 事项青岛市—…·%0.1-（）", "市人力资源社会保障局", "  "]), max_size=12
).map("".join)


@settings(max_examples=150, deadline=None)
@given(
    title=st.none() | texts,  # None: a table without a title (review list)
    caption=st.none() | texts,
    rows=st.lists(st.tuples(texts, texts, texts), max_size=6),
    right=st.booleans(),
    limit=st.none() | st.integers(min_value=2, max_value=12),
    least=st.none() | st.integers(min_value=1, max_value=20),
)
def test_any_simple_table_is_laid_out_as_rich_does(
    title: str | None,
    caption: str | None,
    rows: list[tuple[str, str, str]],
    right: bool,
    limit: int | None,
    least: int | None,
) -> None:
    def table() -> Table:
        made = Table(
            title=None if title is None else Text(title),
            caption=None if caption is None else Text(caption),
        )
        made.add_column("序号", justify="right" if right else "left", no_wrap=True)
        made.add_column("事项", min_width=least, ratio=3)
        made.add_column("单位", max_width=limit, no_wrap=True, overflow="ellipsis")
        for a, b, c in rows:
            made.add_row(Text(a), Text(b), Text(c))
        return made

    made = by_hand(table())
    if made is not None:
        assert made == by_rich(table())
