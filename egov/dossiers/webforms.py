"""Django forms of the desk and the workspace (``forms.py`` is the official-forms registry).

Each action form knows the dossier and the user, so its choices (steps, people, consultations)
are exactly those the user may pick; its cleaned data is what ``operations.perform`` takes.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import User
from egov.dossiers import permissions
from egov.dossiers.actions import ApplicantInput, DocumentInput, missing_documents
from egov.dossiers.models import ApplicantKind, Channel, Dossier, ReturnMethod
from egov.dossiers.workflow import Action
from egov.lib.identifiers import validate_personal_id
from egov.org.models import Agency, Membership
from egov.procedures.models import Procedure

EXTRA_DOCUMENTS = 3


class _ActionForm(forms.Form):
    def __init__(self, *args: Any, dossier: Dossier, user: Any, **kwargs: Any) -> None:
        self.dossier = dossier
        self.user = user
        super().__init__(*args, **kwargs)
        self.setup()

    def setup(self) -> None:
        pass

    def params(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def _step_field(steps: list[Any]) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Step"),
        choices=[
            (s.pk, f"{s.order}. {s.name} – {s.unit.name if s.unit else s.agency.name}")
            for s in steps
        ],
        coerce=int,
        initial=steps[0].pk if len(steps) == 1 else None,
    )


def _text(label: Any, *, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=5000, widget=forms.Textarea(attrs={"rows": rows})
    )


class AcceptForm(_ActionForm):
    note = _text(_("Note"), required=False, rows=2)


class RequestSupplementForm(_ActionForm):
    missing_documents = forms.TypedMultipleChoiceField(
        label=_("Missing documents"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    other_items = _text(_("Other items (one per line)"), required=False)
    reason = _text(_("Why, and how to complete the dossier"), required=False)

    def setup(self) -> None:
        documents = list(self.dossier.procedure.documents.all())
        field = self.fields["missing_documents"]
        field.choices = [(d.pk, d.name) for d in documents]  # type: ignore[attr-defined]
        field.initial = [d.pk for d in missing_documents(self.dossier)]

    def params(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["other_items"] = [line for line in data["other_items"].splitlines() if line.strip()]
        return data


class SubmitSupplementForm(_ActionForm):
    note = _text(_("Note"), required=False, rows=2)

    def setup(self) -> None:
        for index in range(EXTRA_DOCUMENTS):
            self.fields[f"name_{index}"] = forms.CharField(
                label=_("Document %(number)s") % {"number": index + 1},
                required=index == 0,
                max_length=1000,
            )
            self.fields[f"file_{index}"] = forms.FileField(
                label=_("Scan of document %(number)s (PDF, JPEG or PNG)") % {"number": index + 1},
                required=False,
            )

    def params(self) -> dict[str, Any]:
        documents = []
        for index in range(EXTRA_DOCUMENTS):
            name = self.cleaned_data.get(f"name_{index}")
            upload = self.cleaned_data.get(f"file_{index}")
            if name:
                documents.append(
                    DocumentInput(
                        name=name,
                        content=upload,
                        filename=upload.name if upload else "",
                    )
                )
        return {"documents": documents, "note": self.cleaned_data["note"]}


class ReasonForm(_ActionForm):
    reason = _text(_("Reason"))


class OptionalReasonForm(_ActionForm):
    reason = _text(_("Reason"), required=False, rows=2)


class AssignForm(_ActionForm):
    def setup(self) -> None:
        steps = permissions.assignable_steps(self.user, self.dossier)
        self.fields["step"] = _step_field(steps)
        # People who may hold the step: members of its agency, in its unit or agency-wide.
        eligible = Q()
        for step in steps:
            where = Q(agency_id=step.agency_id)
            if step.unit_id is not None:
                where &= Q(unit_id=step.unit_id) | Q(unit__isnull=True)
            eligible |= where
        members = Membership.objects.filter(eligible, is_active=True).values("user_id")
        people = User.objects.filter(pk__in=members, is_active=True).order_by("full_name")
        supervises = any(permissions.supervises_step(self.user, s) for s in steps)
        if not supervises:
            people = people.filter(pk=self.user.pk)
        self.fields["assignee"] = forms.ChoiceField(
            label=_("Assign to"), choices=[(u.username, u.get_full_name()) for u in people]
        )


class StepForm(_ActionForm):
    note = _text(_("Note"), required=False, rows=2)

    def setup(self) -> None:
        self.fields["step"] = _step_field(permissions.completable_steps(self.user, self.dossier))
        self.order_fields(["step", "note"])


class ApproveForm(StepForm):
    def setup(self) -> None:
        self.fields["step"] = _step_field(permissions.approvable_steps(self.user, self.dossier))
        self.order_fields(["step", "note"])


class ConsultForm(_ActionForm):
    question = _text(_("Question"))
    days = forms.IntegerField(
        label=_("Time to reply (working days)"), min_value=1, max_value=60, initial=5
    )

    def setup(self) -> None:
        steps = permissions.steps_handled_by(self.user, self.dossier)
        self.fields["step"] = _step_field(steps)
        own = {s.agency_id for s in steps}
        self.fields["agency"] = forms.ChoiceField(
            label=_("Agency asked"),
            choices=[
                (a.organ_code, a.name)
                for a in Agency.objects.filter(is_active=True).exclude(pk__in=own).order_by("name")
            ],
        )
        self.order_fields(["step", "agency", "question", "days"])


class ReplyForm(_ActionForm):
    reply = _text(_("Reply"))

    def setup(self) -> None:
        consultations = permissions.consultations_for(self.user, self.dossier)
        self.fields["consultation"] = forms.TypedChoiceField(
            label=_("Consultation"),
            coerce=int,
            choices=[(c.pk, f"{c.from_agency.name}: {c.question[:80]}") for c in consultations],
        )
        self.order_fields(["consultation", "reply"])


class RescheduleForm(_ActionForm):
    reason = _text(_("Reason for the delay"))
    new_due_on = forms.DateField(
        label=_("New appointment date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class NoteForm(_ActionForm):
    note = _text(_("Note"), required=False, rows=2)


class RecordResultForm(_ActionForm):
    number = forms.CharField(
        label=_("Number of the result document"), required=False, max_length=100
    )
    summary = _text(_("Result"))


class ReturnForm(_ActionForm):
    method = forms.ChoiceField(label=_("Returned"), choices=ReturnMethod.choices)
    note = _text(_("Note"), required=False, rows=2)

    def setup(self) -> None:
        self.fields["method"].initial = self.dossier.return_method


ACTION_FORMS: dict[str, type[_ActionForm]] = {
    Action.ACCEPT: AcceptForm,
    Action.REQUEST_SUPPLEMENT: RequestSupplementForm,
    Action.SUBMIT_SUPPLEMENT: SubmitSupplementForm,
    Action.REFUSE: ReasonForm,
    Action.ASSIGN: AssignForm,
    Action.COMPLETE_STEP: StepForm,
    Action.CONSULT: ConsultForm,
    Action.REPLY_CONSULTATION: ReplyForm,
    Action.APPROVE: ApproveForm,
    Action.REJECT_ON_MERITS: ReasonForm,
    Action.APOLOGISE_AND_RESCHEDULE: RescheduleForm,
    Action.PAUSE: ReasonForm,
    Action.RESUME: NoteForm,
    Action.RECORD_RESULT: RecordResultForm,
    Action.RETURN_RESULT: ReturnForm,
    Action.WITHDRAW: OptionalReasonForm,
}


# ------------------------------------------------------------------------------------------
# Registration at the desk (and online)


class RegisterForm(forms.Form):
    """A walk-in applicant at the desk; for an online submission the applicant fields are
    taken from the account and hidden."""

    kind = forms.ChoiceField(
        label=_("Applicant type"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.CITIZEN,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Full name or business name"), max_length=255, required=False)
    personal_id = forms.CharField(
        label=_("Personal ID (12 digits)"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    tax_code = forms.CharField(label=_("Tax code"), max_length=14, required=False)
    address = forms.CharField(label=_("Address"), max_length=500, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    channel = forms.ChoiceField(
        label=_("Received"),
        choices=[(Channel.DESK, Channel.DESK.label), (Channel.POST, Channel.POST.label)],
        initial=Channel.DESK,
    )
    return_method = forms.ChoiceField(
        label=_("How the result is returned"),
        choices=ReturnMethod.choices,
        initial=ReturnMethod.DESK,
    )
    return_address = forms.CharField(
        label=_("Address for the result (by post)"), max_length=500, required=False
    )

    def __init__(self, *args: Any, procedure: Procedure, online: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.online = online
        self.required_documents = list(procedure.documents.all())
        for document in self.required_documents:
            self.fields[f"doc_{document.pk}"] = forms.BooleanField(
                label=document.name, required=False
            )
            self.fields[f"sets_{document.pk}"] = forms.IntegerField(
                label=_("Sets"), min_value=1, max_value=50, initial=document.copies
            )
            self.fields[f"file_{document.pk}"] = forms.FileField(
                label=_("Scan (PDF, JPEG or PNG)"), required=False
            )
        for index in range(2):
            self.fields[f"other_name_{index}"] = forms.CharField(
                label=_("Other document"), max_length=1000, required=False
            )
            self.fields[f"other_file_{index}"] = forms.FileField(
                label=_("Scan (PDF, JPEG or PNG)"), required=False
            )
        if online:
            for name in ("kind", "name", "personal_id", "tax_code", "channel"):
                del self.fields[name]
            self.fields["return_method"].choices = [  # type: ignore[attr-defined]
                (m.value, m.label)
                for m in ReturnMethod
                if m != ReturnMethod.ONLINE or procedure.result_online
            ]

    def document_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "document": document,
                "tick": self[f"doc_{document.pk}"],
                "sets": self[f"sets_{document.pk}"],
                "file": self[f"file_{document.pk}"],
            }
            for document in self.required_documents
        ]

    def other_rows(self) -> list[dict[str, Any]]:
        return [
            {"name": self[f"other_name_{i}"], "file": self[f"other_file_{i}"]} for i in range(2)
        ]

    def clean_personal_id(self) -> str:
        value = (self.cleaned_data.get("personal_id") or "").strip()
        if value:
            try:
                validate_personal_id(value)
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages) from exc
        return value

    def applicant(self) -> ApplicantInput:
        data = self.cleaned_data
        return ApplicantInput(
            kind=data.get("kind", ApplicantKind.CITIZEN),
            name=data.get("name", ""),
            personal_id=data.get("personal_id", ""),
            tax_code=data.get("tax_code", ""),
            address=data.get("address", ""),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
        )

    def documents(self) -> list[DocumentInput]:
        data = self.cleaned_data
        documents = []
        for document in self.required_documents:
            upload = data.get(f"file_{document.pk}")
            if data.get(f"doc_{document.pk}") or upload:
                documents.append(
                    DocumentInput(
                        required_document_id=document.pk,
                        sets=data.get(f"sets_{document.pk}") or 1,
                        content=upload,
                        filename=upload.name if upload else "",
                    )
                )
        for index in range(2):
            name = data.get(f"other_name_{index}")
            upload = data.get(f"other_file_{index}")
            if name:
                documents.append(
                    DocumentInput(name=name, content=upload, filename=upload.name if upload else "")
                )
        return documents


# Where the registration action's field names land in this form.
REGISTER_FIELD_MAP = {
    "applicant.kind": "kind",
    "applicant.name": "name",
    "applicant.personal_id": "personal_id",
    "applicant.tax_code": "tax_code",
    "applicant.address": "address",
    "applicant.phone": "phone",
    "applicant.email": "email",
    "return_method": "return_method",
    "return_address": "return_address",
    "channel": "channel",
}


class RegisterBookForm(forms.Form):
    """Form 06: which unit's register, for which period (``from``/``to`` like the API)."""

    unit = forms.TypedChoiceField(label=_("Receiving unit"), coerce=int)
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [  # type: ignore[attr-defined]
            (unit.pk, f"{unit.name} – {unit.agency.name}") for unit in units
        ]

    def clean(self) -> dict[str, Any]:
        from egov.dossiers.register_book import check_period
        from egov.lib.problems import InvalidInput

        cleaned = super().clean() or {}
        if cleaned.get("start") and cleaned.get("end"):
            try:
                check_period(cleaned["start"], cleaned["end"])
            except InvalidInput as exc:
                for message in exc.errors.values():
                    self.add_error("end", str(message))
        return cleaned


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Code, applicant name or ID"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    procedure = forms.CharField(label=_("Procedure code"), required=False, max_length=30)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("Received until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from egov.dossiers.workflow import Status

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any")), *Status.choices]  # type: ignore[attr-defined]
        self.fields["channel"].choices = [("", _("Any")), *Channel.choices]  # type: ignore[attr-defined]


class RatingForm(forms.Form):
    """The rating page: one question per DOMAIN.md criterion, answered 2, 1 or 0."""

    NOT_APPLICABLE = ""

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        from egov.dossiers.models import RATING_CRITERIA

        super().__init__(*args, **kwargs)
        self.dossier = dossier
        for criterion in RATING_CRITERIA:
            if criterion.online_only and dossier.channel != Channel.ONLINE:
                continue
            choices: list[tuple[Any, Any]] = [
                (score, f"{meaning} ({score})") for score, meaning in criterion.choices
            ]
            if criterion.not_applicable is not None:
                choices.append((self.NOT_APPLICABLE, criterion.not_applicable))
            self.fields[criterion.field] = forms.TypedChoiceField(
                label=str(criterion.label),
                choices=choices,
                coerce=int,
                empty_value=None,
                required=criterion.not_applicable is None,
                widget=forms.RadioSelect,
            )
        self.fields["comment"] = forms.CharField(
            label=_("Anything else you want to tell us (optional)"),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def scores(self) -> dict[str, int | None]:
        return {k: v for k, v in self.cleaned_data.items() if k != "comment"}
