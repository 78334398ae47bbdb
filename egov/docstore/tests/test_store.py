"""The personal document store: files checked by content, kept once, deleted unless a dossier
in progress uses them, and reachable only by their owner."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from egov.docstore.actions import delete_stored_document, record_use, store_document
from egov.docstore.models import StoredDocument
from egov.dossiers.actions import withdraw_dossier
from egov.dossiers.tests.factories import make_permit, register
from egov.lib.problems import Conflict, InvalidInput, NotFound

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_an_uploaded_file_is_recognised_by_its_content_and_checksummed(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    response = client.post(
        "/my/documents/", {"title": "Ảnh CCCD", "file": _upload("scan.bin", JPEG)}
    )
    assert response.status_code == 302
    [document] = StoredDocument.objects.filter(owner=world.citizen)
    assert document.content_type == "image/jpeg"
    assert document.sha256 == hashlib.sha256(JPEG).hexdigest()
    assert document.size == len(JPEG)
    assert document.file.name.endswith(".jpg")
    assert document.title == "Ảnh CCCD"
    file = client.get(f"/my/documents/{document.pk}/")
    assert file["Content-Type"] == "image/jpeg"
    assert b"".join(file.streaming_content) == JPEG


def test_a_file_that_is_not_pdf_jpeg_or_png_is_refused_next_to_the_field(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    response = client.post("/my/documents/", {"file": _upload("virus.pdf", b"MZ\x90\x00")})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_file_error"' in page
    assert "PDF, JPEG" in page
    assert not StoredDocument.objects.exists()


@override_settings(EGOV_DOSSIER_MAX_FILE_MB=1)
def test_a_file_over_the_size_limit_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as caught:
        store_document(
            acting_user=world.citizen, content=PDF + b"0" * (1024 * 1024), filename="big.pdf"
        )
    assert "file" in caught.value.errors


def test_the_same_file_is_kept_once(world) -> None:  # type: ignore[no-untyped-def]
    first = store_document(acting_user=world.citizen, content=PDF, filename="a.pdf", title="A")
    second = store_document(acting_user=world.citizen, content=PDF, filename="b.pdf", title="B")
    assert first == second
    assert StoredDocument.objects.count() == 1
    # Another person keeps their own copy.
    store_document(acting_user=world.citizen2, content=PDF, filename="a.pdf")
    assert StoredDocument.objects.count() == 2


def test_the_owner_deletes_a_document_and_its_file(
    client, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    document = store_document(acting_user=world.citizen, content=PDF, filename="a.pdf")
    storage, name = document.file.storage, document.file.name
    client.force_login(world.citizen)
    assert "Xóa giấy tờ" in client.get(f"/my/documents/{document.pk}/delete/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/my/documents/{document.pk}/delete/")
    assert response["Location"] == "/my/documents/"
    assert not StoredDocument.objects.exists()
    assert not storage.exists(name)


def test_a_document_used_by_a_dossier_in_progress_cannot_be_deleted_until_it_ends(world) -> None:  # type: ignore[no-untyped-def]
    document = store_document(acting_user=world.citizen, content=PDF, filename="a.pdf")
    dossier = register(world, make_permit(world))
    from django.db import transaction

    with transaction.atomic():
        record_use(document, dossier)
    with pytest.raises(Conflict) as caught:
        delete_stored_document(acting_user=world.citizen, document_id=document.pk)
    assert dossier.code in str(caught.value.detail)
    withdraw_dossier(acting_user=world.clerk, dossier=dossier.code)
    delete_stored_document(acting_user=world.citizen, document_id=document.pk)
    assert not StoredDocument.objects.exists()


def test_the_list_marks_documents_in_use_and_offers_no_delete_for_them(client, world) -> None:  # type: ignore[no-untyped-def]
    from django.db import transaction

    used = store_document(
        acting_user=world.citizen, content=PDF, filename="a.pdf", title="Đang dùng"
    )
    free = store_document(acting_user=world.citizen, content=JPEG, filename="b.jpg", title="Rảnh")
    with transaction.atomic():
        record_use(used, register(world, make_permit(world)))
    client.force_login(world.citizen)
    page = client.get("/my/documents/").content.decode()
    assert f"/my/documents/{free.pk}/delete/" in page
    assert f"/my/documents/{used.pk}/delete/" not in page
    assert "đang dùng trong hồ sơ chưa kết thúc" in page


def test_someone_elses_document_is_not_found(client, api, world) -> None:  # type: ignore[no-untyped-def]
    document = store_document(acting_user=world.citizen, content=PDF, filename="a.pdf")
    client.force_login(world.citizen2)
    assert client.get(f"/my/documents/{document.pk}/").status_code == 404
    assert client.get(f"/my/documents/{document.pk}/delete/").status_code == 404
    assert client.post(f"/my/documents/{document.pk}/delete/").status_code == 404
    assert client.get(f"/api/v1/docstore/documents/{document.pk}/file").status_code == 404
    assert client.delete(f"/api/v1/docstore/documents/{document.pk}").status_code == 404
    with pytest.raises(NotFound):
        delete_stored_document(acting_user=world.citizen2, document_id=document.pk)
    assert StoredDocument.objects.filter(pk=document.pk).exists()


def test_the_api_lists_uploads_and_deletes(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    created = client.post(
        "/api/v1/docstore/documents", {"file": _upload("a.pdf", PDF), "title": "Giấy chứng sinh"}
    )
    assert created.status_code == 201
    body = created.json()
    assert body["content_type"] == "application/pdf" and body["title"] == "Giấy chứng sinh"
    bad = client.post("/api/v1/docstore/documents", {"file": _upload("a.pdf", b"hello")})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "file"
    listed = client.get("/api/v1/docstore/documents").json()
    assert [d["id"] for d in listed] == [body["id"]]
    assert client.delete(f"/api/v1/docstore/documents/{body['id']}").status_code == 204
    assert client.get("/api/v1/docstore/documents").json() == []
