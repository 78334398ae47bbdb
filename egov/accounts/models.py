from __future__ import annotations

import hashlib
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.lib.identifiers import validate_personal_id, validate_tax_code


class UserKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    BUSINESS = "business", _("Business")
    STAFF = "staff", _("Civil servant")


class User(AbstractUser):
    """Anyone who logs in: citizens, business representatives and civil servants.

    Vietnamese names don't split into first and last name the Western way, so we keep one
    ``full_name``; Django's first/last name stay empty.
    """

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    kind = models.CharField(
        _("kind of account"), max_length=10, choices=UserKind.choices, default=UserKind.CITIZEN
    )
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    email_verified_at = models.DateTimeField(_("e-mail verified"), null=True, blank=True)
    phone_verified_at = models.DateTimeField(_("phone verified"), null=True, blank=True)

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_email_unique"
            ),
            models.UniqueConstraint(
                fields=["phone"], condition=~Q(phone=""), name="user_phone_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else self.username


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class CitizenProfile(models.Model):
    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="citizen_profile"
    )
    personal_id = models.CharField(_("personal ID (CCCD)"), max_length=12, unique=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    administrative_unit = models.ForeignKey(
        "org.AdministrativeUnit",
        verbose_name=_("commune or ward"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("citizen profile")
        verbose_name_plural = _("citizen profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.personal_id})"

    def clean(self) -> None:
        try:
            validate_personal_id(
                self.personal_id, date_of_birth=self.date_of_birth, sex=self.sex or None
            )
        except ValidationError as exc:
            raise ValidationError({"personal_id": exc.messages}) from exc


class BusinessProfile(models.Model):
    tax_code = models.CharField(_("tax code (MST)"), max_length=14, unique=True)
    name = models.CharField(_("business name"), max_length=255)
    address = models.CharField(_("address"), max_length=255, blank=True)
    administrative_unit = models.ForeignKey(
        "org.AdministrativeUnit",
        verbose_name=_("commune or ward"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    legal_representative = models.CharField(_("legal representative"), max_length=150, blank=True)
    members = models.ManyToManyField(
        User, through="BusinessMember", related_name="businesses", verbose_name=_("members")
    )

    class Meta:
        verbose_name = _("business profile")
        verbose_name_plural = _("business profiles")

    def __str__(self) -> str:
        return f"{self.name} ({self.tax_code})"

    def clean(self) -> None:
        try:
            self.tax_code = validate_tax_code(self.tax_code)
        except ValidationError as exc:
            raise ValidationError({"tax_code": exc.messages}) from exc


class BusinessRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MEMBER = "member", _("Member")


class BusinessMember(models.Model):
    business = models.ForeignKey(BusinessProfile, on_delete=models.CASCADE)
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    role = models.CharField(_("role"), max_length=10, choices=BusinessRole.choices)

    class Meta:
        verbose_name = _("business member")
        verbose_name_plural = _("business members")
        constraints = [
            models.UniqueConstraint(fields=["business", "user"], name="business_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.business}"


def hash_token_secret(secret: str) -> str:
    # Tokens are long random strings, so a fast hash is enough (no dictionary to attack).
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A bearer token for an integration: ``egov_<prefix>_<secret>``; only a hash is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("acts as"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} (egov_{self.prefix}_…)"


class CodePurpose(models.TextChoices):
    REGISTER = "register", _("Registration")
    CHANGE_CONTACT = "change_contact", _("Change of contact details")
    RESET_PASSWORD = "reset_password", _("Password reset")


class CodeChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class OneTimeCode(models.Model):
    """A one-time code sent to an e-mail address or a mobile number to prove it is yours.

    Only an HMAC of the code is stored; a code expires, is used once, and locks after a few
    wrong tries. ``token`` names the pending verification in URLs and sessions (never the code).
    A registration keeps what the person entered in ``payload`` (the password only as a hash),
    so no account exists until the address is proven.
    """

    token = models.CharField(max_length=43, unique=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=CodePurpose.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=CodeChannel.choices)
    address = models.CharField(_("address"), max_length=254)
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="one_time_codes",
    )
    payload = models.JSONField(default=dict, blank=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    consumed_at = models.DateTimeField(_("used"), null=True, blank=True)
    client_ip = models.GenericIPAddressField(_("requested from"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [models.Index(fields=["address", "purpose"], name="otc_address_purpose")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} → {self.address}"
