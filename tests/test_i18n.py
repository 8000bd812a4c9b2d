"""The message catalog: both languages for every key, the same placeholders in each,
every key used by the code and every key the code asks for present, no text twice."""

from __future__ import annotations

import ast
import re
import string
from collections import defaultdict
from pathlib import Path

import pytest

from pledgetrack.domain.model import Status
from pledgetrack.i18n import LANGS, counted, status_label, t
from pledgetrack.i18n.catalog import CATALOG

SRC = Path(__file__).resolve().parents[1] / "src" / "pledgetrack"
CATALOG_FILE = SRC / "i18n" / "catalog.py"
NAMESPACES = {key.split(".")[0] for key in CATALOG}
KEY_SHAPE = re.compile(r"[a-z_]+(\.[a-z_0-9]+)+")

#: Keys the code builds at run time, by prefix: the rest of the key is a status value,
#: a key binding's action, or a reading problem's code. Such a key counts as used when
#: that rest is a string the source holds (the action or code is written there).
DYNAMIC_PREFIXES = ("status.", "tui.key.", "check.", "report.group.")

#: Text that is empty in one language on purpose: Chinese says 就业方面, English "Jobs".
EMPTY_ON_PURPOSE = {("report.item.suffix", "en")}

#: Keys whose two languages take different values, and why.
DIFFERENT_PLACEHOLDERS = {
    # 2020年11月 takes the month's number, November 2020 its name.
    "entry.month",
    # Under the big item count, Chinese names both counts (12件36项), English the pledges.
    "html.scope",
}

#: ASCII punctuation that Chinese prose writes full width: ，：；（）？！
ASCII_PROSE_PUNCTUATION = re.compile(r"[,:;()?!]")


def _literal_text(text: str) -> str:
    """*text* without its ``{placeholders}``."""
    return "".join(literal for literal, *_ in string.Formatter().parse(text))


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def _sources(*, lookups_only: bool = False) -> list[tuple[Path, ast.Module]]:
    """The package's modules but the catalog; with *lookups_only*, those that look messages
    up (others hold strings of the same shape, such as the audit action ``review.approve``)."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path == CATALOG_FILE or (lookups_only and "pledgetrack.i18n import" not in text):
            continue
        found.append((path, ast.parse(text)))
    return found


def _string_constants() -> set[str]:
    return {
        node.value
        for _, tree in _sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def _key_prefix(node: ast.JoinedStr) -> str:
    """The literal start of an f-string: ``tui.key.`` of ``f"tui.key.{b.action}"``."""
    first = node.values[0] if node.values else None
    return first.value if isinstance(first, ast.Constant) else ""


def test_every_key_has_both_languages() -> None:
    for key, entry in CATALOG.items():
        assert set(entry) == set(LANGS), key
        for lang in LANGS:
            assert entry[lang] or (key, lang) in EMPTY_ON_PURPOSE, (key, lang)


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_both_languages_take_the_same_placeholders(key: str) -> None:
    zh, en = CATALOG[key]["zh"], CATALOG[key]["en"]
    assert (_placeholders(zh) == _placeholders(en)) != (key in DIFFERENT_PLACEHOLDERS)


def test_no_text_is_kept_under_two_keys() -> None:
    keys_of: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, entry in CATALOG.items():
        keys_of[entry["zh"], entry["en"]].append(key)
    assert [keys for keys in keys_of.values() if len(keys) > 1] == []


def test_chinese_prose_uses_full_width_punctuation() -> None:
    ascii_in_zh = {
        key: entry["zh"]
        for key, entry in CATALOG.items()
        if ASCII_PROSE_PUNCTUATION.search(_literal_text(entry["zh"]))
    }
    assert ascii_in_zh == {}


def test_every_key_the_source_asks_for_is_in_the_catalog() -> None:
    missing = []
    for path, tree in _sources(lookups_only=True):
        for node in ast.walk(tree):
            where = f"{path.relative_to(SRC)}:{getattr(node, 'lineno', '?')}"
            # t("report.title", …) and keys kept in tables: ("col.no", "num"), "tui.palette.entry"
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if (
                    KEY_SHAPE.fullmatch(text)
                    and text.split(".")[0] in NAMESPACES
                    and text not in CATALOG
                    and not text.endswith(DYNAMIC_PREFIXES)
                ):
                    missing.append((where, text))
            # t(f"status.{status.value}", …): only the known dynamic prefixes
            if isinstance(node, ast.JoinedStr):
                prefix = _key_prefix(node)
                if KEY_SHAPE.fullmatch(prefix.rstrip(".")) and prefix.split(".")[0] in NAMESPACES:
                    if not prefix.startswith(DYNAMIC_PREFIXES):
                        missing.append((where, prefix + "…"))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                if node.func.id == "t" and node.args:
                    key = node.args[0]
                    if isinstance(key, ast.Constant) and key.value not in CATALOG:
                        missing.append((where, key.value))
    assert missing == []


def test_every_key_in_the_catalog_is_used() -> None:
    constants = _string_constants()
    unused = []
    for key in CATALOG:
        if key in constants:
            continue
        prefix = next((p for p in DYNAMIC_PREFIXES if key.startswith(p)), None)
        if prefix is not None and key.removeprefix(prefix) in constants:
            continue
        unused.append(key)
    assert unused == []


def test_every_status_has_a_label_in_both_languages() -> None:
    for status in Status:
        labels = {status_label(status, lang) for lang in LANGS}
        assert len(labels) == len(LANGS), status


def test_a_message_is_formatted_with_its_values() -> None:
    assert t("tui.counter", "en", label="behind", n=6, total=36) == "behind 6 of 36"
    assert t("col.status", "zh") == "状态"


@pytest.mark.parametrize(
    ("key", "values", "one", "two"),
    [
        ("tui.shown", {}, "1 item shown", "2 items shown"),
        ("tui.department.option", {"name": "D"}, "D (1 item)", "D (2 items)"),
        ("tui.confirm.quit", {}, "1 entry is not saved.", "2 entries are not saved."),
        ("entry.confirm.discard", {}, "Discard it?", "Discard them?"),
        ("entry.fix", {"keys": "1.1"}, "Fix 1 error first: 1.1", "Fix 2 errors first: 1.1"),
        ("entry.confirm.warnings", {"list": ""}, "1 figure needs", "2 figures need"),
        ("entry.conflict", {"list": ""}, "1 target was saved", "2 targets were saved"),
        (
            "entry.summary",
            {"date": "2020-10-31", "changed": 0, "errors": 0, "warnings": 0},
            "· 1 target ·",
            "· 2 targets ·",
        ),
    ],
)
def test_english_counts_of_one_are_singular(key: str, values: dict, one: str, two: str) -> None:
    assert one in t(key, "en", n=1, **values)
    assert two in t(key, "en", n=2, **values)
    assert "{" not in t(key, "zh", n=1, **values)  # Chinese has no plural: the same words


def test_english_counts_in_the_status_summary_and_the_report() -> None:
    counts = {
        "achieved": 1,
        "ahead": 0,
        "on_track": 0,
        "behind": 0,
        "overdue": 0,
        "not_reported": 0,
    }
    assert t("status.summary", "en", total=1, **counts).startswith("1 item: 1 achieved")
    assert t("status.summary", "en", total=2, **counts).startswith("2 items: 1 achieved")
    headline = {"date": "end of May 2020", "which": ""}
    one = t("report.scope", "en", plan="P", total=1, pledges=1)
    assert t("report.headline", "en", achieved=1, scope=one, **headline) == (
        "As of the end of May 2020, 1 of the 1 item of P (1 pledge) has reached its annual target"
    )
    three = t("report.scope", "en", plan="P", total=3, pledges=2)
    assert t("report.headline", "en", achieved=2, scope=three, **headline) == (
        "As of the end of May 2020, 2 of the 3 items of P (2 pledges) "
        "have reached their annual target"
    )
    flat = t("report.scope.flat", "en", plan="P", total=3)
    assert t("report.headline.targeted", "en", targeted=1, achieved=1, scope=flat, **headline) == (
        "As of the end of May 2020, 1 of the 3 items of P has an annual target; 1 has reached it"
    )
    assert t("report.headline.targetless", "en", n=1, names="x") == (
        " 1 item has no annual target and is carried on as routine work: x."
    )
    assert t("tui.attention.summary", "en", n=1, d=1, counts="x") == "1 item, 1 lead department: x"
    assert t("tui.attention.summary", "en", n=2, d=3, counts="x") == (
        "2 items, 3 lead departments: x"
    )
    assert t("html.scope", "en", pledges=1) == "items in 1 pledge"
    assert t("tui.counter", "en", label="a|b", n=1, total=2) == "a|b 1 of 2"  # no plural asked


def test_counted_says_one_item_and_two_items() -> None:
    assert [counted(n, "reading", "readings") for n in (0, 1, 2)] == [
        "0 readings",
        "1 reading",
        "2 readings",
    ]
