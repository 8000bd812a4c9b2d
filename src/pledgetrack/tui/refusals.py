"""A review or an entry the services refused, said in the UI's language.

The services decide (services.access, services.review) and name the rule they applied
(``reason``) with what it is about (``facts``); here that becomes a sentence. A refusal
without a reason worded here is shown as the service said it, after "未审核：".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pledgetrack.domain.dates import date_label
from pledgetrack.i18n import t

#: A refusal's reason (ReviewRefused, PermissionDenied) → what the screen says.
REVIEW_REFUSALS = {
    "no_comment": "tui.review.refused.no_comment",
    "own": "tui.review.refused.own",
    "approved_already": "tui.review.refused.approved_already",
    "corrected": "tui.review.refused.corrected",
    "not_reviewer": "tui.review.refused.not_reviewer",
    "not_user": "tui.review.refused.not_user",
    "deactivated": "tui.review.refused.deactivated",
}


def review_refusal_text(refusal: Exception, lang: str) -> str:
    """Why a figure was not approved or returned, in *lang*."""
    key = REVIEW_REFUSALS.get(str(getattr(refusal, "reason", "")))
    if key is None:
        return t("tui.review.refused", lang, reason=str(refusal))
    facts: dict[str, object] = getattr(refusal, "facts", {})
    as_of = facts.get("as_of")
    return t(
        key,
        lang,
        key=facts.get("key", ""),
        date=date_label(as_of, lang) if isinstance(as_of, date) else "",
        by=_who(facts, lang),
        login=facts.get("login", ""),
        admins=_names(facts.get("admins"), "entry.readonly.no_admin", lang),
        supervisors=_names(facts.get("supervisors"), "tui.review.no_supervisor", lang),
    )


def _names(names: object, none: str, lang: str) -> str:
    """``zhao、qian``, or the catalog's words for nobody."""
    listed = [str(name) for name in names] if isinstance(names, Sequence) else []
    return t("sep.comma", lang).join(listed) or t(none, lang)


def _who(facts: dict[str, object], lang: str) -> str:
    """Who entered a figure: ``li``, or ``zhao代li`` / ``zhao for li`` when stored by an
    admin acting for them."""
    person, recorder = facts.get("by", ""), facts.get("recorder")
    if not recorder:
        return str(person)
    return t("tui.review.acting_for", lang, recorder=recorder, person=person)


#: Why someone may not enter (or attach evidence to) figures (PermissionDenied.reason)
#: → what the screen says; the read-only sheet says the same (entry.readonly.*).
ENTRY_REFUSALS = {
    "not_user": "refused.entry.not_user",
    "deactivated": "refused.entry.deactivated",
    "supervisor": "refused.entry.supervisor",
    "no_department": "refused.entry.no_department",
    "other_department": "refused.entry.other_department",
}


#: Why an evidence file was not attached or withdrawn (EvidenceRefused.reason).
EVIDENCE_REFUSALS = {
    "missing": "refused.evidence.missing",
    "directory": "refused.evidence.directory",
    "not_regular": "refused.evidence.not_regular",
    "unreadable": "refused.evidence.unreadable",
    "too_big": "refused.evidence.too_big",
    "empty": "refused.evidence.empty",
    "no_reading": "refused.evidence.no_reading",
    "withdrawn": "refused.evidence.withdrawn",
    "no_reason": "refused.evidence.no_reason",
    "already_withdrawn": "refused.evidence.already_withdrawn",
}


def entry_refusal_text(refusal: Exception, lang: str) -> str:
    """Why figures of some targets may not be entered, or evidence attached to them or
    withdrawn (PermissionDenied, EvidenceRefused), in *lang*; a refusal without a worded
    reason as the service said it."""
    reason = str(getattr(refusal, "reason", ""))
    key = ENTRY_REFUSALS.get(reason) or EVIDENCE_REFUSALS.get(reason)
    if key is None:
        return str(refusal)
    facts: dict[str, object] = getattr(refusal, "facts", {})
    as_of = facts.get("as_of")
    return t(
        key,
        lang,
        login=facts.get("login", ""),
        keys=facts.get("keys", ""),
        department=facts.get("department", ""),
        own=facts.get("own") or "",
        admins=_names(facts.get("admins"), "entry.readonly.no_admin", lang),
        path=facts.get("path", ""),
        size=facts.get("size", ""),
        limit=facts.get("limit", ""),
        name=facts.get("name", ""),
        key=facts.get("key", ""),
        by=facts.get("by", ""),
        date=date_label(as_of, lang) if isinstance(as_of, date) else "",
    )
