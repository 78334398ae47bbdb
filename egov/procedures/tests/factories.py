"""Small builders for procedure tests, on top of the shared personas (egov.testing.world)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from egov.org.models import AdministrativeUnit, Level, Role, Structure
from egov.procedures.models import Procedure, ProcedureFee, RequiredDocument, Sector, WorkflowStep
from egov.testing.world import World

REFORM = dt.date(2025, 7, 1)


def sector(code: str = "XD", name: str = "Hoạt động xây dựng") -> Sector:
    return Sector.objects.get_or_create(code=code, defaults={"name": name})[0]


def procedure(world: World, **values: Any) -> Procedure:
    """A provincial construction permit of Sở Xây dựng, received at the centre's desk."""
    defaults: dict[str, Any] = {
        "code": "1.009972",
        "name": "Cấp giấy phép xây dựng mới đối với công trình cấp I, cấp II",
        "sector": sector(),
        "level": Level.PROVINCE,
        "agency": world.construction,
        "service_level": 4,
        "category": "partial_online",
        "processing_days": 20,
        "applicant_types": ["business"],
        "legal_basis": "Luật Xây dựng số 50/2014/QH13",
        "result_type": "Giấy phép xây dựng",
    }
    defaults.update(values)
    return Procedure.objects.create(**defaults)


def standard_steps(world: World, item: Procedure) -> list[WorkflowStep]:
    specs = [
        (1, "Tiếp nhận", "receive", Role.ONE_STOP_CLERK, "0.5", world.centre, "TNTKQ", False),
        (2, "Thẩm định", "process", Role.SPECIALIST, "10", world.construction, "QLXD", True),
        (2, "Lấy ý kiến Sở Tư pháp", "consult", Role.SPECIALIST, "5", world.justice, "", False),
        (3, "Phê duyệt", "approve", Role.UNIT_HEAD, "4", world.construction, "QLXD", False),
        (4, "Ký", "sign", Role.LEADER, "5", world.construction, "", False),
        (5, "Trả kết quả", "return", Role.ONE_STOP_CLERK, "0.5", world.centre, "TNTKQ", False),
    ]
    return [
        WorkflowStep.objects.create(
            procedure=item,
            order=order,
            name=name,
            kind=kind,
            role=role,
            days=Decimal(days),
            agency=agency,
            unit_code=unit,
            is_lead=lead,
        )
        for order, name, kind, role, days, agency, unit, lead in specs
    ]


def full_procedure(world: World, **values: Any) -> Procedure:
    item = procedure(world, **values)
    standard_steps(world, item)
    ProcedureFee.objects.create(
        procedure=item, name="Lệ phí cấp giấy phép xây dựng", kind="charge", amount=150000
    )
    RequiredDocument.objects.create(procedure=item, order=1, name="Đơn đề nghị cấp giấy phép")
    RequiredDocument.objects.create(
        procedure=item, order=2, name="Bản vẽ thiết kế", copies=2, original_or_copy="original"
    )
    return item


def administrative_units() -> dict[str, AdministrativeUnit]:
    """Province 82 and a ward of it today, the old Tiền Giang ward before the reform, and a
    province elsewhere with a ward of its own."""
    new_province = AdministrativeUnit.objects.create(
        code="82",
        name="Tỉnh Đồng Tháp",
        level=Level.PROVINCE,
        structure=Structure.TWO_LEVEL,
        valid_from=REFORM,
    )
    new_ward = AdministrativeUnit.objects.create(
        code="28261",
        name="Phường Mỹ Tho",
        level=Level.COMMUNE,
        parent=new_province,
        structure=Structure.TWO_LEVEL,
        valid_from=REFORM,
    )
    old_province = AdministrativeUnit.objects.create(
        code="82",
        name="Tỉnh Tiền Giang",
        level=Level.PROVINCE,
        structure=Structure.THREE_LEVEL,
        valid_to=REFORM - dt.timedelta(days=1),
    )
    old_district = AdministrativeUnit.objects.create(
        code="815",
        name="Thành phố Mỹ Tho",
        level=Level.DISTRICT,
        parent=old_province,
        structure=Structure.THREE_LEVEL,
        valid_to=REFORM - dt.timedelta(days=1),
    )
    old_ward = AdministrativeUnit.objects.create(
        code="28252",
        name="Phường 4",
        level=Level.COMMUNE,
        parent=old_district,
        structure=Structure.THREE_LEVEL,
        valid_to=REFORM - dt.timedelta(days=1),
    )
    other_province = AdministrativeUnit.objects.create(
        code="79",
        name="Thành phố Hồ Chí Minh",
        level=Level.PROVINCE,
        structure=Structure.TWO_LEVEL,
        valid_from=REFORM,
    )
    other_ward = AdministrativeUnit.objects.create(
        code="26734",
        name="Phường Sài Gòn",
        level=Level.COMMUNE,
        parent=other_province,
        structure=Structure.TWO_LEVEL,
        valid_from=REFORM,
    )
    return {
        "province": new_province,
        "ward": new_ward,
        "old_province": old_province,
        "old_ward": old_ward,
        "other_province": other_province,
        "other_ward": other_ward,
    }
