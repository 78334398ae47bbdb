from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.exchange.models import Direction, Handling

REPORTABLE = [
    (Handling.REFUSED, Handling.REFUSED.label),
    (Handling.ACCEPTED, Handling.ACCEPTED.label),
    (Handling.WAITING, Handling.WAITING.label),
    (Handling.PROCESSING, Handling.PROCESSING.label),
    (Handling.FINISHED, Handling.FINISHED.label),
]


class FilterForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[("", _("All")), *Direction.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Handling status"), choices=[("", _("All")), *Handling.choices], required=False
    )


class StatusForm(forms.Form):
    code = forms.ChoiceField(label=_("New status"), choices=REPORTABLE)
    description = forms.CharField(
        label=_("Message to the sender"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecisionForm(forms.Form):
    agree = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("1", _("Agree (15)")), ("0", _("Refuse (16)"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the sender"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RevocationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the revocation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
