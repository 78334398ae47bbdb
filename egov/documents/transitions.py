"""The documents' state machine, in one table: which action moves which direction from which
statuses to which status, and who may take it.

Outgoing: draft → in_review → approved → signed → issued → sent, with "return" back to
revision, "cancel" for a draft and "revoke" after issue. Incoming: registered → assigned →
in_progress → completed, "assign" again to pass it on, and "withdraw" when the sender revokes it.
An electronic arrival (edXML) starts as "arrived": the document clerk checks it and accepts it
(it is registered: arrival number, status 03 to the sender) or refuses it (02, with the reason).
Actions in ``actions.py`` look their transition up here; views and the API show only the
actions ``allowed_actions`` returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from egov.documents.models import Direction, Document, Status
from egov.org.models import Role
from egov.org.selectors import has_role

if TYPE_CHECKING:
    from egov.accounts.models import User

Who = Callable[[Any, Document], bool]


def _leader(user: User, doc: Document) -> bool:
    return has_role(user, Role.LEADER, agency=doc.agency_id)


def _drafting_unit_head(user: User, doc: Document) -> bool:
    return doc.drafting_unit_id is not None and has_role(
        user, Role.UNIT_HEAD, agency=doc.agency_id, unit=doc.drafting_unit_id
    )


def _drafter(user: User, doc: Document) -> bool:
    """The author, or a specialist or head of the drafting unit."""
    if doc.created_by_id == user.pk:
        return True
    return doc.drafting_unit_id is not None and has_role(
        user, Role.SPECIALIST, Role.UNIT_HEAD, agency=doc.agency_id, unit=doc.drafting_unit_id
    )


def _approver(user: User, doc: Document) -> bool:
    return _drafting_unit_head(user, doc) or _leader(user, doc)


def _signer(user: User, doc: Document) -> bool:
    """A leader; a unit head too, who may sign only "TL." or "TUQ." (checked on signing)."""
    return _leader(user, doc) or has_role(user, Role.UNIT_HEAD, agency=doc.agency_id)


def _clerk(user: User, doc: Document) -> bool:
    return has_role(user, Role.DOCUMENT_CLERK, agency=doc.agency_id)


def _drafter_or_leader(user: User, doc: Document) -> bool:
    return _drafter(user, doc) or _leader(user, doc)


def _assigner(user: User, doc: Document) -> bool:
    """A leader assigns to any unit; a unit head passes on what was assigned to the unit."""
    if _leader(user, doc):
        return True
    return doc.assigned_unit_id is not None and has_role(
        user, Role.UNIT_HEAD, agency=doc.agency_id, unit=doc.assigned_unit_id
    )


def _handler(user: User, doc: Document) -> bool:
    """The person assigned; when only a unit was, any member of it."""
    if doc.assignee_id is not None:
        return doc.assignee_id == user.pk
    return doc.assigned_unit_id is not None and has_role(
        user, agency=doc.agency_id, unit=doc.assigned_unit_id
    )


def _handler_or_head(user: User, doc: Document) -> bool:
    return _handler(user, doc) or _assigner(user, doc)


def _nobody(user: User, doc: Document) -> bool:
    return False


@dataclass(frozen=True)
class Transition:
    name: str
    direction: str
    sources: frozenset[str]
    target: str
    label: str | Promise
    who: Who
    # Only the system itself (acting_user None: the exchange, a periodic job) may take it.
    system_only: bool = False


def _t(
    name: str,
    direction: str,
    sources: set[str],
    target: str,
    label: str | Promise,
    who: Who,
    system_only: bool = False,
) -> Transition:
    return Transition(name, direction, frozenset(sources), target, label, who, system_only)


OUT, IN = Direction.OUTGOING, Direction.INCOMING
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t("submit", OUT, {Status.DRAFT, Status.RETURNED}, Status.IN_REVIEW,
           _("Submit for approval"), _drafter),
        _t("approve", OUT, {Status.IN_REVIEW}, Status.APPROVED, _("Approve"), _approver),
        _t("return", OUT, {Status.IN_REVIEW, Status.APPROVED}, Status.RETURNED,
           _("Return for revision"), _approver),
        _t("sign", OUT, {Status.APPROVED}, Status.SIGNED, _("Sign"), _signer),
        _t("issue", OUT, {Status.SIGNED}, Status.ISSUED, _("Issue (number and seal)"), _clerk),
        _t("send", OUT, {Status.ISSUED}, Status.SENT, _("Send to recipients"), _clerk),
        _t("cancel", OUT, {Status.DRAFT, Status.RETURNED, Status.IN_REVIEW}, Status.CANCELLED,
           _("Cancel the draft"), _drafter_or_leader),
        _t("revoke", OUT, {Status.ISSUED, Status.SENT}, Status.REVOKED, _("Revoke"), _leader),
        _t("accept", IN, {Status.ARRIVED}, Status.REGISTERED, _("Accept and register"), _clerk),
        _t("refuse", IN, {Status.ARRIVED}, Status.REFUSED, _("Refuse and return to the sender"),
           _clerk),
        _t("assign", IN, {Status.REGISTERED, Status.ASSIGNED, Status.IN_PROGRESS},
           Status.ASSIGNED, _("Assign"), _assigner),
        _t("start", IN, {Status.ASSIGNED}, Status.IN_PROGRESS, _("Start handling"), _handler),
        _t("complete", IN, {Status.ASSIGNED, Status.IN_PROGRESS}, Status.COMPLETED,
           _("Mark as completed"), _handler_or_head),
        _t("withdraw", IN,
           {Status.ARRIVED, Status.REGISTERED, Status.ASSIGNED, Status.IN_PROGRESS,
            Status.COMPLETED},
           Status.REVOKED, _("Withdrawn by the sender"), _nobody, system_only=True),
    ]
}  # fmt: skip

# Who may edit a draft (new version, attachments, recipients) and in which statuses.
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})


def may_edit(user: User, doc: Document) -> bool:
    return doc.status in EDITABLE and _drafter(user, doc)


def may_take(user: User | None, doc: Document, transition: Transition) -> bool:
    if transition.direction != doc.direction or doc.status not in transition.sources:
        return False
    if user is None:
        return transition.system_only
    return not transition.system_only and transition.who(user, doc)


def allowed_actions(user: User | None, doc: Document) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if may_take(user, doc, t)]
