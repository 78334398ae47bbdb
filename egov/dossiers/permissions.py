"""Who may do what to a dossier: roles from ``egov.org`` scoped to the desk or the step.

- the one-stop clerk of the receiving unit: accept, refuse, ask for a supplement at receipt, take
  a supplement or a withdrawal handed in at the desk, resume, record and return the result;
- whoever handles an open step (its assignee, or when nobody is assigned yet the holders of the
  step's role in its unit or agency, plus the unit head and the agency leader): complete it,
  consult, pause, return the dossier for a supplement;
- the unit head and the agency leader of a step: assign it; a holder of the step's role may take
  an unassigned step for themselves;
- the holder of an approval step (normally the agency leader): approve; the leader of an agency
  with an open step: reject on the merits, apologise and reschedule;
- staff of a consulted agency: reply;
- the applicant: submit a supplement, withdraw.

Each rule is a function of (user, dossier) so the same rule decides the buttons shown and the
action's own check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from egov.dossiers.models import ConsultationStatus, Dossier, DossierStep, StepStatus
from egov.dossiers.workflow import Action, Status, actions_from
from egov.org.models import Role
from egov.org.selectors import has_role

if TYPE_CHECKING:
    from egov.dossiers.models import Consultation

STAFF_ROLES = (Role.SPECIALIST, Role.UNIT_HEAD, Role.LEADER)
RESULT_ROLES = (Role.SPECIALIST, Role.UNIT_HEAD, Role.LEADER, Role.DOCUMENT_CLERK)


def is_applicant(user: Any, dossier: Dossier) -> bool:
    return bool(user.is_authenticated and dossier.applicant_id == user.pk)


def is_desk_clerk(user: Any, dossier: Dossier) -> bool:
    return has_role(
        user,
        Role.ONE_STOP_CLERK,
        agency=dossier.receiving_agency_id,
        unit=dossier.receiving_unit_id,
    )


def supervises_step(user: Any, step: DossierStep) -> bool:
    if has_role(user, Role.LEADER, agency=step.agency_id):
        return True
    return step.unit_id is not None and has_role(
        user, Role.UNIT_HEAD, agency=step.agency_id, unit=step.unit_id
    )


def holds_step_role(user: Any, step: DossierStep) -> bool:
    return has_role(user, step.role, agency=step.agency_id, unit=step.unit_id)


def handles_step(user: Any, step: DossierStep) -> bool:
    if step.status != StepStatus.OPEN:
        return False
    if supervises_step(user, step):
        return True
    if step.assignee_id is not None:
        return bool(step.assignee_id == user.pk)
    return holds_step_role(user, step)


def open_steps(dossier: Dossier) -> list[DossierStep]:
    return [s for s in dossier.steps.all() if s.status == StepStatus.OPEN]


def open_consultations(dossier: Dossier) -> list[Consultation]:
    return [c for c in dossier.consultations.all() if c.status == ConsultationStatus.OPEN]


def blocked_steps(dossier: Dossier) -> set[int]:
    """Steps waiting for a consultation's reply, which can't be completed yet."""
    return {c.step_id for c in open_consultations(dossier) if c.step_id is not None}


def steps_handled_by(user: Any, dossier: Dossier) -> list[DossierStep]:
    return [s for s in open_steps(dossier) if handles_step(user, s)]


def completable_steps(user: Any, dossier: Dossier) -> list[DossierStep]:
    blocked = blocked_steps(dossier)
    return [
        s for s in steps_handled_by(user, dossier) if s.kind != "approve" and s.pk not in blocked
    ]


def approvable_steps(user: Any, dossier: Dossier) -> list[DossierStep]:
    blocked = blocked_steps(dossier)
    return [
        s for s in steps_handled_by(user, dossier) if s.kind == "approve" and s.pk not in blocked
    ]


def assignable_steps(user: Any, dossier: Dossier) -> list[DossierStep]:
    return [
        s
        for s in open_steps(dossier)
        if supervises_step(user, s) or (s.assignee_id is None and holds_step_role(user, s))
    ]


def is_leader_of_open_step(user: Any, dossier: Dossier) -> bool:
    return any(has_role(user, Role.LEADER, agency=s.agency_id) for s in open_steps(dossier))


def consultations_for(user: Any, dossier: Dossier) -> list[Consultation]:
    return [
        c
        for c in open_consultations(dossier)
        if has_role(user, *STAFF_ROLES, agency=c.to_agency_id)
    ]


def may_record_result(user: Any, dossier: Dossier) -> bool:
    if is_desk_clerk(user, dossier):
        return True
    agency = dossier.deciding_agency_id
    return agency is not None and has_role(user, *RESULT_ROLES, agency=agency)


def _request_supplement(user: Any, dossier: Dossier) -> bool:
    if dossier.status == Status.SUBMITTED:
        return is_desk_clerk(user, dossier)
    return bool(steps_handled_by(user, dossier))


RULES: dict[str, Callable[[Any, Dossier], bool]] = {
    Action.ACCEPT: is_desk_clerk,
    Action.REQUEST_SUPPLEMENT: _request_supplement,
    Action.SUBMIT_SUPPLEMENT: lambda u, d: is_applicant(u, d) or is_desk_clerk(u, d),
    Action.REFUSE: is_desk_clerk,
    Action.ASSIGN: lambda u, d: bool(assignable_steps(u, d)),
    Action.COMPLETE_STEP: lambda u, d: bool(steps_handled_by(u, d)),
    Action.CONSULT: lambda u, d: bool(steps_handled_by(u, d)),
    Action.REPLY_CONSULTATION: lambda u, d: bool(consultations_for(u, d)),
    Action.APPROVE: lambda u, d: bool(approvable_steps(u, d)),
    Action.REJECT_ON_MERITS: lambda u, d: (
        is_leader_of_open_step(u, d) or bool(approvable_steps(u, d))
    ),
    Action.APOLOGISE_AND_RESCHEDULE: lambda u, d: (
        is_leader_of_open_step(u, d) or has_role(u, Role.LEADER, agency=d.receiving_agency_id)
    ),
    Action.PAUSE: lambda u, d: bool(steps_handled_by(u, d)),
    Action.RESUME: lambda u, d: bool(steps_handled_by(u, d)) or is_desk_clerk(u, d),
    Action.RECORD_RESULT: may_record_result,
    Action.RETURN_RESULT: is_desk_clerk,
    Action.WITHDRAW: lambda u, d: is_applicant(u, d) or is_desk_clerk(u, d),
}


# Offered as a button only when there is something to do now (a handler whose only step waits
# for a consultation may complete it later: the action answers 409 until then, not 403).
OFFERED: dict[str, Callable[[Any, Dossier], bool]] = {
    Action.COMPLETE_STEP: lambda u, d: bool(completable_steps(u, d)),
}


def may(user: Any, action: str, dossier: Dossier) -> bool:
    return bool(user.is_authenticated and RULES[action](user, dossier))


def available_actions(user: Any, dossier: Dossier) -> list[str]:
    """The actions this user may take on the dossier in its current state."""
    return [
        action
        for action in actions_from(dossier.status)
        if may(user, action, dossier) and OFFERED.get(action, RULES[action])(user, dossier)
    ]
