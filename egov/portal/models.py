"""The citizen portal: life events that lead to procedures, how a procedure works online,
applications being written (drafts) and submitted, and the result files returned online."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class LifeEvent(models.Model):
    """A moment of life (having a baby, building a house, starting a business) and the
    procedures it usually needs; data, edited in admin, seeded from ``data/life_events.json``."""

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    procedures = models.ManyToManyField(
        "procedures.Procedure",
        verbose_name=_("procedures"),
        blank=True,
        related_name="life_events",
    )

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:life_event", args=[self.slug])


class FeeTiming(models.TextChoices):
    BEFORE_SUBMISSION = "before_submission", _("When submitting")
    AFTER_ACCEPTANCE = "after_acceptance", _("After the desk accepts the dossier")


class OnlineService(models.Model):
    """How a procedure works online beyond what the catalog says (optional; defaults apply)."""

    procedure = models.OneToOneField(
        "procedures.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="online_service",
    )
    fee_timing = models.CharField(
        _("fees are paid online"),
        max_length=20,
        choices=FeeTiming.choices,
        default=FeeTiming.BEFORE_SUBMISSION,
    )
    declaration_document = models.ForeignKey(
        "procedures.RequiredDocument",
        verbose_name=_("document the online form replaces"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The declaration (tờ khai, đơn) the applicant fills in online; empty: the first "
            "required document whose name starts like a declaration."
        ),
    )

    class Meta:
        verbose_name = _("online service setting")
        verbose_name_plural = _("online service settings")

    def __str__(self) -> str:
        return str(self.procedure)


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Application(models.Model):
    """An online application: a draft the applicant saves and resumes, then the submission
    that became a dossier. Its fees are paid against it (payable kind ``application``), before
    or after submission as the procedure requires."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    business = models.ForeignKey(
        "accounts.BusinessProfile",
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ApplicationStatus.choices, default="draft"
    )
    form_data = models.JSONField(_("answers"), default=dict, blank=True)
    return_method = models.CharField(_("result returned"), max_length=10, blank=True)
    return_address = models.CharField(_("address for the result"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="online_application",
    )
    fee_amount = models.PositiveBigIntegerField(_("fees (VND)"), default=0)
    fee_paid_at = models.DateTimeField(_("fees paid"), null=True, blank=True)
    fee_refunded_at = models.DateTimeField(_("fees refunded"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("online application")
        verbose_name_plural = _("online applications")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["applicant", "status"], name="application_mine")]

    def __str__(self) -> str:
        return f"{self.procedure_id} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        if self.dossier_id is not None:
            return reverse("portal:dossier", args=[self.dossier.code])  # type: ignore[union-attr]
        return reverse("portal:application", args=[self.public_id])

    @property
    def ref(self) -> str:
        """The reference payments use for it."""
        return self.public_id.hex


class ApplicationEvent(models.Model):
    """History of an application: started, submitted."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.from_status}→{self.to_status}"


class ApplicationAttachment(models.Model):
    """A document of the personal store attached to an application, in one of its slots: a
    file field of the form (``field:<name>``) or a required document (``doc:<id>``)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    slot = models.CharField(_("slot"), max_length=80)
    document = models.ForeignKey(
        "docstore.StoredDocument",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "slot", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "slot", "document"], name="attachment_once_per_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.slot}"


def result_upload_to(instance: DossierResult, filename: str) -> str:
    dossier = instance.dossier
    return f"results/{dossier.registered_at:%Y/%m}/{dossier.code}/{instance.sha256[:24]}.pdf"


class DossierResult(models.Model):
    """The electronic result of a dossier (a signed PDF once the signatures app issues it),
    attached by the body that decided; the applicant downloads it once it is returned online."""

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.CASCADE,
        related_name="result_file",
    )
    file = models.FileField(_("file"), upload_to=result_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    generated = models.BooleanField(
        _("generated notice"),
        default=False,
        help_text=_("No file was attached: the system wrote a notice of the recorded result."),
    )
    attached_at = models.DateTimeField(_("attached"), auto_now_add=True)
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivered_at = models.DateTimeField(_("returned online"), null=True, blank=True)

    class Meta:
        verbose_name = _("result file")
        verbose_name_plural = _("result files")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.original_name}"
