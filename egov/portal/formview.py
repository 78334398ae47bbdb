"""The application form as the browser gets it, from the same definition the server checks.

Each field becomes a ``FieldView`` the template renders by type, with the light guidance the
browser can give on its own (required, patterns, limits, input modes) and, for conditional
fields, the condition as data for ``portal/form.js``. Without the script every field shows,
with a note saying when it applies; the server ignores answers to fields that don't apply.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from egov.accounts.addresses import communes_of, provinces
from egov.portal.plan import Plan, Slot
from egov.procedures.forms_engine import localized

_INPUT_TYPES = {
    "text": "text",
    "number": "text",
    "date": "date",
    "personal_id": "text",
    "tax_code": "text",
    "phone": "tel",
    "email": "email",
}
_PATTERNS = {
    "personal_id": r"\d{12}",
    "tax_code": r"\d{10}(-?\d{3})?",
    "phone": r"[+\d][\d .\-]{8,15}",
}
_INPUT_MODES = {
    "personal_id": "numeric",
    "tax_code": "numeric",
    "phone": "tel",
    "number": "decimal",
}


@dataclass
class Choice:
    value: str
    label: str
    selected: bool
    data_id: int | None = None


@dataclass
class FieldView:
    name: str
    type: str
    label: str
    help: str = ""
    section: str = ""
    error: str = ""
    value: Any = ""
    required: bool = False
    conditional: bool = False
    condition_json: str = ""
    condition_text: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)
    choices: list[Choice] = field(default_factory=list)
    multiple: bool = False
    multiline: bool = False
    communes: list[Choice] = field(default_factory=list)
    street: str = ""
    slot: Slot | None = None
    # What the page shows of the slot (attached documents, choices from the store, error).
    slot_view: dict[str, Any] | None = None

    @property
    def html_id(self) -> str:
        return "f-" + self.name

    @property
    def input_type(self) -> str:
        return _INPUT_TYPES.get(self.type, "text")


def _condition_text(plan: Plan, condition: Mapping[str, Any], *, shown: bool = True) -> str:
    """When a conditional field applies (``shown``) or becomes required, in words."""
    other = next((f for f in plan.fields if f["name"] == condition["field"]), None)
    label = localized(other, "label") if other else condition["field"]
    if "filled" in condition:
        if shown:
            text = (
                _("Only when “%(field)s” is filled in.")
                if condition["filled"]
                else _("Only when “%(field)s” is left empty.")
            )
        else:
            text = (
                _("Required when “%(field)s” is filled in.")
                if condition["filled"]
                else _("Required when “%(field)s” is left empty.")
            )
        return text % {"field": label}
    wanted = [condition["equals"]] if "equals" in condition else list(condition["in"])
    names = []
    for value in wanted:
        if value is True:
            names.append(_("yes"))
        elif value is False:
            names.append(_("no"))
        else:
            found = next((c for c in (other or {}).get("choices", []) if c["value"] == value), None)
            names.append(localized(found, "label") if found else str(value))
    text = (
        _("Only when “%(field)s” is: %(values)s.")
        if shown
        else _("Required when “%(field)s” is: %(values)s.")
    )
    return text % {"field": label, "values": ", ".join(names)}


def field_views(
    plan: Plan, answers: Mapping[str, Any], errors: Mapping[str, str]
) -> list[FieldView]:
    """Every field of the form, in order; file fields carry their attachment slot."""
    views: list[FieldView] = []
    province_list = None
    for spec in plan.fields:
        name, kind = spec["name"], spec["type"]
        condition = spec.get("show_if") or spec.get("required_if")
        view = FieldView(
            name=name,
            type=kind,
            label=localized(spec, "label"),
            help=localized(spec, "help"),
            section=localized(spec, "section"),
            error=str(errors.get(name, "")),
            value=answers.get(name, "" if kind != "boolean" else False),
            required=bool(spec.get("required")),
            conditional="show_if" in spec,
            condition_json=json.dumps(spec["show_if"]) if "show_if" in spec else "",
            condition_text=(
                _condition_text(plan, condition, shown="show_if" in spec) if condition else ""
            ),
            multiple=bool(spec.get("multiple")),
            multiline=bool(spec.get("multiline")),
        )
        attrs: dict[str, Any] = {}
        if view.required and not view.conditional and kind not in ("file", "boolean"):
            attrs["required"] = True
        if kind == "text":
            attrs["maxlength"] = spec.get("max_length", 1000)
            if spec.get("min_length"):
                attrs["minlength"] = spec["min_length"]
            if spec.get("regex"):
                attrs["pattern"] = spec["regex"]
        if kind in _PATTERNS:
            attrs["pattern"] = _PATTERNS[kind]
        if kind in _INPUT_MODES:
            attrs["inputmode"] = _INPUT_MODES[kind]
        if kind == "date":
            for bound in ("min", "max"):
                if bound in spec and spec[bound] != "today":
                    attrs[bound] = spec[bound]
        if kind == "email":
            attrs["autocomplete"] = "email"
        if kind == "phone":
            attrs["autocomplete"] = "tel"
        view.attrs = attrs
        if kind == "choice":
            selected = view.value if isinstance(view.value, list) else [view.value]
            view.choices = [
                Choice(c["value"], localized(c, "label"), c["value"] in selected)
                for c in spec["choices"]
            ]
        if kind == "address":
            if province_list is None:
                province_list = provinces()
            value = view.value if isinstance(view.value, dict) else {}
            chosen = next((p for p in province_list if p.code == value.get("province")), None)
            view.choices = [
                Choice(p.code, p.name, chosen is not None and p.pk == chosen.pk, p.pk)
                for p in province_list
            ]
            if chosen is not None:
                view.communes = [
                    Choice(c.code, c.name, c.code == value.get("commune"))
                    for c in communes_of(chosen)
                ]
            view.street = str(value.get("street", ""))
        if kind == "file":
            view.slot = plan.slot(f"field:{name}")
        views.append(view)
    return views
