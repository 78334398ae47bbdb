from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Max

from egov.audit.models import AuditEvent
from egov.lib.problems import PermissionDenied
from egov.org.actions import grant_role, revoke_role, save_agency, save_unit
from egov.org.models import Agency, AgencyLevel, Role
from egov.org.selectors import active_memberships, has_role, is_staff_member

pytestmark = pytest.mark.django_db


def test_roles_are_scoped_to_the_agency_and_unit_of_the_membership(world) -> None:  # type: ignore[no-untyped-def]
    assert has_role(world.specialist, Role.SPECIALIST, agency=world.construction)
    assert has_role(
        world.specialist, Role.SPECIALIST, agency=world.construction, unit=world.construction_unit
    )
    assert not has_role(
        world.specialist, Role.SPECIALIST, agency=world.construction, unit=world.construction_office
    )
    assert not has_role(world.specialist, Role.SPECIALIST, agency=world.justice)
    assert not has_role(world.specialist, Role.LEADER, agency=world.construction)
    # an agency-wide role covers every unit of the agency
    assert has_role(
        world.leader, Role.LEADER, agency=world.construction, unit=world.construction_unit
    )
    assert not is_staff_member(world.citizen)


def test_a_person_can_hold_roles_in_several_agencies(world) -> None:  # type: ignore[no-untyped-def]
    grant_role(
        acting_user=None,
        user=world.specialist,
        agency=world.justice,
        role=Role.SPECIALIST,
        unit=world.justice_unit,
    )
    assert {m.agency for m in active_memberships(world.specialist)} == {
        world.construction,
        world.justice,
    }


def test_granting_and_revoking_are_audited_and_take_effect(world) -> None:  # type: ignore[no-untyped-def]
    events = AuditEvent.objects.aggregate(last=Max("seq"))["last"] or 0
    membership = grant_role(
        acting_user=world.admin,
        user=world.citizen2,
        agency=world.construction,
        role=Role.SPECIALIST,
    )
    assert has_role(world.citizen2, Role.SPECIALIST, agency=world.construction)
    revoke_role(acting_user=world.admin, membership=membership)
    assert not has_role(world.citizen2, Role.SPECIALIST, agency=world.construction)
    verbs = list(
        AuditEvent.objects.filter(seq__gt=events).order_by("seq").values_list("verb", flat=True)
    )
    assert verbs == ["org.grant_role", "org.revoke_role"]


def test_only_administrators_of_the_agency_grant_roles_there(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        grant_role(
            acting_user=world.leader,
            user=world.citizen2,
            agency=world.construction,
            role=Role.SPECIALIST,
        )
    grant_role(
        acting_user=None, user=world.leader, agency=world.construction, role=Role.AGENCY_ADMIN
    )
    grant_role(
        acting_user=world.leader,
        user=world.citizen2,
        agency=world.construction,
        role=Role.SPECIALIST,
    )
    with pytest.raises(PermissionDenied):
        grant_role(
            acting_user=world.leader,
            user=world.citizen2,
            agency=world.justice,
            role=Role.SPECIALIST,
        )
    with pytest.raises(PermissionDenied):
        grant_role(
            acting_user=world.leader,
            user=world.citizen2,
            agency=world.construction,
            role=Role.SYSTEM_ADMIN,
        )


def test_a_unit_must_belong_to_the_agency_of_the_membership(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        grant_role(
            acting_user=None,
            user=world.citizen2,
            agency=world.construction,
            role=Role.SPECIALIST,
            unit=world.justice_unit,
        )
    assert not has_role(world.citizen2, Role.SPECIALIST)


def test_an_agency_with_a_malformed_organ_code_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as raised:
        save_agency(
            acting_user=None,
            organ_code="H58",
            name="Sai mã",
            short_name="X",
            level=AgencyLevel.SECTOR,
        )
    assert "organ_code" in raised.value.message_dict
    assert not Agency.objects.filter(name="Sai mã").exists()


def test_agency_administrators_edit_their_agency_and_units(world) -> None:  # type: ignore[no-untyped-def]
    grant_role(
        acting_user=None, user=world.leader, agency=world.construction, role=Role.AGENCY_ADMIN
    )
    save_agency(
        acting_user=world.leader, organ_code=world.construction.organ_code, phone="0273 3888 888"
    )
    save_unit(
        acting_user=world.leader,
        agency=world.construction,
        code="QHKT",
        name="Phòng Quy hoạch – Kiến trúc",
    )
    with pytest.raises(PermissionDenied):
        save_agency(acting_user=world.leader, organ_code=world.justice.organ_code, phone="1")
    with pytest.raises(PermissionDenied):
        save_agency(
            acting_user=world.leader,
            organ_code="000.00.30.H58",
            name="Mới",
            short_name="M",
            level="sector",
        )


def test_the_public_agency_list_shows_official_contacts(api, world) -> None:  # type: ignore[no-untyped-def]
    body = api.get("/api/v1/org/agencies").json()
    construction = next(a for a in body if a["organ_code"] == "000.00.09.H58")
    assert construction["email"] == "sxd@tiengiang.gov.vn"
    assert construction["parent_organ_code"] == "000.00.00.H58"
    assert api.get("/api/v1/org/agencies/000.00.99.H58").status_code == 404
