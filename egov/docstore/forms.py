from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    title = forms.CharField(
        label=_("What is it?"),
        max_length=255,
        required=False,
        help_text=_("E.g. Bản sao CCCD, Giấy chứng sinh. Empty: the file's name."),
    )
    file = forms.FileField(
        label=_("File (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )
