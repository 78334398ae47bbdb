from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from egov.api import public
from egov.lib.problems import NotFound
from egov.org.models import AgencyLevel, Level
from egov.org.selectors import administrative_units, agencies

PREFIX = "/org"
router = Router(tags=["organisation"])


class AgencyOut(Schema):
    organ_code: str
    name: str
    short_name: str
    level: AgencyLevel
    parent_organ_code: str | None
    address: str
    phone: str
    email: str
    website: str


def _agency_out(agency) -> AgencyOut:  # type: ignore[no-untyped-def]
    return AgencyOut(
        organ_code=agency.organ_code,
        name=agency.name,
        short_name=agency.short_name,
        level=AgencyLevel(agency.level),
        parent_organ_code=agency.parent.organ_code if agency.parent else None,
        address=agency.address,
        phone=agency.phone,
        email=agency.email,
        website=agency.website,
    )


@router.get("/agencies", response=list[AgencyOut], auth=None, summary="Agencies")
def list_agencies(request: HttpRequest) -> list[AgencyOut]:
    """Every active agency with its organ code and official contacts (IT Law Art. 28)."""
    return [_agency_out(a) for a in agencies()]


public("GET", "/org/agencies")


@router.get("/agencies/{organ_code}", response=AgencyOut, auth=None, summary="One agency")
def get_agency(request: HttpRequest, organ_code: str) -> AgencyOut:
    agency = agencies().filter(organ_code=organ_code).first()
    if agency is None:
        raise NotFound()
    return _agency_out(agency)


public("GET", "/org/agencies/{organ_code}")


class UnitsQuery(Schema):
    on: dt.date | None = Field(None, description="Units valid on this date (default: today).")
    level: Level | None = None
    parent: int | None = Field(None, description="Id of the parent unit.")


class AdministrativeUnitOut(Schema):
    id: int
    code: str
    name: str
    level: Level
    parent_id: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None


@router.get(
    "/administrative-units",
    response=list[AdministrativeUnitOut],
    auth=None,
    summary="Administrative units",
)
def list_administrative_units(
    request: HttpRequest, query: Query[UnitsQuery]
) -> list[AdministrativeUnitOut]:
    """Provinces, districts and communes valid on a date: feeds the address pickers."""
    from django.utils import timezone

    on = query.on or timezone.localdate()
    units = administrative_units(on=on, level=query.level, parent_id=query.parent)
    return [
        AdministrativeUnitOut(
            id=u.pk,
            code=u.code,
            name=u.name,
            level=Level(u.level),
            parent_id=u.parent_id,
            valid_from=u.valid_from,
            valid_to=u.valid_to,
        )
        for u in units
    ]


public("GET", "/org/administrative-units")
