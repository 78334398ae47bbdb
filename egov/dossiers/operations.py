"""One entry point for the transitions of an existing dossier: ``perform(action, …)``.

The API and the web views both call it with plain values (a JSON body or a form's cleaned data),
so the two front ends cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.dossiers import actions
from egov.dossiers.actions import DocumentInput
from egov.dossiers.models import Dossier
from egov.dossiers.workflow import Action
from egov.lib.problems import invalid

Params = dict[str, Any]


def _user(username: str, field: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first() if username else None
    if user is None:
        raise invalid(field, _("No active user has this login name."))
    return user


def _date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise invalid(field, _("Enter a valid date (YYYY-MM-DD).")) from exc


def _documents(items: Sequence[DocumentInput] | None) -> list[DocumentInput]:
    return list(items or [])


HANDLERS: dict[str, Callable[[User, Dossier | str, Params], Any]] = {
    Action.ACCEPT: lambda u, d, p: actions.accept_dossier(
        acting_user=u, dossier=d, note=p.get("note", "")
    ),
    Action.REQUEST_SUPPLEMENT: lambda u, d, p: actions.request_supplement(
        acting_user=u,
        dossier=d,
        missing_document_ids=list(p.get("missing_documents") or []),
        other_items=list(p.get("other_items") or []),
        reason=p.get("reason", ""),
    ),
    Action.SUBMIT_SUPPLEMENT: lambda u, d, p: actions.submit_supplement(
        acting_user=u, dossier=d, documents=_documents(p.get("documents")), note=p.get("note", "")
    ),
    Action.REFUSE: lambda u, d, p: actions.refuse_dossier(
        acting_user=u, dossier=d, reason=p.get("reason", "")
    ),
    Action.ASSIGN: lambda u, d, p: actions.assign_step(
        acting_user=u,
        dossier=d,
        step_id=p.get("step"),
        assignee=_user(p.get("assignee", ""), "assignee"),
        unit_code=p.get("unit", "") or "",
    ),
    Action.COMPLETE_STEP: lambda u, d, p: actions.complete_step(
        acting_user=u, dossier=d, step_id=p.get("step"), note=p.get("note", "")
    ),
    Action.CONSULT: lambda u, d, p: actions.consult_agency(
        acting_user=u,
        dossier=d,
        step_id=p.get("step"),
        agency=p.get("agency", ""),
        question=p.get("question", ""),
        days=int(p.get("days") or 0),
    ),
    Action.REPLY_CONSULTATION: lambda u, d, p: actions.reply_consultation(
        acting_user=u, dossier=d, consultation_id=p.get("consultation"), reply=p.get("reply", "")
    ),
    Action.APPROVE: lambda u, d, p: actions.approve_dossier(
        acting_user=u, dossier=d, step_id=p.get("step"), note=p.get("note", "")
    ),
    Action.REJECT_ON_MERITS: lambda u, d, p: actions.reject_on_merits(
        acting_user=u, dossier=d, reason=p.get("reason", "")
    ),
    Action.APOLOGISE_AND_RESCHEDULE: lambda u, d, p: actions.apologise_and_reschedule(
        acting_user=u,
        dossier=d,
        reason=p.get("reason", ""),
        new_due_on=_date(p.get("new_due_on"), "new_due_on"),
    ),
    Action.PAUSE: lambda u, d, p: actions.pause_dossier(
        acting_user=u, dossier=d, reason=p.get("reason", "")
    ),
    Action.RESUME: lambda u, d, p: actions.resume_dossier(
        acting_user=u, dossier=d, note=p.get("note", "")
    ),
    Action.RECORD_RESULT: lambda u, d, p: actions.record_result(
        acting_user=u, dossier=d, summary=p.get("summary", ""), number=p.get("number", "")
    ),
    Action.RETURN_RESULT: lambda u, d, p: actions.return_result(
        acting_user=u, dossier=d, method=p.get("method") or "", note=p.get("note", "")
    ),
    Action.WITHDRAW: lambda u, d, p: actions.withdraw_dossier(
        acting_user=u, dossier=d, reason=p.get("reason", "")
    ),
}


def perform(action_name: str, *, user: User, dossier: Dossier | str, params: Params) -> Any:
    """Run the action; returns what it returns (the dossier, for most)."""
    return HANDLERS[action_name](user, dossier, params)
