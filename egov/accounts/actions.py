"""Writes to accounts: people, their profiles, their passwords and API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from egov.accounts.auth import make_token
from egov.accounts.models import (
    ApiToken,
    BusinessMember,
    BusinessProfile,
    BusinessRole,
    CitizenProfile,
    User,
    UserKind,
)
from egov.audit.actions import record_event
from egov.lib.actions import action
from egov.lib.problems import InvalidInput, NotFound, PermissionDenied
from egov.org.selectors import is_system_admin


def _as_invalid(exc: ValidationError) -> InvalidInput:
    errors = (
        {field: " ".join(str(m) for m in messages) for field, messages in exc.message_dict.items()}
        if hasattr(exc, "error_dict")
        else {"__all__": " ".join(exc.messages)}
    )
    return InvalidInput(next(iter(errors.values())), errors=errors)


@action
def create_user(
    *,
    acting_user: User | None,
    username: str,
    password: str | None,
    full_name: str,
    kind: str = UserKind.CITIZEN,
    email: str = "",
    phone: str = "",
    **extra: Any,
) -> User:
    """Create an account; only the system or a system administrator may create staff accounts."""
    if kind == UserKind.STAFF and not (acting_user is None or is_system_admin(acting_user)):
        raise PermissionDenied()
    user = User(
        username=username, full_name=full_name, kind=kind, email=email, phone=phone, **extra
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        user.full_clean()
    except ValidationError as exc:
        raise _as_invalid(exc) from exc
    user.save()
    record_event(
        actor=acting_user,
        verb="accounts.create_user",
        obj=user,
        after={"username": username, "kind": kind},
    )
    return user


@action
def save_citizen_profile(
    *,
    acting_user: User | None,
    user: User,
    personal_id: str,
    date_of_birth: dt.date | None = None,
    sex: str = "",
    address: str = "",
    administrative_unit_id: int | None = None,
) -> CitizenProfile:
    if acting_user is not None and acting_user != user and not is_system_admin(acting_user):
        raise PermissionDenied()
    profile = CitizenProfile.objects.select_for_update().filter(user=user).first()
    before = {"personal_id": profile.personal_id} if profile else None
    profile = profile or CitizenProfile(user=user)
    profile.personal_id = personal_id
    profile.date_of_birth = date_of_birth
    profile.sex = sex
    profile.address = address
    profile.administrative_unit_id = administrative_unit_id
    try:
        profile.full_clean()
    except ValidationError as exc:
        raise _as_invalid(exc) from exc
    profile.save()
    record_event(
        actor=acting_user,
        verb="accounts.save_citizen_profile",
        obj=profile,
        before=before,
        after={"personal_id": personal_id},
    )
    return profile


@action
def set_password(*, acting_user: User | None, user: User, password: str) -> User:
    """Set a new password (after the caller has checked the old one or a reset token)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(password)
    user.save(update_fields=["password"])
    record_event(actor=acting_user or user, verb="accounts.set_password", obj=user)
    return user


@action
def issue_api_token(
    *, acting_user: User | None, user: User, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Issue a token; the plaintext is returned once and never stored."""
    if acting_user is not None and not is_system_admin(acting_user):
        raise PermissionDenied()
    plaintext, prefix, secret_hash = make_token()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, secret_hash=secret_hash, expires_at=expires_at
    )
    record_event(
        actor=acting_user,
        verb="accounts.issue_api_token",
        obj=token,
        after={"user": user.pk, "name": name, "prefix": prefix},
    )
    return token, plaintext


@action
def revoke_api_token(*, acting_user: User | None, token_id: int) -> ApiToken:
    if acting_user is not None and not is_system_admin(acting_user):
        raise PermissionDenied()
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    record_event(actor=acting_user, verb="accounts.revoke_api_token", obj=token)
    return token


@action
def create_business(
    *,
    acting_user: User | None,
    owner: User,
    tax_code: str,
    name: str,
    address: str = "",
    legal_representative: str = "",
) -> BusinessProfile:
    """Register a business profile with ``owner`` as its first member."""
    if acting_user is not None and acting_user != owner and not is_system_admin(acting_user):
        raise PermissionDenied()
    business = BusinessProfile(
        tax_code=tax_code, name=name, address=address, legal_representative=legal_representative
    )
    try:
        business.full_clean()
    except ValidationError as exc:
        raise _as_invalid(exc) from exc
    business.save()
    BusinessMember.objects.create(business=business, user=owner, role=BusinessRole.OWNER)
    record_event(
        actor=acting_user,
        verb="accounts.create_business",
        obj=business,
        after={"tax_code": business.tax_code, "owner": owner.pk},
    )
    return business
