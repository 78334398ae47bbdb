"""Demo dossiers in various states, so the desk (`motcua`, `motcua.p1`), the specialist
(`chuyenvien`), the unit head (`truongphong`) and the citizen (`congdan`, whose personal ID
links the dossiers handed in for him) see something.

Built with the real actions; each dossier carries ``source_ref = "demo:<n>"`` and is only built
when no dossier has that reference, so a second run writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from egov.accounts.models import User
from egov.demo.base import DemoLogin
from egov.dossiers import actions
from egov.dossiers.actions import ApplicantInput, DocumentInput
from egov.dossiers.models import Dossier
from egov.procedures.models import Procedure

CERTIFICATE = "1.009942"  # chứng chỉ hành nghề xây dựng (Sở Xây dựng, 20 days, online)
EXTENSION = "1.009985"  # gia hạn giấy phép xây dựng (Sở Xây dựng, 5 days)
BIRTH = "1.001193"  # đăng ký khai sinh (commune, 1 day)

# A one-page PDF stands in for the scans.
_SCAN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 420 595]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _documents(procedure: Procedure, *, all_mandatory: bool = True) -> list[DocumentInput]:
    documents = procedure.documents.filter(mandatory=True).order_by("order", "id")
    chosen = list(documents) if all_mandatory else list(documents)[:1]
    return [
        DocumentInput(required_document_id=d.pk, sets=d.copies, content=_SCAN, filename="scan.pdf")
        for d in chosen
    ]


def _walk_in(name: str, personal_id: str, address: str, phone: str) -> ApplicantInput:
    return ApplicantInput(
        kind="citizen", name=name, personal_id=personal_id, address=address, phone=phone
    )


def _desk(
    ref: str, code: str, applicant: ApplicantInput, *, clerk: str = "motcua", complete: bool = True
) -> Dossier:
    procedure = Procedure.objects.get(code=code)
    return actions.register_dossier(
        acting_user=_user(clerk),
        procedure=procedure,
        channel="desk",
        applicant=applicant,
        documents=_documents(procedure, all_mandatory=complete),
        source_ref=ref,
        is_electronic=True,
    )


def _submitted_at_desk() -> None:
    _desk(
        "demo:1",
        CERTIFICATE,
        _walk_in(
            "Trần Minh Tuấn",
            "082088004567",
            "25 Lý Thường Kiệt, Phường 2, TP. Mỹ Tho",
            "0907111222",
        ),
    )


def _submitted_by_post() -> None:
    # The applicant has an account (congdan): the dossier shows among their own.
    procedure = Procedure.objects.get(code=CERTIFICATE)
    actions.register_dossier(
        acting_user=_user("motcua"),
        procedure=procedure,
        channel="post",
        applicant=_walk_in(
            "Nguyễn Văn An", "082090001234", "12 Ấp Bắc, Phường 4, TP. Mỹ Tho", "0901234567"
        ),
        documents=_documents(procedure),
        return_method="post",
        source_ref="demo:2",
        is_electronic=False,
    )


def _in_processing() -> None:
    dossier = _desk(
        "demo:3",
        EXTENSION,
        ApplicantInput(
            kind="business",
            name="Công ty TNHH Mỹ Tho Xanh",
            tax_code="1201234560",
            address="45 Nguyễn Trãi, Phường 1, TP. Mỹ Tho",
            phone="0912345678",
        ),
    )
    actions.accept_dossier(acting_user=_user("motcua"), dossier=dossier)


def _awaiting_approval() -> None:
    dossier = _desk(
        "demo:4",
        CERTIFICATE,
        _walk_in(
            "Lê Hoàng Phúc", "082092007890", "8 Trưng Trắc, Phường 1, TP. Mỹ Tho", "0938222333"
        ),
    )
    actions.accept_dossier(acting_user=_user("motcua"), dossier=dossier)
    actions.complete_step(
        acting_user=_user("chuyenvien"), dossier=dossier, note="Hồ sơ đủ điều kiện."
    )


def _incomplete() -> None:
    dossier = _desk(
        "demo:5",
        EXTENSION,
        _walk_in("Nguyễn Văn An", "082090001234", "12 Ấp Bắc, Phường 4, TP. Mỹ Tho", "0901234567"),
        complete=False,
    )
    missing = [doc.pk for doc in actions.missing_documents(dossier)]
    actions.request_supplement(
        acting_user=_user("motcua"),
        dossier=dossier,
        missing_document_ids=missing,
        reason="Bổ sung bản chính giấy phép xây dựng đã được cấp.",
    )


def _commune_birth() -> None:
    dossier = _desk(
        "demo:6",
        BIRTH,
        _walk_in(
            "Phạm Thị Lan", "082195006789", "3 Hùng Vương, Phường 1, TP. Mỹ Tho", "0977444555"
        ),
        clerk="motcua.p1",
    )
    actions.accept_dossier(acting_user=_user("motcua.p1"), dossier=dossier)


def _returned() -> None:
    _carry_to_return(
        "demo:7",
        _walk_in("Đỗ Thanh Hải", "082087002468", "40 Ấp Bắc, Phường 5, TP. Mỹ Tho", "0919555666"),
    )


def _returned_to_congdan() -> None:
    # congdan (personal ID 082090001234) can rate this one under "Hồ sơ của tôi".
    _carry_to_return(
        "demo:8",
        _walk_in("Nguyễn Văn An", "082090001234", "12 Ấp Bắc, Phường 4, TP. Mỹ Tho", "0901234567"),
    )


def _carry_to_return(ref: str, applicant: ApplicantInput) -> None:
    dossier = _desk(ref, EXTENSION, applicant)
    clerk = _user("motcua")
    actions.accept_dossier(acting_user=clerk, dossier=dossier)
    actions.complete_step(acting_user=_user("chuyenvien"), dossier=dossier)
    actions.approve_dossier(acting_user=_user("truongphong"), dossier=dossier)
    actions.complete_step(acting_user=_user("lanhdao"), dossier=dossier)
    actions.record_result(
        acting_user=_user("chuyenvien"),
        dossier=dossier,
        number="15/GPXD-GH",
        summary="Gia hạn giấy phép xây dựng đến hết năm sau.",
    )
    actions.return_result(acting_user=clerk, dossier=dossier, method="desk")


DEMO: list[tuple[str, Callable[[], None]]] = [
    ("demo:1", _submitted_at_desk),
    ("demo:2", _submitted_by_post),
    ("demo:3", _in_processing),
    ("demo:4", _awaiting_approval),
    ("demo:5", _incomplete),
    ("demo:6", _commune_birth),
    ("demo:7", _returned),
    ("demo:8", _returned_to_congdan),
]


def load() -> list[DemoLogin]:
    existing = set(
        Dossier.objects.filter(source_ref__startswith="demo:").values_list("source_ref", flat=True)
    )
    for ref, build in DEMO:
        if ref not in existing:
            build()
    return []
