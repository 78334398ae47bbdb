"""Dossiers (hồ sơ) of the one-stop desks and what happens to them.

A dossier keeps a snapshot of what it was registered with (applicant, procedure name and time
limit), so later edits of a profile or the catalog never rewrite it. Its history
(``DossierEvent``), steps (``DossierStep``), consultations, pauses and issued forms are the raw
material of forms 01–06, the statistics and the public status lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from egov.dossiers.workflow import Action, Status


class Channel(models.TextChoices):
    DESK = "desk", _("At the desk")
    POST = "post", _("By public post")
    ONLINE = "online", _("Online")


class ReturnMethod(models.TextChoices):
    DESK = "desk", _("At the desk")
    POST = "post", _("By public post")
    ONLINE = "online", _("Online")


class ApplicantKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    BUSINESS = "business", _("Business or organisation")


class Timeliness(models.TextChoices):
    """Circular 01/2018 counts results as early, on time or late (day granularity)."""

    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    REFUSED = "refused", _("Refused at receipt")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# What the statistics read of a dossier besides its registration time and procedure.
STATS_COLUMNS = [
    "receiving_unit",
    "receiving_agency",
    "channel",
    "status",
    "accepted_at",
    "received_at",
    "finished_at",
    "timeliness",
    "supplement_count",
]


class Dossier(models.Model):
    code = models.CharField(_("dossier code"), max_length=60, unique=True)
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    # Snapshot of the procedure at registration: the catalog may change, the dossier may not.
    procedure_code = models.CharField(_("procedure code"), max_length=30)
    procedure_name = models.CharField(_("procedure name"), max_length=500)
    processing_days = models.PositiveSmallIntegerField(_("statutory time (working days)"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.SUBMITTED
    )
    source_ref = models.CharField(
        _("external reference"),
        max_length=100,
        blank=True,
        help_text=_("Identifier of the dossier in the system it came from, if any."),
    )

    # Applicant (người nộp hồ sơ), as registered.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dossiers",
    )
    applicant_kind = models.CharField(
        _("applicant type"), max_length=10, choices=ApplicantKind.choices
    )
    applicant_name = models.CharField(_("applicant name"), max_length=255)
    applicant_name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    applicant_personal_id = models.CharField(_("personal ID"), max_length=12, blank=True)
    applicant_tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    applicant_address = models.CharField(_("address"), max_length=500, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)

    receiving_agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("receiving agency"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    receiving_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("receiving unit"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    registered_at = models.DateTimeField(_("registered"), db_index=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    form_data = models.JSONField(_("application form"), default=dict, blank=True)
    return_method = models.CharField(
        _("return method"), max_length=10, choices=ReturnMethod.choices
    )
    return_address = models.CharField(_("return address"), max_length=500, blank=True)
    is_electronic = models.BooleanField(
        _("electronic dossier"),
        default=True,
        help_text=_(
            "Electronic dossiers go to all bodies of a parallel step at once; paper dossiers "
            "go to them one after another."
        ),
    )

    # The statutory clock.
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(
        _("complete dossier received"),
        null=True,
        blank=True,
        help_text=_("Acceptance, or the completed supplement that restarted the count."),
    )
    clock_started_at = models.DateTimeField(_("count starts"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("days added by the reschedule"), default=0)
    due_at = models.DateTimeField(_("due (instant)"), null=True, blank=True)
    due_on = models.DateField(_("appointment date"), null=True, blank=True, db_index=True)
    original_due_on = models.DateField(_("first appointment date"), null=True, blank=True)
    rescheduled_at = models.DateTimeField(_("rescheduled"), null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField(_("supplements"), default=0)
    leader_warned_for = models.DateField(_("leader warned for the due date"), null=True, blank=True)

    # Decision and result.
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    deciding_agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("deciding agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    result_number = models.CharField(_("result number"), max_length=100, blank=True)
    result_summary = models.TextField(_("result"), blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    timeliness = models.CharField(
        _("timeliness"), max_length=10, choices=Timeliness.choices, blank=True
    )
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    returned_by_method = models.CharField(
        _("returned by"), max_length=10, choices=ReturnMethod.choices, blank=True
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-registered_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="dossier_status_due"),
            models.Index(fields=["receiving_unit", "status"], name="dossier_desk_status"),
            models.Index(fields=["applicant", "-registered_at"], name="dossier_applicant"),
            models.Index(fields=["applicant_personal_id"], name="dossier_personal_id"),
            # Statistics scan a period of registrations; on PostgreSQL the included columns
            # make it an index-only scan (egov/dossiers/stats.py).
            models.Index(
                fields=["registered_at", "procedure"],
                include=STATS_COLUMNS,
                name="dossier_stats_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.procedure_name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("dossiers:detail", args=[self.code])


class DossierAgency(models.Model):
    """An agency involved in a dossier (receiving, processing, consulted): its staff may see it."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="involved")
    agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "agency"], name="dossier_agency_unique")
        ]
        indexes = [models.Index(fields=["agency", "dossier"], name="dossier_agency_idx")]

    def __str__(self) -> str:
        return f"{self.dossier_id}@{self.agency_id}"


class DailySequence(models.Model):
    """The last dossier number given by a receiving unit (organ code) on a day."""

    organ_code = models.CharField(max_length=35)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organ_code", "day"], name="dossier_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organ_code} {self.day}: {self.last}"


def document_upload_to(instance: DossierDocument, filename: str) -> str:
    # Never the name the client sent: the checksum names the file, the dossier's id groups them.
    day = instance.dossier.registered_at
    return f"dossiers/{day:%Y/%m}/{instance.dossier_id}/{instance.sha256[:24]}.{instance.extension}"


class DossierDocument(models.Model):
    """A document handed in with the dossier (thành phần hồ sơ), with its scan when there is one."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="documents"
    )
    required_document = models.ForeignKey(
        "procedures.RequiredDocument",
        verbose_name=_("required document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=1000)
    sets = models.PositiveSmallIntegerField(_("number of sets"), default=1)
    file = models.FileField(_("scan"), upload_to=document_upload_to, max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=50, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    supplement_round = models.PositiveSmallIntegerField(
        _("supplement round"), default=0, help_text=_("0: handed in at registration.")
    )
    added_at = models.DateTimeField(_("added"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("submitted document")
        verbose_name_plural = _("submitted documents")
        ordering = ["dossier", "supplement_round", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def extension(self) -> str:
        return {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
            self.content_type, "bin"
        )


class StepStatus(models.TextChoices):
    PENDING = "pending", _("Not started")
    OPEN = "open", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class DossierStep(models.Model):
    """One step of the dossier's workflow, planned from the procedure's template at acceptance.

    Form 05 (control slip) lists these: body, received (handed over) and completed times, the
    deadline and whether the step finished early, on time or late.
    """

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="steps"
    )
    template_step = models.ForeignKey(
        "procedures.WorkflowStep",
        verbose_name=_("template step"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    position = models.PositiveSmallIntegerField(_("position in the group"), default=0)
    name = models.CharField(_("name"), max_length=500)
    kind = models.CharField(_("kind"), max_length=10)
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=20)
    is_lead = models.BooleanField(_("lead body"), default=False)
    budget_days = models.DecimalField(
        _("time budget (working days)"), max_digits=5, decimal_places=2
    )
    status = models.CharField(
        _("status"), max_length=10, choices=StepStatus.choices, default=StepStatus.PENDING
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dossier_steps",
    )
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    due_at = models.DateTimeField(_("due (instant)"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    timeliness = models.CharField(
        _("timeliness"), max_length=10, choices=Timeliness.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    near_warned_at = models.DateTimeField(null=True, blank=True)
    over_warned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")
        ordering = ["dossier", "order", "position", "id"]
        indexes = [
            models.Index(fields=["status", "unit"], name="dossier_step_unit"),
            models.Index(fields=["status", "assignee"], name="dossier_step_assignee"),
            models.Index(fields=["status", "agency"], name="dossier_step_agency"),
            models.Index(
                fields=["completed_at"],
                include=["agency", "timeliness"],
                name="dossier_step_completed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class ConsultationStatus(models.TextChoices):
    OPEN = "open", _("Awaiting reply")
    REPLIED = "replied", _("Replied")
    CANCELLED = "cancelled", _("Cancelled")


class Consultation(models.Model):
    """A body asks another for its opinion, with a deadline (Decree 61/2018 Art. 19)."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="consultations"
    )
    step = models.ForeignKey(
        DossierStep,
        verbose_name=_("step"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
    )
    from_agency = models.ForeignKey(
        "org.Agency", verbose_name=_("asking agency"), on_delete=models.PROTECT, related_name="+"
    )
    to_agency = models.ForeignKey(
        "org.Agency", verbose_name=_("consulted agency"), on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField(_("question"))
    days = models.PositiveSmallIntegerField(_("time to reply (working days)"))
    asked_at = models.DateTimeField(_("asked"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_on = models.DateField(_("reply due"))
    status = models.CharField(
        _("status"), max_length=10, choices=ConsultationStatus.choices, default="open"
    )
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    timeliness = models.CharField(
        _("timeliness"), max_length=10, choices=Timeliness.choices, blank=True
    )

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["dossier", "asked_at", "id"]
        indexes = [models.Index(fields=["to_agency", "status"], name="consultation_inbox")]

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.to_agency_id}"


class DossierPause(models.Model):
    """The clock stopped while the body waited for the applicant."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField(_("paused"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"))
    ended_at = models.DateTimeField(_("resumed"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["dossier", "started_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.started_at:%Y-%m-%d}"


class DossierEvent(models.Model):
    """One row of the dossier's history: a registration or a transition.

    Who, when, from which state to which, the step involved with its deadline and whether it
    finished early, on time or late, and the dossier's appointment date at that moment.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=30, blank=True)
    to_status = models.CharField(_("to"), max_length=30)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("by (name)"), max_length=255, blank=True)
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    step = models.ForeignKey(
        DossierStep,
        verbose_name=_("step"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    step_due_on = models.DateField(_("step due"), null=True, blank=True)
    due_on = models.DateField(_("appointment date"), null=True, blank=True)
    timeliness = models.CharField(
        _("timeliness"), max_length=10, choices=Timeliness.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["dossier", "at", "id"]
        indexes = [models.Index(fields=["dossier", "at"], name="dossier_event_time")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.from_status}→{self.to_status}"

    @property
    def action_label(self) -> str:
        if self.action in Action.values:
            return str(Action(self.action).label)
        return str(_("Register"))


class DossierForm(models.Model):
    """An official form issued for a dossier (Circular 01/2018 forms 01–05).

    The data snapshot holds everything the form shows, so it can be rendered (and signed) later
    exactly as it was issued.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="forms")
    number = models.CharField(_("form"), max_length=2)
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    event = models.ForeignKey(
        DossierEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="forms"
    )
    data = models.JSONField(_("content"), default=dict)
    file = models.FileField(_("PDF"), upload_to="dossiers/forms/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("issued form")
        verbose_name_plural = _("issued forms")
        ordering = ["dossier", "issued_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} form {self.number}"


# ------------------------------------------------------------------------------------------
# Ratings (đánh giá mức độ hài lòng)


@dataclass(frozen=True)
class RatingCriterion:
    """One thing the applicant rates, scored like the Circular 01/2018 indices: 2, 1 or 0."""

    field: str
    label: Promise
    # The meaning of each score for this criterion, best first (2, 1, 0).
    choices: tuple[tuple[int, Promise], ...]
    # May be left unanswered: the answer that says why (e.g. "I made no complaint").
    not_applicable: Promise | None = None
    # Asked only about dossiers submitted online (and then required).
    online_only: bool = False


# DOMAIN.md §4: "Citizens rate: time taken, bodies contacted, contacts with the desk, accuracy
# of published info, staff attitude, lawfulness of result and costs, complaint handling,
# online-service quality", each on the 2/1/0 scale of the indices.
RATING_CRITERIA: tuple[RatingCriterion, ...] = (
    RatingCriterion(
        "time_taken",
        _("Time taken to settle the dossier"),
        (
            (2, _("Earlier than the appointment date")),
            (1, _("On the appointment date")),
            (0, _("Later than the appointment date")),
        ),
    ),
    RatingCriterion(
        "bodies_contacted",
        _("Bodies you had to contact"),
        (
            (2, _("Only the one-stop desk")),
            (1, _("One other body as well")),
            (0, _("More than one other body")),
        ),
    ),
    RatingCriterion(
        "desk_contacts",
        _("Times you had to contact the desk to complete the dossier"),
        ((2, _("Not once")), (1, _("Once")), (0, _("More than once"))),
    ),
    RatingCriterion(
        "published_info",
        _("Accuracy of the published information on the procedure"),
        (
            (2, _("Accurate and complete")),
            (1, _("Partly accurate or incomplete")),
            (0, _("Not accurate")),
        ),
    ),
    RatingCriterion(
        "staff_attitude",
        _("Attitude of the staff"),
        (
            (2, _("Courteous and helpful")),
            (1, _("Acceptable")),
            (0, _("Not acceptable (discourteous, troublesome or harassing)")),
        ),
    ),
    RatingCriterion(
        "lawfulness",
        _("Lawfulness of the result and of the costs"),
        (
            (2, _("Lawful result; only the published fees and charges were paid")),
            (1, _("Some doubts about the result or the costs")),
            (0, _("Unlawful result, or costs beyond the published fees and charges")),
        ),
    ),
    RatingCriterion(
        "complaint_handling",
        _("Handling of your feedback or complaint"),
        (
            (2, _("Answered on time")),
            (1, _("Answered late")),
            (0, _("Not answered")),
        ),
        not_applicable=_("I made no feedback or complaint"),
    ),
    RatingCriterion(
        "online_service",
        _("Quality of the online public service"),
        (
            (2, _("Easy to use and worked well")),
            (1, _("Usable, with difficulties")),
            (0, _("Did not work properly")),
        ),
        online_only=True,
    ),
)
RATING_SCORES = (0, 1, 2)


def _score(label: Any, *, null: bool = False) -> models.PositiveSmallIntegerField[Any, Any]:
    return models.PositiveSmallIntegerField(
        label,
        null=null,
        blank=null,
        validators=[MaxValueValidator(2)],
    )


class DossierRating(models.Model):
    """The applicant's rating of the service, once the result is returned; one per dossier."""

    dossier = models.OneToOneField(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="rating"
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rated_at = models.DateTimeField(_("rated"), db_index=True)
    time_taken = _score(_("time taken"))
    bodies_contacted = _score(_("bodies contacted"))
    desk_contacts = _score(_("contacts with the desk"))
    published_info = _score(_("accuracy of the published information"))
    staff_attitude = _score(_("staff attitude"))
    lawfulness = _score(_("lawfulness of the result and costs"))
    complaint_handling = _score(_("complaint handling"), null=True)
    online_service = _score(_("online-service quality"), null=True)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.average}"

    @property
    def scores(self) -> dict[str, int]:
        """The criteria answered, by field name."""
        values = {c.field: getattr(self, c.field) for c in RATING_CRITERIA}
        return {k: v for k, v in values.items() if v is not None}

    @property
    def average(self) -> float:
        """Mean score over the criteria answered (0–2, one decimal, like the indices)."""
        scores = list(self.scores.values())
        return round(sum(scores) / len(scores), 1) if scores else 0.0

    def answers(self) -> list[tuple[RatingCriterion, int | None, Promise | None]]:
        """(criterion, score, what the score means) for showing the rating."""
        rows = []
        for criterion in RATING_CRITERIA:
            score = getattr(self, criterion.field)
            meaning = dict(criterion.choices).get(score) if score is not None else None
            if score is None and criterion.online_only:
                continue
            rows.append((criterion, score, meaning or criterion.not_applicable))
        return rows
