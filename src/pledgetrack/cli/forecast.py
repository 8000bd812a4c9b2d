"""`pledgetrack forecast`: the year-end forecast (研判) of every quantity target, as a
table, JSON, or the items at risk in one sentence (domain.forecast states the method)."""

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pledgetrack.cli.app import (
    ApprovedOnly,
    DepartmentOption,
    Lang,
    PlanOption,
    ViewDate,
    app,
    fail,
    lang_of,
    parse_date_option,
    policy,
)
from pledgetrack.domain.errors import OutsidePlan, PlanNotFound

if TYPE_CHECKING:
    from rich.table import Table

    from pledgetrack.services.forecast import PlanForecast


@app.command()
def forecast(
    as_of: ViewDate = None,
    plan: PlanOption = None,
    department: DepartmentOption = None,
    at_risk: Annotated[
        bool, typer.Option("--at-risk", help="Only the targets projected short of their target.")
    ] = False,
    summary: Annotated[
        bool,
        typer.Option("--summary", help="Only the count per outlook and the items at risk."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    lang: Annotated[Lang | None, typer.Option("--lang", help="zh or en.")] = None,
    approved_only: ApprovedOnly = False,
) -> None:
    """Year-end forecast: each quantity target projected to its deadline at the pace of
    its last three readings; flags the targets (and items) that would fall short."""
    from pledgetrack.cli.status import status_database
    from pledgetrack.services.forecast import plan_forecast
    from pledgetrack.services.status import UnknownDepartment, check_in_period, default_as_of

    on = parse_date_option(as_of, "--as-of")
    language = lang_of(lang)
    with status_database() as db:
        try:
            if on is None:
                on = default_as_of(db, plan=plan)
            else:
                check_in_period(db, plan=plan, day=on)
            found = plan_forecast(
                db, on=on, plan=plan, department=department, policy=policy(),
                approved_only=approved_only,
            )  # fmt: skip
        except (PlanNotFound, UnknownDepartment) as exc:
            fail(str(exc))
        except OutsidePlan as exc:
            fail(f"--as-of: {exc}")
    if as_json:
        payload = forecast_json(found, at_risk=at_risk, targets=not summary)
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
        return
    if not summary:
        from pledgetrack.cli.render import print_table

        print_table(forecast_table(found, language, at_risk=at_risk), _gives_way(language))
    for line in summary_lines(found, language):
        typer.echo(line)


def _rows(found: "PlanForecast", at_risk: bool) -> Any:
    """(item row, target row, its forecast) of every quantity target with a target."""
    from pledgetrack.domain.forecast import Outlook

    for row in found.evaluation.items:
        for target in row.targets:
            outlook = found.target(target.info)
            if outlook.outlook is Outlook.NOT_QUANTITY or (at_risk and not outlook.at_risk):
                continue
            yield row, target, outlook


def summary_lines(found: "PlanForecast", lang: str) -> list[str]:
    """The count per outlook, then the items at risk in the report's sentence."""
    from pledgetrack.domain.forecast import Outlook
    from pledgetrack.i18n import t
    from pledgetrack.services.forecast_text import items_at_risk_text, outlook_label

    counts = found.counts()
    parts = [
        f"{outlook_label(o, lang)} {n}"
        for o, n in counts.items()
        if n and o is not Outlook.NOT_QUANTITY
    ]
    lines = [t("sep.comma", lang).join(parts)] if parts else []
    return [*lines, items_at_risk_text(found, lang)]


def _gives_way(lang: str) -> list[str]:
    from pledgetrack.i18n import t

    return [t(k, lang) for k in ("forecast.col.department", "col.deadline", "forecast.col.pace")]


def forecast_table(found: "PlanForecast", lang: str, *, at_risk: bool) -> "Table":
    """One row per quantity target: latest figure, pace, projection, outlook, and the
    department's own forecast beside it."""
    from rich.table import Table
    from rich.text import Text

    from pledgetrack.cli.render import plain
    from pledgetrack.domain.dates import date_label
    from pledgetrack.domain.numbers import format_number, format_percent
    from pledgetrack.i18n import t
    from pledgetrack.services.forecast_text import outlook_label

    evaluation = found.evaluation
    table = Table(
        title=plain(t("forecast.title", lang, plan=evaluation.structure.title,
                      date=date_label(evaluation.as_of, lang))),
    )  # fmt: skip
    for key, justify in (
        ("col.no", "right"), ("col.target", "left"), ("forecast.col.latest", "right"),
        ("col.unit", "left"), ("forecast.col.pace", "right"), ("forecast.col.projected", "right"),
        ("forecast.col.share", "right"), ("col.deadline", "left"), ("forecast.col.outlook", "left"),
        ("forecast.col.department", "left"),
    ):  # fmt: skip
        table.add_column(t(key, lang), justify=justify)  # type: ignore[arg-type]

    def number(x: float | None) -> str:
        return "—" if x is None else format_number(round(x, 2))

    for _row, target, outlook in _rows(found, at_risk):
        reading = target.result.reading
        style = "bold red" if outlook.at_risk else ""
        table.add_row(
            target.info.key,
            plain(target.info.name),
            number(reading.value if reading else None),
            plain(target.info.unit),
            number(outlook.pace),
            number(outlook.value),
            format_percent(outlook.completion),
            target.info.rule.deadline.isoformat(),
            Text(outlook_label(outlook.outlook, lang), style=style),
            reading.forecast.isoformat() if reading and reading.forecast else "",
        )
    return table


def forecast_json(found: "PlanForecast", *, at_risk: bool, targets: bool) -> dict[str, Any]:
    """The forecast as JSON: the method, counts per outlook, the items at risk and (with
    *targets*) one object per quantity target."""
    from pledgetrack.domain.forecast import WINDOW, Outlook
    from pledgetrack.domain.numbers import round_percent

    evaluation = found.evaluation
    counts = found.counts()

    def pct(x: float | None) -> float | None:
        return None if x is None else round_percent(x)

    out: dict[str, Any] = {
        "plan": evaluation.structure.code,
        "as_of": evaluation.as_of.isoformat(),
        "method": f"pace of the last {WINDOW} readings, extrapolated to the deadline",
        "counts": {o.value: counts[o] for o in Outlook if o is not Outlook.NOT_QUANTITY},
        "items_at_risk": [
            {"no": i.row.info.no, "title": i.row.info.title, "targets": list(i.keys),
             "projected_completion": pct(i.completion)}
            for i in found.items_at_risk()
        ],
    }  # fmt: skip
    if targets:
        out["targets"] = [
            {
                "key": target.info.key,
                "item": row.info.no,
                "name": target.info.name,
                "unit": target.info.unit,
                "target_value": target.info.rule.target_value,
                "at_least": target.info.rule.at_least,
                "deadline": target.info.rule.deadline.isoformat(),
                "readings": f.readings,
                "latest": target.result.reading.value if target.result.reading else None,
                "latest_as_of": f.last.isoformat() if f.last else None,
                "pace_per_month": f.pace,
                "projected_value": f.value,
                "projected_completion": pct(f.completion),
                "outlook": f.outlook.value,
                "at_risk": f.at_risk,
                "department_forecast": target.result.reading.forecast.isoformat()
                if target.result.reading and target.result.reading.forecast
                else None,
            }
            for row, target, f in _rows(found, at_risk)
        ]
    return out
