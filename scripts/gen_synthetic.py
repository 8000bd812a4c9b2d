"""Build a clearly labelled SYNTHETIC database at province scale, deterministic from a seed.

    python scripts/gen_synthetic.py --targets 100000 --months 12 --out /tmp/province.sqlite
    python scripts/gen_synthetic.py --targets 30000 --db postgresql://root@127.0.0.1/test

Every plan title says 合成数据 (synthetic); nothing in it is real. Per plan (one
per year, --years): pledges of ~30 items, items of 1–5 targets (3 on average),
500 departments (1–3 per item, the lead first), targets of every kind —
quantities (some with a planned schedule, some "以上" floors, some with a
baseline), reference figures (not assessed), milestones (half of them staged,
with planned stage dates), a tenth with a deadline inside the year — and a
cumulative reading per target for each of the first --months months (about 2 %
missing, about 1 % corrected later by a second record). Rows are inserted with
executemany in batches; ids are assigned here so corrections can point at the
reading they supersede.

With --split F (and --units N, default 10), a fraction F of the count targets with a
target is split to N units (migration 0010): N unit departments (合成区市01 …, level
区市), each such target's share rows (rule ``sum``), and each unit's reading every month
the target has one, the target's own reading being their total (as the services keep
it). The rest of the database is the same as without --split (the split draws from its
own random stream).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import func, insert, select  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from pledgetrack.config import sqlite_url  # noqa: E402
from pledgetrack.domain.dates import end_of_month  # noqa: E402
from pledgetrack.storage.db import create_schema, make_engine  # noqa: E402
from pledgetrack.storage.tables import (  # noqa: E402
    Department,
    Item,
    ItemDepartment,
    Plan,
    Pledge,
    Snapshot,
    Target,
)

DEPARTMENTS = 500
ITEMS_PER_PLEDGE = 30
BATCH = 20_000
UNITS = ("万人", "处", "个", "公里", "万平方米", "所", "张", "批次", "人次", "万元")
THEMES = (
    "就业",
    "教育",
    "住房",
    "交通",
    "医疗",
    "生态",
    "乡村",
    "养老",
    "食品",
    "文体",
    "政务",
    "民生",
)
PLACES = ("东区", "西区", "南区", "北区", "新区", "县域", "城区", "园区")


def generate(
    engine: Engine, *, targets: int, months: int, years: int = 1, seed: int = 20201031,
    split: float = 0.0, units: int = 10,
) -> dict[str, int]:  # fmt: skip
    """Fill an empty database; returns the row counts written."""
    rng = random.Random(seed)
    split_rng = random.Random(seed + 1)
    create_schema(engine)
    counts = dict.fromkeys(("plans", "pledges", "items", "targets", "snapshots"), 0)
    if split:
        counts["unit shares"] = 0
    with engine.begin() as conn:
        if conn.execute(select(func.count()).select_from(Plan)).scalar_one():
            raise SystemExit("the database already has plans: give an empty one")
        conn.execute(
            insert(Department),
            [{"id": d + 1, "name": f"合成单位{d + 1:03d}"} for d in range(DEPARTMENTS)],
        )
        if split:
            conn.execute(
                insert(Department),
                [
                    {"id": DEPARTMENTS + u + 1, "name": f"合成区市{u + 1:02d}", "level": "区市"}
                    for u in range(units)
                ],
            )
    ids = {"plan": 0, "pledge": 0, "item": 0, "target": 0, "snapshot": 0}
    entered = datetime(2020, 1, 1, tzinfo=UTC)
    for year_index in range(years):
        year = 2020 + year_index
        start, end = date(year, 1, 1), date(year, 12, 31)
        ids["plan"] += 1
        plan_id = ids["plan"]
        with engine.begin() as conn:
            conn.execute(
                insert(Plan),
                [
                    {
                        "id": plan_id,
                        "code": f"synthetic-{year}",
                        "title": f"合成数据(SYNTHETIC){year}年省级民生实事",
                        "start": start,
                        "end": end,
                    }
                ],
            )
        pledges: list[dict[str, Any]] = []
        items: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        target_rows: list[dict[str, Any]] = []
        made = 0
        item_no = 0
        while made < targets:
            item_no += 1
            ids["item"] += 1
            if (item_no - 1) % ITEMS_PER_PLEDGE == 0:
                ids["pledge"] += 1
                no = len(pledges) + 1
                pledges.append(
                    {
                        "id": ids["pledge"],
                        "plan_id": plan_id,
                        "no": no,
                        "title": f"合成第{no}件:{THEMES[no % len(THEMES)]}方面实事",
                    }
                )
            place = PLACES[item_no % len(PLACES)]
            items.append(
                {
                    "id": ids["item"],
                    "plan_id": plan_id,
                    "pledge_id": ids["pledge"],
                    "no": item_no,
                    "title": f"合成事项{item_no}({place})",
                }
            )
            for position, dept in enumerate(
                rng.sample(range(1, DEPARTMENTS + 1), rng.randint(1, 3))
            ):
                links.append({"item_id": ids["item"], "department_id": dept, "position": position})
            for k in range(min(rng.randint(1, 5), targets - made)):
                ids["target"] += 1
                made += 1
                target_rows.append(
                    _target(rng, ids["target"], plan_id, ids["item"], item_no, k, start, end)
                )
        shares = _shares(split_rng, target_rows, split, units, ids) if split else {}
        share_rows = [row for rows in shares.values() for row, _ in rows]
        with engine.begin() as conn:
            for table, rows in ((Pledge, pledges), (Item, items), (ItemDepartment, links)):
                for i in range(0, len(rows), BATCH):
                    conn.execute(insert(table), rows[i : i + BATCH])
            for i in range(0, len(target_rows), BATCH):
                conn.execute(insert(Target), target_rows[i : i + BATCH])
            for i in range(0, len(share_rows), BATCH):
                conn.execute(insert(Target), share_rows[i : i + BATCH])
        if split:
            counts["unit shares"] += len(share_rows)
        counts["plans"] += 1
        counts["pledges"] += len(pledges)
        counts["items"] += len(items)
        counts["targets"] += len(target_rows)
        counts["snapshots"] += _snapshots(
            engine, rng, target_rows, start, months, ids, entered, shares
        )
    return counts


def _target(
    rng: random.Random, tid: int, plan_id: int, item_id: int, item_no: int, k: int,
    start: date, end: date,
) -> dict[str, Any]:  # fmt: skip
    roll = rng.random()
    row: dict[str, Any] = {
        "id": tid,
        "plan_id": plan_id,
        "item_id": item_id,
        "key": f"{item_no}.{k + 1}",
        "position": k,
        "name": f"合成指标{item_no}.{k + 1}",
        "kind": "quantity",
        "target_value": None,
        "at_least": False,
        "unit": rng.choice(UNITS),
        "baseline": 0.0,
        "deadline": None,
        "assessed": True,
        "schedule": [],
        "stages": [],
        "note": "合成数据",
    }
    if roll < 0.2:  # milestone, half of them staged
        row.update(kind="milestone", unit="")
        if rng.random() < 0.5:
            row["stages"] = [
                {"name": name, "planned": (start + timedelta(days=90 * (i + 1))).isoformat()}
                for i, name in enumerate(("立项", "开工", "完工"))
            ]
    elif roll < 0.28:  # reference figure without a target
        row.update(assessed=False)
    else:
        row["target_value"] = float(rng.choice((10, 20, 50, 100, 300, 1000, 5000, 20000)))
        if rng.random() < 0.1:
            row["at_least"] = True
        if rng.random() < 0.1:
            row["baseline"] = round(row["target_value"] * 0.2, 2)
        if rng.random() < 0.15:
            row["schedule"] = [
                {"on": end_of_month(date(start.year, m, 1)).isoformat(), "value": round(row["target_value"] * m / 14, 2)}
                for m in (3, 6, 9)
            ]  # fmt: skip
        if rng.random() < 0.05:
            row["assessed"] = False
    if rng.random() < 0.1:
        row["deadline"] = date(start.year, rng.randint(6, 11), 30)
    return row


def _shares(
    rng: random.Random, targets: list[dict[str, Any]], split: float, units: int,
    ids: dict[str, int],
) -> dict[int, list[tuple[dict[str, Any], float]]]:  # fmt: skip
    """Target id → its units' share rows and weights, for a fraction *split* of the count
    targets with a target (the target becomes rule ``sum``)."""
    out: dict[int, list[tuple[dict[str, Any], float]]] = {}
    for target in targets:
        target["rollup"] = None  # one set of columns for the batch insert
    for target in targets:
        if target["kind"] != "quantity" or target["target_value"] is None:
            continue
        if rng.random() >= split:
            continue
        raw = [rng.uniform(0.5, 1.5) for _ in range(units)]
        weights = [w / sum(raw) for w in raw]
        target["rollup"] = "sum"
        rows = []
        for u, weight in enumerate(weights):
            ids["target"] += 1
            share = dict(
                target, id=ids["target"], key=f"{target['key']}/合成区市{u + 1:02d}",
                position=u, parent_id=target["id"], unit_id=DEPARTMENTS + u + 1, rollup=None,
                target_value=round(target["target_value"] * weight, 2),
                baseline=0.0, schedule=[], note="",
            )  # fmt: skip
            rows.append((share, weight))
        out[target["id"]] = rows
    return out


def _snapshots(
    engine: Engine,
    rng: random.Random,
    targets: list[dict[str, Any]],
    start: date,
    months: int,
    ids: dict[str, int],
    entered: datetime,
    shares: dict[int, list[tuple[dict[str, Any], float]]] | None = None,
) -> int:
    written = 0
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal batch
        if batch:
            with engine.begin() as conn:
                conn.execute(insert(Snapshot), batch)
            batch = []

    for target in targets:
        goal = target["target_value"] or 100.0
        pace = rng.uniform(0.6, 1.4)
        value = float(target["baseline"] or 0.0)
        stage = 0
        for m in range(1, months + 1):
            as_of = end_of_month(date(start.year, m, 1))
            if rng.random() < 0.02:
                continue  # not reported this month
            ids["snapshot"] += 1
            row: dict[str, Any] = {
                "id": ids["snapshot"],
                "target_id": target["id"],
                "as_of": as_of,
                "value": None,
                "done": None,
                "note": "",
                "entered_by": "synthetic",
                "entered_at": entered + timedelta(days=31 * m + 3),
                "supersedes_id": None,
            }
            if target["kind"] == "milestone":
                if target["stages"]:
                    stage = min(3, stage + (1 if rng.random() < 0.3 else 0))
                    row.update(value=float(stage), done=stage == 3)
                else:
                    row["done"] = rng.random() < m / 14
            else:
                value += goal * pace / 12 * rng.uniform(0.5, 1.5)
                row["value"] = round(value, 2)
            batch.append(row)
            written += 1
            if shares and target["id"] in shares:
                # Each unit's reading; the target's is their total, as services keep it.
                parts = []
                for share, weight in shares[target["id"]]:
                    ids["snapshot"] += 1
                    part = round(row["value"] * weight, 2)
                    parts.append(part)
                    batch.append(dict(row, id=ids["snapshot"], target_id=share["id"], value=part))
                    written += 1
                row["value"] = sum(parts)
            if rng.random() < 0.01 and not (shares and target["id"] in shares):
                # Corrected a few days later (a split target's total is not: it is its units').
                ids["snapshot"] += 1
                fixed = dict(row, id=ids["snapshot"], supersedes_id=row["id"],
                             note="更正", entered_at=row["entered_at"] + timedelta(days=2))  # fmt: skip
                if fixed["value"] is not None:
                    fixed["value"] = round(fixed["value"] * 0.98, 2)
                batch.append(fixed)
                written += 1
            if len(batch) >= BATCH:
                flush()
    flush()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--targets", type=int, default=100_000, help="targets per plan")
    parser.add_argument("--months", type=int, default=12, help="months of readings (0–12)")
    parser.add_argument("--years", type=int, default=1, help="plans, one per year from 2020")
    parser.add_argument("--seed", type=int, default=20201031)
    parser.add_argument(
        "--split", type=float, default=0.0,
        help="fraction of the count targets split to units (0–1; default none)",
    )  # fmt: skip
    parser.add_argument("--units", type=int, default=10, help="units per split target")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, help="a new SQLite file")
    where.add_argument("--db", help="an empty database URL (e.g. PostgreSQL)")
    args = parser.parse_args(argv)
    if args.out is not None:
        if args.out.exists():
            parser.error(f"{args.out} exists: give a new file")
        url = sqlite_url(args.out)
    else:
        url = args.db
    engine = make_engine(url)
    began = time.perf_counter()
    counts = generate(
        engine, targets=args.targets, months=min(max(args.months, 0), 12), years=args.years,
        seed=args.seed, split=min(max(args.split, 0.0), 1.0), units=max(args.units, 1),
    )  # fmt: skip
    engine.dispose()
    took = time.perf_counter() - began
    print(", ".join(f"{n} {k}" for k, n in counts.items()) + f" in {took:.1f} s → {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
