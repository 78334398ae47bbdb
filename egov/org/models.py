from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egov.lib.identifiers import validate_organ_code


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class Structure(models.TextChoices):
    THREE_LEVEL = "three_level", _("Three levels (until 30/06/2025)")
    TWO_LEVEL = "two_level", _("Two levels (from 01/07/2025)")


class AdministrativeUnitQuerySet(models.QuerySet["AdministrativeUnit"]):
    def valid_on(self, day: dt.date) -> AdministrativeUnitQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class AdministrativeUnit(models.Model):
    """A province, district or commune with its GSO code, valid for a period.

    Codes are reused across reorganisations (province 82 was Tiền Giang and is now the merged Đồng
    Tháp), so a unit is identified by its code *and* its validity; records keep pointing at the
    unit of their time.
    """

    code = models.CharField(_("GSO code"), max_length=5)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    division_type = models.CharField(_("type"), max_length=50, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    structure = models.CharField(_("structure"), max_length=12, choices=Structure.choices)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["structure", "level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "level", "code"], name="admin_unit_code_per_structure"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class AgencyLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    SECTOR = "sector", _("Sector (provincial department or branch)")


class Agency(models.Model):
    """A state agency (cơ quan) with its organ code (mã định danh, Decision 20/2020)."""

    organ_code = models.CharField(
        _("organ code"), max_length=35, unique=True, validators=[validate_organ_code]
    )
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(
        _("abbreviation"), max_length=30, help_text=_("Used in document notations, e.g. UBND, STP.")
    )
    level = models.CharField(_("level"), max_length=10, choices=AgencyLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("official e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["organ_code"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A unit inside an agency (phòng, ban, bộ phận), e.g. its one-stop desk."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="units"
    )
    name = models.CharField(_("name"), max_length=255)
    code = models.CharField(
        _("abbreviation"), max_length=20, help_text=_("Used in notations, e.g. VX in UBND-VX.")
    )
    organ_code = models.CharField(
        _("organ code"),
        max_length=35,
        blank=True,
        validators=[validate_organ_code],
        help_text=_("Only for units that have their own organ code."),
    )
    is_one_stop_desk = models.BooleanField(_("one-stop desk"), default=False)
    email = models.EmailField(_("official e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["agency", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="unit_code_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.name} – {self.agency.short_name}"

    @property
    def effective_organ_code(self) -> str:
        return self.organ_code or self.agency.organ_code


class Position(models.Model):
    """A post (chức vụ) such as Giám đốc or Chuyên viên."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    is_leadership = models.BooleanField(_("leadership post"), default=False)
    rank = models.PositiveSmallIntegerField(_("rank"), default=100)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ONE_STOP_CLERK = "one_stop_clerk", _("One-stop clerk")
    SPECIALIST = "specialist", _("Specialist")
    UNIT_HEAD = "unit_head", _("Unit head")
    LEADER = "leader", _("Agency leader")
    DOCUMENT_CLERK = "document_clerk", _("Document clerk")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


class Membership(models.Model):
    """A person holding a role in an agency, or in one unit of it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    position = models.ForeignKey(
        Position, verbose_name=_("position"), null=True, blank=True, on_delete=models.SET_NULL
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "unit", "role"],
                condition=Q(unit__isnull=False),
                name="membership_unique_in_unit",
            ),
            models.UniqueConstraint(
                fields=["user", "agency", "role"],
                condition=Q(unit__isnull=True),
                name="membership_unique_in_agency",
            ),
        ]

    def __str__(self) -> str:
        where = self.unit or self.agency
        return f"{self.user} – {self.get_role_display()} – {where}"

    def clean(self) -> None:
        if self.unit is not None and self.agency_id and self.unit.agency_id != self.agency_id:
            raise ValidationError({"unit": _("The unit must belong to the agency.")})
