from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from egov.org.selectors import active_memberships

PREFIX = "/accounts"
router = Router(tags=["accounts"])


class MembershipOut(Schema):
    agency: str
    organ_code: str
    unit: str | None
    role: str


class MeOut(Schema):
    username: str
    full_name: str
    kind: str
    email: str
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut, summary="The authenticated user")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    return MeOut(
        username=user.get_username(),
        full_name=getattr(user, "full_name", ""),
        kind=getattr(user, "kind", ""),
        email=getattr(user, "email", ""),
        memberships=[
            MembershipOut(
                agency=m.agency.name,
                organ_code=m.agency.organ_code,
                unit=m.unit.name if m.unit else None,
                role=m.role,
            )
            for m in active_memberships(user)
        ],
    )
