from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from egov.notifications.events import OPTIONAL_CHANNELS, EventKind


class PreferencesForm(forms.Form):
    """Language, and for every kind of event a pair of checkboxes: e-mail, SMS."""

    language = forms.ChoiceField(label=_("Language of notifications"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, kinds: list[EventKind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        for kind in kinds:
            self.fields[f"channels_{kind.key}"] = forms.MultipleChoiceField(
                label=str(kind.label),
                choices=[(c.value, c.label) for c in OPTIONAL_CHANNELS],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )

    def channel_fields(self) -> list[forms.BoundField]:
        return [self[f"channels_{kind.key}"] for kind in self.kinds]

    def channels(self) -> dict[str, list[str]]:
        return {kind.key: self.cleaned_data[f"channels_{kind.key}"] for kind in self.kinds}
