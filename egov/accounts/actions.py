"""Writes to accounts: people, their profiles, their passwords and API tokens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.auth import make_token
from egov.accounts.codes import (
    Address,
    code_hash,
    code_matches,
    count_request,
    new_code,
    new_token,
    parse_address,
)
from egov.accounts.models import (
    ApiToken,
    BusinessMember,
    BusinessProfile,
    BusinessRole,
    CitizenProfile,
    CodePurpose,
    OneTimeCode,
    User,
    UserKind,
)
from egov.audit.actions import record_event
from egov.lib.actions import action
from egov.lib.problems import InvalidInput, NotFound, PermissionDenied, invalid
from egov.notifications.services import Contact, notify
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
    full_name: str | None = None,
) -> CitizenProfile:
    """Save a citizen's identity and address (and their name, when ``full_name`` is given)."""
    if acting_user is not None and acting_user != user and not is_system_admin(acting_user):
        raise PermissionDenied()
    if full_name is not None:
        name = " ".join(full_name.split())
        if not name:
            raise InvalidInput(
                _("This field is required."), errors={"full_name": _("This field is required.")}
            )
        if len(name) > 150:
            raise InvalidInput(
                _("This value is too long."), errors={"full_name": _("This value is too long.")}
            )
        User.objects.filter(pk=user.pk).update(full_name=name)
        user.full_name = name
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
    administrative_unit_id: int | None = None,
) -> BusinessProfile:
    """Register a business profile with ``owner`` as its first member."""
    if acting_user is not None and acting_user != owner and not is_system_admin(acting_user):
        raise PermissionDenied()
    business = BusinessProfile(
        tax_code=tax_code,
        name=name,
        address=address,
        legal_representative=legal_representative,
        administrative_unit_id=administrative_unit_id,
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


# ------------------------------------------------------------------------------------------
# One-time codes: registration, contact changes, password reset


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of typing a code: the account it concerns, or why it was refused.

    A wrong code is not an exception: the wrong try must be counted (and audited) even though
    nothing else changes, so the action commits and the caller shows ``error`` at the field.
    """

    user: User | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def _language(request_language: str | None) -> str:
    return "en" if (request_language or "").startswith("en") else "vi"


def _send_code(
    event: str,
    address: Address,
    code: str,
    *,
    name: str,
    language: str,
    url: str = "",
) -> None:
    contact = (
        Contact(email=address.value, name=name, language=language)
        if address.is_email
        else Contact(phone=address.value, name=name, language=language)
    )
    ttl = settings.OTP_TTL_SECONDS
    notify(
        event,
        recipients=[contact],
        url=url,
        context={"code": code, "minutes": max(1, ttl // 60)},
        expires_in=dt.timedelta(seconds=ttl),
    )


def _issue_code(
    *,
    purpose: str,
    address: Address,
    client_ip: str,
    user: User | None = None,
    payload: dict[str, Any] | None = None,
) -> tuple[OneTimeCode, str]:
    """A fresh code for ``address``; older unused codes for the same purpose stop working."""
    if not address.is_email and not settings.SMS_PROVIDER_URL:
        raise invalid(
            "address",
            _("Codes cannot be sent by SMS at the moment; use an e-mail address."),
        )
    count_request(address, client_ip)
    now = timezone.now()
    OneTimeCode.objects.filter(
        address=address.value, purpose=purpose, consumed_at__isnull=True
    ).update(consumed_at=now)
    code = new_code()
    token = new_token()
    row = OneTimeCode.objects.create(
        token=token,
        purpose=purpose,
        channel=address.channel,
        address=address.value,
        user=user,
        payload=payload or {},
        code_hash=code_hash(token, code),
        expires_at=now + dt.timedelta(seconds=settings.OTP_TTL_SECONDS),
        client_ip=client_ip or None,
    )
    return row, code


def _account_with(address: Address) -> User | None:
    if address.is_email:
        return User.objects.filter(email__iexact=address.value).first()
    return User.objects.filter(phone=address.value).first()


def _check_code(token: str, purpose: str, code: str) -> tuple[OneTimeCode | None, str]:
    """Lock the pending code and judge the typed one; a wrong try is counted."""
    row = OneTimeCode.objects.select_for_update().filter(token=token, purpose=purpose).first()
    if row is None:
        return None, _("This code is not valid. Request a new one.")
    if row.consumed_at is not None:
        return row, _("This code has already been used or replaced. Request a new one.")
    if row.expires_at <= timezone.now():
        return row, _("This code has expired. Request a new one.")
    if row.attempts >= settings.OTP_MAX_ATTEMPTS:
        return row, _("Too many wrong tries. Request a new code.")
    if row.payload.get("existing") or not code_matches(token, code, row.code_hash):
        row.attempts += 1
        row.save(update_fields=["attempts"])
        if row.attempts >= settings.OTP_MAX_ATTEMPTS:
            return row, _("Too many wrong tries. Request a new code.")
        return row, _("The code is wrong. Check it and try again.")
    row.consumed_at = timezone.now()
    row.save(update_fields=["consumed_at"])
    return row, ""


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise InvalidInput(
            " ".join(exc.messages), errors={"password": " ".join(exc.messages)}
        ) from exc


@action
def start_registration(
    *,
    acting_user: User | None,
    full_name: str,
    kind: str,
    address: str,
    password: str,
    client_ip: str,
    language: str = "vi",
) -> OneTimeCode:
    """A citizen or business asks for an account: the code goes to the e-mail address or mobile
    number; the account is created only when the code comes back (``verify_registration``)."""
    errors: dict[str, str] = {}
    name = " ".join((full_name or "").split())
    if not name:
        errors["full_name"] = _("This field is required.")
    elif len(name) > 150:
        errors["full_name"] = _("This value is too long.")
    if kind not in (UserKind.CITIZEN, UserKind.BUSINESS):
        errors["kind"] = _("Choose one of the allowed values.")
    try:
        parsed = parse_address(address)
    except InvalidInput as exc:
        errors.update({k: str(v) for k, v in exc.errors.items()})
        parsed = None
    try:
        _check_password(
            password, User(full_name=name, email=parsed.value if parsed and parsed.is_email else "")
        )
    except InvalidInput as exc:
        errors.update({k: str(v) for k, v in exc.errors.items()})
    if errors or parsed is None:
        raise InvalidInput(next(iter(errors.values())), errors=errors)
    existing = _account_with(parsed)
    payload: dict[str, Any] = (
        {"existing": True}
        if existing is not None
        else {"full_name": name, "kind": kind, "password": make_password(password)}
    )
    row, code = _issue_code(
        purpose=CodePurpose.REGISTER, address=parsed, client_ip=client_ip, payload=payload
    )
    language = _language(language)
    if existing is not None:
        # Same answer as for a new address, so nobody learns which addresses have accounts; the
        # owner is told, and no code that could work is sent.
        _send_code(
            "accounts.already_registered",
            parsed,
            "",
            name=existing.get_full_name(),
            language=language,
            url=reverse("login"),
        )
    else:
        _send_code("accounts.registration_code", parsed, code, name=name, language=language)
    record_event(
        actor=acting_user,
        verb="accounts.start_registration",
        obj=row,
        after={"channel": parsed.channel, "address": parsed.masked, "kind": kind},
    )
    return row


def _username_for(address: Address) -> str:
    base = address.value[:140]
    username, number = base, 1
    while User.objects.filter(username__iexact=username).exists():
        number += 1
        username = f"{base}-{number}"
    return username


@action
def verify_registration(*, acting_user: User | None, token: str, code: str) -> CodeCheck:
    """Create the account when the code is right; the address counts as verified."""
    row, error = _check_code(token, CodePurpose.REGISTER, code)
    user = None
    if not error and row is not None:
        address = Address(row.channel, row.address)
        if _account_with(address) is not None:
            error = _("This address already belongs to an account. Log in instead.")
        else:
            now = timezone.now()
            user = User(
                username=_username_for(address),
                full_name=row.payload["full_name"],
                kind=row.payload["kind"],
                email=address.value if address.is_email else "",
                phone="" if address.is_email else address.value,
                email_verified_at=now if address.is_email else None,
                phone_verified_at=None if address.is_email else now,
            )
            user.password = row.payload["password"]
            user.save()
            row.user = user
            row.payload = {}  # the password hash has done its job
            row.save(update_fields=["user", "payload"])
    record_event(
        actor=acting_user or user,
        verb="accounts.verify_registration",
        obj=row,
        object_type="accounts.onetimecode",
        after={"ok": user is not None, "user": user.pk if user else None},
    )
    return CodeCheck(user=user, error=error)


@action
def request_contact_change(
    *, acting_user: User, address: str, client_ip: str, language: str = "vi"
) -> OneTimeCode:
    """Ask to use a new e-mail address or mobile number; it takes effect once confirmed."""
    parsed = parse_address(address)
    current = acting_user.email.lower() if parsed.is_email else acting_user.phone
    verified = acting_user.email_verified_at if parsed.is_email else acting_user.phone_verified_at
    if parsed.value == current and verified is not None:
        raise invalid("address", _("This is already your address."))
    holder = _account_with(parsed)
    if holder is not None and holder.pk != acting_user.pk:
        raise invalid("address", _("This address belongs to another account."))
    row, code = _issue_code(
        purpose=CodePurpose.CHANGE_CONTACT, address=parsed, client_ip=client_ip, user=acting_user
    )
    _send_code(
        "accounts.contact_code",
        parsed,
        code,
        name=acting_user.get_full_name(),
        language=_language(language),
    )
    record_event(
        actor=acting_user,
        verb="accounts.request_contact_change",
        obj=row,
        after={"channel": parsed.channel, "address": parsed.masked},
    )
    return row


@action
def confirm_contact_change(*, acting_user: User, token: str, code: str) -> CodeCheck:
    row, error = _check_code(token, CodePurpose.CHANGE_CONTACT, code)
    if row is not None and row.user_id != acting_user.pk:
        # Someone else's pending change: the same answer as for a token that doesn't exist.
        row, error = None, _("This code is not valid. Request a new one.")
    user = None
    before: dict[str, str] = {}
    if not error and row is not None:
        address = Address(row.channel, row.address)
        holder = _account_with(address)
        if holder is not None and holder.pk != acting_user.pk:
            error = _("This address belongs to another account.")
        else:
            user = User.objects.select_for_update().get(pk=acting_user.pk)
            now = timezone.now()
            if address.is_email:
                before = {"email": user.email}
                user.email, user.email_verified_at = address.value, now
                user.save(update_fields=["email", "email_verified_at"])
            else:
                before = {"phone": user.phone}
                user.phone, user.phone_verified_at = address.value, now
                user.save(update_fields=["phone", "phone_verified_at"])
    record_event(
        actor=acting_user,
        verb="accounts.confirm_contact_change",
        object_type="accounts.user",
        object_id=acting_user.pk,
        before=before or None,
        after={"ok": user is not None},
    )
    return CodeCheck(user=user, error=error)


@action
def request_password_reset(
    *, acting_user: User | None, address: str, client_ip: str, language: str = "vi"
) -> OneTimeCode:
    """Send a reset code to a verified address of an account. The answer is the same whether
    or not an account has this address."""
    parsed = parse_address(address)
    user = _account_with(parsed)
    verified = user is not None and (
        (parsed.is_email and user.email_verified_at is not None)
        or (not parsed.is_email and user.phone_verified_at is not None)
        or user.kind == UserKind.STAFF
    )
    usable = user is not None and user.is_active and verified
    row, code = _issue_code(
        purpose=CodePurpose.RESET_PASSWORD,
        address=parsed,
        client_ip=client_ip,
        user=user if usable else None,
        payload={} if usable else {"existing": True},
    )
    if usable and user is not None:
        _send_code(
            "accounts.password_reset_code",
            parsed,
            code,
            name=user.get_full_name(),
            language=_language(language),
        )
    record_event(
        actor=acting_user,
        verb="accounts.request_password_reset",
        obj=row,
        after={"channel": parsed.channel, "address": parsed.masked, "sent": usable},
    )
    return row


@action
def reset_password_with_code(
    *, acting_user: User | None, token: str, code: str, password: str
) -> CodeCheck:
    pending = OneTimeCode.objects.filter(token=token).select_related("user").first()
    _check_password(password, pending.user if pending is not None else None)
    row, error = _check_code(token, CodePurpose.RESET_PASSWORD, code)
    user = None
    if not error and row is not None and row.user is not None:
        user = User.objects.select_for_update().get(pk=row.user.pk)
        user.set_password(password)
        user.save(update_fields=["password"])
    elif not error:
        error = _("This code is not valid. Request a new one.")
    record_event(
        actor=acting_user or user,
        verb="accounts.reset_password_with_code",
        object_type="accounts.onetimecode",
        object_id=row.pk if row is not None else "",
        after={"ok": user is not None},
    )
    return CodeCheck(user=user, error=error)


# ------------------------------------------------------------------------------------------
# Businesses and their members


def _owned_business(acting_user: User, business: BusinessProfile | str) -> BusinessProfile:
    tax_code = business if isinstance(business, str) else business.tax_code
    found = BusinessProfile.objects.select_for_update().filter(tax_code=tax_code).first()
    if (
        found is None
        or not BusinessMember.objects.filter(business=found, user=acting_user).exists()
    ):
        raise NotFound()
    if not BusinessMember.objects.filter(
        business=found, user=acting_user, role=BusinessRole.OWNER
    ).exists():
        raise PermissionDenied(_("Only the owner of the business account can do this."))
    return found


@action
def update_business(
    *,
    acting_user: User,
    business: BusinessProfile | str,
    name: str,
    address: str = "",
    legal_representative: str = "",
    administrative_unit_id: int | None = None,
) -> BusinessProfile:
    """The owner edits the business's details (the tax code stays as registered)."""
    found = _owned_business(acting_user, business)
    before = {"name": found.name, "address": found.address}
    found.name = " ".join((name or "").split())
    found.address = (address or "").strip()
    found.legal_representative = " ".join((legal_representative or "").split())
    found.administrative_unit_id = administrative_unit_id
    try:
        found.full_clean()
    except ValidationError as exc:
        raise _as_invalid(exc) from exc
    found.save()
    record_event(
        actor=acting_user,
        verb="accounts.update_business",
        obj=found,
        before=before,
        after={"name": found.name, "address": found.address},
    )
    return found


@action
def add_business_member(
    *, acting_user: User, business: BusinessProfile | str, identifier: str
) -> BusinessMember:
    """The owner lets another account act for the business (apply online, see its dossiers)."""
    found = _owned_business(acting_user, business)
    text = (identifier or "").strip()
    if not text:
        raise invalid("identifier", _("Enter the e-mail address or mobile number of the account."))
    person: User | None
    try:
        person = _account_with(parse_address(text, field="identifier"))
    except InvalidInput:
        person = None
    if person is None:
        person = User.objects.filter(username__iexact=text).first()
    if person is None or not person.is_active or person.kind == UserKind.STAFF:
        raise invalid("identifier", _("No citizen or business account has this address."))
    if BusinessMember.objects.filter(business=found, user=person).exists():
        raise invalid("identifier", _("This person is already a member."))
    member = BusinessMember.objects.create(business=found, user=person, role=BusinessRole.MEMBER)
    notify(
        "accounts.business_member_added",
        recipients=[person],
        url=reverse("accounts:business"),
        related=found,
        context={"business": found.name, "owner": acting_user.get_full_name()},
    )
    record_event(
        actor=acting_user,
        verb="accounts.add_business_member",
        obj=found,
        after={"member": person.pk},
    )
    return member


@action
def remove_business_member(
    *, acting_user: User, business: BusinessProfile | str, member_id: int
) -> BusinessProfile:
    found = _owned_business(acting_user, business)
    member = BusinessMember.objects.filter(business=found, pk=member_id).first()
    if member is None:
        raise NotFound()
    if member.role == BusinessRole.OWNER:
        raise invalid("member", _("The owner cannot be removed."))
    member.delete()
    record_event(
        actor=acting_user,
        verb="accounts.remove_business_member",
        obj=found,
        before={"member": member.user_id},
    )
    return found


_RESEND_EVENTS = {
    CodePurpose.REGISTER: "accounts.registration_code",
    CodePurpose.CHANGE_CONTACT: "accounts.contact_code",
    CodePurpose.RESET_PASSWORD: "accounts.password_reset_code",
}


@action
def resend_code(
    *, acting_user: User | None, token: str, client_ip: str, language: str = "vi"
) -> OneTimeCode:
    """A new code for a pending verification (the old one stops working); same limits."""
    old = (
        OneTimeCode.objects.select_for_update(of=("self",))
        .filter(token=token)
        .select_related("user")
        .first()
    )
    if old is None or old.user_id is not None and old.purpose == CodePurpose.REGISTER:
        raise NotFound()
    if old.purpose == CodePurpose.CHANGE_CONTACT and (
        acting_user is None or old.user_id != acting_user.pk
    ):
        raise NotFound()
    address = Address(old.channel, old.address)
    row, code = _issue_code(
        purpose=old.purpose,
        address=address,
        client_ip=client_ip,
        user=old.user,
        payload=old.payload,
    )
    if not old.payload.get("existing"):
        name = old.user.get_full_name() if old.user else old.payload.get("full_name", "")
        _send_code(
            _RESEND_EVENTS[CodePurpose(old.purpose)],
            address,
            code,
            name=name,
            language=_language(language),
        )
    record_event(
        actor=acting_user,
        verb="accounts.resend_code",
        obj=row,
        after={"purpose": old.purpose, "address": address.masked},
    )
    return row
