"""Sample messages for tests, the demo and the benchmarks (Vietnamese, as real ones are)."""

from __future__ import annotations

import datetime as dt

from egov.exchange.codes import BusinessDocType, StatusCode
from egov.exchange.edxml import (
    VN_TZ,
    Attachment,
    Business,
    Code,
    DocumentMessage,
    DocumentType,
    MessageHeader,
    Organization,
    OtherInfo,
    PromulgationInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusMessage,
    TraceHeader,
    document_id_for,
)

# A minimal but valid PDF, so the declared type matches the content.
SMALL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def organization(organ_id: str, name: str) -> Organization:
    return Organization(
        organ_id=organ_id,
        organ_name=name,
        organization_in_charge="Ủy ban nhân dân tỉnh",
        organ_add="23 Lê Lợi, Phường 1, TP. Mỹ Tho, Tiền Giang",
        email="vanthu@example.gov.vn",
        telephone="0273 3873 121",
        website="https://example.gov.vn",
    )


def sample_document(
    *,
    sender: Organization | None = None,
    to: tuple[Organization, ...] | None = None,
    number: str = "58",
    notation: str = "KH-SXD",
    day: dt.date = dt.date(2026, 3, 5),
    subject: str = "Kế hoạch ứng dụng công nghệ thông tin năm 2026 của Sở Xây dựng",
    attachments: tuple[Attachment, ...] | None = None,
    business: Business | None = None,
    response_for: tuple[ResponseFor, ...] = (),
) -> DocumentMessage:
    sender = sender or organization("000.00.09.H58", "Sở Xây dựng tỉnh Tiền Giang")
    to = to or (organization("000.00.00.H30", "Ủy ban nhân dân tỉnh Hậu Giang"),)
    code = Code(number=number, notation=notation)
    header = MessageHeader(
        sender=sender,
        to=to,
        code=code,
        promulgation=PromulgationInfo(date=day, place="Mỹ Tho"),
        document_type=DocumentType(type=10, name="Kế hoạch"),
        subject=subject,
        content="Triển khai dịch vụ công trực tuyến mức độ 3, 4; số hóa hồ sơ; họp trực tuyến.",
        signer=SignerInfo(full_name="Võ Thị Giang", position="Giám đốc", competence="KT."),
        document_id=document_id_for(sender.organ_id, day, code),
        due_date=day + dt.timedelta(days=10),
        to_places=("Như trên", "Lưu: VT, VP"),
        other_info=OtherInfo(
            priority=1,
            sphere_of_promulgation="Lưu hành nội bộ",
            typer_notation="NVA",
            promulgation_amount=5,
            page_amount=3,
            appendixes=("Phụ lục I: Danh mục nhiệm vụ",),
        ),
        response_for=response_for,
        steering_type=1,
    )
    if attachments is None:
        attachments = (
            Attachment(
                content_id="ke-hoach-58.pdf",
                name="Kế hoạch 58-KH-SXD.pdf",
                content_type="application/pdf",
                content=SMALL_PDF,
                description="Bản ký số",
            ),
        )
    return DocumentMessage(
        header=header,
        traces=(
            TraceHeader(
                organ_id=sender.organ_id, timestamp=dt.datetime(2026, 3, 5, 9, 30, tzinfo=VN_TZ)
            ),
        ),
        business=business
        or Business(doc_type=BusinessDocType.NEW, staff=StaffInfo(staff="Đặng Thị Hoa")),
        attachments=attachments,
    )


def sample_status(
    document: DocumentMessage,
    *,
    code: str = StatusCode.ARRIVED,
    sender: Organization | None = None,
) -> StatusMessage:
    h = document.header
    return StatusMessage(
        response_for=ResponseFor(
            organ_id=h.sender.organ_id,
            code=str(h.code),
            promulgation_date=h.promulgation.date,
            document_id=h.document_id,
        ),
        sender=sender or h.to[0],
        code=code,
        description="Văn bản đã đến",
        timestamp=dt.datetime(2026, 3, 5, 10, 0, tzinfo=VN_TZ),
        staff=StaffInfo(department="Văn phòng", staff="Trần Văn Thư", mobile="0909000000"),
    )
