"""Procedures and dossiers for the tests, built with the real actions.

Two procedures on the shared personas (``egov.testing.world``):
- ``permit`` (10 working days): receive at the centre's desk, process in Sở Xây dựng's
  Phòng Quản lý xây dựng, approval by the director, issue by the văn thư, return at the desk;
- ``bundle`` (inter-agency, 8 working days): receive, then Sở Xây dựng (lead) and Sở Tư pháp in
  parallel, then signing by Sở Xây dựng's director, return.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from egov.dossiers import actions
from egov.dossiers.actions import ApplicantInput, DocumentInput
from egov.dossiers.models import Dossier, DossierStep, StepStatus
from egov.dossiers.workflow import Status
from egov.lib.workdays import VIETNAM
from egov.org.models import Role
from egov.procedures.models import Procedure, RequiredDocument, Sector, WorkflowStep
from egov.testing.world import World

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VIETNAM)  # type: ignore[misc]


def _sector() -> Sector:
    return Sector.objects.get_or_create(code="XD", defaults={"name": "Hoạt động xây dựng"})[0]


def make_permit(world: World, *, days: int = 10, code: str = "T.000001") -> Procedure:
    procedure = Procedure.objects.create(
        code=code,
        name="Cấp giấy phép xây dựng công trình",
        sector=_sector(),
        level="province",
        agency=world.construction,
        service_level=4,
        category="full_online",
        processing_days=days,
        applicant_types=["citizen", "business"],
        result_online=True,
    )
    RequiredDocument.objects.create(procedure=procedure, order=1, name="Đơn đề nghị")
    RequiredDocument.objects.create(procedure=procedure, order=2, name="Bản vẽ thiết kế")
    RequiredDocument.objects.create(
        procedure=procedure, order=3, name="Văn bản thẩm duyệt PCCC", mandatory=False
    )
    steps = [
        (1, "Tiếp nhận", "receive", world.centre, "TNTKQ", Role.ONE_STOP_CLERK, "0.5"),
        (2, "Thẩm định", "process", world.construction, "QLXD", Role.SPECIALIST, "5"),
        (3, "Phê duyệt", "approve", world.construction, "", Role.LEADER, "2"),
        (4, "Phát hành", "sign", world.construction, "VP", Role.DOCUMENT_CLERK, "1"),
        (5, "Trả kết quả", "return", world.centre, "TNTKQ", Role.ONE_STOP_CLERK, "0.5"),
    ]
    for order, name, kind, agency, unit, role, budget in steps:
        WorkflowStep.objects.create(
            procedure=procedure,
            order=order,
            name=name,
            kind=kind,
            agency=agency,
            unit_code=unit,
            role=role,
            days=Decimal(budget),
        )
    return procedure


def make_bundle(world: World, *, code: str = "T.000002") -> Procedure:
    procedure = Procedure.objects.create(
        code=code,
        name="Liên thông thủ tục xây dựng và tư pháp",
        sector=_sector(),
        level="province",
        agency=world.construction,
        service_level=4,
        category="full_online",
        processing_days=8,
        is_inter_agency=True,
    )
    RequiredDocument.objects.create(procedure=procedure, order=1, name="Tờ khai")
    steps = [
        (1, "Tiếp nhận", "receive", world.centre, "TNTKQ", Role.ONE_STOP_CLERK, "0.5", False),
        (
            2,
            "Xây dựng thẩm định",
            "process",
            world.construction,
            "QLXD",
            Role.SPECIALIST,
            "4",
            True,
        ),
        (2, "Tư pháp xác nhận", "process", world.justice, "HCTP", Role.SPECIALIST, "3", False),
        (3, "Ký kết quả", "sign", world.construction, "", Role.LEADER, "1", False),
        (4, "Trả kết quả", "return", world.centre, "TNTKQ", Role.ONE_STOP_CLERK, "0.5", False),
    ]
    for order, name, kind, agency, unit, role, budget, lead in steps:
        WorkflowStep.objects.create(
            procedure=procedure,
            order=order,
            name=name,
            kind=kind,
            agency=agency,
            unit_code=unit,
            role=role,
            days=Decimal(budget),
            is_lead=lead,
        )
    return procedure


def walk_in(**overrides: Any) -> ApplicantInput:
    values = {
        "kind": "citizen",
        "name": "Nguyễn Văn An",
        "personal_id": "082090001234",
        "address": "12 Ấp Bắc, Phường 4, TP. Mỹ Tho",
        "phone": "0901234567",
        "email": "an@example.vn",
    }
    values.update(overrides)
    return ApplicantInput(**values)


def all_documents(procedure: Procedure, *, scans: bool = True) -> list[DocumentInput]:
    return [
        DocumentInput(
            required_document_id=doc.pk,
            sets=1,
            content=PDF if scans else None,
            filename="scan.pdf",
        )
        for doc in procedure.documents.filter(mandatory=True)
    ]


def register(world: World, procedure: Procedure, **overrides: Any) -> Dossier:
    values: dict[str, Any] = {
        "acting_user": world.clerk,
        "procedure": procedure,
        "channel": "desk",
        "applicant": walk_in(),
        "documents": all_documents(procedure),
        "is_electronic": True,
    }
    values.update(overrides)
    return actions.register_dossier(**values)


def open_step(dossier: Dossier, **filters: Any) -> DossierStep:
    return DossierStep.objects.get(dossier=dossier, status=StepStatus.OPEN, **filters)


def refresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


# Bring a permit dossier into each state with the real actions.
def _submitted(world: World, procedure: Procedure) -> Dossier:
    return register(world, procedure)


def _incomplete(world: World, procedure: Procedure) -> Dossier:
    dossier = register(world, procedure, documents=[])
    return actions.request_supplement(
        acting_user=world.clerk, dossier=dossier, other_items=["Đơn đề nghị"]
    )


def _refused(world: World, procedure: Procedure) -> Dossier:
    return actions.refuse_dossier(
        acting_user=world.clerk, dossier=register(world, procedure), reason="Sai thẩm quyền"
    )


def _in_processing(world: World, procedure: Procedure) -> Dossier:
    return actions.accept_dossier(acting_user=world.clerk, dossier=register(world, procedure))


def _supplement_requested(world: World, procedure: Procedure) -> Dossier:
    return actions.request_supplement(
        acting_user=world.specialist,
        dossier=_in_processing(world, procedure),
        other_items=["Bản vẽ mặt cắt"],
    )


def _consulting(world: World, procedure: Procedure) -> Dossier:
    dossier = _in_processing(world, procedure)
    actions.consult_agency(
        acting_user=world.specialist,
        dossier=dossier,
        agency=world.justice.organ_code,
        question="Xin ý kiến về hồ sơ pháp lý",
        days=3,
    )
    return refresh(dossier)


def _waiting(world: World, procedure: Procedure) -> Dossier:
    return actions.pause_dossier(
        acting_user=world.specialist,
        dossier=_in_processing(world, procedure),
        reason="Chờ người nộp nộp phí",
    )


def _approved(world: World, procedure: Procedure) -> Dossier:
    dossier = _in_processing(world, procedure)
    actions.complete_step(acting_user=world.specialist, dossier=dossier)
    return actions.approve_dossier(acting_user=world.leader, dossier=dossier)


def _rejected(world: World, procedure: Procedure) -> Dossier:
    return actions.reject_on_merits(
        acting_user=world.leader,
        dossier=_in_processing(world, procedure),
        reason="Không đủ điều kiện",
    )


def _result_ready(world: World, procedure: Procedure) -> Dossier:
    dossier = _approved(world, procedure)
    actions.complete_step(acting_user=world.document_clerk, dossier=dossier)
    return actions.record_result(
        acting_user=world.specialist,
        dossier=dossier,
        summary="Giấy phép xây dựng số 12/GPXD",
        number="12/GPXD",
    )


def _returned(world: World, procedure: Procedure) -> Dossier:
    return actions.return_result(acting_user=world.clerk, dossier=_result_ready(world, procedure))


def _withdrawn(world: World, procedure: Procedure) -> Dossier:
    return actions.withdraw_dossier(
        acting_user=world.clerk, dossier=register(world, procedure), reason="Không còn nhu cầu"
    )


IN_STATE: dict[str, Callable[[World, Procedure], Dossier]] = {
    Status.SUBMITTED: _submitted,
    Status.INCOMPLETE: _incomplete,
    Status.REFUSED: _refused,
    Status.IN_PROCESSING: _in_processing,
    Status.SUPPLEMENT_REQUESTED: _supplement_requested,
    Status.CONSULTING: _consulting,
    Status.WAITING_FOR_APPLICANT: _waiting,
    Status.APPROVED: _approved,
    Status.REJECTED: _rejected,
    Status.RESULT_READY: _result_ready,
    Status.RETURNED: _returned,
    Status.WITHDRAWN: _withdrawn,
}


def dossier_in(state: str, world: World, procedure: Procedure) -> Dossier:
    dossier = refresh(IN_STATE[state](world, procedure))
    assert dossier.status == state
    return dossier
