"""Addresses chosen from the administrative units valid today: province, then commune.

Works without JavaScript: the commune list is filled for the province the form was last sent
with (a "Show the communes" button sends it); ``accounts/address-picker.js`` refills the list
as soon as the province changes and hides that button.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.org.models import AdministrativeUnit, Level


def provinces(today: dt.date | None = None) -> list[AdministrativeUnit]:
    today = today or timezone.localdate()
    return list(
        AdministrativeUnit.objects.valid_on(today).filter(level=Level.PROVINCE).order_by("name")
    )


def communes_of(
    province: AdministrativeUnit, today: dt.date | None = None
) -> list[AdministrativeUnit]:
    """Communes in the province today (directly under it since 1/7/2025, else in its districts)."""
    today = today or timezone.localdate()
    units = AdministrativeUnit.objects.valid_on(today).filter(level=Level.COMMUNE)
    return list(
        units.filter(parent=province).order_by("name")
        or units.filter(parent__parent=province).order_by("name")
    )


def province_of(commune: AdministrativeUnit) -> AdministrativeUnit | None:
    parent = commune.parent
    while parent is not None and parent.level != Level.PROVINCE:
        parent = parent.parent
    return parent


def full_address(street: str, commune: AdministrativeUnit | None) -> str:
    """``12 Ấp Bắc, Phường Mỹ Tho, Tỉnh Đồng Tháp``."""
    parts = [street.strip()]
    if commune is not None:
        parts.append(commune.name)
        province = province_of(commune)
        if province is not None:
            parts.append(province.name)
    return ", ".join(part for part in parts if part)


class ProvinceSelect(forms.Select):
    """Each province option carries the unit's id, which the picker script asks the API with."""

    def __init__(self, ids: dict[str, int], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ids = ids

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.ids:
            option["attrs"]["data-id"] = self.ids[str(value)]
        return option


def add_address_fields(
    form: forms.Form,
    prefix: str,
    *,
    required: bool,
    street_label: Any = None,
    commune: AdministrativeUnit | None = None,
) -> None:
    """Add ``<prefix>province``, ``<prefix>commune`` and ``<prefix>street`` to ``form``.

    The communes offered are those of the province in the form's data (or of ``commune``'s
    province for a fresh form)."""
    today = timezone.localdate()
    found = provinces(today)
    ids = {unit.code: unit.pk for unit in found}
    province_field = forms.ChoiceField(
        label=gettext_lazy("Province or city"),
        required=required,
        choices=[("", gettext_lazy("– choose –"))] + [(u.code, u.name) for u in found],
        widget=ProvinceSelect(ids, attrs={"data-address-province": prefix}),
    )
    chosen_code = (
        form.data.get(f"{form.add_prefix(prefix + 'province')}") if form.is_bound else None
    ) or ""
    if not chosen_code and commune is not None:
        province = province_of(commune)
        chosen_code = province.code if province is not None else ""
        province_field.initial = chosen_code
    chosen = next((unit for unit in found if unit.code == chosen_code), None)
    options = communes_of(chosen, today) if chosen is not None else []
    commune_field = forms.ChoiceField(
        label=gettext_lazy("Commune or ward"),
        required=required,
        choices=[
            (
                "",
                gettext_lazy("– choose the province first –")
                if chosen is None
                else gettext_lazy("– choose –"),
            )
        ]
        + [(u.code, u.name) for u in options],
        widget=forms.Select(attrs={"data-address-commune": prefix}),
    )
    if commune is not None and not form.is_bound:
        commune_field.initial = commune.code
    form.fields[f"{prefix}province"] = province_field
    form.fields[f"{prefix}commune"] = commune_field
    form.fields[f"{prefix}street"] = forms.CharField(
        label=street_label or gettext_lazy("House number, street, hamlet"),
        required=required,
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )


def clean_address(form: forms.Form, prefix: str) -> AdministrativeUnit | None:
    """The commune chosen (checked against the province, valid today), or None when both are
    empty; adds errors to the form's fields."""
    data = form.cleaned_data
    province_code = data.get(f"{prefix}province") or ""
    commune_code = data.get(f"{prefix}commune") or ""
    if not province_code and not commune_code:
        return None
    today = timezone.localdate()
    province = next((u for u in provinces(today) if u.code == province_code), None)
    if province is None:
        form.add_error(f"{prefix}province", _("Choose the province."))
        return None
    commune = next((u for u in communes_of(province, today) if u.code == commune_code), None)
    if commune is None:
        form.add_error(f"{prefix}commune", _("Choose a commune or ward of this province."))
        return None
    return commune
