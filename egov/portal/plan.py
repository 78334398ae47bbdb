"""What an online application of a procedure is made of, worked out from the catalog:

- the form's fields (the procedure's form definition, validated by the forms engine);
- the documents to attach: the form's file fields, and the procedure's required documents
  that no file field stands for (matched by name), except the declaration the online form
  replaces (the tờ khai: its answers are sent as a PDF in its place);
- the answers kept in a draft (raw, as typed) and the profile values that prefill them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from egov.accounts.models import BusinessProfile, CitizenProfile, User
from egov.lib.text import fold
from egov.procedures.models import Procedure, RequiredDocument

# Names of the documents a form replaces begin like this (after folding).
_DECLARATION_STARTS = (
    "to khai",
    "don ",
    "don de nghi",
    "giay de nghi",
    "phieu de nghi",
    "van ban de nghi",
    "ban khai",
)
_WORD = re.compile(r"[a-z0-9]+")
_STOP = {"va", "cua", "co", "hoac", "the", "theo", "mau", "ban", "neu", "thi", "la", "cho", "ve"}
MAX_ANSWER_LENGTH = 5000


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(fold(text)) if w not in _STOP}


def _overlap(a: str, b: str) -> float:
    left, right = _words(a), _words(b)
    if len(left) < 2 or len(right) < 2:
        return 0.0
    common = left & right
    return len(common) / min(len(left), len(right)) if len(common) >= 2 else 0.0


@dataclass(frozen=True)
class Slot:
    """A place to attach documents: a file field of the form or a required document."""

    key: str  # "field:<name>" or "doc:<id>"
    label: str
    required: bool
    multiple: bool
    required_document: RequiredDocument | None = None
    field: Mapping[str, Any] | None = None
    note: str = ""

    @property
    def input_name(self) -> str:
        return self.key.replace(":", "__")


@dataclass
class Plan:
    procedure: Procedure
    definition: dict[str, Any]
    declaration: RequiredDocument | None
    field_slots: list[Slot] = field(default_factory=list)
    document_slots: list[Slot] = field(default_factory=list)

    @property
    def fields(self) -> list[dict[str, Any]]:
        return list(self.definition.get("fields", []))

    @property
    def slots(self) -> list[Slot]:
        return self.field_slots + self.document_slots

    def slot(self, key: str) -> Slot | None:
        return next((s for s in self.slots if s.key == key), None)


def _declaration(
    procedure: Procedure, documents: list[RequiredDocument]
) -> RequiredDocument | None:
    setting = getattr(procedure, "online_service", None)
    if setting is not None and setting.declaration_document_id is not None:
        return next((d for d in documents if d.pk == setting.declaration_document_id), None)
    if not procedure.application_form or not procedure.application_form.get("fields"):
        return None
    return next((d for d in documents if fold(d.name).startswith(_DECLARATION_STARTS)), None)


def plan_for(procedure: Procedure) -> Plan:
    definition = dict(procedure.application_form or {"version": 1, "fields": []})
    documents = sorted(procedure.documents.all(), key=lambda d: (d.order, d.pk))
    declaration = _declaration(procedure, documents)
    rest = [d for d in documents if declaration is None or d.pk != declaration.pk]
    plan = Plan(procedure=procedure, definition=definition, declaration=declaration)
    matched: set[int] = set()
    for spec in definition.get("fields", []):
        if spec.get("type") != "file":
            continue
        best = max(rest, key=lambda d: _overlap(spec["label"], d.name), default=None)
        document = best if best is not None and _overlap(spec["label"], best.name) >= 0.6 else None
        if document is not None:
            matched.add(document.pk)
        plan.field_slots.append(
            Slot(
                key=f"field:{spec['name']}",
                label=spec["label"],
                required=bool(spec.get("required")),
                multiple=bool(spec.get("multiple")),
                required_document=document,
                field=spec,
            )
        )
    for document in rest:
        if document.pk in matched:
            continue
        plan.document_slots.append(
            Slot(
                key=f"doc:{document.pk}",
                label=document.name,
                required=document.mandatory,
                multiple=True,
                required_document=document,
                note=document.note,
            )
        )
    return plan


def collect_answers(plan: Plan, data: Mapping[str, Any]) -> dict[str, Any]:
    """The answers of a submitted HTML form, as a draft keeps them: only the form's own
    fields, text cut to a sane length, nothing checked yet."""
    answers: dict[str, Any] = {}
    for spec in plan.fields:
        name, kind = spec["name"], spec["type"]
        if kind == "file":
            continue
        if kind == "address":
            given = data.get(name)
            parts = (
                given
                if isinstance(given, Mapping)
                else {
                    part: data.get(f"{name}.{part}", "")
                    for part in ("province", "commune", "street")
                }
            )
            answers[name] = {
                part: str(parts.get(part, "") or "")[:255]
                for part in ("province", "commune", "street")
            }
        elif kind == "boolean":
            value = data.get(name, "")
            answers[name] = value is True or str(value).lower() in ("on", "true", "1", "yes")
        elif kind == "choice" and spec.get("multiple"):
            values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
            values = values if isinstance(values, list) else [values]
            answers[name] = [str(v)[:200] for v in values][:50]
        else:
            answers[name] = str(data.get(name, "") or "")[:MAX_ANSWER_LENGTH]
    return answers


def profile_values(user: User, business: BusinessProfile | None) -> dict[str, Any]:
    """What the forms engine's ``prefill`` keys mean for this applicant."""
    from egov.accounts.addresses import province_of

    profile = (
        CitizenProfile.objects.select_related("administrative_unit__parent")
        .filter(user=user)
        .first()
    )
    values: dict[str, Any] = {
        "full_name": user.get_full_name(),
        "phone": user.phone,
        "email": user.email,
    }
    unit = None
    street = ""
    if profile is not None:
        values.update(
            personal_id=profile.personal_id,
            date_of_birth=profile.date_of_birth.isoformat() if profile.date_of_birth else "",
            sex=profile.sex,
        )
        unit, street = profile.administrative_unit, profile.address
    if business is not None:
        values.update(tax_code=business.tax_code, business_name=business.name)
        unit, street = business.administrative_unit or unit, business.address or street
    province = province_of(unit) if unit is not None else None
    values["address"] = {
        "province": province.code if province is not None else "",
        "commune": unit.code if unit is not None else "",
        "street": street,
    }
    return values


def prefilled(plan: Plan, values: Mapping[str, Any]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for spec in plan.fields:
        key = spec.get("prefill")
        if key and values.get(key):
            answers[spec["name"]] = values[key]
    return answers
