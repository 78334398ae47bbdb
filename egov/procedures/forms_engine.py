"""Application forms as data (issue 4 §3): the definition, its validator, and the server engine.

A definition is JSON that administrators edit per procedure::

    {"version": 1, "fields": [
        {"name": "full_name", "type": "text", "label": "Họ và tên", "label_en": "Full name",
         "required": true, "max_length": 100, "prefill": "full_name"},
        {"name": "has_agent", "type": "boolean", "label": "Nộp thay người khác"},
        {"name": "agent_id", "type": "personal_id", "label": "Số định danh người nộp thay",
         "show_if": {"field": "has_agent", "equals": true}, "required": true},
        ...
    ]}

``validate_definition`` refuses a broken definition (it is a model-field validator, so admin and
the importer can't save one); ``validate_submission`` checks what an applicant sent and returns
``(cleaned, errors)`` with translated messages per field. Both the citizen web form and a browser
script can be driven from the same definition (the API publishes it).

Cleaned values are JSON-friendly (dates as ISO strings, numbers as int/float, addresses as dicts)
except files, which come back as ``UploadedFileInfo`` objects holding the upload itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from egov.lib.identifiers import validate_personal_id, validate_tax_code

FIELD_TYPES = (
    "text",
    "number",
    "date",
    "choice",
    "boolean",
    "personal_id",
    "tax_code",
    "address",
    "phone",
    "email",
    "file",
)
FILE_KINDS = ("pdf", "jpeg", "png")
# Profile values the citizen web form may prefill a field with.
PREFILL_KEYS = (
    "full_name",
    "personal_id",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "address",
    "tax_code",
    "business_name",
)
MAX_TEXT_LENGTH = 5000
DEFAULT_TEXT_LENGTH = 1000
MAX_FILE_SIZE_MB = 50
DEFAULT_FILE_SIZE_MB = 10
MAX_FIELDS = 200

_NAME = re.compile(r"[a-z][a-z0-9_]{0,59}")
_COMMON_KEYS = {
    "name",
    "type",
    "label",
    "label_en",
    "help",
    "help_en",
    "section",
    "required",
    "show_if",
    "required_if",
    "prefill",
    "placeholder",
}
_TYPE_KEYS: dict[str, set[str]] = {
    "text": {"min_length", "max_length", "regex", "regex_message", "regex_message_en", "multiline"},
    "number": {"min", "max", "integer", "unit"},
    "date": {"min", "max"},
    "choice": {"choices", "multiple"},
    "boolean": set(),
    "personal_id": set(),
    "tax_code": set(),
    "address": {"street"},
    "phone": set(),
    "email": set(),
    "file": {"max_size_mb", "kinds", "multiple", "max_files"},
}


def empty_definition() -> dict[str, Any]:
    return {"version": 1, "fields": []}


# ---------------------------------------------------------------------------------------------
# The definition itself


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | bool) or _is_number(value)


def _parse_date_bound(value: Any) -> dt.date | None:
    """A date bound is "today" or an ISO date; returns None for "today"."""
    if value == "today":
        return None
    return dt.date.fromisoformat(value)


class _DefinitionChecker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def check(self, definition: Any) -> list[str]:
        if not isinstance(definition, dict):
            return [_("The form definition must be a JSON object.")]
        unknown = set(definition) - {"version", "fields", "title", "title_en"}
        if unknown:
            self.error(
                _("form"),
                _("unknown keys: %(keys)s.") % {"keys": ", ".join(sorted(map(str, unknown)))},
            )
        if definition.get("version", 1) != 1:
            self.error("version", _("only version 1 is supported."))
        fields = definition.get("fields", [])
        if not isinstance(fields, list):
            self.error("fields", _("must be a list of fields."))
            return self.errors
        if len(fields) > MAX_FIELDS:
            self.error("fields", _("at most %(max)s fields.") % {"max": MAX_FIELDS})
        seen: dict[str, dict[str, Any]] = {}
        for index, field in enumerate(fields):
            self.check_field(index, field, seen)
        return self.errors

    def check_field(self, index: int, field: Any, seen: dict[str, dict[str, Any]]) -> None:
        where = f"fields[{index}]"
        if not isinstance(field, dict):
            self.error(where, _("each field must be a JSON object."))
            return
        name = field.get("name")
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            self.error(
                where,
                _(
                    "the name must start with a lower-case letter and use only a–z, 0–9 and _ "
                    "(at most 60 characters)."
                ),
            )
            name = None
        else:
            where = f"fields[{index}] ({name})"
            if name in seen:
                self.error(where, _("the name is used twice."))
        kind = field.get("type")
        if kind not in FIELD_TYPES:
            self.error(
                where, _("the type must be one of: %(types)s.") % {"types": ", ".join(FIELD_TYPES)}
            )
            return
        unknown = set(field) - _COMMON_KEYS - _TYPE_KEYS[kind]
        if unknown:
            self.error(
                where,
                _("unknown keys: %(keys)s.") % {"keys": ", ".join(sorted(map(str, unknown)))},
            )
        label = field.get("label")
        if not isinstance(label, str) or not label.strip():
            self.error(where, _("the label is missing."))
        for key in ("label_en", "help", "help_en", "section", "placeholder"):
            if key in field and not isinstance(field[key], str):
                self.error(where, _("%(key)s must be text.") % {"key": key})
        if "required" in field and not isinstance(field["required"], bool):
            self.error(where, _("required must be true or false."))
        if "prefill" in field and field["prefill"] not in PREFILL_KEYS:
            self.error(
                where,
                _("prefill must be one of: %(keys)s.") % {"keys": ", ".join(PREFILL_KEYS)},
            )
        for key in ("show_if", "required_if"):
            if key in field:
                self.check_condition(where, key, field[key], seen)
        getattr(self, f"check_{kind}")(where, field)
        if name is not None and name not in seen:
            seen[name] = field

    def check_condition(
        self, where: str, key: str, condition: Any, seen: dict[str, dict[str, Any]]
    ) -> None:
        if not isinstance(condition, dict) or not isinstance(condition.get("field"), str):
            self.error(where, _("%(key)s must be an object naming a field.") % {"key": key})
            return
        tests = set(condition) - {"field"}
        if len(tests) != 1 or not tests <= {"equals", "in", "filled"}:
            self.error(
                where,
                _("%(key)s needs exactly one of: equals, in, filled.") % {"key": key},
            )
            return
        if condition["field"] not in seen:
            self.error(
                where,
                _("%(key)s refers to %(field)s, which is not a field defined above this one.")
                % {"key": key, "field": condition["field"]},
            )
        if "equals" in condition and not _is_scalar(condition["equals"]):
            self.error(
                where, _("%(key)s: equals takes text, a number or true/false.") % {"key": key}
            )
        if "in" in condition and not (
            isinstance(condition["in"], list)
            and condition["in"]
            and all(_is_scalar(item) for item in condition["in"])
        ):
            self.error(where, _("%(key)s: in takes a non-empty list of values.") % {"key": key})
        if "filled" in condition and not isinstance(condition["filled"], bool):
            self.error(where, _("%(key)s: filled takes true or false.") % {"key": key})

    def _check_int(self, where: str, field: dict[str, Any], key: str, low: int, high: int) -> None:
        if key in field:
            value = field[key]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                self.error(
                    where,
                    _("%(key)s must be a whole number from %(low)s to %(high)s.")
                    % {"key": key, "low": low, "high": high},
                )

    def _check_bool(self, where: str, field: dict[str, Any], key: str) -> None:
        if key in field and not isinstance(field[key], bool):
            self.error(where, _("%(key)s must be true or false.") % {"key": key})

    def check_text(self, where: str, field: dict[str, Any]) -> None:
        self._check_int(where, field, "min_length", 0, MAX_TEXT_LENGTH)
        self._check_int(where, field, "max_length", 1, MAX_TEXT_LENGTH)
        low, high = field.get("min_length"), field.get("max_length")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            self.error(where, _("min_length is larger than max_length."))
        self._check_bool(where, field, "multiline")
        if "regex" in field:
            pattern = field["regex"]
            if not isinstance(pattern, str) or len(pattern) > 200:
                self.error(where, _("regex must be text of at most 200 characters."))
            else:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    self.error(
                        where, _("regex is not a valid pattern: %(error)s.") % {"error": exc}
                    )
        for key in ("regex_message", "regex_message_en"):
            if key in field and not isinstance(field[key], str):
                self.error(where, _("%(key)s must be text.") % {"key": key})

    def check_number(self, where: str, field: dict[str, Any]) -> None:
        for key in ("min", "max"):
            if key in field and not _is_number(field[key]):
                self.error(where, _("%(key)s must be a number.") % {"key": key})
        low, high = field.get("min"), field.get("max")
        if _is_number(low) and _is_number(high) and float(low) > float(high):  # type: ignore[arg-type]
            self.error(where, _("min is larger than max."))
        self._check_bool(where, field, "integer")
        if "unit" in field and not isinstance(field["unit"], str):
            self.error(where, _("%(key)s must be text.") % {"key": "unit"})

    def check_date(self, where: str, field: dict[str, Any]) -> None:
        bounds: dict[str, dt.date | None] = {}
        for key in ("min", "max"):
            if key in field:
                try:
                    bounds[key] = _parse_date_bound(field[key])
                except (TypeError, ValueError):
                    self.error(
                        where,
                        _('%(key)s must be "today" or a date as YYYY-MM-DD.') % {"key": key},
                    )
        low, high = bounds.get("min"), bounds.get("max")
        if low is not None and high is not None and low > high:
            self.error(where, _("min is later than max."))

    def check_choice(self, where: str, field: dict[str, Any]) -> None:
        choices = field.get("choices")
        if not isinstance(choices, list) or not choices:
            self.error(where, _("a choice field needs a non-empty list of choices."))
            return
        values = []
        for choice in choices:
            if (
                not isinstance(choice, dict)
                or not isinstance(choice.get("value"), str)
                or not choice["value"]
                or not isinstance(choice.get("label"), str)
                or set(choice) - {"value", "label", "label_en"}
            ):
                self.error(
                    where,
                    _("each choice is an object with a value and a label (and label_en)."),
                )
                return
            values.append(choice["value"])
        if len(set(values)) != len(values):
            self.error(where, _("two choices have the same value."))
        self._check_bool(where, field, "multiple")

    def check_boolean(self, where: str, field: dict[str, Any]) -> None:
        pass

    check_personal_id = check_tax_code = check_phone = check_email = check_boolean

    def check_address(self, where: str, field: dict[str, Any]) -> None:
        self._check_bool(where, field, "street")

    def check_file(self, where: str, field: dict[str, Any]) -> None:
        if "max_size_mb" in field and not (
            _is_number(field["max_size_mb"]) and 0 < field["max_size_mb"] <= MAX_FILE_SIZE_MB
        ):
            self.error(
                where,
                _("max_size_mb must be a number above 0 and at most %(max)s.")
                % {"max": MAX_FILE_SIZE_MB},
            )
        if "kinds" in field and not (
            isinstance(field["kinds"], list)
            and field["kinds"]
            and all(kind in FILE_KINDS for kind in field["kinds"])
        ):
            self.error(
                where,
                _("kinds must be a non-empty list taken from: %(kinds)s.")
                % {"kinds": ", ".join(FILE_KINDS)},
            )
        self._check_bool(where, field, "multiple")
        self._check_int(where, field, "max_files", 1, 50)


def definition_errors(definition: Any) -> list[str]:
    """Every problem of a definition, as translated sentences that locate the field."""
    return _DefinitionChecker().check(definition)


def validate_definition(definition: Any) -> None:
    """Model-field validator: raises ``ValidationError`` listing every problem."""
    errors = definition_errors(definition)
    if errors:
        raise ValidationError(errors, code="form_definition")


# ---------------------------------------------------------------------------------------------
# Submissions


@dataclass(frozen=True)
class UploadedFileInfo:
    """A checked upload: the file object itself plus what the engine learnt about it."""

    file: Any
    name: str
    kind: str
    size: int
    sha256: str


class _FieldError(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def localized(item: Mapping[str, Any], key: str) -> str:
    """``item[key]`` (Vietnamese) or, when the active language is English, ``item[key_en]``."""
    if (get_language() or "vi").startswith("en") and item.get(f"{key}_en"):
        return str(item[f"{key}_en"])
    return str(item.get(key) or "")


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return all(_is_empty(item) for item in value)
    if isinstance(value, dict):
        return all(_is_empty(item) for item in value.values())
    return False


def _condition_holds(condition: Mapping[str, Any], cleaned: Mapping[str, Any]) -> bool:
    value = cleaned.get(condition["field"])
    if "filled" in condition:
        return (not _is_empty(value) and value is not False) is condition["filled"]
    expected = [condition["equals"]] if "equals" in condition else list(condition["in"])
    values = value if isinstance(value, list) else [value]
    return any(_same(item, wanted) for item in values for wanted in expected)


def _same(item: Any, wanted: Any) -> bool:
    # true must not equal 1 here, as it would in Python.
    if isinstance(item, bool) or isinstance(wanted, bool):
        return item is wanted
    if _is_number(item) and _is_number(wanted):
        return float(item) == float(wanted)
    return bool(item == wanted)


def is_visible(field: Mapping[str, Any], cleaned: Mapping[str, Any]) -> bool:
    return "show_if" not in field or _condition_holds(field["show_if"], cleaned)


def is_required(field: Mapping[str, Any], cleaned: Mapping[str, Any]) -> bool:
    if field.get("required"):
        return True
    return "required_if" in field and _condition_holds(field["required_if"], cleaned)


def _raw_value(data: Mapping[str, Any], field: Mapping[str, Any]) -> Any:
    name = field["name"]
    if field["type"] == "address":
        value = data.get(name)
        if value is not None:
            return value
        # An HTML form sends the parts as name.province, name.commune and name.street.
        parts = {part: data.get(f"{name}.{part}") for part in ("province", "commune", "street")}
        return {key: value for key, value in parts.items() if value is not None} or None
    if field["type"] == "choice" and field.get("multiple") and hasattr(data, "getlist"):
        return data.getlist(name)
    return data.get(name)


def _clean_text(field: Mapping[str, Any], value: Any, today: dt.date) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise _FieldError(_("Enter text."))
    text = str(value).strip()
    low = field.get("min_length", 0)
    high = field.get("max_length", DEFAULT_TEXT_LENGTH)
    if len(text) < low:
        raise _FieldError(_("Enter at least %(count)s characters.") % {"count": low})
    if len(text) > high:
        raise _FieldError(_("Enter at most %(count)s characters.") % {"count": high})
    if "regex" in field and not re.fullmatch(field["regex"], text):
        raise _FieldError(
            localized(field, "regex_message") or _("This value has the wrong format.")
        )
    return text


def _clean_number(field: Mapping[str, Any], value: Any, today: dt.date) -> int | float:
    if isinstance(value, bool):
        raise _FieldError(_("Enter a number."))
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "")
        # Vietnamese writes the decimal separator as a comma: "1,5" is one and a half.
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise _FieldError(_("Enter a number.")) from None
    else:
        raise _FieldError(_("Enter a number."))
    if not math.isfinite(number):
        raise _FieldError(_("Enter a number."))
    if field.get("integer") and not number.is_integer():
        raise _FieldError(_("Enter a whole number."))
    if "min" in field and number < field["min"]:
        raise _FieldError(_("Enter a number of at least %(min)s.") % {"min": field["min"]})
    if "max" in field and number > field["max"]:
        raise _FieldError(_("Enter a number of at most %(max)s.") % {"max": field["max"]})
    if field.get("integer") or number.is_integer():
        return int(number)
    return number


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date only)
            except ValueError:
                continue
    raise _FieldError(_("Enter a valid date (DD/MM/YYYY)."))


def _format_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _clean_date(field: Mapping[str, Any], value: Any, today: dt.date) -> str:
    day = _parse_date(value)
    if "min" in field:
        low = _parse_date_bound(field["min"]) or today
        if day < low:
            raise _FieldError(_("Enter a date on or after %(date)s.") % {"date": _format_date(low)})
    if "max" in field:
        high = _parse_date_bound(field["max"]) or today
        if day > high:
            raise _FieldError(
                _("Enter a date on or before %(date)s.") % {"date": _format_date(high)}
            )
    return day.isoformat()


def _clean_choice(field: Mapping[str, Any], value: Any, today: dt.date) -> str | list[str]:
    allowed = {choice["value"] for choice in field["choices"]}
    if field.get("multiple"):
        values = value if isinstance(value, list | tuple) else [value]
        values = [item for item in values if not _is_empty(item)]
        if any(not isinstance(item, str) or item not in allowed for item in values):
            raise _FieldError(_("Choose only from the listed options."))
        # Keep the definition's order and drop repeats.
        return [choice["value"] for choice in field["choices"] if choice["value"] in values]
    if not isinstance(value, str) or value not in allowed:
        raise _FieldError(_("Choose one of the listed options."))
    return value


_TRUE = {"true", "1", "on", "yes", "có"}
_FALSE = {"false", "0", "off", "no", "không", ""}


def _clean_boolean(field: Mapping[str, Any], value: Any, today: dt.date) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise _FieldError(_("Answer yes or no."))


def _clean_personal_id(field: Mapping[str, Any], value: Any, today: dt.date) -> str:
    text = str(value).strip().replace(" ", "") if isinstance(value, str | int) else ""
    try:
        validate_personal_id(text, today=today)
    except ValidationError as exc:
        raise _FieldError(" ".join(exc.messages)) from None
    return text


def _clean_tax_code(field: Mapping[str, Any], value: Any, today: dt.date) -> str:
    try:
        return validate_tax_code(str(value).strip() if isinstance(value, str | int) else "")
    except ValidationError as exc:
        raise _FieldError(" ".join(exc.messages)) from None


_PHONE_JUNK = re.compile(r"[\s.\-()]")


def _clean_phone(field: Mapping[str, Any], value: Any, today: dt.date) -> str:
    text = _PHONE_JUNK.sub("", str(value)) if isinstance(value, str | int) else ""
    if text.startswith("+84"):
        text = "0" + text[3:]
    elif text.startswith("84") and len(text) in (11, 12):
        text = "0" + text[2:]
    # Mobile numbers have 10 digits, landlines with their area code 11 (0273 3873 121).
    if not re.fullmatch(r"0[1-9]\d{8,9}", text):
        raise _FieldError(_("Enter a Vietnamese phone number, e.g. 0912 345 678."))
    return text


def _clean_email(field: Mapping[str, Any], value: Any, today: dt.date) -> str:
    text = value.strip() if isinstance(value, str) else ""
    try:
        validate_email(text)
    except ValidationError:
        raise _FieldError(_("Enter a valid e-mail address.")) from None
    local, _at, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def _clean_address(field: Mapping[str, Any], value: Any, today: dt.date) -> dict[str, str]:
    from egov.org.models import AdministrativeUnit, Level

    if not isinstance(value, dict):
        raise _FieldError(_("Choose the province and the commune."))
    province_code = str(value.get("province") or "").strip()
    commune_code = str(value.get("commune") or "").strip()
    street = str(value.get("street") or "").strip()
    if not province_code or not commune_code:
        raise _FieldError(_("Choose the province and the commune."))
    units = AdministrativeUnit.objects.valid_on(today)
    province = units.filter(level=Level.PROVINCE, code=province_code).first()
    if province is None:
        raise _FieldError(_("This province does not exist (today)."))
    commune = (
        units.filter(level=Level.COMMUNE, code=commune_code)
        .select_related("parent", "parent__parent")
        .first()
    )
    # Before 1/7/2025 a commune sat in a district; from then on directly in the province.
    ancestors = (
        {commune.parent_id, commune.parent.parent_id if commune.parent else None}
        if commune is not None
        else set()
    )
    if commune is None or province.pk not in ancestors:
        raise _FieldError(_("This commune does not exist in the province chosen."))
    if field.get("street", True) and not street:
        raise _FieldError(_("Enter the house number and street or hamlet."))
    if len(street) > 255:
        raise _FieldError(_("Enter at most %(count)s characters.") % {"count": 255})
    full = ", ".join(part for part in (street, commune.name, province.name) if part)
    return {
        "province": province.code,
        "province_name": province.name,
        "commune": commune.code,
        "commune_name": commune.name,
        "street": street,
        "full": full,
    }


_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}


def sniff_kind(head: bytes) -> str | None:
    """The file kind from its first bytes, never from the name the browser sent."""
    for kind, signatures in _SIGNATURES.items():
        if any(head.startswith(signature) for signature in signatures):
            return kind
    return None


def _file_info(upload: Any) -> UploadedFileInfo:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    digest = hashlib.sha256()
    if hasattr(upload, "chunks"):
        for chunk in upload.chunks():
            digest.update(chunk)
    else:
        digest.update(upload.read())
    upload.seek(0)
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(0)
    return UploadedFileInfo(
        file=upload,
        name=str(getattr(upload, "name", "") or ""),
        kind=sniff_kind(head) or "",
        size=int(size),
        sha256=digest.hexdigest(),
    )


def _clean_files(field: Mapping[str, Any], uploads: list[Any]) -> list[UploadedFileInfo]:
    limit = field.get("max_files", 10) if field.get("multiple") else 1
    if len(uploads) > limit:
        raise _FieldError(_("Attach at most %(count)s files.") % {"count": limit})
    kinds = field.get("kinds", list(FILE_KINDS))
    max_bytes = int(field.get("max_size_mb", DEFAULT_FILE_SIZE_MB) * 1024 * 1024)
    infos = []
    for upload in uploads:
        info = _file_info(upload)
        if info.size > max_bytes:
            raise _FieldError(
                _("%(name)s is larger than %(size)s MB.")
                % {"name": info.name, "size": field.get("max_size_mb", DEFAULT_FILE_SIZE_MB)}
            )
        if info.kind not in kinds:
            raise _FieldError(
                _("%(name)s is not a %(kinds)s file.")
                % {"name": info.name, "kinds": "/".join(kind.upper() for kind in kinds)}
            )
        infos.append(info)
    return infos


_CLEANERS = {
    "text": _clean_text,
    "number": _clean_number,
    "date": _clean_date,
    "choice": _clean_choice,
    "boolean": _clean_boolean,
    "personal_id": _clean_personal_id,
    "tax_code": _clean_tax_code,
    "address": _clean_address,
    "phone": _clean_phone,
    "email": _clean_email,
}


def _uploads(files: Mapping[str, Any] | None, name: str) -> list[Any]:
    if not files:
        return []
    if hasattr(files, "getlist"):
        return [upload for upload in files.getlist(name) if upload]
    value = files.get(name)
    if value is None:
        return []
    return [upload for upload in (value if isinstance(value, list | tuple) else [value]) if upload]


def validate_submission(
    definition: Mapping[str, Any],
    data: Mapping[str, Any],
    files: Mapping[str, Any] | None = None,
    *,
    today: dt.date | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check an application against its form definition.

    ``data`` maps field names to values (a JSON object or a Django ``QueryDict``; an address may
    come as ``{"province", "commune", "street"}`` or as the keys ``name.province`` …), ``files``
    maps file fields to an upload or a list of uploads. Returns ``(cleaned, errors)``: the
    cleaned values of every visible field (``None`` when left empty; hidden fields are left out)
    and a translated message per invalid field. Unknown keys in ``data`` are ignored.
    """
    today = today or timezone.localdate()
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in definition.get("fields", []):
        name = field["name"]
        # Conditions look at fields above; an invalid one counts as empty.
        if not is_visible(field, cleaned):
            continue
        required = is_required(field, cleaned)
        try:
            if field["type"] == "file":
                uploads = _uploads(files, name)
                if not uploads:
                    if required:
                        raise _FieldError(_("Attach this document."))
                    cleaned[name] = None
                    continue
                infos = _clean_files(field, uploads)
                cleaned[name] = infos if field.get("multiple") else infos[0]
                continue
            value = _raw_value(data, field)
            if field["type"] == "boolean":
                value = _clean_boolean(field, value if value is not None else False, today)
                if required and not value:
                    raise _FieldError(_("Tick this box to continue."))
                cleaned[name] = value
                continue
            if _is_empty(value):
                if required:
                    raise _FieldError(_("This field is required."))
                cleaned[name] = None
                continue
            cleaned[name] = _CLEANERS[field["type"]](field, value, today)
        except _FieldError as exc:
            errors[name] = exc.message
            cleaned[name] = None
    return cleaned, errors
