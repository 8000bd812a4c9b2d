"""A read-only TextArea whose long lines break as Chinese typesetting breaks them.

Textual's soft wrap breaks CJK text at any cell: inside ``138.6%``, before ``、`` or
``。``. Here the breaks come from :func:`pledgetrack.domain.linebreak.break_line`
(whole numbers and words, 避头尾, hanging indentation). Only the display is broken:
the document keeps the text as given, so ``.text``, a selection and ``ctrl+c`` copy it
exactly, and a resize breaks the lines anew for the new width.

Textual is pinned exactly (pyproject.toml): the wrapped view below fills the same
structures as Textual's own ``WrappedDocument.wrap``, and the report screen's pilot
tests would fail if a new Textual changed them.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual.document._document import DocumentBase, Location
from textual.document._document_navigator import DocumentNavigator
from textual.document._wrapped_document import WrappedDocument
from textual.expand_tabs import get_tab_widths
from textual.geometry import Offset
from textual.strip import Strip
from textual.widgets import TextArea

from pledgetrack.domain.linebreak import LineBreaks, break_line


class BrokenLinesDocument(WrappedDocument):
    """The wrapped view of a document, broken by :func:`break_line`; continuation rows
    of an indented line are shown indented by its ``hang`` (see :meth:`hang_of_row`)."""

    def __init__(self, document: DocumentBase, width: int = 0, tab_width: int = 4) -> None:
        self._hangs: list[int] = []
        super().__init__(document, width, tab_width)

    def _cell_width(self, char: str) -> int:
        # A tab counts as wide as it can be, so a line with tabs never runs over.
        return self._tab_width if char == "\t" else cell_len(char)

    def wrap(self, width: int, tab_width: int | None = None) -> None:
        self._width = width
        if tab_width:
            self._tab_width = tab_width
        wrap_offsets: list[list[int]] = []
        hangs: list[int] = []
        row_to_line: list[tuple[int, int]] = []
        line_to_rows: list[list[int]] = []
        tab_widths: list[list[int]] = []
        row = 0
        for line_index, line in enumerate(self.document.lines):
            breaks = (
                break_line(line, width, cell_width=self._cell_width) if width else LineBreaks(())
            )
            wrap_offsets.append(list(breaks.offsets))
            hangs.append(breaks.hang)
            tab_widths.append(
                [w for _, w in get_tab_widths(line, self._tab_width)]
                if "\t" in line
                else [0]
                if line
                else []  # what get_tab_widths gives, without its cost
            )
            rows = list(range(row, row + len(breaks.offsets) + 1))
            row_to_line.extend((line_index, section) for section in range(len(rows)))
            line_to_rows.append(rows)
            row += len(rows)
        self._wrap_offsets = wrap_offsets
        self._hangs = hangs
        self._offset_to_line_info = row_to_line
        self._line_index_to_offsets = line_to_rows
        self._tab_width_cache = tab_widths

    def wrap_range(self, start: Location, old_end: Location, new_end: Location) -> None:
        # The text is read-only; should it change all the same, break it all anew.
        self.wrap(self._width)

    def hang_of_row(self, row: int) -> int:
        """Cells a row of the wrapped view is indented by (0 on a line's first row)."""
        if not 0 <= row < len(self._offset_to_line_info):
            return 0
        line_index, section = self._offset_to_line_info[row]
        return self._hangs[line_index] if section else 0

    def offset_to_location(self, offset: Offset) -> Location:
        x, y = offset
        return super().offset_to_location(Offset(max(0, x - self.hang_of_row(max(0, y))), y))

    def location_to_offset(self, location: Location) -> Offset:
        offset = super().location_to_offset(location)
        return Offset(offset.x + self.hang_of_row(offset.y), offset.y)


class ReadingTextArea(TextArea):
    """A read-only, soft-wrapped TextArea broken by :class:`BrokenLinesDocument`."""

    #: While the document is replaced: Textual's own view of it is made, then ours.
    _replacing_document = False

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        super().__init__(text, read_only=True, soft_wrap=True, **kwargs)

    @property
    def wrap_width(self) -> int:
        # 0 (no wrapping) while Textual's own view is made, so it is not broken in vain
        return 0 if self._replacing_document else super().wrap_width

    def _set_document(self, text: str, language: str | None) -> None:
        self._replacing_document = True
        try:
            super()._set_document(text, language)
        finally:
            self._replacing_document = False
        self.wrapped_document = BrokenLinesDocument(self.document, tab_width=self.indent_width)
        self.navigator = DocumentNavigator(self.wrapped_document)
        self._rewrap_and_refresh_virtual_size()

    def _render_line(self, y: int) -> Strip:
        strip = super()._render_line(y)
        wrapped = self.wrapped_document
        if not isinstance(wrapped, BrokenLinesDocument):  # pragma: no cover - always is
            return strip
        hang = wrapped.hang_of_row(self.scroll_offset.y + y)
        if not hang:
            return strip
        theme = self._theme
        style = theme.base_style if theme and theme.base_style else self.rich_style
        return Strip.join([Strip.blank(hang, style), strip]).crop(0, strip.cell_length)
