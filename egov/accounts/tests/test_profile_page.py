"""The profile page: identity, and an address picked from today's units without JavaScript."""

from __future__ import annotations

import pytest

from egov.accounts.models import CitizenProfile
from egov.org.actions import import_administrative_units
from egov.org.models import AdministrativeUnit, Level

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(world):  # type: ignore[no-untyped-def]
    import_administrative_units(acting_user=None, province_codes=[82])


def _province_and_commune() -> tuple[AdministrativeUnit, AdministrativeUnit]:
    from django.utils import timezone

    today = timezone.localdate()
    province = AdministrativeUnit.objects.valid_on(today).get(level=Level.PROVINCE, code="82")
    commune = (
        AdministrativeUnit.objects.valid_on(today)
        .filter(level=Level.COMMUNE, parent=province)
        .order_by("name")
        .first()
    )
    assert commune is not None
    return province, commune


def test_choosing_the_province_lists_its_communes_without_saving(client, world, units) -> None:  # type: ignore[no-untyped-def]
    province, commune = _province_and_commune()
    client.force_login(world.citizen)
    before = client.get("/accounts/profile/").content.decode()
    assert commune.name not in before
    response = client.post(
        "/accounts/profile/",
        {"full_name": "", "personal_id": "", "home_province": province.code, "pick_province": "1"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f'value="{commune.code}"' in page
    assert "field-error" not in page  # nothing was checked or saved
    assert CitizenProfile.objects.get(user=world.citizen).administrative_unit_id is None


def test_the_profile_saves_the_commune_and_street(client, world, units) -> None:  # type: ignore[no-untyped-def]
    province, commune = _province_and_commune()
    client.force_login(world.citizen)
    response = client.post(
        "/accounts/profile/",
        {
            "full_name": "Nguyễn Văn An",
            "personal_id": "082090001234",
            "date_of_birth": "1990-05-12",
            "sex": "male",
            "home_province": province.code,
            "home_commune": commune.code,
            "home_street": "12 Ấp Bắc",
        },
    )
    assert response.status_code == 302
    profile = CitizenProfile.objects.get(user=world.citizen)
    assert profile.administrative_unit == commune
    assert profile.address == "12 Ấp Bắc"
    page = client.get("/accounts/profile/").content.decode()
    assert f'<option value="{commune.code}" selected>' in page


def test_a_commune_of_another_province_and_a_bad_personal_id_are_refused_at_their_fields(
    client, world, units
) -> None:  # type: ignore[no-untyped-def]
    province, _commune = _province_and_commune()
    client.force_login(world.citizen)
    response = client.post(
        "/accounts/profile/",
        {
            "full_name": "Nguyễn Văn An",
            "personal_id": "12345",
            "home_province": province.code,
            "home_commune": "99999",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_home_commune_error"' in page
    assert 'id="id_personal_id_error"' in page or "personal_id" in page


def test_the_profile_page_links_to_the_notification_preferences(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    assert 'href="/notifications/settings/"' in client.get("/accounts/profile/").content.decode()


def test_staff_have_no_citizen_profile_page(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.clerk)
    assert client.get("/accounts/profile/").status_code == 404


def test_the_api_saves_the_profile_and_names_bad_fields(api, world, units) -> None:  # type: ignore[no-untyped-def]
    _province, commune = _province_and_commune()
    api.login(world.citizen)
    bad = api.client.put(
        "/api/v1/accounts/me/profile",
        {"full_name": "Nguyễn Văn An", "personal_id": "082090001234", "commune_code": "00000"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "commune_code"
    good = api.client.put(
        "/api/v1/accounts/me/profile",
        {
            "full_name": "Nguyễn Văn An",
            "personal_id": "082090001234",
            "commune_code": commune.code,
            "street": "12 Ấp Bắc",
        },
        content_type="application/json",
    )
    assert good.status_code == 200
    assert good.json()["commune"] == commune.name
