"""The documents API, as an integrator calls it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from egov.documents.models import Document, Status
from egov.documents.tests.factories import draft, incoming_in, outgoing_in
from egov.lib.workdays import VIETNAM

pytestmark = pytest.mark.django_db

DOCS = "/api/v1/documents"


def _problem(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


def test_a_specialist_lists_and_searches_the_agencys_documents(world, api) -> None:  # type: ignore[no-untyped-def]
    plan = outgoing_in(world, Status.ISSUED, subject="Kế hoạch kiểm tra trật tự xây dựng")
    outgoing_in(world, Status.DRAFT, doc_type="bao_cao", subject="Báo cáo quý I")
    api.login(world.specialist)
    body = api.get(DOCS).json()
    assert len(body["items"]) == 2
    assert body["has_more"] is False
    found = api.get(DOCS, q="ke hoach trat tu").json()["items"]
    assert [item["id"] for item in found] == [plan.pk]
    assert found[0]["number_notation"] == "01/KH-SXD"
    assert found[0]["agency"] == "000.00.09.H58"
    page = api.get(DOCS, limit=1).json()
    assert (len(page["items"]), page["has_more"]) == (1, True)


def test_waiting_lists_the_callers_next_steps(world, api) -> None:  # type: ignore[no-untyped-def]
    to_approve = outgoing_in(world, Status.IN_REVIEW)
    outgoing_in(world, Status.APPROVED)
    body = api.login(world.unit_head).get(DOCS, box="waiting").json()
    assert [item["id"] for item in body["items"]] == [to_approve.pk]


def test_another_agency_sees_nothing_and_cannot_name_the_agency(world, api) -> None:  # type: ignore[no-untyped-def]
    outgoing_in(world, Status.ISSUED)
    api.login(world.outsider)
    assert api.get(DOCS).json()["items"] == []
    assert api.get(DOCS, q="ke hoach").json()["items"] == []
    _problem(api.get(DOCS, agency="000.00.09.H58"), 404)


def test_a_document_shows_its_metadata_and_the_callers_steps(world, api) -> None:  # type: ignore[no-untyped-def]
    doc = outgoing_in(world, Status.IN_REVIEW)
    body = api.login(world.unit_head).get(f"{DOCS}/{doc.pk}").json()
    assert body["status"] == "in_review"
    assert body["actions"] == ["approve", "return", "cancel"]
    assert body["metadata"]["TypeName"] == "Kế hoạch"
    assert body["metadata"]["To"][0]["OrganId"] == "000.00.05.H58"
    assert [h["action"] for h in body["history"]] == ["create", "submit"]
    assert api.login(world.specialist).get(f"{DOCS}/{doc.pk}").json()["actions"] == ["cancel"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "{docs}/{pk}"),
        ("post", "{docs}/{pk}/actions/submit"),
        ("post", "{docs}/{pk}/attachments"),
        ("get", "{docs}/{pk}/files/version/{version}"),
    ],
)
def test_every_document_endpoint_answers_404_to_another_agency(world, api, method, path) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from egov.documents.tests.factories import pdf_file

    doc = draft(world, file=pdf_file())
    version = doc.versions.get().pk
    api.login(world.outsider)

    def call(url: str):  # type: ignore[no-untyped-def]
        if method == "get":
            return api.get(url)
        if url.endswith("/attachments"):
            upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4", content_type="application/pdf")
            return api.client.post(url, {"file": upload})
        return api.post(url, {})

    response = call(path.format(docs=DOCS, pk=doc.pk, version=version))
    response_missing = call(path.format(docs=DOCS, pk=doc.pk + 1000, version=version))
    assert _problem(response, 404) == _problem(response_missing, 404)
    doc.refresh_from_db()
    assert doc.status == Status.DRAFT


def test_creating_a_draft(world, api) -> None:  # type: ignore[no-untyped-def]
    response = api.login(world.specialist).post(
        DOCS,
        {
            "doc_type": "cong_van",
            "subject": "V/v hướng dẫn cấp giấy phép xây dựng",
            "recipients": [
                {"organ_id": "000.00.05.H58"},
                {"organ_id": "000.00.00.H30", "organ_name": "UBND tỉnh Hậu Giang"},
            ],
            "to_places": ["Như trên", "Lưu: VT, QLXD"],
            "priority": 1,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["doc_type"], body["priority"]) == ("draft", "cong_van", 1)
    assert [r["channel"] for r in body["recipients"]] == ["local", "edxml"]
    assert body["actions"] == ["submit", "cancel"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"doc_type": "cong_van", "subject": "x" * 501}, "subject"),
        ({"doc_type": "thu_ngo", "subject": "Thư"}, "doc_type"),
        ({"doc_type": "cong_van", "subject": "V/v", "priority": 9}, "priority"),
        (
            {"doc_type": "cong_van", "subject": "V/v", "recipients": [{"organ_id": "X"}]},
            "recipients.0",
        ),
        ({"doc_type": "cong_van", "subject": "V/v", "drafting_unit": "ZZ"}, "drafting_unit"),
        ({"subject": "V/v"}, "doc_type"),
    ],
)
def test_bad_draft_input_is_a_problem_naming_the_field(world, api, payload, field) -> None:  # type: ignore[no-untyped-def]
    body = _problem(api.login(world.specialist).post(DOCS, payload), 422)
    assert field in [e["field"] for e in body["errors"]]
    assert not Document.objects.exists()


def test_a_repeated_create_with_the_same_idempotency_key_makes_one_draft(world, api) -> None:  # type: ignore[no-untyped-def]
    api.login(world.specialist)
    payload = {"doc_type": "bao_cao", "subject": "Báo cáo tháng 3"}
    first = api.post(DOCS, payload, HTTP_IDEMPOTENCY_KEY="abc-123")
    second = api.post(DOCS, payload, HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Document.objects.count() == 1
    other = api.post(DOCS, {**payload, "subject": "Khác"}, HTTP_IDEMPOTENCY_KEY="abc-123")
    assert _problem(other, 409)["code"] == "idempotency_key_reused"


def test_the_whole_outgoing_path_through_the_api(world, api) -> None:  # type: ignore[no-untyped-def]
    doc = draft(world)
    url = f"{DOCS}/{doc.pk}/actions"
    assert (
        api.login(world.specialist).post(f"{url}/submit", {"note": "Kính trình"}).status_code == 200
    )
    assert api.login(world.unit_head).post(f"{url}/approve", {}).status_code == 200
    signed = api.login(world.leader).post(
        f"{url}/sign", {"authority": "KT.", "on_behalf_of": "Giám đốc", "position": "Phó Giám đốc"}
    )
    assert signed.json()["signer"]["competence"] == "KT. GIÁM ĐỐC"
    issued = api.login(world.document_clerk).post(f"{url}/issue", {})
    assert issued.json()["number_notation"] == "01/KH-SXD"
    sent = api.post(f"{url}/send", {})
    assert sent.json()["status"] == "sent"
    assert sent.json()["recipients"][0]["status"] == "delivered"


def test_a_step_in_the_wrong_state_is_409_and_by_the_wrong_person_403(world, api) -> None:  # type: ignore[no-untyped-def]
    doc = draft(world)
    url = f"{DOCS}/{doc.pk}/actions"
    assert (
        _problem(api.login(world.unit_head).post(f"{url}/approve", {}), 409)["code"]
        == "invalid_transition"
    )
    assert (
        _problem(api.login(world.document_clerk).post(f"{url}/submit", {}), 403)["code"]
        == "permission_denied"
    )
    _problem(api.post(f"{url}/publish", {}), 422)


def test_assigning_through_the_api_uses_unit_codes_and_usernames(world, api) -> None:  # type: ignore[no-untyped-def]
    doc = incoming_in(world, Status.REGISTERED)
    url = f"{DOCS}/{doc.pk}/actions/assign"
    api.login(world.leader)
    body = _problem(api.post(url, {"unit": "NOPE"}), 422)
    assert body["errors"][0]["field"] == "unit"
    body = api.post(url, {"unit": "QLXD", "assignee": "dung", "deadline": "2026-12-20"}).json()
    assert (body["assigned_unit"], body["assignee"], body["due_date"]) == (
        "QLXD",
        "dung",
        "2026-12-20",
    )


def test_completing_with_a_reply_of_another_agency_is_not_found(world, api) -> None:  # type: ignore[no-untyped-def]
    from egov.org.models import Membership, Role

    Membership.objects.create(user=world.outsider, agency=world.justice, role=Role.LEADER)
    foreign = draft(
        world, acting_user=world.outsider, agency=world.justice, doc_type="bao_cao", recipients=[]
    )
    doc = incoming_in(world, Status.IN_PROGRESS)
    response = api.login(world.specialist).post(
        f"{DOCS}/{doc.pk}/actions/complete", {"result": "Xong", "reply": foreign.pk}
    )
    _problem(response, 404)
    doc.refresh_from_db()
    assert doc.status == Status.IN_PROGRESS


def test_the_clerk_registers_an_incoming_document(world, api) -> None:  # type: ignore[no-untyped-def]
    payload = {
        "subject": "Về việc báo cáo số liệu",
        "organ_name": "Ủy ban nhân dân tỉnh Tiền Giang",
        "code_number": "321",
        "code_notation": "UBND-KT",
        "issued_date": "2026-03-02",
    }
    response = api.login(world.document_clerk).post(f"{DOCS}/incoming", payload)
    assert response.status_code == 201, response.content
    assert response.json()["arrival_number"] == 1
    assert _problem(api.post(f"{DOCS}/incoming", payload), 409)["code"] == "duplicate_incoming"
    assert _problem(api.login(world.specialist).post(f"{DOCS}/incoming", payload), 403)


def test_attaching_a_file(world, client) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    doc = draft(world)
    client.force_login(world.specialist)
    upload = SimpleUploadedFile("phu-luc.pdf", b"%PDF-1.4 phu luc", content_type="application/pdf")
    response = client.post(
        f"{DOCS}/{doc.pk}/attachments", {"file": upload, "description": "Phụ lục"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "phu-luc.pdf"
    download = client.get(body["url"])
    assert b"".join(download.streaming_content) == b"%PDF-1.4 phu luc"
    assert client.get(f"{DOCS}/{doc.pk}/files/attachment/999999").status_code == 404


def test_integrators_download_the_signed_document_with_a_token(world, client) -> None:  # type: ignore[no-untyped-def]
    from egov.accounts.actions import issue_api_token
    from egov.documents.tests.factories import pdf_file

    doc = outgoing_in(world, Status.ISSUED, file=pdf_file())
    _token, secret = issue_api_token(acting_user=None, user=world.specialist, name="tích hợp")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    body = client.get(f"{DOCS}/{doc.pk}", **auth).json()
    assert body["signed_file"]["url"] == f"{DOCS}/{doc.pk}/files/signed/0"
    response = client.get(body["signed_file"]["url"], **auth)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_registers_export_as_pdf_and_xlsx(world, api) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=VIETNAM), tick=False):
        outgoing_in(world, Status.SENT)
    api.login(world.document_clerk)
    url = f"{DOCS}/registers/outgoing"
    pdf = api.get(url, **{"from": "2026-03-01", "to": "2026-03-31"})
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    xlsx = api.get(url, **{"from": "2026-03-01", "to": "2026-03-31", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(row=6, column=1).value == "01/KH-SXD"
    assert 'filename="so-van-ban-di-20260301-20260331.xlsx"' in xlsx["Content-Disposition"]
    body = _problem(api.get(url, **{"from": "2026-03-31", "to": "2026-03-01"}), 422)
    assert body["errors"][0]["field"] == "to"
    _problem(api.get(url, **{"from": "2026-03-01"}), 422)


def test_another_agencys_register_is_not_found(world, api) -> None:  # type: ignore[no-untyped-def]
    api.login(world.outsider)
    url = f"{DOCS}/registers/incoming"
    _problem(
        api.get(url, agency="000.00.09.H58", **{"from": "2026-03-01", "to": "2026-03-31"}), 404
    )


def test_the_kpis_through_the_api(world, api) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=VIETNAM), tick=False):
        outgoing_in(world, Status.SENT)
    body = (
        api.login(world.leader)
        .get(
            "/api/v1/stats/documents",
            agency="000.00.09.H58",
            **{"from": "2026-03-01", "to": "2026-03-31"},
        )
        .json()
    )
    [row] = body["agencies"]
    assert (row["organ_code"], row["sent"], row["sent_electronic"]) == ("000.00.09.H58", 1, 1)
    assert row["sent_electronic_share"] == 1.0
    assert row["signed_share"] == 0.0
    assert body["total"]["sent"] == 1
    assert (body["date_from"], body["date_to"]) == ("2026-03-01", "2026-03-31")


def test_kpis_of_another_agency_are_not_found_but_the_administrator_sees_all(world, api) -> None:  # type: ignore[no-untyped-def]
    _problem(api.login(world.outsider).get("/api/v1/stats/documents", agency="000.00.09.H58"), 404)
    body = api.login(world.admin).get("/api/v1/stats/documents").json()
    assert {"000.00.09.H58", "000.00.05.H58"} <= {row["organ_code"] for row in body["agencies"]}


def test_the_clerk_accepts_or_refuses_an_electronic_arrival_through_the_api(world, api) -> None:  # type: ignore[no-untyped-def]
    first = incoming_in(world, Status.ARRIVED)
    second = incoming_in(world, Status.ARRIVED, CodeNumber="1235")
    api.login(world.leader)
    assert api.get(f"{DOCS}/{first.pk}").json()["actions"] == []
    _problem(api.post(f"{DOCS}/{first.pk}/actions/accept", {}), 403)

    api.login(world.document_clerk)
    assert set(api.get(f"{DOCS}/{first.pk}").json()["actions"]) >= {"accept", "refuse"}
    body = api.post(f"{DOCS}/{first.pk}/actions/accept", {"note": "Đủ thành phần"}).json()
    assert (body["status"], body["arrival_number"]) == ("registered", 1)
    _problem(api.post(f"{DOCS}/{first.pk}/actions/refuse", {"reason": "Muộn"}), 409)

    assert (
        _problem(api.post(f"{DOCS}/{second.pk}/actions/refuse", {}), 422)["errors"][0]["field"]
        == "reason"
    )
    body = api.post(f"{DOCS}/{second.pk}/actions/refuse", {"reason": "Gửi nhầm cơ quan"}).json()
    assert (body["status"], body["arrival_number"], body["refusal_reason"]) == (
        "refused",
        None,
        "Gửi nhầm cơ quan",
    )
    assert body["actions"] == []
