"""A business account: registered by its owner, who adds and removes members."""

from __future__ import annotations

import pytest

from egov.accounts.actions import add_business_member, create_business, remove_business_member
from egov.accounts.models import BusinessMember
from egov.lib.problems import InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db

TAX_CODE = "1201234560"


@pytest.fixture
def business(world):  # type: ignore[no-untyped-def]
    return create_business(
        acting_user=world.citizen,
        owner=world.citizen,
        tax_code=TAX_CODE,
        name="Công ty TNHH Mỹ Tho Xanh",
    )


def test_the_owner_registers_the_business_on_its_page(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen2)
    response = client.post(
        "/accounts/business/",
        {"form": "business", "tax_code": TAX_CODE, "name": "Công ty TNHH Mỹ Tho Xanh"},
    )
    assert response.status_code == 302
    member = BusinessMember.objects.get(user=world.citizen2)
    assert member.role == "owner" and member.business.tax_code == TAX_CODE


def test_a_wrong_tax_code_is_shown_next_to_the_field(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen2)
    response = client.post(
        "/accounts/business/", {"form": "business", "tax_code": "1201234561", "name": "X"}
    )
    assert response.status_code == 422
    assert 'id="id_tax_code_error"' in response.content.decode()


def test_the_owner_adds_a_member_by_e_mail_who_is_told(client, world, business) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    response = client.post(
        "/accounts/business/", {"form": "member", "identifier": "binh@example.vn"}
    )
    assert response.status_code == 302
    assert BusinessMember.objects.filter(
        business=business, user=world.citizen2, role="member"
    ).exists()
    assert world.citizen2.notifications.filter(event="accounts.business_member_added").exists()
    page = client.get("/accounts/business/").content.decode()
    assert "Trần Thị Bình" in page


def test_staff_and_unknown_addresses_cannot_be_added(world, business) -> None:  # type: ignore[no-untyped-def]
    for identifier in ("cuc@example.vn", "nobody@example.vn"):
        with pytest.raises(InvalidInput) as caught:
            add_business_member(acting_user=world.citizen, business=business, identifier=identifier)
        assert "identifier" in caught.value.errors


def test_a_member_cannot_add_or_remove_members(world, business) -> None:  # type: ignore[no-untyped-def]
    add_business_member(acting_user=world.citizen, business=business, identifier="binh")
    with pytest.raises(PermissionDenied):
        add_business_member(acting_user=world.citizen2, business=business, identifier="an")
    owner = BusinessMember.objects.get(business=business, role="owner")
    with pytest.raises(PermissionDenied):
        remove_business_member(acting_user=world.citizen2, business=business, member_id=owner.pk)


def test_an_outsider_gets_not_found(world, business) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):
        add_business_member(acting_user=world.citizen2, business=business, identifier="an")


def test_the_owner_removes_a_member_but_not_themselves(world, business) -> None:  # type: ignore[no-untyped-def]
    member = add_business_member(acting_user=world.citizen, business=business, identifier="binh")
    owner = BusinessMember.objects.get(business=business, role="owner")
    with pytest.raises(InvalidInput):
        remove_business_member(acting_user=world.citizen, business=business, member_id=owner.pk)
    remove_business_member(acting_user=world.citizen, business=business, member_id=member.pk)
    assert not BusinessMember.objects.filter(pk=member.pk).exists()


def test_the_api_lists_adds_and_removes_members_and_hides_other_businesses(
    api, world, business
) -> None:  # type: ignore[no-untyped-def]
    api.login(world.citizen)
    added = api.post(
        f"/api/v1/accounts/businesses/{TAX_CODE}/members", {"identifier": "binh@example.vn"}
    )
    assert added.status_code == 201
    [member] = [m for m in added.json()["members"] if m["role"] == "member"]
    bad = api.post(f"/api/v1/accounts/businesses/{TAX_CODE}/members", {"identifier": "zzz"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "identifier"
    gone = api.client.delete(f"/api/v1/accounts/businesses/{TAX_CODE}/members/{member['id']}")
    assert gone.status_code == 200
    api.login(world.citizen2)
    assert api.get("/api/v1/accounts/businesses").json() == []
    outsider = api.post(f"/api/v1/accounts/businesses/{TAX_CODE}/members", {"identifier": "an"})
    assert outsider.status_code == 404


def test_the_owner_edits_the_business_but_not_its_tax_code(client, world, business) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    response = client.post(
        "/accounts/business/",
        {
            "form": "business",
            "tax_code": "0100109106",
            "name": "Công ty TNHH Mỹ Tho Xanh Sạch",
            "legal_representative": "Nguyễn Văn An",
            "office_street": "45 Nguyễn Trãi",
        },
    )
    assert response.status_code == 302
    business.refresh_from_db()
    assert business.name == "Công ty TNHH Mỹ Tho Xanh Sạch"
    assert business.address == "45 Nguyễn Trãi"
    assert business.tax_code == TAX_CODE
    empty = client.post("/accounts/business/", {"form": "business", "name": ""})
    assert empty.status_code == 422
    assert 'id="id_name_error"' in empty.content.decode()
