"""Text from people: refused at input when it holds invisible controls, made safe at output.

**At input** (imported files, text typed in the CLI and the TUI) one rule,
:func:`text_problem`, refuses:

* C0 control characters (NUL, ESC, BEL, backspace …) and DEL, so no escape sequence
  is stored;
* C1 control characters (U+0080–U+009F, among them the 8-bit CSI U+009B);
* bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069), which make
  text read differently from what it is ("Trojan Source").

Tab and line breaks (LF, CR) are allowed in *free text*: notes, comments, titles and
target names, where a cell typed in Excel with Alt+Enter holds a line break. They are
refused in names and codes: plan codes, target keys, units, departments, people.

**At output** :func:`shown` makes text already stored (before this check existed, or
written by other programs) safe for every renderer: the refused characters and whole
terminal escape sequences are removed, CR LF and CR become LF. What is left is valid
in XML (DOCX, XLSX) and harmless on a terminal.

**Spreadsheet formulas** (CSV injection): :func:`as_formula_safe` prefixes ``'`` to a
text cell a spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``,
``@``, tab or CR); :func:`from_formula_safe` undoes it when a file is read back.
"""

from __future__ import annotations

import re

#: Controls never allowed in anything a person gives (tab, LF and CR are decided per field).
_ALWAYS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_REFUSED_FREE = re.compile(f"[{_ALWAYS}]")
_REFUSED_NAME = re.compile(f"[{_ALWAYS}\t\n\r]")

#: A whole terminal escape sequence (CSI, OSC, or a two-character escape), or one refused
#: character on its own.
_UNSAFE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, screen clears
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window titles, hyperlinks
    r"|\x1b[@-Z\\-_]"  # other two-character escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    f"|[{_ALWAYS}]"
)

_NAMES = {
    "\x00": "NUL",
    "\x07": "BEL",
    "\x08": "backspace",
    "\t": "tab",
    "\n": "line break",
    "\r": "carriage return",
    "\x1b": "ESC, a terminal escape",
    "\x7f": "DEL",
    "\x9b": "CSI, a terminal escape",
}

#: What a spreadsheet reads as the start of a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"


class TextRefused(ValueError):
    """Text holds a character that is refused (see :func:`text_problem`); the message names
    the field and the character."""

    def __init__(self, field: str, problem: str):
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


def character_name(char: str) -> str:
    """``NUL``, ``ESC, a terminal escape``, ``a bidirectional control``."""
    if char in _NAMES:
        return _NAMES[char]
    if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        return "a bidirectional control"
    return "a control character"


def character_code(char: str) -> str:
    """``U+001B``."""
    return f"U+{ord(char):04X}"


def refused_character(text: str, *, free: bool = False) -> str | None:
    """The first character of *text* that is refused, or None. *free*: free text (notes,
    comments, titles), where tab and line breaks are allowed."""
    if text.isprintable():  # the common case, at C speed
        return None
    found = (_REFUSED_FREE if free else _REFUSED_NAME).search(text)
    return None if found is None else found.group()


def text_problem(text: str, *, free: bool = False) -> str | None:
    """Why *text* cannot be stored (in words), or None; *free* as in :func:`refused_character`."""
    char = refused_character(text, free=free)
    if char is None:
        return None
    return f"contains {character_code(char)} ({character_name(char)}), which is not allowed here"


def require_text(text: str, field: str, *, free: bool = False) -> str:
    """*text* if it may be stored, else TextRefused naming *field* (for typed text: a note,
    a comment, a person's or a department's name)."""
    problem = text_problem(text, free=free)
    if problem is not None:
        raise TextRefused(field, problem)
    return text


def shown(text: str) -> str:
    """*text* safe to show or write: controls, bidi overrides and terminal escape sequences
    removed, line ends as LF (tab and LF kept)."""
    if text.isprintable():
        return text
    return _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: str) -> str:
    """:func:`shown`, with tabs and line breaks as spaces (a table cell, a heading)."""
    cleaned = shown(text)
    if "\n" in cleaned or "\t" in cleaned:
        return " ".join(cleaned.replace("\t", " ").split("\n"))
    return cleaned


def as_formula_safe(text: str) -> str:
    """A text cell a spreadsheet will not run: ``=SUM(A1)`` → ``'=SUM(A1)``.

    Text that already starts with quotes before a formula start gets one more, so that
    :func:`from_formula_safe` gives back exactly the text (``'=x`` → ``''=x`` → ``'=x``).
    """
    if text.startswith(FORMULA_STARTS) or (
        text.startswith(_QUOTE) and text.lstrip(_QUOTE).startswith(FORMULA_STARTS)
    ):
        return _QUOTE + text
    return text


def from_formula_safe(text: str) -> str:
    """The text :func:`as_formula_safe` was given: one leading ``'`` before a formula start
    is dropped (also one a person typed in Excel to keep ``=…`` as text)."""
    if text.startswith(_QUOTE) and text.lstrip(_QUOTE).startswith(FORMULA_STARTS):
        return text[1:]
    return text
