"""The dossier state machine as data: states, actions and the one table of allowed transitions.

Decree 61/2018 and Circular 01/2018 (DOMAIN.md §4) give the shape:

- a dossier arrives (desk, post or online) and waits for the desk's check (``submitted``);
- the desk accepts it (form 01, the statutory clock starts), asks for a supplement (form 02,
  ``incomplete``) or refuses it (form 03, ``refused``);
- accepted dossiers go through the procedure's workflow steps (``in_processing``); a body may
  consult another (``consulting``), return the dossier for a supplement within 3 working days
  of receipt (``supplement_requested``: the clock restarts from zero when it is completed) or
  wait for the applicant (``waiting_for_applicant``: the clock stops);
- the competent body approves (``approved``) or rejects on the merits (form 03, ``rejected``);
- the result is recorded (``result_ready``) and returned (``returned``); the applicant may
  withdraw before processing ends (``withdrawn``).

"Accepted" is the event that starts processing (form 01), not a resting state: the dossier goes
straight from ``submitted`` to ``in_processing``. An action may lead to one of several states
(``complete_step`` stays in processing or, after the last processing step, reaches
``approved``); every such pair is a row of the table, and nothing else is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting the desk's check")
    INCOMPLETE = "incomplete", _("Incomplete, supplement requested at receipt")
    REFUSED = "refused", _("Refused at receipt")
    IN_PROCESSING = "in_processing", _("In processing")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Returned for a supplement")
    CONSULTING = "consulting", _("Consulting another agency")
    WAITING_FOR_APPLICANT = "waiting_for_applicant", _("Paused, waiting for the applicant")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected on the merits")
    RESULT_READY = "result_ready", _("Result ready for return")
    RETURNED = "returned", _("Result returned")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")


class Action(models.TextChoices):
    """What can happen to a registered dossier; each is an action, an API operation and a
    button in the workspace."""

    ACCEPT = "accept", _("Accept")
    REQUEST_SUPPLEMENT = "request_supplement", _("Request a supplement")
    SUBMIT_SUPPLEMENT = "submit_supplement", _("Submit the supplement")
    REFUSE = "refuse", _("Refuse")
    ASSIGN = "assign", _("Assign")
    COMPLETE_STEP = "complete_step", _("Complete the step")
    CONSULT = "consult", _("Consult another agency")
    REPLY_CONSULTATION = "reply_consultation", _("Reply to the consultation")
    APPROVE = "approve", _("Approve")
    REJECT_ON_MERITS = "reject_on_merits", _("Reject on the merits")
    APOLOGISE_AND_RESCHEDULE = "apologise_and_reschedule", _("Apologise and reschedule")
    PAUSE = "pause", _("Pause for the applicant")
    RESUME = "resume", _("Resume")
    RECORD_RESULT = "record_result", _("Record the result")
    RETURN_RESULT = "return_result", _("Return the result")
    WITHDRAW = "withdraw", _("Withdraw")


# The history also records registration, which is not a transition of an existing dossier.
REGISTER = "register"


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str


S, A = Status, Action
_OPEN_STEPS = (S.IN_PROCESSING, S.CONSULTING, S.APPROVED, S.WAITING_FOR_APPLICANT)
_BEFORE_PROCESSING_ENDS = (
    S.SUBMITTED,
    S.INCOMPLETE,
    S.IN_PROCESSING,
    S.SUPPLEMENT_REQUESTED,
    S.CONSULTING,
    S.WAITING_FOR_APPLICANT,
)

TRANSITIONS: tuple[Transition, ...] = (
    # Receipt at the desk.
    Transition(A.ACCEPT, S.SUBMITTED, S.IN_PROCESSING),
    Transition(A.REQUEST_SUPPLEMENT, S.SUBMITTED, S.INCOMPLETE),
    Transition(A.SUBMIT_SUPPLEMENT, S.INCOMPLETE, S.SUBMITTED),
    Transition(A.REFUSE, S.SUBMITTED, S.REFUSED),
    Transition(A.REFUSE, S.INCOMPLETE, S.REFUSED),
    # Processing.
    *(Transition(A.ASSIGN, state, state) for state in _OPEN_STEPS),
    Transition(A.COMPLETE_STEP, S.IN_PROCESSING, S.IN_PROCESSING),
    Transition(A.COMPLETE_STEP, S.IN_PROCESSING, S.APPROVED),
    Transition(A.COMPLETE_STEP, S.CONSULTING, S.CONSULTING),
    Transition(A.COMPLETE_STEP, S.APPROVED, S.APPROVED),
    Transition(A.REQUEST_SUPPLEMENT, S.IN_PROCESSING, S.SUPPLEMENT_REQUESTED),
    Transition(A.SUBMIT_SUPPLEMENT, S.SUPPLEMENT_REQUESTED, S.IN_PROCESSING),
    Transition(A.CONSULT, S.IN_PROCESSING, S.CONSULTING),
    Transition(A.CONSULT, S.CONSULTING, S.CONSULTING),
    Transition(A.REPLY_CONSULTATION, S.CONSULTING, S.IN_PROCESSING),
    Transition(A.REPLY_CONSULTATION, S.CONSULTING, S.CONSULTING),
    Transition(A.PAUSE, S.IN_PROCESSING, S.WAITING_FOR_APPLICANT),
    Transition(A.RESUME, S.WAITING_FOR_APPLICANT, S.IN_PROCESSING),
    *(
        Transition(A.APOLOGISE_AND_RESCHEDULE, state, state)
        for state in (S.IN_PROCESSING, S.CONSULTING, S.APPROVED)
    ),
    # Decision and result.
    Transition(A.APPROVE, S.IN_PROCESSING, S.APPROVED),
    Transition(A.REJECT_ON_MERITS, S.IN_PROCESSING, S.REJECTED),
    Transition(A.REJECT_ON_MERITS, S.CONSULTING, S.REJECTED),
    Transition(A.RECORD_RESULT, S.APPROVED, S.RESULT_READY),
    Transition(A.RETURN_RESULT, S.RESULT_READY, S.RETURNED),
    Transition(A.RETURN_RESULT, S.REJECTED, S.RETURNED),
    *(Transition(A.WITHDRAW, state, S.WITHDRAWN) for state in _BEFORE_PROCESSING_ENDS),
)

_ALLOWED = {(t.action, t.source, t.target) for t in TRANSITIONS}

# States in which the statutory clock runs (it stops while waiting for the applicant, for a
# supplement, and once the result is decided).
CLOCK_RUNNING = frozenset({S.IN_PROCESSING, S.CONSULTING, S.APPROVED})
# States in which the dossier is still with the administration (queues, deadline warnings).
ACTIVE = frozenset(
    {
        S.SUBMITTED,
        S.IN_PROCESSING,
        S.CONSULTING,
        S.APPROVED,
        S.RESULT_READY,
        S.REJECTED,
    }
)
# States in which nothing more happens.
FINAL = frozenset({S.REFUSED, S.RETURNED, S.WITHDRAWN})


def is_allowed(action: str, source: str, target: str) -> bool:
    return (action, source, target) in _ALLOWED


def actions_from(state: str) -> list[str]:
    """Actions that have at least one row leaving ``state``, in the order of ``Action``."""
    found = {t.action for t in TRANSITIONS if t.source == state}
    return [a.value for a in Action if a.value in found]


def targets(action: str, source: str) -> set[str]:
    return {t.target for t in TRANSITIONS if t.action == action and t.source == source}


def sources(action: str) -> list[str]:
    found = {t.source for t in TRANSITIONS if t.action == action}
    return [s.value for s in Status if s.value in found]
