"""Forms 01–05 of Circular 01/2018 as PDFs: A5, Vietnamese, sealed by the receiving agency.

The actions record each form with a snapshot (``egov.dossiers.forms``); this module turns the
snapshot into a PDF and stores it in ``DossierForm.file``. It happens after the transition has
committed, never inside it: the renderer registered for every form enqueues the background task
``render_form_file``, and a download that comes first renders on demand (``form_pdf``). Both go
through ``ensure_form_file``, which locks the form's row, so two concurrent first downloads (or a
download and the task) render and store the file once.

Signing: ``settings.EGOV_DOSSIER_FORM_SIGNER`` names the signer (default: the organisation seal
of the receiving agency through the signatures app, ``egov.signatures.adapters``); ``none``
renders unsigned (the test environment's default, for speed). An agency without a usable seal
certificate gets the form unsigned, and it is not stored, so a later download signs it once the
certificate exists.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse
from django.utils.module_loading import import_string
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from egov.audit.actions import record_event
from egov.dossiers.forms import FORM_TITLES, register_renderer
from egov.dossiers.models import DossierForm
from egov.lib.actions import action
from egov.lib.pdf import centered, qr_drawing, style

logger = logging.getLogger(__name__)

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TIMELINESS_VI = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}
RETURN_METHOD_VI = {
    "desk": "Bộ phận Tiếp nhận và Trả kết quả",
    "post": "Qua dịch vụ bưu chính công ích",
    "online": "Trực tuyến",
}
MARGIN = 12 * mm
SEAL_SPACE = 25 * mm  # room for the signature and the round seal under a signing title


def public_lookup_url(code: str) -> str:
    """The public status page of a dossier (the QR code on form 01 points here)."""
    return f"{settings.SITE_URL}/lookup/{code}/"


# ------------------------------------------------------------------------------------------
# Dates the Vietnamese way


def parse_moment(value: str | None) -> dt.datetime | dt.date | None:
    if not value:
        return None
    return dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)


def vn_date(value: str | dt.date | None) -> str:
    moment = parse_moment(value) if isinstance(value, str) or value is None else value
    return moment.strftime("%d/%m/%Y") if moment is not None else ""


def vn_time(value: str | dt.datetime | None) -> str:
    """ "09 giờ 05 phút, ngày 02/03/2026" (the snapshot keeps Vietnam's local time)."""
    moment = parse_moment(value) if isinstance(value, str) or value is None else value
    if not isinstance(moment, dt.datetime):
        return vn_date(moment) if moment is not None else ""
    return f"{moment:%H} giờ {moment:%M} phút, ngày {moment:%d/%m/%Y}"


def vn_clock(value: str | None) -> str:
    """ "09:05 02/03/2026", the form 05 format (hh:mm dd/mm/yyyy)."""
    moment = parse_moment(value)
    if isinstance(moment, dt.datetime):
        return f"{moment:%H:%M %d/%m/%Y}"
    return vn_date(moment) if moment is not None else ""


def vn_long_date(day: dt.date) -> str:
    return f"ngày {day:%d} tháng {day:%m} năm {day:%Y}"


# ------------------------------------------------------------------------------------------
# Building blocks


class SealAnchor(Flowable):
    """An empty box that remembers where it was drawn: the seal goes on its centre."""

    def __init__(self, width: float, height: float, found: dict[str, Any]) -> None:
        super().__init__()
        self.width = width
        self.height = height
        self.found = found

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(self.width / 2, self.height / 2)
        self.found.update(page=self.canv.getPageNumber() - 1, x=x, y=y)


@dataclass
class Rendered:
    pdf: bytes
    # 0-based page and the centre (points) where the organisation seal belongs
    seal_page: int = 0
    seal_x: float = 0.0
    seal_y: float = 0.0


@dataclass
class Page:
    """One form being laid out."""

    title: str
    story: list[Flowable] = field(default_factory=list)
    anchor: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.body = style("body", size=9.5, leading=12.5, align=TA_JUSTIFY, space_after=1)
        self.small = style("small", size=8.5, leading=11)
        self.bold = style("bold", size=10, bold=True, leading=13.5)

    def para(self, text: str, st: Any = None) -> None:
        self.story.append(Paragraph(text, st or self.body))

    def line(self, label: str, value: str) -> None:
        self.para(f"{escape(label)}: <b>{escape(value)}</b>" if value else f"{escape(label)}:")

    def items(self, values: Sequence[str]) -> None:
        for value in values:
            self.para(f"- {escape(value)}")


def national_header(page: Page, data: dict[str, Any], width: float) -> None:
    """Agency and desk on the left, the national motto on the right (Decree 30/2020 layout)."""
    left = [
        Paragraph(escape(data.get("receiving_agency", "").upper()), centered("ag", size=8)),
        Paragraph(
            f"<b>{escape(data.get('receiving_unit', '').upper())}</b>", centered("un", size=8)
        ),
        HRFlowable(width="40%", thickness=0.6, color=colors.black, spaceBefore=1),
    ]
    right = [
        Paragraph(f"<b>{NATION}</b>", centered("na", size=8)),
        Paragraph(f"<b>{MOTTO}</b>", centered("mo", size=8.5)),
        HRFlowable(width="60%", thickness=0.6, color=colors.black, spaceBefore=1),
    ]
    page.story.append(side_by_side([left, right], [width * 0.42, width * 0.58], "TOP"))


def side_by_side(cells: list[Any], widths: list[float], valign: str) -> Table:
    """Columns of flowables without a frame or side padding."""
    table = Table([cells], colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), valign),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def heading(page: Page, data: dict[str, Any], day: dt.date) -> None:
    page.story.append(Spacer(1, 3 * mm))
    page.para(vn_long_date(day).capitalize(), style("date", size=9, italic=True, align=2))
    page.story.append(Spacer(1, 2 * mm))
    page.para(f"<b>{escape(page.title.upper())}</b>", centered("title", size=11.5, leading=15))
    page.para(f"Mã hồ sơ: <b>{escape(data['code'])}</b>", centered("code", size=10))
    page.story.append(Spacer(1, 3 * mm))


def signatures(
    page: Page, width: float, left: tuple[str, str], right: tuple[str, str], *, seal: bool = True
) -> None:
    """Two signing columns: (title, name) each; the seal goes into the right one."""
    title = centered("sig", size=9.5, bold=True, leading=12)
    hint = centered("hint", size=8, italic=True)
    name = centered("nm", size=9.5, bold=True)
    column = width / 2

    def cell(heading_text: str, person: str, anchored: bool) -> list[Flowable]:
        space: Flowable = (
            SealAnchor(column - 12, SEAL_SPACE, page.anchor) if anchored else Spacer(1, SEAL_SPACE)
        )
        return [
            Paragraph(escape(heading_text), title),
            Paragraph("(Ký và ghi rõ họ tên)", hint),
            space,
            Paragraph(escape(person), name),
        ]

    rows = [[cell(*left, anchored=False), cell(*right, anchored=seal)]] if left[0] else None
    table = (
        Table(rows, colWidths=[column, column])
        if rows
        else Table([["", cell(*right, anchored=seal)]], colWidths=[column, column])
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    page.story.append(Spacer(1, 3 * mm))
    page.story.append(KeepTogether([table]))


def build(page: Page, *, pagesize: tuple[float, float] = A5, author: str = "") -> Rendered:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=page.title,
        author=author,
        subject=page.title,
        creator="egov",
    )
    doc.build(page.story)
    pdf = buffer.getvalue()
    anchor = page.anchor
    return Rendered(
        pdf=pdf,
        seal_page=anchor.get("page", -1),
        seal_x=anchor.get("x", 0.0),
        seal_y=anchor.get("y", 0.0),
    )


def _content_width(pagesize: tuple[float, float] = A5) -> float:
    return pagesize[0] - 2 * MARGIN


def _applicant(page: Page, data: dict[str, Any], name_label: str = "Ông/bà (tổ chức)") -> None:
    applicant = data.get("applicant", {})
    page.line(name_label, applicant.get("name", ""))
    if applicant.get("personal_id") or applicant.get("tax_code"):
        label = "Số định danh cá nhân" if applicant.get("personal_id") else "Mã số thuế"
        page.line(label, applicant.get("personal_id") or applicant.get("tax_code"))
    page.line("Địa chỉ", applicant.get("address", ""))
    contact = ", ".join(
        part
        for part in (
            f"Số điện thoại: {applicant['phone']}" if applicant.get("phone") else "",
            f"E-mail: {applicant['email']}" if applicant.get("email") else "",
        )
        if part
    )
    if contact:
        page.para(escape(contact))
    page.line("Nội dung yêu cầu giải quyết", data.get("procedure", {}).get("name", ""))


def _start(form: DossierForm) -> tuple[dict[str, Any], float, Page]:
    """The snapshot, the content width and a page with the header and title of the form."""
    data = form.data
    width = _content_width()
    page = Page(FORM_TITLES[form.number])
    national_header(page, data, width)
    heading(page, data, form.issued_at.date())
    return data, width, page


def _received_by(page: Page, data: dict[str, Any]) -> None:
    received = vn_time(data.get("received_at") or data.get("registered_at"))
    page.para(
        f"Ngày {escape(received)}, {escape(data.get('receiving_unit', ''))} – "
        f"{escape(data.get('receiving_agency', ''))} tiếp nhận hồ sơ của:"
    )


def _issuer(form: DossierForm) -> str:
    return form.issued_by.get_full_name() if form.issued_by_id and form.issued_by else ""


# ------------------------------------------------------------------------------------------
# The forms


def form_01(form: DossierForm) -> Rendered:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả, with the QR code of the public lookup page."""
    data = form.data
    width = _content_width()
    page = Page(FORM_TITLES["01"])
    url = public_lookup_url(data["code"])
    national_header(page, data, width)
    titles = Page(page.title)
    heading(titles, data, form.issued_at.date())
    qr_size = 21 * mm
    page.story.append(
        side_by_side(
            [titles.story, qr_drawing(url, qr_size)],
            [width - qr_size - 2 * mm, qr_size + 2 * mm],
            "MIDDLE",
        )
    )
    page.line("Bộ phận Tiếp nhận và Trả kết quả", data.get("receiving_unit", ""))
    _applicant(page, data, name_label="Tiếp nhận hồ sơ của")
    documents = data.get("documents", [])
    page.para("<b>1. Thành phần hồ sơ nộp gồm:</b>")
    for number, doc in enumerate(documents, start=1):
        page.para(f"{number}) {escape(doc['name'])} – {doc['sets']} bộ")
    sets = max((doc["sets"] for doc in documents), default=0)
    page.para(f"<b>2. Số lượng hồ sơ:</b> {sets} (bộ)")
    page.para(
        f"<b>3. Thời gian giải quyết hồ sơ theo quy định là:</b> "
        f"{data.get('processing_days', '')} ngày làm việc"
    )
    page.para(f"<b>4. Thời gian nhận hồ sơ:</b> {vn_time(data.get('received_at'))}")
    page.para(
        f"<b>5. Thời gian trả kết quả giải quyết hồ sơ:</b> "
        f"ngày {vn_date(data.get('appointment_on'))}"
    )
    method = RETURN_METHOD_VI.get(data.get("return_method", ""), "")
    address = data.get("return_address", "")
    page.para(
        f"<b>6. Đăng ký nhận kết quả tại:</b> {escape(method)}"
        + (f" ({escape(address)})" if address else "")
    )
    page.para(
        f"Vào Sổ theo dõi hồ sơ, số: {escape(data['code'])}. Tra cứu tình trạng hồ sơ: "
        f'<link href="{escape(url)}">{escape(url)}</link>',
        style("lookup", family="Sans", size=7, leading=9),
    )
    signatures(
        page,
        width,
        ("NGƯỜI NỘP HỒ SƠ", data["applicant"]["name"]),
        ("NGƯỜI TIẾP NHẬN HỒ SƠ", data.get("receiver") or _issuer(form)),
    )
    return build(page, author=data.get("receiving_agency", ""))


def form_02(form: DossierForm) -> Rendered:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."""
    data, width, page = _start(form)
    _received_by(page, data)
    _applicant(page, data)
    page.para("<b>Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:</b>")
    page.items(data.get("missing", []))
    if data.get("reason"):
        page.line("Lý do", data["reason"])
    contact = data.get("contact", {})
    reach = ", ".join(
        part
        for part in (
            f"số điện thoại {contact['phone']}" if contact.get("phone") else "",
            f"e-mail {contact['email']}" if contact.get("email") else "",
        )
        if part
    )
    page.para(
        "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, ông/bà liên hệ "
        f"{escape(contact.get('unit', data.get('receiving_unit', '')))}"
        + (f" ({escape(reach)})" if reach else "")
        + " để được hướng dẫn."
    )
    page.para("Xin trân trọng thông báo!")
    signatures(page, width, ("", ""), ("NGƯỜI HƯỚNG DẪN", _issuer(form)))
    return build(page, author=data.get("receiving_agency", ""))


def form_03(form: DossierForm) -> Rendered:
    """Phiếu từ chối tiếp nhận, giải quyết hồ sơ."""
    data, width, page = _start(form)
    _received_by(page, data)
    _applicant(page, data)
    stage = "tiếp nhận" if data.get("stage") == "receipt" else "giải quyết"
    page.para(
        f"Qua xem xét, cơ quan có thẩm quyền thông báo không {stage} hồ sơ này "
        "với lý do cụ thể như sau:"
    )
    page.para(f"<b>{escape(data.get('reason', ''))}</b>")
    page.para("Xin thông báo để ông/bà được biết và thực hiện./.")
    signatures(page, width, ("", ""), ("NGƯỜI LẬP PHIẾU", _issuer(form)))
    return build(page, author=data.get("receiving_agency", ""))


def form_04(form: DossierForm) -> Rendered:
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả."""
    data, width, page = _start(form)
    agency = data.get("receiving_agency", "")
    page.para(
        f"Ngày {escape(vn_time(data.get('received_at')))}, "
        f"{escape(data.get('receiving_unit', ''))} tiếp nhận giải quyết hồ sơ của:"
    )
    _applicant(page, data)
    page.para(
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: "
        f"<b>ngày {vn_date(data.get('previous_due_on'))}</b>."
    )
    page.para(
        f"Tuy nhiên đến nay, {escape(agency)} chưa trả kết quả giải quyết hồ sơ cho ông/bà "
        "đúng hạn ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả."
    )
    page.line("Lý do", data.get("reason", ""))
    page.para(
        f"Sự chậm trễ này đã gây phiền hà cho ông/bà. {escape(agency)} xin lỗi ông/bà và sẽ "
        f"trả kết quả giải quyết hồ sơ cho ông/bà vào <b>ngày {vn_date(data.get('new_due_on'))}"
        "</b>."
    )
    page.para("Mong nhận được sự thông cảm của ông/bà vì sự chậm trễ này.")
    signatures(page, width, ("", ""), ("ĐẠI DIỆN CƠ QUAN", _issuer(form)))
    return build(page, author=agency)


def form_05(form: DossierForm) -> Rendered:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ: one row per step of the history."""
    data, width, page = _start(form)
    page.line("Cơ quan (bộ phận) giải quyết hồ sơ", data.get("receiving_agency", ""))
    page.line("Người nộp hồ sơ", data.get("applicant", {}).get("name", ""))
    page.line("Thủ tục", data.get("procedure", {}).get("name", ""))
    cell = style("cell", size=7.5, leading=9.5)
    head = style("head", size=7.5, leading=9.5, bold=True, align=TA_CENTER)
    rows: list[list[Any]] = [
        [
            Paragraph(text, head)
            for text in (
                "TT",
                "Bước, cơ quan",
                "Giao, nhận hồ sơ",
                "Hoàn thành",
                "Kết quả (trước/đúng/quá hạn)",
                "Ghi chú",
            )
        ]
    ]
    for number, step in enumerate(data.get("steps", []), start=1):
        where = ", ".join(part for part in (step.get("unit"), step.get("agency")) if part)
        note = "; ".join(
            part
            for part in (
                step.get("completed_by", ""),
                f"hạn {vn_date(step['due_on'])}" if step.get("due_on") else "",
                step.get("note", ""),
            )
            if part
        )
        rows.append(
            [
                Paragraph(str(number), cell),
                Paragraph(f"{escape(step.get('name', ''))} – {escape(where)}", cell),
                Paragraph(vn_clock(step.get("received_at")), cell),
                Paragraph(vn_clock(step.get("completed_at")), cell),
                Paragraph(TIMELINESS_VI.get(step.get("timeliness") or "", ""), cell),
                Paragraph(escape(note), cell),
            ]
        )
    fractions = (0.06, 0.28, 0.15, 0.15, 0.14, 0.22)
    table = Table(rows, colWidths=[width * f for f in fractions], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    page.story.append(Spacer(1, 2 * mm))
    page.story.append(table)
    signatures(page, width, ("", ""), ("NGƯỜI LẬP PHIẾU", _issuer(form)))
    return build(page, author=data.get("receiving_agency", ""))


RENDERERS: dict[str, Callable[[DossierForm], Rendered]] = {
    "01": form_01,
    "02": form_02,
    "03": form_03,
    "04": form_04,
    "05": form_05,
}


def render_form(form: DossierForm) -> Rendered:
    """The unsigned PDF of an issued form, from its snapshot (never from today's data)."""
    return RENDERERS[form.number](form)


# ------------------------------------------------------------------------------------------
# Signing, storing, serving


def configured_signer() -> Callable[..., bytes] | None:
    path = getattr(settings, "EGOV_DOSSIER_FORM_SIGNER", "")
    return import_string(path) if path else None


def sign_rendered(rendered: Rendered, form: DossierForm, *, acting_user: Any) -> tuple[bytes, bool]:
    """The PDF sealed by the receiving agency, and whether it was; unsigned if no signer is
    configured or the agency has no usable seal certificate yet."""
    from egov.signatures.keys import SigningUnavailable

    signer = configured_signer()
    if signer is None:
        return rendered.pdf, False
    try:
        pdf = signer(
            rendered.pdf,
            agency=form.dossier.receiving_agency,
            reason=f"{FORM_TITLES[form.number]} – hồ sơ {form.dossier.code}",
            seal_page=rendered.seal_page,
            seal_centre=(rendered.seal_x, rendered.seal_y),
            acting_user=acting_user,
        )
    except SigningUnavailable as exc:
        logger.warning("form %s of %s left unsigned: %s", form.number, form.dossier.code, exc)
        return rendered.pdf, False
    return pdf, True


def _file_name(form: DossierForm) -> str:
    return f"{form.dossier.code}-mau-{form.number}-{form.pk}.pdf"


@action
def store_form_file(*, acting_user: Any, form: DossierForm, pdf: bytes) -> DossierForm:
    """Keep the signed PDF of an issued form (once: the caller holds the row lock)."""
    form.file.save(_file_name(form), ContentFile(pdf), save=False)
    DossierForm.objects.filter(pk=form.pk).update(file=form.file.name)
    record_event(
        actor=acting_user if getattr(acting_user, "pk", None) else None,
        verb="dossiers.store_form_file",
        obj=form.dossier,
        agency=form.dossier.receiving_agency,
        before={},
        after={"form": form.number, "form_id": form.pk, "file": form.file.name},
    )
    return form


def ensure_form_file(form_id: int, *, acting_user: Any = None) -> tuple[DossierForm, bytes]:
    """The form and its PDF: the stored one, or rendered (and signed and stored) now.

    The row lock makes concurrent first requests wait for the first one's file instead of
    rendering and storing their own."""
    with transaction.atomic():
        form = (
            DossierForm.objects.select_for_update(of=("self",))
            .select_related("dossier__receiving_agency", "issued_by")
            .get(pk=form_id)
        )
        if form.file:
            with form.file.open("rb") as handle:
                return form, handle.read()
        pdf, signed = sign_rendered(render_form(form), form, acting_user=acting_user)
        if signed or configured_signer() is None:
            store_form_file(acting_user=acting_user, form=form, pdf=pdf)
        return form, pdf


def form_pdf(form: DossierForm, *, acting_user: Any) -> bytes:
    """The PDF to download (the caller has checked access to the dossier)."""
    if form.file:
        try:
            with form.file.open("rb") as handle:
                return handle.read()
        except FileNotFoundError:
            logger.error("stored PDF of form %s is missing; rendering again", form.pk)
            DossierForm.objects.filter(pk=form.pk).update(file="")
    return ensure_form_file(form.pk, acting_user=acting_user)[1]


def download_name(form: DossierForm) -> str:
    return f"mau-{form.number}-{form.dossier.code}.pdf"


def _enqueue(form: DossierForm) -> None:
    from egov.dossiers.tasks import render_form_file

    render_form_file.enqueue(form.pk)


for _number in RENDERERS:
    register_renderer(_number, _enqueue)


def pdf_response(pdf: bytes, form: DossierForm) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{download_name(form)}"'
    response["Cache-Control"] = "private, no-store"
    return response
