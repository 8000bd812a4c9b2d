"""What a month report says of a split target's units, as bulletins say it:
"除中山区、庄河市外均已完成", "长海县已完成，普兰店区完成95.0%"."""

from __future__ import annotations

from collections.abc import Sequence

from pledgetrack.domain.numbers import format_number
from pledgetrack.i18n import t
from pledgetrack.reports.model import UnitLine


def units_phrase(units: Sequence[UnitLine], lang: str) -> str:
    """The units that lag, named: every unit done; done but for a few (the lagging ones
    no more than the done ones); else the done ones and each lagging one's share.
    Nothing when no unit has a figure yet."""
    if not units or all(u.completion is None and not u.achieved for u in units):
        return ""
    sep = t("report.list.sep", lang)
    done = [u for u in units if u.achieved]
    lagging = [u for u in units if not u.achieved]
    if not lagging:
        levels = {u.level for u in units}
        level = levels.pop() if len(levels) == 1 and "" not in levels else ""
        text = t("report.units.all", lang, level=level or t("report.units.level", lang))
    elif done and len(lagging) <= len(done):
        text = t("report.units.except", lang, names=sep.join(u.unit for u in lagging))
    else:
        parts = [t("report.units.done", lang, names=sep.join(u.unit for u in done))] if done else []
        parts += [
            t("report.units.share", lang, unit=u.unit, percent=format_number(u.completion))
            for u in lagging
            if u.completion is not None
        ]
        silent = [u.unit for u in lagging if u.completion is None]
        if silent:  # named together: "莱西市、西海岸新区未填报"
            parts.append(t("report.units.none", lang, unit=sep.join(silent)))
        text = t("report.units.sep", lang).join(parts)
    return t("report.units", lang, text=text)
