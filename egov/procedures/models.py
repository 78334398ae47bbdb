"""The catalog of administrative procedures (thủ tục hành chính) and their workflow templates.

A procedure carries what a citizen reads at service level 1 (documents, fees, time, legal basis,
where to go), its online level and category (Decree 43/2011 levels and Decree 42/2022 categories,
both stored), the application form as data (``forms_engine``) and the workflow template the
dossiers app follows: ordered steps, where steps sharing an ``order`` run in parallel with one
lead body.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from egov.lib.text import fold
from egov.org.models import Agency, Level, Role
from egov.procedures.forms_engine import empty_definition, validate_definition


class Sector(models.Model):
    """A sector (lĩnh vực) of the national catalog, e.g. Hộ tịch, Xây dựng."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        # The sector's name is part of every procedure's search text.
        for procedure in self.procedures.all():
            procedure.refresh_search_text()
            Procedure.objects.filter(pk=procedure.pk).update(search_text=procedure.search_text)


class ServiceLevel(models.IntegerChoices):
    """Online public service levels, Decree 43/2011 Art. 3(4); each includes the one below."""

    INFORMATION = 1, _("Level 1: information")
    FORMS = 2, _("Level 2: downloadable forms")
    ONLINE_SUBMISSION = 3, _("Level 3: online submission")
    FULL_ONLINE = 4, _("Level 4: online payment and result")


class Category(models.TextChoices):
    """Decree 42/2022 categories, which replaced the levels from 15/08/2022."""

    FULL_ONLINE = "full_online", _("Full online (toàn trình)")
    PARTIAL_ONLINE = "partial_online", _("Partial online (một phần)")


class ApplicantType(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    BUSINESS = "business", _("Business or organisation")


def validate_applicant_types(value: Any) -> None:
    if (
        not isinstance(value, list)
        or not value
        or any(item not in ApplicantType.values for item in value)
        or len(set(value)) != len(value)
    ):
        raise ValidationError(
            _("Choose at least one applicant type: citizen and/or business."),
            code="applicant_types",
        )


def default_applicant_types() -> list[str]:
    return [ApplicantType.CITIZEN.value]


class Procedure(models.Model):
    code = models.CharField(
        _("national code"),
        max_length=30,
        unique=True,
        help_text=_("The code of the procedure in the national catalog (mã TTHC), e.g. 1.001193."),
    )
    name = models.CharField(_("name"), max_length=500)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="procedures"
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("implementing agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedures",
        help_text=_(
            "Required for provincial procedures. Leave empty for district or commune procedures "
            "that every district or commune People's Committee implements."
        ),
    )
    service_level = models.PositiveSmallIntegerField(
        _("online service level"), choices=ServiceLevel.choices, default=ServiceLevel.FORMS
    )
    category = models.CharField(
        _("online category"),
        max_length=20,
        choices=Category.choices,
        default=Category.PARTIAL_ONLINE,
    )
    processing_days = models.PositiveSmallIntegerField(
        _("processing time (working days)"),
        help_text=_(
            "Statutory time limit in working days; 0 means within the day of receipt (the "
            "next working day when received after 15:00)."
        ),
    )
    applicant_types = models.JSONField(
        _("applicant types"),
        default=default_applicant_types,
        validators=[validate_applicant_types],
        help_text=_('A list with "citizen" and/or "business".'),
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    result_type = models.CharField(_("result"), max_length=500, blank=True)
    result_online = models.BooleanField(
        _("result returned online"),
        default=False,
        help_text=_("The result can be returned as an electronic document."),
    )
    is_inter_agency = models.BooleanField(_("inter-agency (liên thông)"), default=False)
    application_form = models.JSONField(
        _("application form"),
        default=empty_definition,
        blank=True,
        validators=[validate_definition],
        help_text=_("The form definition as JSON (see the documentation of the procedures app)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)
    conditions = models.TextField(_("requirements and conditions"), blank=True)
    steps_text = models.TextField(_("steps for the applicant"), blank=True)
    where = models.TextField(
        _("where to submit"),
        blank=True,
        help_text=_("Where and how the dossier is submitted and the result collected."),
    )
    search_text = models.CharField(
        _("search text"),
        max_length=1000,
        editable=False,
        db_index=True,
        help_text=_("Code, name and sector without diacritics; kept up to date on save."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "is_active"], name="procedure_level_active")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service_level__gte=1, service_level__lte=4),
                name="procedure_service_level_1_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def refresh_search_text(self) -> None:
        sector_name = self.sector.name if self.sector_id else ""
        self.search_text = fold(f"{self.code} {self.name} {sector_name}")[:1000]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.level == Level.PROVINCE and self.agency_id is None:
            errors["agency"] = gettext("A provincial procedure needs its implementing agency.")
        if self.category == Category.FULL_ONLINE and (self.service_level or 0) < (
            ServiceLevel.ONLINE_SUBMISSION
        ):
            errors["category"] = gettext(
                "A full-online procedure is filed online, so its service level must be 3 or 4."
            )
        if self.result_online and (self.service_level or 0) < ServiceLevel.ONLINE_SUBMISSION:
            errors["result_online"] = gettext(
                "Only a procedure filed online (level 3 or 4) can return its result online."
            )
        if errors:
            raise ValidationError(errors)

    def check_workflow(self) -> None:
        """Validate the saved workflow template against the processing time."""
        validate_workflow(self.processing_days, list(self.steps.all()))

    def accepts(self, applicant_type: str) -> bool:
        return applicant_type in (self.applicant_types or [])


class FeeKind(models.TextChoices):
    FEE = "fee", _("Fee (phí)")
    CHARGE = "charge", _("Charge (lệ phí)")


class ProcedureFee(models.Model):
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="fees"
    )
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10, choices=FeeKind.choices)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("fee or charge")
        verbose_name_plural = _("fees and charges")
        ordering = ["procedure", "id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount:,} đ".replace(",", ".")


class OriginalOrCopy(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy (certified, or with the original to compare)")
    EITHER = "either", _("Original or copy")


class RequiredDocument(models.Model):
    """A document of the dossier (thành phần hồ sơ)."""

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("name"), max_length=1000)
    copies = models.PositiveSmallIntegerField(
        _("copies"), default=1, validators=[MinValueValidator(1)]
    )
    original_or_copy = models.CharField(
        _("original or copy"),
        max_length=10,
        choices=OriginalOrCopy.choices,
        default=OriginalOrCopy.ORIGINAL,
    )
    mandatory = models.BooleanField(_("mandatory"), default=True)
    template = models.FileField(
        _("template form"), upload_to="procedures/templates/", blank=True, max_length=255
    )
    note = models.CharField(_("note"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["procedure", "order", "id"]

    def __str__(self) -> str:
        return self.name


class StepKind(models.TextChoices):
    RECEIVE = "receive", _("Receive")
    PROCESS = "process", _("Process")
    CONSULT = "consult", _("Consult another agency")
    APPROVE = "approve", _("Approve")
    SIGN = "sign", _("Sign")
    RETURN = "return", _("Return the result")


class WorkflowStep(models.Model):
    """One step of a procedure's workflow template.

    Steps with the same ``order`` run in parallel (electronic inter-agency dossiers go to all
    bodies at once, naming the lead body); groups run in ascending ``order``.
    """

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(
        _("order"), help_text=_("Steps with the same order run in parallel.")
    )
    name = models.CharField(_("name"), max_length=500)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workflow_steps",
        help_text=_("Empty: the agency that received the dossier."),
    )
    unit_code = models.CharField(
        _("unit"),
        max_length=20,
        blank=True,
        help_text=_("Code of the unit inside the agency, e.g. QLXD; empty: the agency as a whole."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    days = models.DecimalField(
        _("time budget (working days)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(999))],
    )
    kind = models.CharField(_("kind"), max_length=10, choices=StepKind.choices)
    is_lead = models.BooleanField(
        _("lead body"), default=False, help_text=_("For parallel steps: the body that leads.")
    )
    note = models.CharField(_("note"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        ordering = ["procedure", "order", "-is_lead", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == StepKind.CONSULT and self.agency_id is None:
            errors["agency"] = gettext("A consultation step names the agency that is asked.")
        if self.unit_code and self.agency_id is not None:
            from egov.org.models import Unit

            if not Unit.objects.filter(agency_id=self.agency_id, code=self.unit_code).exists():
                errors["unit_code"] = gettext("The agency has no unit with the code %(code)s.") % {
                    "code": self.unit_code
                }
        if errors:
            raise ValidationError(errors)


def sequential_days(steps: Iterable[Any]) -> Decimal:
    """Length of the workflow: the longest step of each parallel group, summed over the groups."""
    longest: dict[int, Decimal] = {}
    for step in steps:
        days = Decimal(step.days if step.days is not None else 0)
        longest[step.order] = max(longest.get(step.order, Decimal(0)), days)
    return sum(longest.values(), Decimal(0))


def validate_workflow(processing_days: int, steps: list[Any]) -> None:
    """Check a workflow template against its procedure (steps may be unsaved objects).

    The sequential path (each parallel group counted once, by its longest step) must fit in the
    statutory time, and a parallel group names exactly one lead body.
    """
    messages: list[str] = []
    total = sequential_days(steps)
    if total > processing_days:
        messages.append(
            gettext(
                "The steps take %(total)s working days in sequence, more than the %(days)s "
                "working days the procedure allows."
            )
            % {"total": f"{total.normalize():f}", "days": processing_days}
        )
    groups: dict[int, list[Any]] = {}
    for step in steps:
        groups.setdefault(step.order, []).append(step)
    for order, group in sorted(groups.items()):
        leads = sum(1 for step in group if step.is_lead)
        if len(group) > 1 and leads != 1:
            messages.append(
                gettext("The parallel steps of order %(order)s need exactly one lead body.")
                % {"order": order}
            )
    if messages:
        raise ValidationError(messages, code="workflow")
