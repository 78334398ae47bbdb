"""The demo catalog: real procedures across sectors and levels, processable by demo staff."""

from __future__ import annotations

import pytest

from egov.audit.models import AuditEvent
from egov.org.models import Level, Membership, Role, Unit
from egov.procedures import demo
from egov.procedures.forms_engine import definition_errors
from egov.procedures.models import Procedure, StepKind
from egov.procedures.selectors import workflow_of

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Load the demo once for the module (organisation, accounts, then the catalog)."""
    from egov.accounts import demo as accounts_demo
    from egov.org import demo as org_demo

    with django_db_blocker.unblock():
        org_demo.load()
        accounts_demo.load()
        logins = demo.load()
    yield logins
    with django_db_blocker.unblock():
        from django.core.management import call_command

        from egov.workdays.actions import seed_calendar_year

        # Leave the database as the session found it: empty but for the calendar years.
        call_command("flush", "--no-input", verbosity=0)
        for year in range(2024, 2029):
            seed_calendar_year(acting_user=None, year=year)


def test_a_second_load_writes_nothing(loaded) -> None:  # type: ignore[no-untyped-def]
    events = AuditEvent.objects.count()
    stamps = list(Procedure.objects.values_list("updated_at", flat=True))
    demo.load()
    assert AuditEvent.objects.count() == events
    assert list(Procedure.objects.values_list("updated_at", flat=True)) == stamps


def test_the_catalog_spans_sectors_levels_and_online_levels(loaded) -> None:  # type: ignore[no-untyped-def]
    procedures = list(Procedure.objects.select_related("sector"))
    assert len(procedures) >= 20
    assert {p.level for p in procedures} == set(Level.values)
    assert {p.service_level for p in procedures} == {1, 2, 3, 4}
    assert {p.category for p in procedures} == {"full_online", "partial_online"}
    assert len({p.sector.code for p in procedures}) >= 6
    for p in procedures:
        p.full_clean()
        p.check_workflow()
        assert definition_errors(p.application_form) == []
        assert p.application_form["fields"], f"{p.code} has an empty form"
        assert p.documents.exists(), p.code
    names = " ".join(p.name for p in procedures)
    for expected in (
        "Đăng ký khai sinh",
        "Đăng ký kết hôn",
        "Cấp bản sao Trích lục hộ tịch",
        "Chứng thực bản sao",
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        "công ty trách nhiệm hữu hạn",
        "Phiếu lý lịch tư pháp",
    ):
        assert expected in names


def test_the_birth_bundle_runs_police_and_insurance_in_parallel(loaded) -> None:  # type: ignore[no-untyped-def]
    bundle = Procedure.objects.get(name__contains="bảo hiểm y tế cho trẻ em dưới 6 tuổi")
    assert bundle.is_inter_agency
    parallel = [group for group in workflow_of(bundle) if group.is_parallel]
    assert len(parallel) == 1
    bodies = {step.agency.name for step in parallel[0]}
    assert bodies == {"Công an Phường 1, thành phố Mỹ Tho", "Bảo hiểm xã hội thành phố Mỹ Tho"}
    assert parallel[0].lead.agency.name == "Công an Phường 1, thành phố Mỹ Tho"


def test_some_procedure_asks_a_second_agency_for_its_opinion(loaded) -> None:  # type: ignore[no-untyped-def]
    consults = Procedure.objects.filter(steps__kind=StepKind.CONSULT).distinct()
    permit = consults.get(code="1.009972")
    step = permit.steps.get(kind=StepKind.CONSULT)
    assert step.agency.name == "Công an tỉnh Tiền Giang"
    assert step.agency != permit.agency


def test_provincial_construction_is_received_at_the_centre_and_handled_by_the_department(
    loaded,
) -> None:  # type: ignore[no-untyped-def]
    permit = Procedure.objects.get(code="1.009972")
    first, *_rest, last = permit.steps.order_by("order")
    assert (first.kind, first.agency.short_name, first.unit_code) == ("receive", "TTPVHCC", "TNTKQ")
    assert last.kind == "return"
    people = {
        step.role: _people(step, permit.agency)
        for step in permit.steps.filter(agency=permit.agency)
    }
    assert "chuyenvien" in people[Role.SPECIALIST]
    assert "truongphong" in people[Role.UNIT_HEAD]
    assert "lanhdao" in people[Role.LEADER]
    assert "motcua" in _people(first, permit.agency)


def _people(step, receiving) -> set[str]:  # type: ignore[no-untyped-def]
    agency = step.agency or receiving
    memberships = Membership.objects.filter(agency=agency, role=step.role, is_active=True)
    if step.unit_code:
        unit = Unit.objects.get(agency=agency, code=step.unit_code)
        memberships = memberships.filter(unit__in=[unit]) | Membership.objects.filter(
            agency=agency, role=step.role, is_active=True, unit__isnull=True
        )
    return set(memberships.values_list("user__username", flat=True))


def test_every_step_of_every_demo_procedure_has_someone_to_do_it(loaded) -> None:  # type: ignore[no-untyped-def]
    for procedure in Procedure.objects.prefetch_related("steps__agency"):
        receiving = procedure.agency or demo.receiving_agency_for_demo(procedure.level)
        for step in procedure.steps.all():
            assert _people(step, receiving), f"{procedure.code} step {step.order} {step.name}"


def test_commune_procedures_are_processed_by_the_ward_1_demo_staff(loaded) -> None:  # type: ignore[no-untyped-def]
    birth = Procedure.objects.get(code="1.001193")
    ward = demo.receiving_agency_for_demo(Level.COMMUNE)
    people = set().union(*(_people(step, ward) for step in birth.steps.all()))
    assert {"motcua.p1", "lanhdao.p1"} <= people


def test_the_new_demo_logins_are_announced(loaded) -> None:  # type: ignore[no-untyped-def]
    assert {"congan.p1", "bhxh.mytho", "congan.tinh"} <= {login.username for login in loaded}
