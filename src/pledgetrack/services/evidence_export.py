"""A plan's evidence files (佐证材料) written out: a zip file or a new directory holding
``<target>/<date>/<file name>`` and ``manifest.csv`` (target key, date, file name,
SHA-256, …), whole or not at all."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.engine import Engine

from pledgetrack.domain.errors import OutputRefused
from pledgetrack.domain.text import as_formula_safe, one_line
from pledgetrack.exchange.files import write_atomically
from pledgetrack.services.evidence import EvidenceLine, evidence_content, list_evidence

MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = (
    "target",
    "as_of",
    "file_name",
    "sha256",
    "size",
    "media_type",
    "attached_by",
    "attached_at",
    "path",
)
#: Characters no file system or archive tool takes well in a name.
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


@dataclass(frozen=True)
class EvidenceExported:
    path: Path
    files: int
    #: Written as a zip file (else a directory).
    zipped: bool


def safe_part(name: str) -> str:
    """*name* as one path component: separators and reserved characters as ``_``, no
    leading dots (a name stored by another program may hold anything)."""
    cleaned = _UNSAFE_NAME.sub("_", one_line(name)).strip().lstrip(".")
    return cleaned[:200] or "file"


def archive_paths(lines: list[EvidenceLine]) -> list[str]:
    """Where each file goes: ``28.1/2020-10-31/照片.jpg``, a second file of the same name
    under the same figure as ``照片 (2).jpg``."""
    used: set[str] = set()
    out: list[str] = []
    for line in lines:
        folder = f"{safe_part(line.key)}/{line.as_of.isoformat()}"
        name = safe_part(line.file_name)
        stem, dot, suffix = name.rpartition(".")
        if not dot:
            stem, suffix = name, ""
        path, n = f"{folder}/{name}", 1
        while path.casefold() in used or path == MANIFEST:
            n += 1
            path = f"{folder}/{stem} ({n}){'.' + suffix if suffix else ''}"
        used.add(path.casefold())
        out.append(path)
    return out


def manifest(lines: list[EvidenceLine], paths: list[str]) -> bytes:
    """The manifest as UTF-8 CSV with a BOM (Excel reads Chinese then); text cells made
    formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(MANIFEST_COLUMNS)
    for line, path in zip(lines, paths, strict=True):
        writer.writerow(
            [
                as_formula_safe(one_line(line.key)),
                line.as_of.isoformat(),
                as_formula_safe(one_line(line.file_name)),
                line.sha256,
                line.size,
                line.media_type,
                as_formula_safe(one_line(line.attached_by)),
                line.attached_at.isoformat(timespec="seconds"),
                as_formula_safe(path),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_evidence(
    engine: Engine,
    out: Path,
    *,
    plan: str | None = None,
    as_of: date | None = None,
    force: bool = False,
) -> EvidenceExported:
    """Write the evidence of a plan (default: the newest; *as_of*: of that date only) to
    *out*: a zip file when it ends in ``.zip`` (replaced only with *force*), else a new
    directory. Contents are read one file at a time. OutputRefused when *out* is taken."""
    lines = list_evidence(engine, plan=plan, as_of=as_of)
    paths = archive_paths(lines)
    zipped = out.suffix.lower() == ".zip"
    if zipped:
        if out.is_dir():
            raise OutputRefused(f"{out} is a directory: name the zip file in it")
        if out.exists() and not force:
            raise OutputRefused(f"{out} exists: pass --force to replace it")
        write_atomically(out, lambda stream: _write_zip(engine, stream, lines, paths))
    else:
        _write_directory(engine, out, lines, paths)
    return EvidenceExported(out, len(lines), zipped)


def _contents(engine: Engine, lines: list[EvidenceLine]) -> Iterator[bytes]:
    for line in lines:
        yield evidence_content(engine, line.id)


def _write_zip(
    engine: Engine, stream: BinaryIO, lines: list[EvidenceLine], paths: list[str]
) -> None:
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, manifest(lines, paths))
        for path, content in zip(paths, _contents(engine, lines), strict=True):
            archive.writestr(path, content)


def _write_directory(
    engine: Engine, out: Path, lines: list[EvidenceLine], paths: list[str]
) -> None:
    """Fill a temporary directory beside *out*, then rename it to *out*: all or nothing."""
    if out.exists():
        raise OutputRefused(f"{out} exists: name a new directory (or a .zip file)")
    if not out.parent.is_dir():
        raise OutputRefused(f"directory {out.parent} does not exist: create it first")
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp"))
    try:
        (tmp / MANIFEST).write_bytes(manifest(lines, paths))
        for path, content in zip(paths, _contents(engine, lines), strict=True):
            target = tmp / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
