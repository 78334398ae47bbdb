"""The catalog as a document: export to and import from JSON and XLSX.

Both formats carry the same content, so a province can keep its catalog of hundreds of procedures
in a spreadsheet, and an export imported again changes nothing. The JSON document::

    {"format": "egov.procedures/1",
     "sectors": [{"code": "HT", "name": "Hộ tịch"}, ...],
     "procedures": [{"code": "1.001193", "name": ..., "sector": "HT", "level": "commune",
                     "agency": null, ..., "fees": [...], "documents": [...], "steps": [...],
                     "application_form": {...}}, ...]}

The workbook has the sheets Sectors, Procedures, Fees, Documents and Steps with a header row of
field names; children point at their procedure by code, the form definition is JSON text in the
``application_form`` column of Procedures, and ``applicant_types`` is comma-separated.

Parsing turns either format into ``ProcedureSpec`` objects that remember where each value came
from (``Steps, row 7``; ``procedures[3].steps[2]``), so every error names sheet, row and field.
Writing (``write_catalog``) happens inside the ``import_catalog`` action; it updates records in
place and leaves unchanged ones untouched, keeping their ids.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models
from django.utils.translation import gettext as _

from egov.org.models import Agency, Level, Role, Unit
from egov.procedures.forms_engine import definition_errors, empty_definition
from egov.procedures.models import (
    ApplicantType,
    Category,
    FeeKind,
    OriginalOrCopy,
    Procedure,
    ProcedureFee,
    RequiredDocument,
    Sector,
    ServiceLevel,
    StepKind,
    WorkflowStep,
    sequential_days,
)

FORMAT = "egov.procedures/1"

SECTOR_FIELDS = ["code", "name"]
PROCEDURE_FIELDS = [
    "code",
    "name",
    "sector",
    "level",
    "agency",
    "service_level",
    "category",
    "processing_days",
    "applicant_types",
    "legal_basis",
    "result_type",
    "result_online",
    "is_inter_agency",
    "is_active",
    "description",
    "conditions",
    "steps_text",
    "where",
    "application_form",
]
FEE_FIELDS = ["name", "kind", "amount", "note"]
DOCUMENT_FIELDS = [
    "order",
    "name",
    "copies",
    "original_or_copy",
    "mandatory",
    "template",
    "note",
]
STEP_FIELDS = ["order", "name", "agency", "unit_code", "role", "days", "kind", "is_lead", "note"]
SHEETS = {
    "Sectors": SECTOR_FIELDS,
    "Procedures": PROCEDURE_FIELDS,
    "Fees": ["procedure", *FEE_FIELDS],
    "Documents": ["procedure", *DOCUMENT_FIELDS],
    "Steps": ["procedure", *STEP_FIELDS],
}
XLSX_CELL_LIMIT = 32767


class CatalogError(Exception):
    """The file has problems; ``errors`` maps a location (sheet, row, field) to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{where}: {message}" for where, message in errors.items()))


# ---------------------------------------------------------------------------------------------
# Export


def _step_days(days: Decimal) -> int | float:
    return int(days) if days == days.to_integral_value() else float(days)


def procedure_document(procedure: Procedure) -> dict[str, Any]:
    """One procedure as the catalog format has it (uses prefetched children when present)."""
    return {
        "code": procedure.code,
        "name": procedure.name,
        "sector": procedure.sector.code,
        "level": procedure.level,
        "agency": procedure.agency.organ_code if procedure.agency else None,
        "service_level": procedure.service_level,
        "category": procedure.category,
        "processing_days": procedure.processing_days,
        "applicant_types": list(procedure.applicant_types),
        "legal_basis": procedure.legal_basis,
        "result_type": procedure.result_type,
        "result_online": procedure.result_online,
        "is_inter_agency": procedure.is_inter_agency,
        "is_active": procedure.is_active,
        "description": procedure.description,
        "conditions": procedure.conditions,
        "steps_text": procedure.steps_text,
        "where": procedure.where,
        "fees": [
            {"name": fee.name, "kind": fee.kind, "amount": fee.amount, "note": fee.note}
            for fee in sorted(procedure.fees.all(), key=lambda fee: fee.pk)
        ],
        "documents": [
            {
                "order": document.order,
                "name": document.name,
                "copies": document.copies,
                "original_or_copy": document.original_or_copy,
                "mandatory": document.mandatory,
                "template": document.template.name or "",
                "note": document.note,
            }
            for document in sorted(procedure.documents.all(), key=lambda d: (d.order, d.pk))
        ],
        "steps": [
            {
                "order": step.order,
                "name": step.name,
                "agency": step.agency.organ_code if step.agency else None,
                "unit_code": step.unit_code,
                "role": step.role,
                "days": _step_days(step.days),
                "kind": step.kind,
                "is_lead": step.is_lead,
                "note": step.note,
            }
            for step in sorted(procedure.steps.all(), key=lambda s: (s.order, not s.is_lead, s.pk))
        ],
        "application_form": procedure.application_form or empty_definition(),
    }


def export_queryset(codes: Iterable[str] | None = None) -> models.QuerySet[Procedure]:
    queryset = Procedure.objects.select_related("sector", "agency").prefetch_related(
        "fees", "documents", "steps__agency"
    )
    if codes is not None:
        queryset = queryset.filter(code__in=list(codes))
    return queryset.order_by("code")


def export_catalog(codes: Iterable[str] | None = None) -> dict[str, Any]:
    """The whole catalog (or the procedures with these codes) as one JSON-ready document."""
    procedures = [procedure_document(p) for p in export_queryset(codes)]
    sector_codes = {p["sector"] for p in procedures}
    sectors = Sector.objects.order_by("code")
    if codes is not None:
        sectors = sectors.filter(code__in=sector_codes)
    return {
        "format": FORMAT,
        "sectors": [{"code": s.code, "name": s.name} for s in sectors],
        "procedures": procedures,
    }


def export_json(codes: Iterable[str] | None = None) -> bytes:
    return json.dumps(export_catalog(codes), ensure_ascii=False, indent=2).encode("utf-8")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def export_xlsx(codes: Iterable[str] | None = None) -> bytes:
    from openpyxl import Workbook

    document = export_catalog(codes)
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    sheets = {name: workbook.create_sheet(name) for name in SHEETS}
    for name, columns in SHEETS.items():
        sheets[name].append(columns)
        sheets[name].freeze_panes = "A2"

    def append(sheet: str, row: list[Any]) -> None:
        sheets[sheet].append(row)
        # openpyxl writes text starting with "=" as a formula; the catalog holds only text.
        for cell in sheets[sheet][sheets[sheet].max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"

    for sector in document["sectors"]:
        append("Sectors", [sector["code"], sector["name"]])
    for procedure in document["procedures"]:
        row = []
        for column in PROCEDURE_FIELDS:
            value = procedure[column]
            if column == "applicant_types":
                value = ",".join(value)
            elif column == "application_form":
                value = json.dumps(value, ensure_ascii=False)
                if len(value) > XLSX_CELL_LIMIT:
                    raise CatalogError(
                        {
                            procedure["code"]: _(
                                "The form definition is too long for a spreadsheet cell; "
                                "export as JSON instead."
                            )
                        }
                    )
            row.append(_cell(value))
        append("Procedures", row)
        for child_sheet, key, columns in (
            ("Fees", "fees", FEE_FIELDS),
            ("Documents", "documents", DOCUMENT_FIELDS),
            ("Steps", "steps", STEP_FIELDS),
        ):
            for child in procedure[key]:
                append(
                    child_sheet, [procedure["code"], *(_cell(child[column]) for column in columns)]
                )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Parsing


@dataclass
class Location:
    """Where a record came from; ``at(field)`` names one of its fields for an error message."""

    sheet: str
    row: int | None = None

    def at(self, name: str) -> str:
        if self.row is None:  # JSON: sheet is a path such as procedures[3].steps[2]
            return f"{self.sheet}.{name}" if name else self.sheet
        where = _("%(sheet)s, row %(row)s") % {"sheet": self.sheet, "row": self.row}
        return f"{where}, {name}" if name else where


@dataclass
class Record:
    values: dict[str, Any]
    where: Location


@dataclass
class ProcedureSpec:
    values: dict[str, Any]
    where: Location
    fees: list[Record] = field(default_factory=list)
    documents: list[Record] = field(default_factory=list)
    steps: list[Record] = field(default_factory=list)


@dataclass
class ParsedCatalog:
    sectors: list[Record]
    procedures: list[ProcedureSpec]


def parse_json(data: bytes | str) -> ParsedCatalog:
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CatalogError(
            {_("file"): _("The file is not valid JSON: %(error)s") % {"error": exc}}
        ) from None
    return parse_document(document)


def parse_document(document: Any) -> ParsedCatalog:
    """A catalog document (as ``export_catalog`` makes it) ready for checking."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CatalogError(
            {
                "format": _('The document must be an object with "format": "%(format)s".')
                % {"format": FORMAT}
            }
        )
    errors: dict[str, str] = {}

    def records(items: Any, path: str) -> list[Record]:
        if items is None:
            return []
        if not isinstance(items, list):
            errors[path] = _("Must be a list.")
            return []
        found = []
        for index, item in enumerate(items):
            where = Location(f"{path}[{index}]")
            if not isinstance(item, dict):
                errors[where.at("")] = _("Must be an object.")
                continue
            found.append(Record(item, where))
        return found

    sectors = records(document.get("sectors"), "sectors")
    procedures = []
    for record in records(document.get("procedures"), "procedures"):
        values = dict(record.values)
        children = {key: values.pop(key, None) for key in ("fees", "documents", "steps")}
        prefix = record.where.sheet
        procedures.append(
            ProcedureSpec(
                values,
                record.where,
                fees=records(children["fees"], f"{prefix}.fees"),
                documents=records(children["documents"], f"{prefix}.documents"),
                steps=records(children["steps"], f"{prefix}.steps"),
            )
        )
    if errors:
        raise CatalogError(errors)
    return ParsedCatalog(sectors, procedures)


def _sheet_rows(workbook: Any, name: str, errors: dict[str, str]) -> list[Record]:
    if name not in workbook.sheetnames:
        errors[name] = _("The workbook has no sheet %(sheet)s.") % {"sheet": name}
        return []
    sheet = workbook[name]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    expected = SHEETS[name]
    columns = [str(cell).strip() if cell is not None else "" for cell in (header or ())]
    while columns and not columns[-1]:
        columns.pop()
    missing = [column for column in expected if column not in columns]
    unknown = [column for column in columns if column and column not in expected]
    if missing or unknown:
        errors[Location(name, 1).at("")] = _(
            "The header row must hold the columns %(columns)s (missing: %(missing)s; unknown: "
            "%(unknown)s)."
        ) % {
            "columns": ", ".join(expected),
            "missing": ", ".join(missing) or "–",
            "unknown": ", ".join(unknown) or "–",
        }
        return []
    found = []
    for number, row in enumerate(rows, start=2):
        if row is None or all(cell is None or str(cell).strip() == "" for cell in row):
            continue
        values = {
            column: row[index] if index < len(row) else None
            for index, column in enumerate(columns)
            if column
        }
        found.append(Record(values, Location(name, number)))
    return found


def parse_xlsx(data: bytes) -> ParsedCatalog:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise CatalogError(
            {_("file"): _("The file is not an Excel workbook (.xlsx): %(error)s") % {"error": exc}}
        ) from exc
    errors: dict[str, str] = {}
    sheets = {name: _sheet_rows(workbook, name, errors) for name in SHEETS}
    workbook.close()
    if errors:
        raise CatalogError(errors)
    specs: dict[str, ProcedureSpec] = {}
    procedures = []
    for record in sheets["Procedures"]:
        values = dict(record.values)
        raw_types = values.get("applicant_types")
        if isinstance(raw_types, str):
            values["applicant_types"] = [t.strip() for t in raw_types.split(",") if t.strip()]
        raw_form = values.get("application_form")
        if raw_form is None or (isinstance(raw_form, str) and not raw_form.strip()):
            values["application_form"] = empty_definition()
        elif isinstance(raw_form, str):
            try:
                values["application_form"] = json.loads(raw_form)
            except ValueError as exc:
                errors[record.where.at("application_form")] = _("Not valid JSON: %(error)s") % {
                    "error": exc
                }
        spec = ProcedureSpec(values, record.where)
        procedures.append(spec)
        code = _text(values.get("code"))
        if code and code not in specs:
            specs[code] = spec
    for sheet, attribute in (("Fees", "fees"), ("Documents", "documents"), ("Steps", "steps")):
        for record in sheets[sheet]:
            values = dict(record.values)
            code = _text(values.pop("procedure", None))
            owner = specs.get(code)
            if owner is None:
                errors[record.where.at("procedure")] = _(
                    "No procedure with the code %(code)s on the Procedures sheet."
                ) % {"code": code or "–"}
                continue
            getattr(owner, attribute).append(Record(values, record.where))
    if errors:
        raise CatalogError(errors)
    return ParsedCatalog(sheets["Sectors"], procedures)


def parse_file(name: str, data: bytes) -> ParsedCatalog:
    """JSON or XLSX, by content: a workbook is a ZIP archive."""
    if data[:2] == b"PK":
        return parse_xlsx(data)
    if name.lower().endswith(".xlsx"):
        raise CatalogError({_("file"): _("The file is not an Excel workbook (.xlsx).")})
    return parse_json(data)


# ---------------------------------------------------------------------------------------------
# Checking: every value converted to what the models store, every problem collected


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


_YES = {"yes", "true", "1", "có", "x"}
_NO = {"no", "false", "0", "không", ""}


class _Checker:
    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def fail(self, where: Location, name: str, message: str) -> None:
        self.errors.setdefault(where.at(name), message)

    def text(self, record: Record, name: str, *, max_length: int, required: bool = False) -> str:
        raw = record.values.get(name)
        if raw is not None and not isinstance(raw, str | int | float):
            self.fail(record.where, name, _("Must be text."))
            return ""
        value = _text(raw)
        if required and not value:
            self.fail(record.where, name, _("This field is required."))
        elif len(value) > max_length:
            self.fail(
                record.where,
                name,
                _("At most %(count)s characters.") % {"count": max_length},
            )
        return value

    def boolean(self, record: Record, name: str, default: bool = False) -> bool:
        raw = record.values.get(name)
        if raw is None:
            return default
        if isinstance(raw, bool):
            return raw
        value = _text(raw).lower()
        if value in _YES | _NO:
            return value in _YES if value else default
        self.fail(record.where, name, _("Must be yes or no."))
        return default

    def integer(
        self, record: Record, name: str, *, low: int, high: int, default: int | None = None
    ) -> int:
        raw = record.values.get(name)
        if raw is None or _text(raw) == "":
            if default is not None:
                return default
            self.fail(record.where, name, _("This field is required."))
            return low
        try:
            value = Decimal(_text(raw)) if not isinstance(raw, bool) else None
        except InvalidOperation:
            value = None
        if value is None or value != value.to_integral_value() or not low <= value <= high:
            self.fail(
                record.where,
                name,
                _("Must be a whole number from %(low)s to %(high)s.") % {"low": low, "high": high},
            )
            return low
        return int(value)

    def decimal(self, record: Record, name: str, *, high: Decimal) -> Decimal:
        raw = record.values.get(name)
        try:
            value = Decimal(_text(raw)) if raw is not None and not isinstance(raw, bool) else None
        except InvalidOperation:
            value = None
        if (
            value is None
            or not value.is_finite()
            or not Decimal(0) <= value <= high
            or value != value.quantize(Decimal("0.01"))
        ):
            self.fail(
                record.where,
                name,
                _("Must be a number of working days from 0 to %(high)s, at most two decimals.")
                % {"high": high},
            )
            return Decimal(0)
        return value.quantize(Decimal("0.01"))

    def choice(
        self, record: Record, name: str, choices: type[models.Choices], default: Any = None
    ) -> Any:
        raw = record.values.get(name)
        if (raw is None or _text(raw) == "") and default is not None:
            return default
        value: Any = raw
        if issubclass(choices, models.IntegerChoices):
            try:
                value = int(_text(raw))
            except ValueError:
                value = None
        else:
            value = _text(raw)
        if value not in choices.values:
            self.fail(
                record.where,
                name,
                _("Must be one of: %(values)s.") % {"values": ", ".join(map(str, choices.values))},
            )
            return next(iter(choices.values))
        return value


@dataclass
class CheckedProcedure:
    values: dict[str, Any]
    fees: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    steps: list[dict[str, Any]]


@dataclass
class CheckedCatalog:
    sectors: list[dict[str, str]]
    procedures: list[CheckedProcedure]


def check_catalog(parsed: ParsedCatalog) -> CheckedCatalog:
    """Convert and validate everything; raise ``CatalogError`` listing every problem."""
    check = _Checker()
    sectors: dict[str, dict[str, str]] = {}
    for record in parsed.sectors:
        code = check.text(record, "code", max_length=30, required=True)
        name = check.text(record, "name", max_length=255, required=True)
        if code in sectors:
            check.fail(record.where, "code", _("The code %(code)s appears twice.") % {"code": code})
        elif code:
            sectors[code] = {"code": code, "name": name}
    known_sectors = set(sectors) | set(Sector.objects.values_list("code", flat=True))
    agencies = {a.organ_code: a for a in Agency.objects.all()}
    units = set(Unit.objects.values_list("agency__organ_code", "code"))

    def agency(record: Record, name: str) -> Agency | None:
        code = check.text(record, name, max_length=35)
        if not code:
            return None
        if code not in agencies:
            check.fail(
                record.where, name, _("No agency has the organ code %(code)s.") % {"code": code}
            )
            return None
        return agencies[code]

    seen_codes: set[str] = set()
    procedures = []
    for spec in parsed.procedures:
        record = Record(spec.values, spec.where)
        where = spec.where
        unknown = set(spec.values) - set(PROCEDURE_FIELDS)
        if unknown:
            check.fail(
                where, "", _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
            )
        code = check.text(record, "code", max_length=30, required=True)
        if code in seen_codes:
            check.fail(where, "code", _("The code %(code)s appears twice.") % {"code": code})
        seen_codes.add(code)
        sector_code = check.text(record, "sector", max_length=30, required=True)
        if sector_code and sector_code not in known_sectors:
            check.fail(
                where, "sector", _("No sector has the code %(code)s.") % {"code": sector_code}
            )
        values: dict[str, Any] = {
            "code": code,
            "name": check.text(record, "name", max_length=500, required=True),
            "sector": sector_code,
            "level": check.choice(record, "level", Level),
            "agency": agency(record, "agency"),
            "service_level": check.choice(record, "service_level", ServiceLevel),
            "category": check.choice(record, "category", Category),
            "processing_days": check.integer(record, "processing_days", low=0, high=3650),
            "legal_basis": check.text(record, "legal_basis", max_length=20000),
            "result_type": check.text(record, "result_type", max_length=500),
            "result_online": check.boolean(record, "result_online"),
            "is_inter_agency": check.boolean(record, "is_inter_agency"),
            "is_active": check.boolean(record, "is_active", default=True),
            "description": check.text(record, "description", max_length=20000),
            "conditions": check.text(record, "conditions", max_length=20000),
            "steps_text": check.text(record, "steps_text", max_length=20000),
            "where": check.text(record, "where", max_length=20000),
        }
        types = spec.values.get("applicant_types")
        if (
            not isinstance(types, list)
            or not types
            or any(t not in ApplicantType.values for t in types)
            or len(set(types)) != len(types)
        ):
            check.fail(
                where,
                "applicant_types",
                _("Must list citizen and/or business."),
            )
            types = [ApplicantType.CITIZEN.value]
        values["applicant_types"] = list(types)
        form = spec.values.get("application_form")
        if form is None:
            form = empty_definition()
        for message in definition_errors(form):
            check.fail(where, "application_form", message)
            break
        values["application_form"] = form
        # The model's own rules (agency for provincial procedures, category vs level…).
        probe = Procedure(
            **{k: v for k, v in values.items() if k not in ("sector", "agency")},
            agency=values["agency"],
        )
        try:
            probe.clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                check.fail(where, name, " ".join(messages))

        fees = []
        for fee in spec.fees:
            fees.append(
                {
                    "name": check.text(fee, "name", max_length=255, required=True),
                    "kind": check.choice(fee, "kind", FeeKind),
                    "amount": check.integer(fee, "amount", low=0, high=10**12),
                    "note": check.text(fee, "note", max_length=500),
                }
            )
        documents = []
        for document in spec.documents:
            template = check.text(document, "template", max_length=255)
            if template and not default_storage.exists(template):
                check.fail(
                    document.where,
                    "template",
                    _("The file %(name)s is not in the storage; upload it in admin.")
                    % {"name": template},
                )
            documents.append(
                {
                    "order": check.integer(document, "order", low=0, high=999, default=1),
                    "name": check.text(document, "name", max_length=1000, required=True),
                    "copies": check.integer(document, "copies", low=1, high=99, default=1),
                    "original_or_copy": check.choice(
                        document, "original_or_copy", OriginalOrCopy, OriginalOrCopy.ORIGINAL
                    ),
                    "mandatory": check.boolean(document, "mandatory", default=True),
                    "template": template,
                    "note": check.text(document, "note", max_length=1000),
                }
            )
        steps = []
        for step in spec.steps:
            step_agency = agency(step, "agency")
            unit_code = check.text(step, "unit_code", max_length=20)
            if (
                step_agency is not None
                and unit_code
                and ((step_agency.organ_code, unit_code) not in units)
            ):
                check.fail(
                    step.where,
                    "unit_code",
                    _("The agency has no unit with the code %(code)s.") % {"code": unit_code},
                )
            kind = check.choice(step, "kind", StepKind)
            if kind == StepKind.CONSULT and step.values.get("agency") in (None, ""):
                check.fail(
                    step.where, "agency", _("A consultation step names the agency that is asked.")
                )
            steps.append(
                {
                    "order": check.integer(step, "order", low=0, high=999),
                    "name": check.text(step, "name", max_length=500, required=True),
                    "agency": step_agency,
                    "unit_code": unit_code,
                    "role": check.choice(step, "role", Role),
                    "days": check.decimal(step, "days", high=Decimal(999)),
                    "kind": kind,
                    "is_lead": check.boolean(step, "is_lead"),
                    "note": check.text(step, "note", max_length=1000),
                }
            )
        _check_steps(check, spec, values["processing_days"], steps)
        procedures.append(CheckedProcedure(values, fees, documents, steps))
    if check.errors:
        raise CatalogError(check.errors)
    return CheckedCatalog(list(sectors.values()), procedures)


def _check_steps(
    check: _Checker, spec: ProcedureSpec, processing_days: int, steps: list[dict[str, Any]]
) -> None:
    where = spec.where
    probes = [WorkflowStep(**{k: v for k, v in step.items() if k != "agency"}) for step in steps]
    total = sequential_days(probes)
    if total > processing_days:
        check.fail(
            where,
            "steps",
            _(
                "The steps take %(total)s working days in sequence, more than the %(days)s "
                "working days the procedure allows."
            )
            % {"total": f"{total.normalize():f}", "days": processing_days},
        )
    groups: dict[int, int] = {}
    leads: dict[int, int] = {}
    for step in steps:
        groups[step["order"]] = groups.get(step["order"], 0) + 1
        leads[step["order"]] = leads.get(step["order"], 0) + int(step["is_lead"])
    for order, count in sorted(groups.items()):
        if count > 1 and leads[order] != 1:
            check.fail(
                where,
                "steps",
                _("The parallel steps of order %(order)s need exactly one lead body.")
                % {"order": order},
            )


# ---------------------------------------------------------------------------------------------
# Writing (inside the import action's transaction)


@dataclass
class WriteResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    sectors_written: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.sectors_written)


def _assign(obj: models.Model, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        current = getattr(obj, name)
        if name == "template":
            current = current.name or ""
        if current != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _sync_children(
    model: Any,
    procedure: Procedure,
    existing: list[Any],
    wanted: list[dict[str, Any]],
) -> bool:
    """Update children in place by position; create the extra ones, delete the surplus."""
    changed = False
    for obj, values in zip(existing, wanted, strict=False):
        if _assign(obj, values):
            obj.save()
            changed = True
    for values in wanted[len(existing) :]:
        model.objects.create(procedure=procedure, **values)
        changed = True
    surplus = [obj.pk for obj in existing[len(wanted) :]]
    if surplus:
        model.objects.filter(pk__in=surplus).delete()
        changed = True
    return changed


def write_catalog(checked: CheckedCatalog) -> WriteResult:
    result = WriteResult()
    for sector_values in checked.sectors:
        sector = Sector.objects.select_for_update().filter(code=sector_values["code"]).first()
        if sector is None:
            Sector.objects.create(**sector_values)
            result.sectors_written += 1
        elif sector.name != sector_values["name"]:
            sector.name = sector_values["name"]
            sector.save()
            result.sectors_written += 1
    sectors = {s.code: s for s in Sector.objects.all()}
    codes = [p.values["code"] for p in checked.procedures]
    existing = {
        p.code: p
        for p in Procedure.objects.select_for_update()
        .filter(code__in=codes)
        .prefetch_related("fees", "documents", "steps")
    }
    for item in checked.procedures:
        values: dict[str, Any] = {**item.values, "sector": sectors[item.values["sector"]]}
        procedure = existing.get(values["code"])
        if procedure is None:
            procedure = Procedure(**values)
            procedure.save()
            result.created.append(procedure.code)
            changed = True
        else:
            changed = _assign(procedure, values)
            if changed:
                procedure.save()
        fees = sorted(procedure.fees.all(), key=lambda fee: fee.pk)
        documents = sorted(procedure.documents.all(), key=lambda d: (d.order, d.pk))
        steps = sorted(procedure.steps.all(), key=lambda s: (s.order, not s.is_lead, s.pk))
        children_changed = [
            _sync_children(ProcedureFee, procedure, fees, item.fees),
            _sync_children(RequiredDocument, procedure, documents, item.documents),
            _sync_children(WorkflowStep, procedure, steps, item.steps),
        ]
        if procedure.code in result.created:
            continue
        if changed or any(children_changed):
            result.updated.append(procedure.code)
        else:
            result.unchanged.append(procedure.code)
    return result


def read_catalog_file(name: str, data: bytes) -> CheckedCatalog:
    """Parse and check a JSON or XLSX file; raises ``CatalogError``."""
    return check_catalog(parse_file(name, data))
