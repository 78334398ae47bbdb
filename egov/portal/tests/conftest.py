"""A level-4, fully online procedure with a form, documents and a fee, on the shared personas."""

from __future__ import annotations

from typing import Any

import pytest

from egov.dossiers.tests.factories import make_permit
from egov.procedures.models import Procedure, ProcedureFee

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
FEE = 150_000

FORM: dict[str, Any] = {
    "version": 1,
    "fields": [
        {
            "name": "applicant_name",
            "type": "text",
            "label": "Họ và tên người đề nghị",
            "label_en": "Applicant's full name",
            "required": True,
            "max_length": 100,
            "prefill": "full_name",
            "section": "Người đề nghị",
        },
        {
            "name": "applicant_id",
            "type": "personal_id",
            "label": "Số định danh cá nhân",
            "required": True,
            "prefill": "personal_id",
        },
        {
            "name": "applicant_phone",
            "type": "phone",
            "label": "Số điện thoại",
            "required": True,
            "prefill": "phone",
        },
        {
            "name": "floors",
            "type": "number",
            "label": "Số tầng",
            "required": True,
            "integer": True,
            "min": 1,
            "max": 7,
            "section": "Công trình",
        },
        {"name": "has_agent", "type": "boolean", "label": "Nộp thay người khác"},
        {
            "name": "agent_name",
            "type": "text",
            "label": "Họ tên người được ủy quyền",
            "show_if": {"field": "has_agent", "equals": True},
            "required_if": {"field": "has_agent", "equals": True},
        },
        {
            "name": "design",
            "type": "file",
            "label": "Bản vẽ thiết kế",
            "required": True,
            "kinds": ["pdf", "jpeg", "png"],
            "max_size_mb": 10,
        },
        {"name": "commitment", "type": "boolean", "label": "Tôi cam đoan", "required": True},
    ],
}

GOOD_ANSWERS = {
    "applicant_name": "Nguyễn Văn An",
    "applicant_id": "082090001234",
    "applicant_phone": "0901234567",
    "floors": "3",
    "commitment": "on",
}


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """The finder caches its browse lists per process; every test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def make_service(world: Any, *, fee: int = FEE, code: str = "T.000001") -> Procedure:
    procedure = make_permit(world, code=code)
    procedure.application_form = FORM
    procedure.save()
    if fee:
        ProcedureFee.objects.create(
            procedure=procedure, name="Lệ phí cấp phép", kind="charge", amount=fee
        )
    return procedure


@pytest.fixture
def service(world: Any) -> Procedure:
    """Cấp giấy phép xây dựng (level 4, full online) with a fee of 150.000 đồng."""
    profile = world.citizen.citizen_profile
    profile.address = "12 Ấp Bắc, Phường 4, TP. Mỹ Tho"
    profile.save()
    world.citizen.phone = "0901234567"
    world.citizen.save()
    return make_service(world)


@pytest.fixture
def free_service(world: Any) -> Procedure:
    """The same procedure without a fee."""
    profile = world.citizen.citizen_profile
    profile.address = "12 Ấp Bắc, Phường 4, TP. Mỹ Tho"
    profile.save()
    return make_service(world, fee=0, code="T.000009")
