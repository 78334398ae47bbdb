from __future__ import annotations

import datetime as dt

import pytest

from egov.accounts.actions import create_business, create_user, save_citizen_profile
from egov.accounts.models import BusinessProfile, CitizenProfile, User, UserKind
from egov.lib.problems import InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db


def test_a_citizen_profile_with_a_consistent_personal_id_is_saved(world) -> None:  # type: ignore[no-untyped-def]
    user = create_user(acting_user=None, username="chi", password=None, full_name="Lý Thị Chi")
    profile = save_citizen_profile(
        acting_user=user,
        user=user,
        personal_id="082301000123",
        date_of_birth=dt.date(2001, 2, 3),
        sex="female",
    )
    assert profile.personal_id == "082301000123"


@pytest.mark.parametrize(
    ("personal_id", "born"),
    [
        ("08230100012", dt.date(2001, 2, 3)),
        ("082301000123", dt.date(1999, 2, 3)),
        ("999301000123", None),
    ],
)
def test_an_inconsistent_personal_id_is_refused_naming_the_field(world, personal_id, born) -> None:  # type: ignore[no-untyped-def]
    user = create_user(acting_user=None, username="chi", password=None, full_name="Lý Thị Chi")
    with pytest.raises(InvalidInput) as raised:
        save_citizen_profile(
            acting_user=user, user=user, personal_id=personal_id, date_of_birth=born
        )
    assert "personal_id" in raised.value.errors
    assert not CitizenProfile.objects.filter(user=user).exists()


def test_nobody_edits_another_persons_profile(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        save_citizen_profile(
            acting_user=world.citizen2, user=world.citizen, personal_id="082090001234"
        )


def test_a_business_needs_a_valid_tax_code(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as raised:
        create_business(
            acting_user=world.citizen, owner=world.citizen, tax_code="1201234561", name="Sai MST"
        )
    assert "tax_code" in raised.value.errors
    business = create_business(
        acting_user=world.citizen, owner=world.citizen, tax_code="1201234560", name="Công ty A"
    )
    assert list(business.members.all()) == [world.citizen]
    assert BusinessProfile.objects.count() == 1


def test_staff_accounts_are_created_only_by_system_administrators(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        create_user(
            acting_user=world.leader,
            username="x",
            password=None,
            full_name="X",
            kind=UserKind.STAFF,
        )
    create_user(
        acting_user=world.admin, username="x", password=None, full_name="X", kind=UserKind.STAFF
    )
    assert User.objects.get(username="x").kind == UserKind.STAFF


def test_an_email_address_belongs_to_one_account(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as raised:
        create_user(
            acting_user=None, username="an2", password=None, full_name="An", email="AN@example.vn"
        )
    assert raised.value.errors
