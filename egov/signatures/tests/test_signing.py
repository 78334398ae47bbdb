"""Signing PDFs: the personal signature and the seal, attachments, timestamps, refusals."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, StreamObject

from egov.audit.models import AuditEvent
from egov.lib.problems import Conflict, InvalidInput, PermissionDenied
from egov.signatures import appearance
from egov.signatures.actions import revoke_certificate
from egov.signatures.models import SignatureRecord
from egov.signatures.services import Placement, seal_attachment, sign_pdf, verify_pdf
from egov.signatures.tests.conftest import BODY_TEXT, Pki

VN = dt.timezone(dt.timedelta(hours=7))


def widgets(pdf: bytes) -> dict[str, Any]:
    """Signature widgets by field name: rectangle and page number."""
    reader = PdfReader(io.BytesIO(pdf))
    found = {}
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            widget = annotation.get_object()
            if widget.get("/FT") == "/Sig" or widget.get("/Parent", {}).get("/FT") == "/Sig":
                name = widget.get("/T") or widget["/Parent"]["/T"]
                found[str(name)] = {
                    "rect": [float(v) for v in widget["/Rect"]],
                    "page": number,
                    "widget": widget,
                }
    return found


def appearance_text(pdf: bytes, field: str) -> str:
    """The text a viewer shows in a signature's appearance, extracted with pypdf: the widget's
    normal appearance drawn on an empty page."""
    widget = widgets(pdf)[field]["widget"]
    form = widget["/AP"]["/N"]
    writer = PdfWriter()
    page = writer.add_blank_page(600, 300)
    page[NameObject("/Resources")] = DictionaryObject(
        {
            NameObject("/XObject"): DictionaryObject(
                {NameObject("/Ap"): form.get_object().clone(writer).indirect_reference}
            )
        }
    )
    content = StreamObject()
    content.set_data(b"q /Ap Do Q")
    page[NameObject("/Contents")] = writer._add_object(content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return PdfReader(buffer).pages[0].extract_text()


def test_a_document_signed_by_the_leader_and_sealed_verifies_as_valid(pki: Pki, pdf: bytes) -> None:
    world = pki.world
    signed = sign_pdf(pdf, signer=world.leader, agency=world.construction, reason="Ký ban hành")

    report = verify_pdf(signed)

    assert report.valid, report
    assert [s.kind for s in report.signatures] == ["person", "organisation"]
    person, seal = report.signatures
    assert person.signer.common_name == "Võ Thị Giang"
    assert seal.signer.common_name == "Sở Xây dựng tỉnh Tiền Giang"
    assert person.trusted and person.intact and not person.revoked
    assert person.changes_after_signing == "signatures"  # only the seal came after it
    assert seal.covers_whole_document
    assert [c.common_name for c in person.chain] == ["Võ Thị Giang", "Tiền Giang Test Root CA"]
    assert person.reason == "Ký ban hành"
    # the body is untouched
    assert BODY_TEXT in PdfReader(io.BytesIO(signed)).pages[0].extract_text()


def test_the_stamp_shows_title_and_name_in_vietnamese(pki: Pki, pdf: bytes) -> None:
    world = pki.world
    signed = sign_pdf(pdf, signer=world.leader, agency=world.construction, reason="Ký", seal=False)

    (name,) = widgets(signed)
    text = appearance_text(signed, name)

    assert "KT. GIÁM ĐỐC" in text
    assert "PHÓ GIÁM ĐỐC" in text
    assert "Võ Thị Giang" in text


def test_the_seal_covers_the_left_third_of_the_signature_image(pki: Pki, pdf: bytes) -> None:
    world = pki.world
    signed = sign_pdf(
        pdf,
        signer=world.leader,
        agency=world.construction,
        reason="Ký",
        placement=Placement(page=0, x=300, y=100),
    )
    found = widgets(signed)
    person = next(v for k, v in found.items() if k.startswith("signer-"))["rect"]
    seal = next(v for k, v in found.items() if k.startswith("seal-"))["rect"]
    image_x, image_y, image_w, image_h = appearance.image_box(person[2] - person[0])
    image_left = person[0] + image_x

    assert person[:2] == [300, 100]
    assert seal[2] == pytest.approx(image_left + image_w / 3, abs=0.1)
    assert seal[0] < image_left  # it sticks out on the left
    assert seal[1] < person[1] + image_y + image_h / 2 < seal[3]  # centred on the image
    assert seal[2] - seal[0] == pytest.approx(appearance.SEAL_DIAMETER, abs=0.1)


def test_the_clerk_seals_a_document_the_leader_signed_earlier(pki: Pki, pdf: bytes) -> None:
    world = pki.world
    signed = sign_pdf(pdf, signer=world.leader, agency=world.construction, reason="Ký", seal=False)
    sealed = sign_pdf(
        signed,
        signer=None,
        agency=world.construction,
        reason="Phát hành",
        acting_user=world.document_clerk,
    )

    report = verify_pdf(sealed)
    found = widgets(sealed)
    person = next(v for k, v in found.items() if k.startswith("signer-"))["rect"]
    seal = next(v for k, v in found.items() if k.startswith("seal-"))["rect"]

    assert report.valid
    assert [s.kind for s in report.signatures] == ["person", "organisation"]
    assert person[0] < seal[2] < person[2]  # overlapping the personal block
    record = SignatureRecord.objects.get(signed_by=world.document_clerk)
    assert list(record.certificates.all()) == [pki.seal]


def test_invisible_signatures_have_no_appearance_on_the_page(pki: Pki, pdf: bytes) -> None:
    world = pki.world
    signed = sign_pdf(
        pdf, signer=world.leader, agency=world.construction, reason="Ký", visible=False
    )

    rects = [w["rect"] for w in widgets(signed).values()]

    assert len(rects) == 2
    assert all(r[2] - r[0] == 0 and r[3] - r[1] == 0 for r in rects)
    assert verify_pdf(signed).valid


def test_an_attachment_carries_notation_and_time_top_right_of_page_one(pki: Pki) -> None:
    from egov.signatures.tests.conftest import make_pdf

    world = pki.world
    attachment = make_pdf("Phụ lục: danh mục dự án", pages=2)
    signed_at = dt.datetime(2026, 3, 10, 2, 15, 30, tzinfo=dt.UTC)

    sealed = seal_attachment(
        attachment, agency=world.construction, notation="58/KH-SXD", signed_at=signed_at
    )

    ((name, widget),) = widgets(sealed).items()
    text = appearance_text(sealed, name)
    assert "58/KH-SXD" in text
    assert "2026-03-10T09:15:30+07:00" in text  # ISO 8601, Vietnam time
    assert widget["page"] == 0
    x1, y1, x2, y2 = widget["rect"]
    assert x1 > 595 / 2 and y2 > 842 - 30  # the top right corner
    report = verify_pdf(sealed)
    assert report.valid
    assert report.signatures[0].kind == "organisation"


def test_signing_is_audited_and_recorded(pki: Pki, pdf: bytes) -> None:
    world = pki.world
    signed = sign_pdf(pdf, signer=world.leader, agency=world.construction, reason="Ký")

    event = AuditEvent.objects.get(verb="signatures.sign_document")
    record = SignatureRecord.objects.get()
    assert event.actor == world.leader
    assert record.output_sha256 == __import__("hashlib").sha256(signed).hexdigest()
    assert set(record.certificates.all()) == {pki.leader, pki.seal}


def test_a_revoked_certificate_no_longer_signs(pki: Pki, pdf: bytes) -> None:
    world = pki.world
    revoke_certificate(acting_user=None, certificate=pki.leader, reason="key_compromise")

    with pytest.raises(Conflict) as raised:
        sign_pdf(pdf, signer=world.leader, agency=world.construction, reason="Ký")

    assert raised.value.errors["signer"]
    assert not SignatureRecord.objects.exists()


def test_an_official_without_certificate_gets_a_clear_error(pki: Pki, pdf: bytes) -> None:
    world = pki.world
    with pytest.raises(Conflict) as raised:
        sign_pdf(pdf, signer=world.unit_head, agency=world.construction, reason="Ký")
    assert "Hoàng Minh Đức" in str(raised.value.detail)


def test_an_outsider_cannot_seal_for_another_agency(pki: Pki, pdf: bytes) -> None:
    world = pki.world
    with pytest.raises(PermissionDenied):
        sign_pdf(
            pdf, signer=None, agency=world.construction, reason="x", acting_user=world.outsider
        )


def test_garbage_is_refused_as_invalid_input(pki: Pki) -> None:
    world = pki.world
    with pytest.raises(InvalidInput) as raised:
        sign_pdf(b"not a pdf", signer=world.leader, agency=world.construction, reason="Ký")
    assert "pdf" in raised.value.errors


def test_a_signed_field_cannot_be_signed_again(pki: Pki, pdf: bytes) -> None:
    world = pki.world
    signed = sign_pdf(
        pdf,
        signer=world.leader,
        agency=world.construction,
        reason="Ký",
        seal=False,
        field_name="ky",
    )
    with pytest.raises(InvalidInput):
        sign_pdf(
            signed,
            signer=world.leader,
            agency=world.construction,
            reason="Ký",
            seal=False,
            field_name="ky",
        )


def test_signatures_carry_an_rfc3161_timestamp_when_a_tsa_is_configured(
    pki: Pki, pdf: bytes, signing_settings: Any
) -> None:
    from egov.signatures.actions import authority_key
    from egov.signatures.tsa import TimestampServer, timestamper_for

    server = TimestampServer(timestamper_for(pki.root.certificate_pem, authority_key(pki.root)))
    with server as url:
        signing_settings.SIGNATURES_TSA_URL = url
        signed = sign_pdf(pdf, signer=pki.world.leader, agency=pki.world.construction, reason="Ký")

    report = verify_pdf(signed)
    assert server.requests == 2
    assert report.valid
    for signature in report.signatures:
        assert signature.timestamp is not None
        assert signature.timestamp.valid and signature.timestamp.trusted
        assert signature.timestamp.authority == "Tiền Giang Test TSA"
        assert abs(signature.timestamp.time - signature.signing_time) < dt.timedelta(minutes=1)
    assert SignatureRecord.objects.get().timestamped


def test_other_apps_reach_the_signer_through_the_setting(pki: Pki, pdf: bytes) -> None:
    from django.conf import settings
    from django.utils.module_loading import import_string

    signer = import_string(settings.EGOV_PDF_SIGNER)
    signed = signer(pdf, signer=pki.world.leader, agency=pki.world.construction, reason="Ký")
    assert verify_pdf(signed).valid


def test_signing_works_beside_a_running_event_loop(pki: Pki, pdf: bytes) -> None:
    """pyHanko's synchronous API starts an event loop of its own; next to a running one (an
    async server, Playwright's sync API in the browser tests) it must still work."""
    import asyncio

    from egov.signatures import keys, pades

    signer = keys.signer_for(pki.seal)

    async def inside_a_loop() -> bytes:
        return pades.sign(pdf, signer=signer, field=pades.Field("seal"), reason="Ký")

    assert verify_pdf(asyncio.run(inside_a_loop())).valid
