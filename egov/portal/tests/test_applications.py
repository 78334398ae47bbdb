"""Applying online: a draft prefilled from the profile, saved and resumed, files kept in the
document store, every bad answer named next to its field, then the submission."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.docstore.models import DocumentUse, StoredDocument
from egov.dossiers.models import Dossier
from egov.portal.models import Application, ApplicationAttachment
from egov.portal.tests.conftest import GOOD_ANSWERS
from egov.portal.tests.helpers import complete, pdf, send, start, url

pytestmark = pytest.mark.django_db


def test_a_draft_starts_prefilled_from_the_profile(client, world, service) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    application = start(client, service)
    assert application.form_data == {
        "applicant_name": "Nguyễn Văn An",
        "applicant_id": "082090001234",
        "applicant_phone": "0901234567",
    }
    page = client.get(url(application)).content.decode()
    assert 'value="082090001234"' in page
    assert "Bản vẽ thiết kế" in page
    # The declaration is the form itself: nothing to attach for it.
    assert "Đơn đề nghị" in page and "không cần đính kèm" in page


def test_starting_again_resumes_the_draft(client, world, service) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    first = start(client, service)
    assert start(client, service) == first
    assert Application.objects.count() == 1


def test_a_draft_is_saved_unchecked_and_resumed_later(client, world, service) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    application = start(client, service)
    response = send(client, application, applicant_name="Nguyễn Văn An", floors="ba tầng")
    assert response.status_code == 302
    client.logout()
    client.force_login(world.citizen)
    page = client.get(url(application)).content.decode()
    assert 'value="ba tầng"' in page
    assert "field-error" not in page


def test_every_invalid_answer_gets_a_translated_message_next_to_its_field(
    client, world, service
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    application = start(client, service)
    response = send(
        client,
        application,
        "continue",
        applicant_name="",
        applicant_id="000090001234",
        applicant_phone="12345",
        floors="9",
        has_agent="on",
        agent_name="",
    )
    assert response.status_code == 422
    page = response.content.decode()
    for name in (
        "applicant_name",
        "applicant_id",
        "applicant_phone",
        "floors",
        "agent_name",
        "commitment",
    ):
        assert f'id="f-{name}-error"' in page, name
    assert "Trường này là bắt buộc" in page
    assert "Hãy nhập một số không lớn hơn 7" in page or "tối đa 7" in page or "7" in page
    assert 'id="err-field__design"' in page  # the drawing is missing
    # The draft kept what was typed.
    application.refresh_from_db()
    assert application.form_data["applicant_id"] == "000090001234"
    assert application.form_data["has_agent"] is True


def test_a_conditional_field_is_ignored_when_its_condition_does_not_hold(
    client, world, service
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    application = start(client, service)
    response = complete(client, application, agent_name="")
    assert response.status_code == 302
    assert response["Location"] == url(application, "review/")


def test_a_refused_upload_keeps_the_draft_and_says_why_next_to_the_slot(
    client, world, service
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    application = start(client, service)
    fake = SimpleUploadedFile("ban-ve.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = send(client, application, floors="2", upload__field__design=fake)
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="err-field__design"' in page
    assert "PDF, JPEG" in page
    application.refresh_from_db()
    assert application.form_data["floors"] == "2"
    assert not StoredDocument.objects.exists()


def test_an_upload_is_kept_in_the_store_and_reused_by_another_application(
    client, world, service, free_service
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    first = start(client, service)
    send(client, first, upload__field__design=pdf())
    [kept] = StoredDocument.objects.filter(owner=world.citizen)
    assert kept.content_type == "application/pdf"
    assert len(kept.sha256) == 64
    assert kept.title == "Bản vẽ thiết kế"

    second = start(client, free_service)
    page = client.get(url(second)).content.decode()
    assert f'<option value="{kept.pk}">' in page
    send(client, second, pick__field__design=str(kept.pk))
    assert ApplicationAttachment.objects.filter(application=second, document=kept).exists()
    assert StoredDocument.objects.filter(owner=world.citizen).count() == 1


def test_someone_elses_document_cannot_be_picked(client, world, service) -> None:  # type: ignore[no-untyped-def]
    from egov.docstore.actions import store_document

    theirs = store_document(acting_user=world.citizen2, content=b"%PDF-1.4 b", filename="b.pdf")
    client.force_login(world.citizen)
    application = start(client, service)
    send(client, application, pick__field__design=str(theirs.pk))
    assert not ApplicationAttachment.objects.filter(application=application).exists()


def test_submitting_creates_an_online_dossier_with_the_declaration_and_documents(
    client, world, free_service
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    application = start(client, free_service)
    assert complete(client, application)["Location"] == url(application, "review/")
    review = client.get(url(application, "review/")).content.decode()
    assert "Nguyễn Văn An" in review and "Số tầng" in review

    response = client.post(url(application, "review/"))
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/my/dossiers/{dossier.code}/"
    assert dossier.channel == "online"
    assert dossier.applicant == world.citizen
    assert dossier.applicant_personal_id == "082090001234"
    assert dossier.form_data["floors"] == 3
    names = {d.required_document.name for d in dossier.documents.all() if d.required_document}
    assert names == {"Đơn đề nghị", "Bản vẽ thiết kế"}
    declaration = dossier.documents.get(required_document__name="Đơn đề nghị")
    assert declaration.content_type == "application/pdf"
    assert DocumentUse.objects.filter(dossier=dossier).count() == 1

    application.refresh_from_db()
    assert application.status == "submitted" and application.dossier == dossier
    assert [(e.from_status, e.to_status) for e in application.events.all()] == [
        ("", "draft"),
        ("draft", "submitted"),
    ]
    page = client.get(response["Location"]).content.decode()
    assert dossier.code in page
    # The draft page now leads to the dossier, and it cannot be submitted twice.
    assert client.get(url(application))["Location"] == f"/my/dossiers/{dossier.code}/"
    assert client.post(url(application, "review/"))["Location"] == f"/my/dossiers/{dossier.code}/"
    assert Dossier.objects.count() == 1


def test_the_declaration_pdf_carries_the_answers_in_vietnamese(client, world, free_service) -> None:  # type: ignore[no-untyped-def]
    import io

    from pypdf import PdfReader

    client.force_login(world.citizen)
    application = start(client, free_service)
    complete(client, application)
    client.post(url(application, "review/"))
    declaration = Dossier.objects.get().documents.get(required_document__name="Đơn đề nghị")
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(declaration.file.read())).pages
    )
    assert "TỜ KHAI TRỰC TUYẾN" in text
    assert "Nguyễn Văn An" in text and "Số tầng" in text


def test_a_citizen_without_a_personal_id_is_sent_to_the_profile(
    client, world, free_service
) -> None:  # type: ignore[no-untyped-def]
    world.citizen.citizen_profile.delete()
    client.force_login(world.citizen)
    application = start(client, free_service)
    response = complete(client, application, applicant_id="082090001234")
    assert response.status_code == 422
    assert "/accounts/profile/" in response.content.decode()


def test_a_draft_is_deleted_but_its_documents_stay_in_the_store(client, world, service) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    application = start(client, service)
    send(client, application, upload__field__design=pdf())
    response = client.post(url(application, "discard/"))
    assert response["Location"] == "/my/"
    assert not Application.objects.exists()
    assert StoredDocument.objects.filter(owner=world.citizen).count() == 1


def test_a_level_two_procedure_cannot_be_applied_for_online(client, world, service) -> None:  # type: ignore[no-untyped-def]
    service.service_level = 2
    service.category = "partial_online"
    service.result_online = False
    service.save()
    client.force_login(world.citizen)
    response = client.post(f"/apply/{service.code}/start/")
    assert response["Location"] == f"/services/{service.code}/"
    assert not Application.objects.exists()


def test_staff_cannot_apply_online(client, world, service) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.clerk)
    client.post(f"/apply/{service.code}/start/")
    assert not Application.objects.exists()


def test_someone_elses_draft_is_not_found(client, world, service) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    application = start(client, service)
    client.force_login(world.citizen2)
    for path in (url(application), url(application, "review/")):
        assert client.get(path).status_code == 404
    assert client.post(url(application), {"save": "1", **GOOD_ANSWERS}).status_code == 404
    assert client.post(url(application, "discard/")).status_code == 404
    assert Application.objects.filter(pk=application.pk).exists()


def test_a_business_member_applies_on_behalf_of_the_business(client, world, service) -> None:  # type: ignore[no-untyped-def]
    from egov.accounts.actions import add_business_member, create_business

    business = create_business(
        acting_user=world.citizen2,
        owner=world.citizen2,
        tax_code="1201234560",
        name="Công ty TNHH Mỹ Tho Xanh",
        address="45 Nguyễn Trãi, Phường 1, TP. Mỹ Tho",
    )
    add_business_member(acting_user=world.citizen2, business=business, identifier="an")
    service.fees.all().delete()
    client.force_login(world.citizen)
    assert (
        "Nộp cho Công ty TNHH Mỹ Tho Xanh"
        in client.get(f"/services/{service.code}/").content.decode()
    )
    application = start(client, service, business="1201234560")
    assert application.business == business
    assert complete(client, application).status_code == 302
    client.post(url(application, "review/"))
    dossier = Dossier.objects.get()
    assert dossier.applicant_kind == "business"
    assert dossier.applicant_tax_code == "1201234560"
