"""Demo documents: this year's registers of every demo agency, outgoing documents of Sở Xây dựng
at each step, and incoming ones for ``lanhdao``, ``truongphong`` and ``chuyenvien``.

Everything goes through the actions, as the people themselves would do it. Idempotent: each
document is found again by its subject, and a second run writes nothing.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from egov.accounts.models import User
from egov.demo.base import DemoLogin
from egov.documents import actions
from egov.documents.actions import FileSpec, RecipientSpec
from egov.documents.models import Direction, Document, Register, RegisterKind, Status
from egov.lib.pdf import centered, style
from egov.org.demo import AGENCIES, agency
from egov.org.models import Unit

REMOTE = RecipientSpec("000.00.00.H30", "Ủy ban nhân dân tỉnh Hậu Giang")


def _pdf(title: str, body: str) -> FileSpec:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=title).build(
        [
            Paragraph("SỞ XÂY DỰNG TỈNH TIỀN GIANG", style("h", bold=True, size=12)),
            Spacer(1, 24),
            Paragraph(title.upper(), centered("t", bold=True, size=14)),
            Spacer(1, 12),
            Paragraph(body, style("b", size=13)),
        ]
    )
    return FileSpec("du-thao.pdf", buffer.getvalue(), "application/pdf")


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _open_registers(year: int) -> None:
    for spec in AGENCIES:
        where = agency(spec["suffix"])
        for kind in (RegisterKind.OUTGOING, RegisterKind.INCOMING):
            if not Register.objects.filter(agency=where, year=year, kind=kind).exists():
                actions.open_register(acting_user=None, agency=where, year=year, kind=kind)


def _outgoing(subject: str, status: str, **fields: Any) -> None:
    sxd = agency("000.00.09")
    if Document.objects.filter(agency=sxd, direction=Direction.OUTGOING, subject=subject).exists():
        return
    specialist, head = _user("chuyenvien"), _user("truongphong")
    leader, clerk = _user("lanhdao"), _user("vanthu")
    doc = actions.create_draft(
        acting_user=specialist,
        agency=sxd,
        subject=subject,
        drafting_unit=Unit.objects.get(agency=sxd, code="QLXD"),
        file=_pdf(subject, fields.pop("body", subject)),
        **fields,
    )
    steps: list[tuple[str, Callable[[Document], Document]]] = [
        (Status.IN_REVIEW, lambda d: actions.submit_document(acting_user=specialist, document=d)),
        (Status.APPROVED, lambda d: actions.approve_document(acting_user=head, document=d)),
        (Status.SIGNED, lambda d: actions.sign_document(acting_user=leader, document=d)),
        (Status.ISSUED, lambda d: actions.issue_document(acting_user=clerk, document=d)),
        (Status.SENT, lambda d: actions.send_document(acting_user=clerk, document=d)),
    ]
    for reached, step in steps:
        if doc.status == status:
            return
        doc = step(doc)
        assert doc.status == reached


def _incoming(subject: str, assign: dict[str, Any] | None, **fields: Any) -> None:
    sxd = agency("000.00.09")
    if Document.objects.filter(agency=sxd, direction=Direction.INCOMING, subject=subject).exists():
        return
    doc = actions.register_incoming(
        acting_user=_user("vanthu"), agency=sxd, subject=subject, **fields
    )
    if assign is not None:
        actions.assign_document(acting_user=_user("lanhdao"), document=doc, **assign)


def load() -> list[DemoLogin]:
    today = timezone.localdate()
    _open_registers(2026)
    if today.year != 2026:
        _open_registers(today.year)
    my_tho, justice = agency("000.00.21"), agency("000.00.05")
    natural = agency("000.00.10")
    qlxd = Unit.objects.get(agency=agency("000.00.09"), code="QLXD")

    _outgoing(
        "V/v hướng dẫn hồ sơ cấp giấy phép xây dựng nhà ở riêng lẻ",
        Status.DRAFT,
        doc_type="cong_van",
        recipients=[RecipientSpec(my_tho.organ_code)],
        to_places=["Như trên", "Lưu: VT, QLXD"],
    )
    _outgoing(
        "Kế hoạch kiểm tra công tác quản lý trật tự xây dựng năm 2027",
        Status.IN_REVIEW,
        doc_type="ke_hoach",
        recipients=[RecipientSpec(my_tho.organ_code)],
    )
    _outgoing(
        "Báo cáo tình hình quản lý chất lượng công trình xây dựng quý IV năm 2026",
        Status.APPROVED,
        doc_type="bao_cao",
        recipients=[RecipientSpec(agency("000.00.00").organ_code)],
    )
    _outgoing(
        "Quyết định thành lập Đoàn kiểm tra liên ngành về trật tự xây dựng",
        Status.SIGNED,
        doc_type="quyet_dinh",
        recipients=[RecipientSpec(my_tho.organ_code), RecipientSpec(justice.organ_code)],
        issued_amount=5,
    )
    _outgoing(
        "V/v đôn đốc báo cáo tình hình cấp phép xây dựng năm 2026",
        Status.SENT,
        doc_type="cong_van",
        recipients=[
            RecipientSpec(my_tho.organ_code),
            RecipientSpec(justice.organ_code),
            REMOTE,
        ],
        to_places=["Như trên", "Lưu: VT, QLXD"],
        body="Đề nghị các cơ quan báo cáo tình hình cấp giấy phép xây dựng năm 2026.",
    )

    province = agency("000.00.00")
    _incoming(
        "Về việc triển khai Kế hoạch ứng dụng công nghệ thông tin trong cơ quan nhà nước",
        {"unit": qlxd, "assignee": _user("chuyenvien"), "note": "Giao phòng QLXD tham mưu"},
        doc_type="cong_van",
        organ_name=province.name,
        organ_id=province.organ_code,
        code_number="412",
        code_notation="UBND-KGVX",
        issued_date=today,
    )
    _incoming(
        "Về việc phối hợp xác định ranh giới đất xây dựng công trình công cộng",
        {"unit": qlxd, "note": "Phòng QLXD phân công xử lý"},
        doc_type="cong_van",
        organ_name=natural.name,
        organ_id=natural.organ_code,
        code_number="87",
        code_notation="STNMT-QLĐĐ",
        issued_date=today,
    )
    _incoming(
        "Giấy mời dự họp giao ban công tác xây dựng quý I năm 2027",
        None,
        doc_type="giay_moi",
        organ_name=province.name,
        organ_id=province.organ_code,
        code_number="15",
        code_notation="GM-UBND",
        issued_date=today,
        priority=1,
    )
    return []
