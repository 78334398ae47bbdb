"""Web forms for documents. They only parse input; the actions check and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import User
from egov.documents.actions import RecipientSpec
from egov.documents.models import Channel, Direction, RegisterKind, Status
from egov.documents.types import TYPE_CHOICES, Authority, Priority
from egov.org.models import Agency, Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RecipientsField(forms.CharField):
    """One agency per line: ``organ code | name`` (the name only for other installations)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, *, paper: bool = False, **kwargs: Any) -> None:
        self.paper = paper
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> list[RecipientSpec]:  # type: ignore[override]
        specs = []
        for line in str(value or "").splitlines():
            if not line.strip():
                continue
            code, _sep, name = line.partition("|")
            specs.append(RecipientSpec(code.strip().upper(), name.strip(), paper=self.paper))
        return specs


def _places(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class DraftForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Agency"))
    doc_type = forms.ChoiceField(label=_("Type"), choices=TYPE_CHOICES, initial="cong_van")
    subject = forms.CharField(
        label=_("Subject"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the document is about (trích yếu), at most 500 characters."),
    )
    content = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    drafting_unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("Drafting unit"), required=False
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    due_date = forms.DateField(label=_("Reply deadline"), required=False, widget=DATE)
    local_recipients = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(),
        label=_("Recipients in this system"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    remote_recipients = RecipientsField(
        label=_("Recipients in other systems (edXML)"),
        help_text=_("One per line: organ code | name, e.g. 000.00.00.H30 | UBND tỉnh Hậu Giang."),
    )
    paper_recipients = RecipientsField(
        paper=True,
        label=_("Recipients served on paper"),
        help_text=_("One per line: organ code | name."),
    )
    to_places = forms.CharField(
        label=_("Copies to (Nơi nhận)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One place per line, e.g. Lưu: VT, QLXD."),
    )
    page_amount = forms.IntegerField(label=_("Pages"), required=False, min_value=1, max_value=999)
    issued_amount = forms.IntegerField(
        label=_("Copies issued"), required=False, min_value=1, max_value=999
    )
    file = forms.FileField(label=_("Document file (PDF)"), required=False)

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [a.pk for a in agencies]
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=ids)  # type: ignore[attr-defined]
        if len(agencies) == 1:
            self.fields["agency"].initial = agencies[0].pk
            self.fields["agency"].widget = forms.HiddenInput()
        self.fields["drafting_unit"].queryset = Unit.objects.filter(agency_id__in=ids)  # type: ignore[attr-defined]
        self.fields["local_recipients"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).exclude(pk__in=ids)

    def recipients(self) -> list[RecipientSpec]:
        data = self.cleaned_data
        local = [RecipientSpec(a.organ_code) for a in data.get("local_recipients") or []]
        return [*local, *data.get("remote_recipients", []), *data.get("paper_recipients", [])]

    def places(self) -> list[str]:
        return _places(self.cleaned_data.get("to_places", ""))

    def draft_fields(self) -> dict[str, Any]:
        """What create_draft and update_draft both take, from the cleaned data."""
        data = self.cleaned_data
        names = [
            "doc_type",
            "subject",
            "content",
            "priority",
            "due_date",
            "page_amount",
            "issued_amount",
            "file",
        ]
        return {
            **{name: data[name] for name in names},
            "recipients": self.recipients(),
            "to_places": self.places(),
        }


class EditForm(DraftForm):
    note = forms.CharField(label=_("What changed"), required=False, max_length=500)

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, agencies=agencies, **kwargs)
        del self.fields["agency"]
        del self.fields["drafting_unit"]


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("Description"), required=False, max_length=255)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class SignForm(forms.Form):
    authority = forms.ChoiceField(
        label=_("Signing authority"), choices=Authority.choices, required=False
    )
    on_behalf_of = forms.CharField(
        label=_("For (title of the head or name of the body)"),
        required=False,
        max_length=90,
        help_text=_("With a prefix: e.g. GIÁM ĐỐC (KT. GIÁM ĐỐC), ỦY BAN NHÂN DÂN (TM.)."),
    )
    position = forms.CharField(
        label=_("Your position"),
        required=False,
        max_length=100,
        help_text=_("Left empty: your post in the agency."),
    )


class AssignForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Unit"), required=False)
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("Person"), required=False
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE)
    note = forms.CharField(
        label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(agency_id=agency_id)  # type: ignore[attr-defined]
        self.fields["assignee"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                memberships__agency_id=agency_id, memberships__is_active=True, is_active=True
            )
            .distinct()
            .order_by("full_name")
        )
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name()  # type: ignore[attr-defined]


class CompleteForm(forms.Form):
    result = forms.CharField(
        label=_("Result"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reply = forms.IntegerField(
        label=_("Reply document (number in this system)"), required=False, min_value=1
    )


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "submit": NoteForm,
    "approve": NoteForm,
    "return": ReasonForm,
    "sign": SignForm,
    "issue": NoteForm,
    "send": NoteForm,
    "cancel": ReasonForm,
    "revoke": ReasonForm,
    "accept": NoteForm,
    "refuse": ReasonForm,
    "assign": AssignForm,
    "start": NoteForm,
    "complete": CompleteForm,
}


class IncomingForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Agency"))
    organ_name = forms.CharField(label=_("Issuing agency (author)"), max_length=200)
    organ_id = forms.CharField(label=_("Its organ code"), required=False, max_length=35)
    doc_type = forms.ChoiceField(label=_("Type"), choices=TYPE_CHOICES, initial="cong_van")
    code_number = forms.CharField(label=_("Number"), max_length=11)
    code_notation = forms.CharField(label=_("Notation"), max_length=30)
    issued_date = forms.DateField(label=_("Document date"), widget=DATE)
    subject = forms.CharField(
        label=_("Subject"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    content = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    signer_full_name = forms.CharField(label=_("Signer"), required=False, max_length=50)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    channel = forms.ChoiceField(label=_("Arrived as"), choices=Channel.choices, initial="paper")
    due_date = forms.DateField(label=_("Handling deadline"), required=False, widget=DATE)
    page_amount = forms.IntegerField(label=_("Pages"), required=False, min_value=1, max_value=999)
    file = forms.FileField(label=_("Scan or file"), required=False)
    allow_duplicate = forms.BooleanField(
        label=_("Register even if it looks like a document already registered"), required=False
    )

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            pk__in=[a.pk for a in agencies]
        )
        if len(agencies) == 1:
            self.fields["agency"].initial = agencies[0].pk
            self.fields["agency"].widget = forms.HiddenInput()


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    direction = forms.ChoiceField(
        label=_("Direction"), required=False, choices=[("", _("All")), *Direction.choices]
    )
    doc_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All")), *TYPE_CHOICES]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Status.choices]
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)


def _year_start() -> dt.date:
    return timezone.localdate().replace(month=1, day=1)


class PeriodForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Agency"))
    date_from = forms.DateField(label=_("From"), widget=DATE)
    date_to = forms.DateField(label=_("To"), widget=DATE)

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            pk__in=[a.pk for a in agencies]
        )
        self.fields["agency"].initial = agencies[0].pk if agencies else None
        self.fields["date_from"].initial = _year_start()
        self.fields["date_to"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data


class RegisterForm(PeriodForm):
    kind = forms.ChoiceField(
        label=_("Register"), choices=RegisterKind.choices, initial=RegisterKind.OUTGOING
    )
