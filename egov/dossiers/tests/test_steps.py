"""The workflow template at work: parallel steps go to all bodies at once for electronic
dossiers (lead named) and one after another for paper ones, and the next step waits for all of
them (join); every status change tells the applicant."""

from __future__ import annotations

from typing import Any

import pytest

from egov.dossiers import actions
from egov.dossiers.models import DossierStep, StepStatus
from egov.dossiers.tests.factories import make_bundle, refresh, register
from egov.lib.problems import PermissionDenied
from egov.notifications.models import Notification
from egov.testing.world import World

pytestmark = pytest.mark.usefixtures("at_monday_morning")


def _open(dossier: Any) -> list[tuple[str, bool]]:
    return [
        (step.name, step.is_lead)
        for step in DossierStep.objects.filter(dossier=dossier, status=StepStatus.OPEN).order_by(
            "order", "position"
        )
    ]


def test_an_electronic_dossier_reaches_all_parallel_bodies_at_once_and_joins(
    world: World,
) -> None:
    bundle = make_bundle(world)
    dossier = actions.accept_dossier(acting_user=world.clerk, dossier=register(world, bundle))
    assert _open(dossier) == [("Xây dựng thẩm định", True), ("Tư pháp xác nhận", False)]
    # Sở Tư pháp's staff now see the dossier (it was sent to them).
    assert dossier.involved.filter(agency=world.justice).exists()

    actions.complete_step(acting_user=world.outsider, dossier=dossier)
    assert _open(dossier) == [("Xây dựng thẩm định", True)]
    actions.complete_step(acting_user=world.specialist, dossier=dossier)
    assert _open(dossier) == [("Ký kết quả", False)]
    actions.complete_step(acting_user=world.leader, dossier=dossier)
    dossier = refresh(dossier)
    assert dossier.status == "approved"
    assert dossier.deciding_agency == world.construction
    assert _open(dossier) == []


def test_a_paper_dossier_goes_to_the_parallel_bodies_one_after_another_lead_first(
    world: World,
) -> None:
    bundle = make_bundle(world)
    dossier = register(world, bundle, is_electronic=False)
    actions.accept_dossier(acting_user=world.clerk, dossier=dossier)
    assert _open(dossier) == [("Xây dựng thẩm định", True)]
    with pytest.raises(PermissionDenied):
        actions.complete_step(acting_user=world.outsider, dossier=dossier)
    actions.complete_step(acting_user=world.specialist, dossier=dossier)
    assert _open(dossier) == [("Tư pháp xác nhận", False)]
    actions.complete_step(acting_user=world.outsider, dossier=dossier)
    assert _open(dossier) == [("Ký kết quả", False)]


def test_a_step_with_an_open_consultation_waits_for_the_reply(world: World, permit: Any) -> None:
    from egov.lib.problems import Conflict

    dossier = actions.accept_dossier(acting_user=world.clerk, dossier=register(world, permit))
    actions.consult_agency(
        acting_user=world.specialist,
        dossier=dossier,
        agency=world.justice.organ_code,
        question="Ý kiến?",
        days=2,
    )
    step = DossierStep.objects.get(dossier=dossier, status=StepStatus.OPEN)
    with pytest.raises(Conflict):
        actions.complete_step(acting_user=world.specialist, dossier=dossier, step_id=step.pk)
    actions.reply_consultation(acting_user=world.outsider, dossier=dossier, reply="Đồng ý")
    actions.complete_step(acting_user=world.specialist, dossier=dossier, step_id=step.pk)
    assert refresh(dossier).status == "in_processing"


def test_an_approval_step_is_decided_with_approve_not_complete_step(
    world: World, permit: Any
) -> None:
    from egov.lib.problems import Conflict

    dossier = actions.accept_dossier(acting_user=world.clerk, dossier=register(world, permit))
    actions.complete_step(acting_user=world.specialist, dossier=dossier)
    approval = DossierStep.objects.get(dossier=dossier, status=StepStatus.OPEN)
    with pytest.raises(Conflict):
        actions.complete_step(acting_user=world.leader, dossier=dossier, step_id=approval.pk)
    with pytest.raises(PermissionDenied):
        actions.approve_dossier(acting_user=world.specialist, dossier=dossier)
    actions.approve_dossier(acting_user=world.leader, dossier=dossier)
    assert refresh(dossier).status == "approved"


def test_a_specialist_takes_an_unassigned_step_but_cannot_give_it_to_someone_else(
    world: World, permit: Any
) -> None:
    dossier = actions.accept_dossier(acting_user=world.clerk, dossier=register(world, permit))
    with pytest.raises(PermissionDenied):
        actions.assign_step(acting_user=world.specialist, dossier=dossier, assignee=world.unit_head)
    actions.assign_step(acting_user=world.specialist, dossier=dossier, assignee=world.specialist)
    step = DossierStep.objects.get(dossier=dossier, status=StepStatus.OPEN)
    assert step.assignee == world.specialist


def test_every_status_change_notifies_the_applicant_in_vietnamese(
    world: World, permit: Any
) -> None:
    dossier = register(world, permit)
    actions.accept_dossier(acting_user=world.clerk, dossier=dossier)
    actions.assign_step(acting_user=world.unit_head, dossier=dossier, assignee=world.specialist)
    events = list(
        Notification.objects.filter(recipient=world.citizen)
        .order_by("id")
        .values_list("event", "title")
    )
    assert [event for event, _title in events] == ["dossiers.submitted", "dossiers.in_processing"]
    assert events[1][1] == f"Hồ sơ {dossier.code}: Đang xử lý"
    assert (
        "16/03/2026"
        in Notification.objects.filter(recipient=world.citizen).order_by("id").last().body
    )


def test_a_desk_dossier_is_electronic_when_every_document_was_scanned(
    world: World, permit: Any
) -> None:
    from egov.dossiers.tests.factories import all_documents

    scanned = register(world, permit, is_electronic=None)
    paper = register(
        world, permit, is_electronic=None, documents=all_documents(permit, scans=False)
    )
    assert (scanned.is_electronic, paper.is_electronic) == (True, False)
