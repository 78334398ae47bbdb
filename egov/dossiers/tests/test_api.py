"""The dossier API: registration with Idempotency-Key, who sees what (404 for everyone else),
transitions with 409/403 problems, history and lists."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from egov.dossiers.models import Dossier, DossierDocument
from egov.dossiers.tests.factories import PDF, PNG, dossier_in, refresh, register, walk_in
from egov.dossiers.workflow import Action
from egov.testing.world import World

pytestmark = pytest.mark.usefixtures("at_monday_morning")

URL = "/api/v1/dossiers"


def _scan(content: bytes = PDF, name: str = "don.pdf") -> dict[str, str]:
    return {"name": name, "content_base64": base64.b64encode(content).decode()}


def _desk_body(permit: Any, **overrides: Any) -> dict[str, Any]:
    documents = [
        {"required_document": doc.pk, "sets": 1, "file": _scan()}
        for doc in permit.documents.filter(mandatory=True)
    ]
    body = {
        "procedure": permit.code,
        "channel": "desk",
        "applicant": {
            "kind": "citizen",
            "name": "Trần Văn Cường",
            "personal_id": "082085001111",
            "address": "5 Lê Lợi, Phường 1, TP. Mỹ Tho",
            "phone": "0912000111",
        },
        "documents": documents,
    }
    body.update(overrides)
    return body


def test_a_clerk_registers_a_walk_in_dossier_with_its_code_and_scans(
    api: Any, world: World, permit: Any
) -> None:
    response = api.login(world.clerk).post(URL, _desk_body(permit))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"].startswith("000.01.01.H58-260302-")
    assert body["status"] == "submitted"
    assert body["channel"] == "desk"
    assert body["allowed_actions"] == ["accept", "request_supplement", "refuse", "withdraw"]
    documents = DossierDocument.objects.filter(dossier__code=body["code"])
    assert documents.count() == 2
    stored = documents.first()
    assert stored is not None
    assert stored.content_type == "application/pdf"
    assert stored.file.read() == PDF
    assert len(stored.sha256) == 64
    assert stored.original_name == "don.pdf"


def test_a_citizen_submits_online_with_the_identity_of_their_profile(
    api: Any, world: World, permit: Any
) -> None:
    body = _desk_body(permit, channel=None, return_method="online")
    body["applicant"] = {"name": "Someone Else", "personal_id": "082099009999", "address": "Nhà"}
    response = api.login(world.citizen).post(URL, body)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["channel"] == "online"
    assert created["applicant"]["name"] == "Nguyễn Văn An"
    assert created["applicant"]["personal_id"] == "082090001234"
    assert created["receiving_unit"] == world.desk.name
    dossier = Dossier.objects.get(code=created["code"])
    assert dossier.applicant == world.citizen
    assert dossier.is_electronic


def test_civil_servants_cannot_submit_online_and_citizens_cannot_register_at_the_desk(
    api: Any, world: World, permit: Any
) -> None:
    assert (
        api.login(world.specialist).post(URL, _desk_body(permit, channel="online")).status_code
        == 403
    )
    assert api.login(world.citizen).post(URL, _desk_body(permit)).status_code == 403
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"procedure": "X.999"}, "procedure"),
        (
            {"applicant": {"kind": "citizen", "name": "A", "personal_id": "123", "address": "x"}},
            "applicant.personal_id",
        ),
        (
            {"applicant": {"kind": "citizen", "personal_id": "082085001111", "address": "x"}},
            "applicant.name",
        ),
        (
            {
                "applicant": {
                    "kind": "business",
                    "name": "Cty",
                    "tax_code": "1201234561",
                    "address": "x",
                }
            },
            "applicant.tax_code",
        ),
        ({"documents": [{"name": "Ảnh", "file": _scan(b"GIF89a....")}]}, "documents.0.file"),
        (
            {"documents": [{"name": "Ảnh", "file": {"name": "a.pdf", "content_base64": "%%%"}}]},
            "documents.0.file",
        ),
        ({"documents": [{"required_document": 999999}]}, "documents.0.required_document"),
        ({"return_method": "pigeon"}, "return_method"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(
    api: Any, world: World, permit: Any, change: dict[str, Any], field: str
) -> None:
    response = api.login(world.clerk).post(URL, _desk_body(permit, **change))
    assert response.status_code == 422, response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not Dossier.objects.exists()
    assert not DossierDocument.objects.exists()


def test_a_scan_larger_than_the_limit_is_refused(
    api: Any, world: World, permit: Any, settings: Any
) -> None:
    settings.EGOV_DOSSIER_MAX_FILE_MB = 1
    big = PNG + b"\x00" * (1024 * 1024)
    body = _desk_body(permit, documents=[{"name": "Ảnh", "file": _scan(big, "a.png")}])
    response = api.login(world.clerk).post(URL, body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "documents.0.file"


def test_the_same_idempotency_key_returns_the_same_dossier_and_creates_nothing(
    api: Any, world: World, permit: Any
) -> None:
    client = api.login(world.clerk)
    first = client.post(URL, _desk_body(permit), HTTP_IDEMPOTENCY_KEY="desk-42")
    again = client.post(URL, _desk_body(permit), HTTP_IDEMPOTENCY_KEY="desk-42")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["code"] == again.json()["code"]
    assert Dossier.objects.count() == 1

    different = client.post(
        URL, _desk_body(permit, return_method="post"), HTTP_IDEMPOTENCY_KEY="desk-42"
    )
    assert different.status_code == 422
    assert different.json()["code"] == "idempotency_key_reused"
    assert Dossier.objects.count() == 1


def test_an_idempotency_key_belongs_to_its_user(api: Any, world: World, permit: Any) -> None:
    from egov.org.models import Membership, Role

    second_clerk = world.outsider
    Membership.objects.create(
        user=second_clerk, agency=world.centre, unit=world.desk, role=Role.ONE_STOP_CLERK
    )
    api.login(world.clerk).post(URL, _desk_body(permit), HTTP_IDEMPOTENCY_KEY="same")
    response = api.login(second_clerk).post(URL, _desk_body(permit), HTTP_IDEMPOTENCY_KEY="same")
    assert response.status_code == 201
    assert Dossier.objects.count() == 2


def test_the_applicant_and_involved_staff_see_a_dossier_and_nobody_else(
    api: Any, world: World, permit: Any
) -> None:
    dossier = dossier_in("in_processing", world, permit)
    path = f"{URL}/{dossier.code}"
    for user in (world.citizen, world.clerk, world.specialist, world.leader):
        assert api.login(user).get(path).status_code == 200, user
    missing = api.login(world.outsider).get(f"{URL}/000.01.01.H58-260302-9999")
    for user in (world.outsider, world.citizen2):
        response = api.login(user).get(path)
        assert response.status_code == 404
        assert response.json() == missing.json()


# A body every action's schema accepts, so only access decides the answer.
ANY_INPUT = {
    "reason": "x",
    "reply": "x",
    "summary": "x",
    "assignee": "an",
    "agency": "x",
    "question": "x",
    "days": 1,
    "new_due_on": "2026-04-01",
    "documents": [{"name": "x"}],
}


def test_every_object_endpoint_answers_404_to_someone_who_may_not_see_the_dossier(
    api: Any, world: World, permit: Any
) -> None:
    dossier = dossier_in("submitted", world, permit)
    client = api.login(world.citizen2)
    assert client.get(f"{URL}/{dossier.code}").status_code == 404
    assert client.get(f"{URL}/{dossier.code}/history").status_code == 404
    for action in Action.values:
        response = client.post(f"{URL}/{dossier.code}/actions/{action}", ANY_INPUT)
        assert response.status_code == 404, action
    assert refresh(dossier).status == "submitted"


def test_a_transition_the_state_does_not_allow_is_a_409_that_says_why(
    api: Any, world: World, permit: Any
) -> None:
    dossier = dossier_in("submitted", world, permit)
    response = api.login(world.clerk).post(f"{URL}/{dossier.code}/actions/approve", {})
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "transition_not_allowed"
    assert body["status"] == "submitted"
    assert "Phê duyệt" in body["detail"] or "Approve" in body["detail"]


def test_an_action_the_user_may_not_take_is_a_403_for_someone_who_sees_the_dossier(
    api: Any, world: World, permit: Any
) -> None:
    dossier = dossier_in("submitted", world, permit)
    response = api.login(world.citizen).post(f"{URL}/{dossier.code}/actions/accept", {})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert refresh(dossier).status == "submitted"


def test_accepting_through_the_api_gives_the_appointment_and_form_01(
    api: Any, world: World, permit: Any
) -> None:
    dossier = dossier_in("submitted", world, permit)
    response = api.login(world.clerk).post(f"{URL}/{dossier.code}/actions/accept", {})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "in_processing"
    assert body["due_on"] == "2026-03-16"
    assert [form["number"] for form in body["forms"]] == ["01"]
    assert [step["status"] for step in body["steps"]] == [
        "completed",
        "open",
        "pending",
        "pending",
        "pending",
    ]


def test_bad_action_input_is_a_422_naming_the_field(api: Any, world: World, permit: Any) -> None:
    dossier = dossier_in("in_processing", world, permit)
    client = api.login(world.leader)
    response = client.post(
        f"{URL}/{dossier.code}/actions/apologise_and_reschedule",
        {"reason": "Quá tải", "new_due_on": "16/03/2026"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "new_due_on"
    response = client.post(f"{URL}/{dossier.code}/actions/assign", {"assignee": "nobody"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "assignee"


def test_history_lists_every_transition_with_its_actor_and_step(
    api: Any, world: World, permit: Any
) -> None:
    dossier = dossier_in("approved", world, permit)
    response = api.login(world.citizen).get(f"{URL}/{dossier.code}/history")
    assert response.status_code == 200
    rows = response.json()
    assert [row["action"] for row in rows] == ["register", "accept", "complete_step", "approve"]
    assert rows[2]["step"] == "Thẩm định"
    assert rows[2]["actor"] == "Phạm Văn Dũng"
    assert rows[2]["step_due_on"] == "2026-03-09"
    assert rows[2]["timeliness"] == "early"
    assert rows[1]["due_on"] == "2026-03-16"


def test_lists_show_citizens_their_own_and_staff_their_queues(
    api: Any, world: World, permit: Any
) -> None:
    waiting = register(world, permit)
    processing = dossier_in("in_processing", world, permit)
    other = register(
        world, permit, applicant=walk_in(name="Lê Thị Hồng", personal_id="082185002222")
    )

    mine = api.login(world.citizen).get(URL).json()
    assert {item["code"] for item in mine["items"]} == {waiting.code, processing.code}

    desk = api.login(world.clerk).get(URL).json()
    assert {item["code"] for item in desk["items"]} == {waiting.code, other.code}

    queue = api.login(world.specialist).get(URL).json()
    assert [item["code"] for item in queue["items"]] == [processing.code]
    assert queue["items"][0]["current_steps"] == ["Thẩm định"]
    assert queue["items"][0]["urgency"] == "ok"

    found = api.login(world.clerk).get(URL, scope="agency", q="le thi hong").json()
    assert [item["code"] for item in found["items"]] == [other.code]
    by_id = api.login(world.clerk).get(URL, scope="agency", q="082185002222").json()
    assert [item["code"] for item in by_id["items"]] == [other.code]
    assert api.login(world.outsider).get(URL, scope="agency").json()["count"] == 0
    assert api.login(world.clerk).get(URL, scope="everything").status_code == 422


def test_online_form_data_is_checked_with_the_procedures_form_engine(
    api: Any, world: World, permit: Any
) -> None:
    permit.application_form = {
        "version": 1,
        "fields": [
            {"name": "purpose", "type": "text", "label": "Mục đích", "required": True},
            {"name": "floors", "type": "number", "label": "Số tầng", "integer": True, "min": 1},
        ],
    }
    permit.save()
    client = api.login(world.citizen)
    missing = client.post(URL, _desk_body(permit, channel="online", form_data={"floors": 0}))
    assert missing.status_code == 422
    fields = {error["field"] for error in missing.json()["errors"]}
    assert fields == {"form_data.purpose", "form_data.floors"}
    created = client.post(
        URL, _desk_body(permit, channel="online", form_data={"purpose": "Nhà ở", "floors": 3})
    )
    assert created.status_code == 201, created.json()
    dossier = Dossier.objects.get(code=created.json()["code"])
    assert dossier.form_data == {"purpose": "Nhà ở", "floors": 3}


def test_a_registered_dossier_returned_by_the_action_behaves_like_a_loaded_one(
    world: World, permit: Any
) -> None:
    from egov.dossiers.actions import missing_documents

    dossier = register(world, permit, documents=[])
    assert dossier.documents.count() == 0
    assert [d.name for d in missing_documents(dossier)] == ["Đơn đề nghị", "Bản vẽ thiết kế"]


def test_scans_are_served_to_those_who_see_the_dossier_only(
    api: Any, world: World, permit: Any
) -> None:
    dossier = dossier_in("in_processing", world, permit)
    document = dossier.documents.first()
    path = f"{URL}/{dossier.code}/documents/{document.pk}"
    response = api.login(world.specialist).get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    for user in (world.outsider, world.citizen2):
        assert api.login(user).get(path).status_code == 404
    assert (
        api.login(world.specialist).get(f"{URL}/{dossier.code}/documents/999999").status_code == 404
    )
    form = api.login(world.citizen).get(f"{URL}/{dossier.code}").json()["forms"][0]
    assert form["number"] == "01"
    assert form["data"]["appointment_on"] == "2026-03-16"


def test_a_commune_procedure_online_needs_the_commune_that_receives_it(
    api: Any, world: World, permit: Any
) -> None:
    from egov.org.models import Agency, Unit

    permit.agency = None
    permit.level = "commune"
    permit.save()
    client = api.login(world.citizen)
    response = client.post(URL, _desk_body(permit, channel="online"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "receiving_agency"
    wrong_level = client.post(
        URL, _desk_body(permit, channel="online", receiving_agency=world.centre.organ_code)
    )
    assert wrong_level.status_code == 422
    ward = Agency.objects.create(
        organ_code="000.01.21.H58", name="UBND Phường 1", short_name="UBND", level="commune"
    )
    Unit.objects.create(agency=ward, name="Bộ phận Một cửa", code="MC", is_one_stop_desk=True)
    created = client.post(
        URL, _desk_body(permit, channel="online", receiving_agency=ward.organ_code)
    )
    assert created.status_code == 201, created.json()
    assert created.json()["code"].startswith("000.01.21.H58-260302-")
    assert created.json()["receiving_agency"]["name"] == "UBND Phường 1"
