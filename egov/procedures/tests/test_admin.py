"""Administrators edit the catalog in Django admin: inlines, one audit event, import/export."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from egov.audit.models import AuditEvent
from egov.procedures.catalog import export_catalog, export_json
from egov.procedures.models import Procedure, WorkflowStep
from egov.procedures.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, world):  # type: ignore[no-untyped-def]
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    return client


def _inline(prefix: str, rows: list[dict[str, Any]], initial: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def _form(world, steps: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    data: dict[str, Any] = {
        "code": "1.009985",
        "name": "Gia hạn giấy phép xây dựng",
        "sector": factories.sector().pk,
        "level": "province",
        "agency": world.construction.pk,
        "is_active": "on",
        "service_level": 3,
        "category": "partial_online",
        "processing_days": 5,
        "applicant_types": ["citizen", "business"],
        "result_type": "Giấy phép xây dựng được gia hạn",
        "legal_basis": "Luật Xây dựng",
        "application_form": json.dumps({"version": 1, "fields": []}),
        **_inline("fees", [{"name": "Lệ phí gia hạn", "kind": "charge", "amount": 15000}]),
        **_inline(
            "documents",
            [
                {
                    "order": 1,
                    "name": "Đơn đề nghị",
                    "copies": 1,
                    "original_or_copy": "original",
                    "mandatory": "on",
                }
            ],
        ),
        **_inline("steps", steps),
    }
    data.update(changes)
    return data


def _steps(world, *days: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    kinds = ["receive", "process", "sign"]
    roles = ["one_stop_clerk", "specialist", "leader"]
    agencies = [world.centre, world.construction, world.construction]
    units = ["TNTKQ", "QLXD", ""]
    return [
        {
            "order": index + 1,
            "name": f"Bước {index + 1}",
            "agency": agencies[index].pk,
            "unit_code": units[index],
            "role": roles[index],
            "days": value,
            "kind": kinds[index],
        }
        for index, value in enumerate(days)
    ]


def test_a_procedure_with_fees_documents_and_steps_is_added_as_one_audited_change(
    admin_client, world
) -> None:  # type: ignore[no-untyped-def]
    events = AuditEvent.objects.count()
    response = admin_client.post(
        "/admin/procedures/procedure/add/", _form(world, _steps(world, "0.5", "3", "1.5"))
    )
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    item = Procedure.objects.get(code="1.009985")
    assert item.applicant_types == ["citizen", "business"]
    assert "gia han giay phep" in item.search_text
    assert item.fees.get().amount == 15000
    assert item.documents.count() == 1
    assert [step.kind for step in item.steps.all()] == ["receive", "process", "sign"]
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.latest("seq")
    assert (event.verb, event.object_id, event.actor) == ("admin.add", str(item.pk), world.admin)
    assert event.after["steps"] == {"added": 3, "changed": 0, "deleted": 0}


def test_admin_refuses_a_workflow_longer_than_the_statutory_time(admin_client, world) -> None:  # type: ignore[no-untyped-def]
    admin_client.cookies["egov_language"] = "en"
    response = admin_client.post(
        "/admin/procedures/procedure/add/", _form(world, _steps(world, "0.5", "4", "1"))
    )
    assert response.status_code == 200
    assert "5.5 working days in sequence" in response.content.decode()
    assert not Procedure.objects.filter(code="1.009985").exists()


def test_admin_refuses_a_broken_form_definition(admin_client, world) -> None:  # type: ignore[no-untyped-def]
    response = admin_client.post(
        "/admin/procedures/procedure/add/",
        _form(
            world,
            _steps(world, "0.5", "3", "1"),
            application_form=json.dumps({"fields": [{"name": "x", "type": "magic"}]}),
        ),
    )
    assert response.status_code == 200
    assert "application_form" in response.context["adminform"].form.errors
    assert not Procedure.objects.exists()


def test_changing_a_procedure_in_admin_keeps_step_ids(admin_client, world) -> None:  # type: ignore[no-untyped-def]
    admin_client.post(
        "/admin/procedures/procedure/add/", _form(world, _steps(world, "0.5", "3", "1"))
    )
    item = Procedure.objects.get()
    steps = _steps(world, "0.5", "3.5", "1")
    for row, step in zip(steps, item.steps.order_by("order"), strict=True):
        row["id"] = step.pk
        row["procedure"] = item.pk
    data = _form(world, steps, name="Gia hạn giấy phép xây dựng (sửa)")
    data.update(_inline("steps", steps, initial=3))
    fee = item.fees.get()
    data.update(
        _inline(
            "fees",
            [
                {
                    "id": fee.pk,
                    "procedure": item.pk,
                    "name": fee.name,
                    "kind": "charge",
                    "amount": 20000,
                }
            ],
            initial=1,
        )
    )
    document = item.documents.get()
    data.update(
        _inline(
            "documents",
            [
                {
                    "id": document.pk,
                    "procedure": item.pk,
                    "order": 1,
                    "name": document.name,
                    "copies": 1,
                    "original_or_copy": "original",
                    "mandatory": "on",
                }
            ],
            initial=1,
        )
    )
    ids = set(item.steps.values_list("pk", flat=True))
    response = admin_client.post(f"/admin/procedures/procedure/{item.pk}/change/", data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.name.endswith("(sửa)")
    assert set(item.steps.values_list("pk", flat=True)) == ids
    assert str(WorkflowStep.objects.get(procedure=item, order=2).days) == "3.50"
    assert item.fees.get().amount == 20000
    event = AuditEvent.objects.latest("seq")
    assert event.verb == "admin.change"
    assert event.after["steps"] == {"added": 0, "changed": 1, "deleted": 0}


def test_admin_search_ignores_diacritics(admin_client, world) -> None:  # type: ignore[no-untyped-def]
    factories.procedure(world)
    factories.procedure(
        world, code="1.001193", name="Đăng ký khai sinh", level="commune", agency=None
    )
    response = admin_client.get("/admin/procedures/procedure/", {"q": "dang ky khai"})
    assert response.status_code == 200
    assert [p.code for p in response.context["cl"].result_list] == ["1.001193"]


def test_admin_exports_the_whole_catalog_as_json_and_xlsx(admin_client, world) -> None:  # type: ignore[no-untyped-def]
    factories.full_procedure(world)
    response = admin_client.get("/admin/procedures/procedure/export/json/")
    assert response.status_code == 200
    assert json.loads(response.content) == export_catalog()
    response = admin_client.get("/admin/procedures/procedure/export/xlsx/")
    assert response["Content-Disposition"] == 'attachment; filename="procedures.xlsx"'
    assert load_workbook(io.BytesIO(response.content))["Procedures"]["A2"].value == "1.009972"
    assert admin_client.get("/admin/procedures/procedure/export/csv/").status_code == 404


def test_admin_exports_the_selected_procedures(admin_client, world) -> None:  # type: ignore[no-untyped-def]
    first = factories.procedure(world)
    factories.procedure(world, code="1.001193", level="commune", agency=None)
    for action in ("export_selected_json", "export_selected_xlsx"):
        response = admin_client.post(
            "/admin/procedures/procedure/", {"action": action, "_selected_action": [first.pk]}
        )
        assert response.status_code == 200
    document = json.loads(
        admin_client.post(
            "/admin/procedures/procedure/",
            {"action": "export_selected_json", "_selected_action": [first.pk]},
        ).content
    )
    assert [p["code"] for p in document["procedures"]] == ["1.009972"]


def test_admin_imports_a_file_in_one_audited_action(admin_client, world) -> None:  # type: ignore[no-untyped-def]
    factories.full_procedure(world)
    document = export_catalog()
    document["procedures"][0]["name"] = "Tên mới"
    events = AuditEvent.objects.count()
    upload = SimpleUploadedFile("catalog.json", json.dumps(document).encode())
    response = admin_client.post("/admin/procedures/procedure/import/", {"file": upload})
    assert response.status_code == 302
    assert Procedure.objects.get().name == "Tên mới"
    assert AuditEvent.objects.count() == events + 1
    assert admin_client.get("/admin/procedures/procedure/import/").status_code == 200


def test_admin_lists_every_import_error(admin_client, world) -> None:  # type: ignore[no-untyped-def]
    factories.full_procedure(world)
    document = json.loads(export_json())
    document["procedures"][0]["level"] = "galaxy"
    document["procedures"][0]["steps"][0]["role"] = "king"
    upload = SimpleUploadedFile("catalog.json", json.dumps(document).encode())
    admin_client.cookies["egov_language"] = "en"
    response = admin_client.post("/admin/procedures/procedure/import/", {"file": upload})
    assert response.status_code == 200
    places = [where for where, _message in response.context["import_errors"]]
    assert places == ["procedures[0].level", "procedures[0].steps[0].role"]
    broken = SimpleUploadedFile("catalog.xlsx", b"PK\x03\x04nonsense")
    response = admin_client.post("/admin/procedures/procedure/import/", {"file": broken})
    assert response.status_code == 200 and response.context["import_errors"]


def test_staff_without_catalog_rights_cannot_reach_the_import(client, world) -> None:  # type: ignore[no-untyped-def]
    world.clerk.is_staff = True
    world.clerk.save()
    client.force_login(world.clerk)
    assert client.get("/admin/procedures/procedure/import/").status_code == 404
    assert client.get("/admin/procedures/procedure/export/json/").status_code == 404
