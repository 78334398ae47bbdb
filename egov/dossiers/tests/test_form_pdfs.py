"""Forms 01–05 as PDFs: Vietnamese text extracted back with pypdf, A5 pages, the lookup QR on
form 01, rendering after commit (a background task) or at the first download, stored once,
sealed by the receiving agency (verified with pyHanko), and only for those who may see the
dossier."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from pypdf import PdfReader

from egov.audit.models import AuditEvent
from egov.dossiers import actions
from egov.dossiers.models import DossierForm, DossierStep
from egov.dossiers.tests.conftest import MONDAY_MORNING
from egov.dossiers.tests.factories import dossier_in, local, refresh, register
from egov.dossiers.workflow import Status
from egov.lib.workdays import VIETNAM
from egov.workdays.selectors import get_calendar

pytestmark = pytest.mark.django_db

MM = 72 / 25.4
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SEAL_SIGNER = "egov.signatures.adapters.dossier_form_signer"


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def form_of(dossier: Any, number: str) -> DossierForm:
    return DossierForm.objects.filter(dossier=dossier, number=number).latest("issued_at", "id")


def download(client: Client, user: Any, form: DossierForm) -> Any:
    client.force_login(user)
    return client.get(f"/dossiers/{form.dossier.code}/forms/{form.pk}.pdf")


def pdf_of(client: Client, user: Any, form: DossierForm) -> bytes:
    response = download(client, user, form)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def dmy(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def test_form_01_is_an_a5_receipt_in_vietnamese(
    world: Any, permit: Any, at_monday_morning: Any, client: Client
) -> None:
    dossier = actions.accept_dossier(acting_user=world.clerk, dossier=register(world, permit))
    pdf = pdf_of(client, world.clerk, form_of(dossier, "01"))

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(148 * MM, abs=0.5)
    assert float(box.height) == pytest.approx(210 * MM, abs=0.5)

    text = pdf_text(pdf)
    appointment = get_calendar().due_date(MONDAY_MORNING, 10)
    for expected in (
        NATION,
        MOTTO,
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH TIỀN GIANG",
        f"Mã hồ sơ: {dossier.code}",
        "Tiếp nhận hồ sơ của: Nguyễn Văn An",
        "12 Ấp Bắc, Phường 4, TP. Mỹ Tho",
        "Cấp giấy phép xây dựng công trình",
        "Đơn đề nghị – 1 bộ",
        "Bản vẽ thiết kế – 1 bộ",
        "10 ngày làm việc",
        "09 giờ 00 phút, ngày 02/03/2026",
        f"ngày {dmy(appointment)}",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Lê Thị Cúc",
    ):
        assert expected in text, expected
    # The optional document that was not handed in is not listed as received.
    assert "Văn bản thẩm duyệt PCCC" not in text


def test_form_01_carries_the_public_lookup_address_in_its_qr_link(
    world: Any, permit: Any, at_monday_morning: Any, client: Client
) -> None:
    dossier = actions.accept_dossier(acting_user=world.clerk, dossier=register(world, permit))
    pdf = pdf_of(client, world.clerk, form_of(dossier, "01"))
    expected = f"{settings.SITE_URL}/lookup/{dossier.code}/"
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    uris = [
        annotation.get_object()["/A"]["/URI"]
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    assert expected in uris
    assert expected in pdf_text(pdf)
    # The QR code itself is drawn as vector modules next to the address (no decoder is
    # installed here to read it back): a dense block of filled rectangles.
    content = page.get_contents().get_data()
    assert content.count(b" re") > 100


def test_form_02_lists_everything_missing_and_why(
    world: Any, permit: Any, at_monday_morning: Any, client: Client
) -> None:
    dossier = register(world, permit, documents=[])
    actions.request_supplement(
        acting_user=world.clerk,
        dossier=dossier,
        missing_document_ids=list(
            permit.documents.filter(mandatory=True).values_list("pk", flat=True)
        ),
        other_items=["Bản sao giấy chứng nhận quyền sử dụng đất"],
        reason="Hồ sơ thiếu giấy tờ về đất",
    )
    form = form_of(dossier, "02")
    text = pdf_text(pdf_of(client, world.clerk, form))
    for expected in (
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        dossier.code,
        "Nguyễn Văn An",
        "Đơn đề nghị",
        "Bản vẽ thiết kế",
        "Bản sao giấy chứng nhận quyền sử dụng đất",
        "Lý do: Hồ sơ thiếu giấy tờ về đất",
        "Bộ phận Tiếp nhận và Trả kết quả",
    ):
        assert expected in text, expected


def test_form_03_gives_the_reason_of_the_refusal(
    world: Any, permit: Any, at_monday_morning: Any, client: Client
) -> None:
    dossier = actions.refuse_dossier(
        acting_user=world.clerk,
        dossier=register(world, permit),
        reason="Thủ tục không thuộc thẩm quyền của Sở Xây dựng",
    )
    text = pdf_text(pdf_of(client, world.clerk, form_of(dossier, "03")))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ" in text
    assert "không tiếp nhận hồ sơ này" in text
    assert "Thủ tục không thuộc thẩm quyền của Sở Xây dựng" in text
    assert dossier.code in text


def test_form_04_apologises_with_the_reason_and_both_dates(
    world: Any, permit: Any, at_monday_morning: Any, client: Client
) -> None:
    dossier = actions.accept_dossier(acting_user=world.clerk, dossier=register(world, permit))
    first = get_calendar().due_date(MONDAY_MORNING, 10)
    later = get_calendar().add_working_days(first, 3)
    actions.apologise_and_reschedule(
        acting_user=world.leader,
        dossier=dossier,
        reason="Chờ ý kiến của Sở Tư pháp",
        new_due_on=later,
    )
    text = pdf_text(pdf_of(client, world.leader, form_of(dossier, "04")))
    for expected in (
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        f"Thời gian hẹn trả kết quả giải quyết hồ sơ: ngày {dmy(first)}",
        "Lý do: Chờ ý kiến của Sở Tư pháp",
        "xin lỗi ông/bà",
        f"vào ngày {dmy(later)}",
        "Võ Thị Giang",
    ):
        assert expected in text, expected


def _label(finished: dt.date, due: dt.date) -> str:
    if finished < due:
        return "Trước hạn"
    return "Đúng hạn" if finished == due else "Quá hạn"


def test_form_05_is_the_control_slip_of_every_step(world: Any, permit: Any, client: Client) -> None:
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        dossier = actions.accept_dossier(acting_user=world.clerk, dossier=register(world, permit))
        traveller.move_to(local(2026, 3, 11, 10, 30))  # day 7: the appraisal was late
        actions.complete_step(acting_user=world.specialist, dossier=dossier)
        actions.approve_dossier(acting_user=world.leader, dossier=dossier)
        actions.complete_step(acting_user=world.document_clerk, dossier=dossier)
        actions.record_result(
            acting_user=world.specialist, dossier=dossier, summary="Giấy phép số 12/GPXD"
        )
        actions.return_result(acting_user=world.clerk, dossier=dossier)
    text = pdf_text(pdf_of(client, world.clerk, form_of(dossier, "05")))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    steps = DossierStep.objects.filter(dossier=dossier, completed_at__isnull=False)
    assert steps.count() >= 4
    labels = set()
    for step in steps:
        assert step.name in text
        received = step.received_at.astimezone(VIETNAM)
        assert f"{received:%H:%M} {dmy(received.date())}" in text
        assert step.due_on is not None
        labels.add(_label(step.completed_at.astimezone(VIETNAM).date(), step.due_on))
    assert "Quá hạn" in labels  # the appraisal took 7 working days of its 5
    for label in labels:
        assert label in text


def test_issuing_a_form_renders_it_in_a_background_task_after_commit(
    world: Any, permit: Any, at_monday_morning: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    from egov.dossiers.tasks import render_form_file

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dossier = actions.accept_dossier(acting_user=world.clerk, dossier=register(world, permit))
    form = form_of(dossier, "01")
    assert not form.file  # nothing rendered inside the transition
    assert not DBTaskResult.objects.filter(task_path__endswith="render_form_file").exists()
    for callback in callbacks:
        callback()
    queued = DBTaskResult.objects.get(task_path__endswith="render_form_file")
    assert queued.args_kwargs["args"] == [form.pk]

    render_form_file.call(form.pk)
    form.refresh_from_db()
    assert form.file
    with form.file.open("rb") as handle:
        assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in pdf_text(handle.read())


def test_the_first_download_stores_the_pdf_and_later_downloads_serve_it(
    world: Any, permit: Any, at_monday_morning: Any, client: Client
) -> None:
    dossier = actions.accept_dossier(acting_user=world.clerk, dossier=register(world, permit))
    form = form_of(dossier, "01")
    assert not form.file
    first = pdf_of(client, world.clerk, form)
    form.refresh_from_db()
    assert form.file
    assert pdf_of(client, world.clerk, form) == first
    stored = AuditEvent.objects.filter(verb="dossiers.store_form_file")
    assert stored.count() == 1


def test_the_applicant_and_involved_staff_download_others_get_404(
    world: Any, permit: Any, at_monday_morning: Any, client: Client
) -> None:
    dossier = actions.accept_dossier(acting_user=world.clerk, dossier=register(world, permit))
    assert refresh(dossier).applicant_id == world.citizen.pk  # known by personal ID
    form = form_of(dossier, "01")
    for user in (world.citizen, world.clerk, world.specialist):
        assert download(client, user, form).status_code == 200, user
    for user in (world.citizen2, world.outsider):
        assert download(client, user, form).status_code == 404, user
    client.logout()
    assert client.get(f"/dossiers/{dossier.code}/forms/{form.pk}.pdf").status_code in (302, 404)
    # a form of another dossier under this dossier's code
    other = actions.accept_dossier(acting_user=world.clerk, dossier=register(world, permit))
    client.force_login(world.clerk)
    other_form = form_of(other, "01")
    assert client.get(f"/dossiers/{dossier.code}/forms/{other_form.pk}.pdf").status_code == 404


def test_the_api_serves_the_pdf_with_the_same_access_checks(
    world: Any, permit: Any, at_monday_morning: Any, api: Any
) -> None:
    dossier = actions.accept_dossier(acting_user=world.clerk, dossier=register(world, permit))
    form = form_of(dossier, "01")
    body = api.login(world.citizen).get(f"/api/v1/dossiers/{dossier.code}").json()
    (listed,) = [f for f in body["forms"] if f["id"] == form.pk]
    response = api.get(listed["pdf"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert dossier.code in pdf_text(response.content)

    response = api.login(world.outsider).get(listed["pdf"])
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    missing = f"/api/v1/dossiers/{dossier.code}/forms/{form.pk + 1000}/pdf"
    assert api.login(world.clerk).get(missing).status_code == 404


def test_the_dossier_page_offers_form_01_for_printing_after_acceptance(
    world: Any, permit: Any, at_monday_morning: Any, client: Client
) -> None:
    dossier = register(world, permit)
    client.force_login(world.clerk)
    page = client.get(f"/dossiers/{dossier.code}/").content.decode()
    assert ".pdf" not in page
    actions.accept_dossier(acting_user=world.clerk, dossier=dossier)
    form = form_of(dossier, "01")
    page = client.get(f"/dossiers/{dossier.code}/").content.decode()
    assert page.count(f"/dossiers/{dossier.code}/forms/{form.pk}.pdf") == 2  # button + list


# ------------------------------------------------------------------------------------------
# Sealed by the receiving agency


@pytest.fixture
def signing_settings(settings: Any, tmp_path: Any) -> Any:
    """A software key file for the seal (the signatures app's own tests cover keys held in a
    PKCS#11 token; a second SoftHSM2 token in this process would disturb theirs)."""
    settings.SIGNATURES_ALLOW_SOFTWARE_KEYS = True
    settings.SIGNATURES_KEY_DIR = tmp_path / "keys"
    settings.SIGNATURES_TSA_URL = ""
    settings.SIGNATURES_CA_KEY_BITS = 2048
    return settings


def centre_seal(world: Any) -> Any:
    """A test CA and the organisation seal of the centre (the receiving agency), issued at the
    frozen time so that it is valid then."""
    from egov.signatures.actions import KeyRequest, create_authority, issue_certificate
    from egov.signatures.models import CertificateKind

    root = create_authority(acting_user=None, name="Tiền Giang Test Root CA", slug="root")
    issue_certificate(
        acting_user=None,
        authority=root,
        kind=CertificateKind.ORGANISATION,
        agency=world.centre,
        key=KeyRequest(software=True),
    )
    return root


@override_settings(EGOV_DOSSIER_FORM_SIGNER=SEAL_SIGNER)
def test_a_form_is_sealed_by_the_receiving_agency_and_verifies_with_pyhanko(
    world: Any,
    permit: Any,
    client: Client,
    signing_settings: Any,
) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from egov.signatures.keys import to_asn1

    with time_machine.travel(MONDAY_MORNING, tick=True):
        root = centre_seal(world)
        dossier = actions.accept_dossier(acting_user=world.clerk, dossier=register(world, permit))
        pdf = pdf_of(client, world.clerk, form_of(dossier, "01"))

        reader = PdfFileReader(io.BytesIO(pdf))
        (signature,) = reader.embedded_signatures
        status = validate_pdf_signature(
            signature,
            ValidationContext(
                trust_roots=[to_asn1(root.certificate_pem)],
                allow_fetching=False,
                revocation_mode="soft-fail",
            ),
        )
    assert status.intact and status.valid and status.trusted
    assert world.centre.name in status.signing_cert.subject.human_friendly
    # The seal sits in the receiver's signing space: the right half of the A5 page.
    x1, _y1, x2, _y2 = (float(v) for v in signature.sig_field["/Rect"])
    assert 148 * MM / 2 - 40 < (x1 + x2) / 2 < 148 * MM
    assert "Lê Thị Cúc" in pdf_text(pdf)
    form = form_of(dossier, "01")
    assert form.file  # stored sealed


@override_settings(EGOV_DOSSIER_FORM_SIGNER=SEAL_SIGNER)
def test_without_a_seal_certificate_the_form_is_served_unsigned_and_not_kept(
    world: Any,
    permit: Any,
    at_monday_morning: Any,
    client: Client,
    signing_settings: Any,
) -> None:
    dossier = actions.accept_dossier(acting_user=world.clerk, dossier=register(world, permit))
    form = form_of(dossier, "01")
    pdf = pdf_of(client, world.clerk, form)
    assert dossier.code in pdf_text(pdf)
    assert b"/ByteRange" not in pdf
    form.refresh_from_db()
    assert not form.file  # signed later, once the agency has its seal


# ------------------------------------------------------------------------------------------
# Concurrent first downloads (PostgreSQL: real row locks)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_concurrent_first_downloads_render_and_store_once(world: Any, permit: Any) -> None:
    from egov.dossiers.rendering import ensure_form_file
    from egov.dossiers.tests.test_concurrency import _race

    dossier = dossier_in(Status.IN_PROCESSING, world, permit)
    form = form_of(dossier, "01")
    results = _race([lambda: ensure_form_file(form.pk)[1] for _ in range(4)])
    assert all(isinstance(r, bytes) for r in results), results
    assert len(set(results)) == 1
    assert AuditEvent.objects.filter(verb="dossiers.store_form_file").count() == 1
    form.refresh_from_db()
    with form.file.open("rb") as handle:
        assert handle.read() == results[0]


def test_the_applicant_finds_the_pdfs_on_the_portal_page_of_the_dossier(
    world: Any, permit: Any, at_monday_morning: Any, client: Client
) -> None:
    dossier = actions.accept_dossier(acting_user=world.clerk, dossier=register(world, permit))
    form = form_of(dossier, "01")
    client.force_login(world.citizen)
    page = client.get(f"/my/dossiers/{dossier.code}/")
    assert page.status_code == 200
    link = f"/dossiers/{dossier.code}/forms/{form.pk}.pdf"
    assert link in page.content.decode()
    assert "Nguyễn Văn An" in pdf_text(client.get(link).content)
