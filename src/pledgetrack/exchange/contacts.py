"""A department contact list (通讯录) as a supervision office keeps it: a CSV or XLSX
table with a 责任单位 (department) column and a 邮箱 (e-mail) column, any other columns
(联系人, 电话 …) ignored, title rows above the header allowed. A cell may hold several
addresses separated by ``;``, ``；``, ``,``, ``，`` or ``、``. ``remind --send`` mails them."""

from __future__ import annotations

import re
from pathlib import Path

from pledgetrack.domain.errors import CellError, ImportRejected
from pledgetrack.exchange.tables import read_table

CONTACT_COLUMNS = ("department", "email")

_SEPARATORS = re.compile(r"[;；,，、\s]+")
#: What an address must look like: one @, something on each side, a dot in the domain.
_ADDRESS = re.compile(r"[^@\s<>\"()]+@[^@\s<>\"()]+\.[^@\s<>\"()]+")


def read_contacts(path: Path) -> dict[str, tuple[str, ...]]:
    """Department → its addresses, in file order; ImportRejected naming the row and
    column of an address that is not one, or of a department listed twice with
    different addresses. A department without an address is left out."""
    rows = read_table(path, CONTACT_COLUMNS, table="contacts")
    contacts: dict[str, tuple[str, ...]] = {}
    first_row: dict[str, int] = {}
    errors: list[CellError] = []
    name = str(path)
    for row in rows:
        department = row.get("department")
        addresses = tuple(a for a in _SEPARATORS.split(row.get("email")) if a)
        if not department:
            if addresses:
                errors.append(CellError(name, row.number, "department", "no department named"))
            continue
        bad = [a for a in addresses if not _ADDRESS.fullmatch(a)]
        if bad:
            errors.append(
                CellError(name, row.number, "email", f"{bad[0]!r} is not an e-mail address")
            )
            continue
        if not addresses:
            continue
        if department in contacts and contacts[department] != addresses:
            errors.append(
                CellError(
                    name,
                    row.number,
                    "department",
                    f"{department} is listed again with other addresses "
                    f"(row {first_row[department]}): keep one row per department",
                )
            )
            continue
        contacts[department] = addresses
        first_row.setdefault(department, row.number)
    if errors:
        raise ImportRejected(errors)
    return contacts
