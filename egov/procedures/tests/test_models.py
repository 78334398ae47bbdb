"""The catalog's own rules: what a procedure and its workflow template may look like."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from egov.org.models import Level, Role
from egov.procedures.models import Procedure, Sector, WorkflowStep, validate_workflow
from egov.procedures.selectors import (
    procedures_of_agency,
    step_agency,
    step_unit,
    workflow_of,
)
from egov.procedures.tests import factories

pytestmark = pytest.mark.django_db


def _errors(obj: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()  # type: ignore[attr-defined]
    return caught.value.message_dict


def test_a_complete_procedure_is_valid(world) -> None:  # type: ignore[no-untyped-def]
    item = factories.full_procedure(world)
    item.full_clean()
    item.check_workflow()


def test_a_provincial_procedure_needs_its_implementing_agency(world) -> None:  # type: ignore[no-untyped-def]
    item = factories.procedure(world, agency=None)
    assert "agency" in _errors(item)


def test_a_commune_procedure_may_leave_the_agency_empty(world) -> None:  # type: ignore[no-untyped-def]
    factories.procedure(world, code="1.001193", level=Level.COMMUNE, agency=None).full_clean()


def test_full_online_needs_online_submission(world) -> None:  # type: ignore[no-untyped-def]
    item = factories.procedure(world, category="full_online", service_level=2)
    assert "category" in _errors(item)
    item.service_level = 3
    item.full_clean()


def test_an_online_result_needs_online_submission(world) -> None:  # type: ignore[no-untyped-def]
    item = factories.procedure(world, result_online=True, service_level=2)
    assert "result_online" in _errors(item)


@pytest.mark.parametrize("types", [[], ["citizen", "citizen"], ["tourist"], "citizen"])
def test_applicant_types_are_citizen_and_or_business(world, types) -> None:  # type: ignore[no-untyped-def]
    item = factories.procedure(world, applicant_types=types)
    assert "applicant_types" in _errors(item)


def test_a_broken_form_definition_cannot_be_saved_through_validation(world) -> None:  # type: ignore[no-untyped-def]
    item = factories.procedure(world, application_form={"fields": [{"name": "x", "type": "?"}]})
    assert "application_form" in _errors(item)


def test_the_service_level_is_between_1_and_4_in_the_database(world) -> None:  # type: ignore[no-untyped-def]
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.procedure(world, service_level=5)


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


def test_steps_may_not_take_longer_in_sequence_than_the_statutory_time(world) -> None:  # type: ignore[no-untyped-def]
    item = factories.full_procedure(world, processing_days=20)
    # 0.5 + max(10, 5) + 4 + 5 + 0.5 = 20: the parallel consultation does not add up.
    item.check_workflow()
    item.processing_days = 19
    with pytest.raises(ValidationError, match="20 working days in sequence"):
        item.check_workflow()


def test_parallel_steps_need_exactly_one_lead(world) -> None:  # type: ignore[no-untyped-def]
    item = factories.full_procedure(world)
    WorkflowStep.objects.filter(procedure=item, order=2).update(is_lead=False)
    with pytest.raises(ValidationError, match="order 2 need exactly one lead"):
        item.check_workflow()
    WorkflowStep.objects.filter(procedure=item, order=2).update(is_lead=True)
    with pytest.raises(ValidationError, match="order 2 need exactly one lead"):
        item.check_workflow()


def test_fractional_budgets_count_exactly() -> None:
    steps = [
        WorkflowStep(order=1, days=Decimal("0.5"), is_lead=False),
        WorkflowStep(order=2, days=Decimal("0.25"), is_lead=False),
        WorkflowStep(order=3, days=Decimal("0.25"), is_lead=False),
    ]
    validate_workflow(1, steps)
    steps.append(WorkflowStep(order=4, days=Decimal("0.01"), is_lead=False))
    with pytest.raises(ValidationError):
        validate_workflow(1, steps)


def test_a_consultation_step_names_the_agency_asked(world) -> None:  # type: ignore[no-untyped-def]
    item = factories.procedure(world)
    consult = WorkflowStep(
        procedure=item, order=2, name="Hỏi ý kiến", kind="consult", role=Role.SPECIALIST, days=3
    )
    assert "agency" in _errors(consult)


def test_a_step_unit_must_exist_in_its_agency(world) -> None:  # type: ignore[no-untyped-def]
    item = factories.procedure(world)
    step = WorkflowStep(
        procedure=item,
        order=2,
        name="Thẩm định",
        kind="process",
        role=Role.SPECIALIST,
        days=3,
        agency=world.construction,
        unit_code="NOPE",
    )
    assert "unit_code" in _errors(step)
    step.unit_code = "QLXD"
    step.full_clean()


def test_workflow_of_groups_steps_by_order_with_the_lead_first(world) -> None:  # type: ignore[no-untyped-def]
    item = factories.full_procedure(world)
    groups = workflow_of(item)
    assert [group.order for group in groups] == [1, 2, 3, 4, 5]
    parallel = groups[1]
    assert parallel.is_parallel and len(parallel) == 2
    assert parallel.lead.name == "Thẩm định"
    assert [step.name for step in parallel] == ["Thẩm định", "Lấy ý kiến Sở Tư pháp"]
    assert parallel.days == Decimal(10)
    assert not groups[0].is_parallel


def test_an_empty_step_agency_means_the_receiving_agency(world) -> None:  # type: ignore[no-untyped-def]
    item = factories.procedure(world, level=Level.COMMUNE, agency=None, code="1.001193")
    step = WorkflowStep.objects.create(
        procedure=item, order=1, name="Tiếp nhận", kind="receive", role="one_stop_clerk", days=0
    )
    assert step_agency(step, world.centre) == world.centre
    assert step_unit(step, world.centre) is None
    step.unit_code = "TNTKQ"
    assert step_unit(step, world.centre) == world.desk
    assert step_unit(step, world.construction) is None


def test_the_search_text_is_folded_and_follows_the_sector(world) -> None:  # type: ignore[no-untyped-def]
    item = factories.procedure(world)
    assert "giay phep xay dung" in item.search_text
    assert item.search_text.startswith("1.009972 ")
    sector = Sector.objects.get(code="XD")
    sector.name = "Quy hoạch – Kiến trúc"
    sector.save()
    item.refresh_from_db()
    assert "quy hoach" in item.search_text
    item.name = "Điều chỉnh giấy phép"
    item.save(update_fields=["name"])
    assert "dieu chinh giay phep" in Procedure.objects.get(pk=item.pk).search_text


def test_an_agency_implements_its_own_procedures_and_those_of_its_level(world) -> None:  # type: ignore[no-untyped-def]
    from egov.org.models import Agency, AgencyLevel

    own = factories.procedure(world)
    commune_wide = factories.procedure(world, code="1.001193", level=Level.COMMUNE, agency=None)
    ward = Agency.objects.create(
        organ_code="000.01.21.H58", name="UBND Phường 1", short_name="UBND", level="commune"
    )
    police = Agency.objects.create(
        organ_code="001.21.30.H58",
        name="Công an Phường 1",
        short_name="CAP",
        level=AgencyLevel.SECTOR,
    )
    assert list(procedures_of_agency(world.construction)) == [own]
    assert list(procedures_of_agency(ward)) == [commune_wide]
    assert list(procedures_of_agency(police)) == []


def test_workflow_messages_are_vietnamese_by_default(world) -> None:  # type: ignore[no-untyped-def]
    item = factories.full_procedure(world, processing_days=3)
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        item.check_workflow()
    assert "vượt quá 3 ngày làm việc" in caught.value.messages[0]
