"""Template helpers for the citizen-facing forms: one field, an address picker."""

from __future__ import annotations

from typing import Any

from django import forms, template

register = template.Library()


@register.inclusion_tag("accounts/_address.html")
def address_fields(
    form: forms.Form, prefix: str, legend: str = "", picking: bool = False
) -> dict[str, Any]:
    return {
        "province": form[f"{prefix}province"],
        "commune": form[f"{prefix}commune"],
        "street": form[f"{prefix}street"],
        "legend": legend,
        "picking": picking,
    }
