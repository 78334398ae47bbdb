from __future__ import annotations

import datetime as dt

import pytest

from egov.org.actions import import_administrative_units
from egov.org.models import AdministrativeUnit, Level, Structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def units() -> None:
    import_administrative_units(acting_user=None, province_codes=[82])


def test_both_structures_are_loaded_from_their_sources(units) -> None:  # type: ignore[no-untyped-def]
    old = AdministrativeUnit.objects.filter(structure=Structure.THREE_LEVEL)
    new = AdministrativeUnit.objects.filter(structure=Structure.TWO_LEVEL)
    assert old.filter(level=Level.PROVINCE).count() == 63
    assert new.filter(level=Level.PROVINCE).count() == 34
    assert old.get(level=Level.PROVINCE, code="82").name == "Tỉnh Tiền Giang"
    assert new.get(level=Level.PROVINCE, code="82").name == "Đồng Tháp"
    assert old.filter(level=Level.DISTRICT, parent__code="82").count() == 11
    assert new.filter(level=Level.COMMUNE, parent__code="82").count() == 102


def test_the_code_of_a_unit_is_reused_but_each_period_keeps_its_own(units) -> None:  # type: ignore[no-untyped-def]
    before = dt.date(2024, 6, 1)
    after = dt.date(2026, 1, 1)
    assert (
        AdministrativeUnit.objects.valid_on(before).get(level=Level.PROVINCE, code="82").name
        == "Tỉnh Tiền Giang"
    )
    assert (
        AdministrativeUnit.objects.valid_on(after).get(level=Level.PROVINCE, code="82").name
        == "Đồng Tháp"
    )
    ward = AdministrativeUnit.objects.get(structure=Structure.THREE_LEVEL, code="28261")
    assert ward.name == "Phường 1"
    assert ward.parent.name == "Thành phố Mỹ Tho"
    assert ward.division_type == "Phường"
    assert ward.is_valid_on(before) and not ward.is_valid_on(after)


def test_loading_twice_changes_nothing(units) -> None:  # type: ignore[no-untyped-def]
    count = AdministrativeUnit.objects.count()
    assert import_administrative_units(acting_user=None, province_codes=[82]) == (0, 0)
    assert AdministrativeUnit.objects.count() == count


def test_the_public_api_lists_units_valid_on_a_date(api, units) -> None:  # type: ignore[no-untyped-def]
    old = api.get("/api/v1/org/administrative-units", on="2024-01-01", level="province").json()
    new = api.get("/api/v1/org/administrative-units", on="2026-01-01", level="province").json()
    assert len(old) == 63 and len(new) == 34
    province = next(u for u in new if u["code"] == "82")
    communes = api.get(
        "/api/v1/org/administrative-units", on="2026-01-01", parent=province["id"]
    ).json()
    assert len(communes) == 102
    assert api.get("/api/v1/org/administrative-units", on="not-a-date").status_code == 422
