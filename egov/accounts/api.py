from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from egov.accounts import actions
from egov.accounts.models import BusinessMember, BusinessProfile, CitizenProfile
from egov.accounts.selectors import request_user
from egov.api import public
from egov.lib.net import client_ip
from egov.lib.problems import InvalidInput, NotFound, invalid
from egov.org.models import AdministrativeUnit
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


# ------------------------------------------------------------------------------------------
# Registration and one-time codes


class RegistrationIn(Schema):
    full_name: str = Field(max_length=150)
    kind: str = Field("citizen", description="`citizen` or `business`.")
    address: str = Field(max_length=254, description="E-mail address or Vietnamese mobile number.")
    password: str = Field(max_length=128)


class PendingOut(Schema):
    token: str = Field(description="Send it back with the code.")
    channel: str
    expires_at: dt.datetime


class CodeIn(Schema):
    token: str = Field(max_length=64)
    code: str = Field(max_length=12)


class TokenIn(Schema):
    token: str = Field(max_length=64)


class AccountOut(Schema):
    username: str
    full_name: str
    kind: str
    email: str
    phone: str


class AddressIn(Schema):
    address: str = Field(max_length=254)


class ResetIn(CodeIn):
    password: str = Field(max_length=128)


def _pending(row) -> PendingOut:  # type: ignore[no-untyped-def]
    return PendingOut(token=row.token, channel=row.channel, expires_at=row.expires_at)


def _account(user) -> AccountOut:  # type: ignore[no-untyped-def]
    return AccountOut(
        username=user.get_username(),
        full_name=user.full_name,
        kind=user.kind,
        email=user.email,
        phone=user.phone,
    )


def _refused(check: actions.CodeCheck) -> InvalidInput:
    return InvalidInput(check.error, errors={"code": check.error})


@router.post("/register", response={202: PendingOut}, auth=None, summary="Start a registration")
def register(request: HttpRequest, payload: RegistrationIn) -> Status[PendingOut]:
    """Sends a one-time code to the address; no account exists until it comes back. The answer
    is the same whether or not the address already has an account."""
    row = actions.start_registration(
        acting_user=None,
        full_name=payload.full_name,
        kind=payload.kind,
        address=payload.address,
        password=payload.password,
        client_ip=client_ip(request),
        language=get_language(),
    )
    return Status(202, _pending(row))


public("POST", "/accounts/register")


@router.post(
    "/register/verify", response={201: AccountOut}, auth=None, summary="Finish a registration"
)
def register_verify(request: HttpRequest, payload: CodeIn) -> Status[AccountOut]:
    check = actions.verify_registration(acting_user=None, token=payload.token, code=payload.code)
    if not check.ok or check.user is None:
        raise _refused(check)
    return Status(201, _account(check.user))


public("POST", "/accounts/register/verify")


@router.post("/codes/resend", response={202: PendingOut}, auth=None, summary="Send a new code")
def resend(request: HttpRequest, payload: TokenIn) -> Status[PendingOut]:
    user = request.user if request.user.is_authenticated else None
    row = actions.resend_code(
        acting_user=user,
        token=payload.token,
        client_ip=client_ip(request),
        language=get_language(),
    )
    return Status(202, _pending(row))


public("POST", "/accounts/codes/resend")


@router.post(
    "/password/code", response={202: PendingOut}, auth=None, summary="Ask for a password code"
)
def password_code(request: HttpRequest, payload: AddressIn) -> Status[PendingOut]:
    row = actions.request_password_reset(
        acting_user=None,
        address=payload.address,
        client_ip=client_ip(request),
        language=get_language(),
    )
    return Status(202, _pending(row))


public("POST", "/accounts/password/code")


@router.post("/password/reset", response={204: None}, auth=None, summary="Set a new password")
def password_reset(request: HttpRequest, payload: ResetIn) -> Status[None]:
    check = actions.reset_password_with_code(
        acting_user=None, token=payload.token, code=payload.code, password=payload.password
    )
    if not check.ok:
        raise _refused(check)
    return Status(204, None)


public("POST", "/accounts/password/reset")


@router.post("/me/contact", response={202: PendingOut}, summary="Change e-mail or mobile number")
def contact(request: HttpRequest, payload: AddressIn) -> Status[PendingOut]:
    """The new address takes effect only when its code is confirmed."""
    row = actions.request_contact_change(
        acting_user=request_user(request),
        address=payload.address,
        client_ip=client_ip(request),
        language=get_language(),
    )
    return Status(202, _pending(row))


@router.post("/me/contact/verify", response=AccountOut, summary="Confirm a new address")
def contact_verify(request: HttpRequest, payload: CodeIn) -> AccountOut:
    user = request_user(request)
    check = actions.confirm_contact_change(acting_user=user, token=payload.token, code=payload.code)
    if not check.ok or check.user is None:
        raise _refused(check)
    return _account(check.user)


# ------------------------------------------------------------------------------------------
# Profile


class ProfileOut(Schema):
    full_name: str
    personal_id: str | None
    date_of_birth: dt.date | None
    sex: str
    street: str
    commune_code: str | None
    commune: str | None


class ProfileIn(Schema):
    full_name: str = Field(max_length=150)
    personal_id: str = Field(max_length=12)
    date_of_birth: dt.date | None = None
    sex: str = Field("", description="`male`, `female` or empty.")
    street: str = Field("", max_length=255)
    commune_code: str | None = Field(None, description="GSO code of a commune valid today.")


def _profile_out(user, profile) -> ProfileOut:  # type: ignore[no-untyped-def]
    unit = profile.administrative_unit if profile else None
    return ProfileOut(
        full_name=user.full_name,
        personal_id=profile.personal_id if profile else None,
        date_of_birth=profile.date_of_birth if profile else None,
        sex=profile.sex if profile else "",
        street=profile.address if profile else "",
        commune_code=unit.code if unit else None,
        commune=unit.name if unit else None,
    )


@router.get("/me/profile", response=ProfileOut, summary="My profile")
def get_profile(request: HttpRequest) -> ProfileOut:
    user = request_user(request)
    profile = CitizenProfile.objects.select_related("administrative_unit").filter(user=user).first()
    return _profile_out(user, profile)


@router.put("/me/profile", response=ProfileOut, summary="Save my profile")
def put_profile(request: HttpRequest, payload: ProfileIn) -> ProfileOut:
    from django.utils import timezone

    from egov.org.models import Level

    user = request_user(request)
    unit_id = None
    if payload.commune_code:
        unit = (
            AdministrativeUnit.objects.valid_on(timezone.localdate())
            .filter(level=Level.COMMUNE, code=payload.commune_code)
            .first()
        )
        if unit is None:
            raise invalid("commune_code", _("Choose a commune or ward valid today."))
        unit_id = unit.pk
    profile = actions.save_citizen_profile(
        acting_user=user,
        user=user,
        full_name=payload.full_name,
        personal_id=payload.personal_id.strip(),
        date_of_birth=payload.date_of_birth,
        sex=payload.sex,
        address=payload.street,
        administrative_unit_id=unit_id,
    )
    return _profile_out(user, profile)


# ------------------------------------------------------------------------------------------
# Businesses


class MemberOut(Schema):
    id: int
    full_name: str
    role: str


class BusinessOut(Schema):
    tax_code: str
    name: str
    role: str
    members: list[MemberOut]


class MemberIn(Schema):
    identifier: str = Field(max_length=254, description="E-mail address or mobile number.")


def _business_out(business: BusinessProfile, role: str) -> BusinessOut:
    return BusinessOut(
        tax_code=business.tax_code,
        name=business.name,
        role=role,
        members=[
            MemberOut(id=m.pk, full_name=m.user.get_full_name(), role=m.role)
            for m in BusinessMember.objects.filter(business=business)
            .select_related("user")
            .order_by("role", "id")
        ],
    )


def _membership(user, tax_code: str) -> BusinessMember:  # type: ignore[no-untyped-def]
    membership = (
        BusinessMember.objects.filter(user=user, business__tax_code=tax_code)
        .select_related("business")
        .first()
    )
    if membership is None:
        raise NotFound()
    return membership


@router.get("/businesses", response=list[BusinessOut], summary="Businesses I act for")
def businesses(request: HttpRequest) -> list[BusinessOut]:
    user = request_user(request)
    return [
        _business_out(m.business, m.role)
        for m in BusinessMember.objects.filter(user=user).select_related("business")
    ]


@router.post("/businesses/{tax_code}/members", response={201: BusinessOut}, summary="Add a member")
def add_member(request: HttpRequest, tax_code: str, payload: MemberIn) -> Status[BusinessOut]:
    user = request_user(request)
    membership = _membership(user, tax_code)
    actions.add_business_member(
        acting_user=user, business=membership.business, identifier=payload.identifier
    )
    return Status(201, _business_out(membership.business, membership.role))


@router.delete(
    "/businesses/{tax_code}/members/{member_id}", response=BusinessOut, summary="Remove a member"
)
def remove_member(request: HttpRequest, tax_code: str, member_id: int) -> BusinessOut:
    user = request_user(request)
    membership = _membership(user, tax_code)
    actions.remove_business_member(
        acting_user=user, business=membership.business, member_id=member_id
    )
    return _business_out(membership.business, membership.role)
