"""Every write of the citizen portal: online applications (start, save the draft, submit,
discard), result files returned online, and receipts kept in the document store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import BusinessMember, CitizenProfile
from egov.audit.actions import record_event
from egov.docstore.actions import keep, record_use
from egov.docstore.models import DocumentKind, StoredDocument
from egov.dossiers.actions import ApplicantInput, DocumentInput, register_dossier
from egov.dossiers.files import check_scan
from egov.dossiers.models import ApplicantKind, Channel, Dossier, ReturnMethod
from egov.dossiers.permissions import may_record_result
from egov.dossiers.workflow import Status
from egov.lib.actions import action
from egov.lib.problems import Conflict, InvalidInput, NotFound, PermissionDenied, invalid
from egov.org.selectors import is_staff_member
from egov.portal import states
from egov.portal.models import (
    Application,
    ApplicationAttachment,
    ApplicationEvent,
    ApplicationStatus,
    DossierResult,
)
from egov.portal.plan import Plan, collect_answers, plan_for, prefilled, profile_values
from egov.procedures.models import Procedure, ServiceLevel

if TYPE_CHECKING:
    from egov.accounts.models import User

APPLICATION_KIND = "application"


# ------------------------------------------------------------------------------------------
# Helpers


def fees_due(procedure: Procedure) -> int:
    """What is paid online for a procedure: the sum of its fees and charges (level 4 only)."""
    if procedure.service_level < ServiceLevel.FULL_ONLINE:
        return 0
    return sum(fee.amount for fee in procedure.fees.all())


def fee_timing(procedure: Procedure) -> str:
    from egov.portal.models import FeeTiming

    setting = getattr(procedure, "online_service", None)
    return setting.fee_timing if setting is not None else FeeTiming.BEFORE_SUBMISSION


def return_methods(procedure: Procedure) -> list[str]:
    """Online return only where the procedure returns its result online (toàn trình)."""
    methods = [ReturnMethod.DESK, ReturnMethod.POST]
    if procedure.result_online:
        methods.insert(0, ReturnMethod.ONLINE)
    return [str(m) for m in methods]


def _lock(application: Application | UUID | str, user: User) -> Application:
    public_id = application.public_id if isinstance(application, Application) else application
    found = (
        Application.objects.select_for_update(of=("self",))
        .select_related("procedure", "business")
        .filter(public_id=public_id)
        .first()
    )
    if found is None or found.applicant_id != user.pk:
        raise NotFound()
    return found


def _history(application: Application, action_name: str, source: str, user: User) -> None:
    if not states.is_allowed(action_name, source, application.status):
        raise RuntimeError(f"{action_name}: {source} -> {application.status} is not allowed")
    ApplicationEvent.objects.create(
        application=application,
        action=action_name,
        from_status=source,
        to_status=application.status,
        actor=user,
    )


def _editable(application: Application) -> None:
    if application.status not in states.EDITABLE:
        code = application.dossier.code if application.dossier else ""
        raise Conflict(
            _("This application has been submitted (dossier %(code)s).") % {"code": code},
            code="already_submitted",
            extra={"dossier": code},
        )


# ------------------------------------------------------------------------------------------
# Starting and saving a draft


@action
def start_application(
    *, acting_user: User, procedure: Procedure | str, business_tax_code: str = ""
) -> Application:
    """Open a draft, prefilled from the applicant's profile."""
    if isinstance(procedure, str):
        found = Procedure.objects.filter(code=procedure, is_active=True).first()
        if found is None:
            raise NotFound()
        procedure = found
    if is_staff_member(acting_user):
        raise PermissionDenied(
            _("Civil servants register dossiers at the desk, not as online submissions.")
        )
    if procedure.service_level < ServiceLevel.ONLINE_SUBMISSION or not procedure.is_active:
        raise Conflict(
            _("This procedure cannot be submitted online (service level %(level)s).")
            % {"level": procedure.service_level},
            code="not_online",
        )
    business = None
    if business_tax_code:
        membership = (
            BusinessMember.objects.filter(user=acting_user, business__tax_code=business_tax_code)
            .select_related("business", "business__administrative_unit__parent")
            .first()
        )
        if membership is None:
            raise invalid("business", _("You do not represent a business with this tax code."))
        business = membership.business
    kind = ApplicantKind.BUSINESS if business else ApplicantKind.CITIZEN
    if not procedure.accepts(kind):
        raise invalid("business", _("This procedure is not open to this type of applicant."))
    plan = plan_for(procedure)
    methods = return_methods(procedure)
    application = Application.objects.create(
        applicant=acting_user,
        procedure=procedure,
        business=business,
        form_data=prefilled(plan, profile_values(acting_user, business)),
        return_method=methods[0],
        fee_amount=fees_due(procedure),
    )
    _history(application, states.START, "", acting_user)
    record_event(
        actor=acting_user,
        verb="portal.start_application",
        obj=application,
        after={"procedure": procedure.code, "business": business_tax_code or None},
    )
    return application


@dataclass
class SaveResult:
    """A draft is saved even when some of it is wrong: ``errors`` (slot or field → message)
    says what was not taken, e.g. a file that is not a PDF."""

    application: Application
    errors: dict[str, str] = field(default_factory=dict)


def _attach(
    application: Application, slot_key: str, document: StoredDocument, single: bool
) -> None:
    if single:
        ApplicationAttachment.objects.filter(application=application, slot=slot_key).exclude(
            document=document
        ).delete()
    ApplicationAttachment.objects.get_or_create(
        application=application, slot=slot_key, document=document
    )


@action
def save_application(
    *,
    acting_user: User,
    application: Application | UUID | str,
    answers: Mapping[str, Any],
    return_method: str | None = None,
    return_address: str | None = None,
    uploads: Mapping[str, Sequence[IO[bytes]]] | None = None,
    picks: Mapping[str, Sequence[int]] | None = None,
    removals: Sequence[int] = (),
) -> SaveResult:
    """Keep what the applicant has written so far, nothing checked but the files.

    ``uploads`` and ``picks`` map slot keys (``field:<name>``, ``doc:<id>``) to new files (kept
    in the applicant's document store too) and to documents already in the store. A file that
    is refused does not stop the rest from being saved.
    """
    found = _lock(application, acting_user)
    _editable(found)
    plan = plan_for(found.procedure)
    errors: dict[str, str] = {}
    found.form_data = collect_answers(plan, answers)
    if return_method is not None:
        if return_method in return_methods(found.procedure):
            found.return_method = return_method
        else:
            errors["return_method"] = _("Choose one of the allowed values.")
    if return_address is not None:
        found.return_address = " ".join(return_address.split())[:500]
    found.save()
    ApplicationAttachment.objects.filter(application=found, pk__in=list(removals)).delete()
    for key, ids in (picks or {}).items():
        slot = plan.slot(key)
        if slot is None:
            continue
        for document in StoredDocument.objects.filter(owner=acting_user, pk__in=list(ids)):
            _attach(found, key, document, not slot.multiple)
    for key, files in (uploads or {}).items():
        slot = plan.slot(key)
        if slot is None:
            continue
        for upload in files:
            try:
                with transaction.atomic():
                    document = keep(
                        owner=acting_user,
                        content=upload,
                        filename=getattr(upload, "name", "") or "",
                        title=slot.label[:255],
                        kind=DocumentKind.UPLOAD,
                        field=key,
                    )
                    _attach(found, key, document, not slot.multiple)
            except InvalidInput as problem:
                errors[key] = str(problem.detail)
    record_event(
        actor=acting_user,
        verb="portal.save_application",
        obj=found,
        after={"errors": sorted(errors)},
    )
    return SaveResult(application=found, errors=errors)


@action
def discard_application(*, acting_user: User, application: Application | UUID | str) -> None:
    """Throw a draft away; the documents it used stay in the store."""
    found = _lock(application, acting_user)
    if found.status not in states.DISCARDABLE:
        _editable(found)
    record_event(
        actor=acting_user,
        verb="portal.discard_application",
        obj=found,
        before={"status": found.status, "procedure": found.procedure.code},
    )
    found.delete()


# ------------------------------------------------------------------------------------------
# Checking and submitting


@dataclass
class Checked:
    """An application that passed every check, ready to become a dossier."""

    cleaned: dict[str, Any]
    applicant: ApplicantInput
    documents: list[tuple[Any, StoredDocument]]  # (slot, document)


def _attachments(application: Application) -> dict[str, list[StoredDocument]]:
    found: dict[str, list[StoredDocument]] = {}
    for item in application.attachments.select_related("document").order_by("id"):
        found.setdefault(item.slot, []).append(item.document)
    return found


def _address_answer(plan: Plan, cleaned: Mapping[str, Any]) -> str:
    fields = [f for f in plan.fields if f["type"] == "address" and cleaned.get(f["name"])]
    preferred = [f for f in fields if f.get("prefill") == "address"] or fields
    return str(cleaned[preferred[0]["name"]]["full"]) if preferred else ""


def _answer_with(plan: Plan, cleaned: Mapping[str, Any], key: str) -> str:
    for spec in plan.fields:
        if spec.get("prefill") == key and cleaned.get(spec["name"]):
            return str(cleaned[spec["name"]])
    return ""


def check_application(application: Application, plan: Plan | None = None) -> Checked:
    """Every check the submission makes, without writing: the form through the forms engine
    (files included), the documents, the result's return, the fees, the applicant's identity.
    Raises ``InvalidInput`` naming each field (or slot) that is not right."""
    from egov.accounts.addresses import full_address
    from egov.procedures.forms_engine import validate_submission

    plan = plan or plan_for(application.procedure)
    attached = _attachments(application)
    opened: dict[str, list[Any]] = {}
    for slot in plan.field_slots:
        assert slot.field is not None
        opened[slot.field["name"]] = [doc.file.open("rb") for doc in attached.get(slot.key, [])]
    try:
        cleaned, errors = validate_submission(plan.definition, application.form_data, opened)
    finally:
        for files in opened.values():
            for handle in files:
                handle.close()
    errors = {
        (f"field:{name}" if plan.slot(f"field:{name}") else name): message
        for name, message in errors.items()
    }
    for slot in plan.document_slots:
        if slot.required and not attached.get(slot.key):
            errors[slot.key] = _("Attach this document.")
    procedure = application.procedure
    if application.return_method not in return_methods(procedure):
        errors["return_method"] = _("Choose how you want to receive the result.")

    user = application.applicant
    address = _address_answer(plan, cleaned)
    if application.business is not None:
        business = application.business
        address = address or full_address(business.address, business.administrative_unit)
        applicant = ApplicantInput(
            kind=ApplicantKind.BUSINESS,
            name=business.name,
            tax_code=business.tax_code,
            address=address,
            phone=_answer_with(plan, cleaned, "phone") or user.phone,
            email=_answer_with(plan, cleaned, "email") or user.email,
        )
    else:
        profile = (
            CitizenProfile.objects.select_related("administrative_unit__parent")
            .filter(user=user)
            .first()
        )
        if profile is None:
            errors["profile"] = _("Add your personal ID to your profile before submitting online.")
        else:
            address = address or full_address(profile.address, profile.administrative_unit)
        applicant = ApplicantInput(
            kind=ApplicantKind.CITIZEN,
            name=user.get_full_name(),
            personal_id=profile.personal_id if profile else "",
            address=address,
            phone=_answer_with(plan, cleaned, "phone") or user.phone,
            email=_answer_with(plan, cleaned, "email") or user.email,
        )
    if not address and "profile" not in errors:
        errors["profile"] = _("Add your address to your profile or to the form.")
    if application.return_method == ReturnMethod.POST and not (
        application.return_address or address
    ):
        errors["return_address"] = _("Give the address the result is posted to.")
    if _fee_blocks_submission(application):
        errors["fee"] = _("Pay the fees online before submitting.")
    if errors:
        raise InvalidInput(next(iter(errors.values())), errors=errors)
    documents = [
        (slot, document)
        for slot in plan.slots
        for document in attached.get(slot.key, [])
        if slot.field is None or slot.field["name"] in cleaned
    ]
    return Checked(cleaned=cleaned, applicant=applicant, documents=documents)


def _fee_blocks_submission(application: Application) -> bool:
    from egov.portal.models import FeeTiming

    return (
        application.fee_amount > 0
        and fee_timing(application.procedure) == FeeTiming.BEFORE_SUBMISSION
        and application.fee_paid_at is None
    )


def _display(spec: Mapping[str, Any], value: Any) -> str:
    from egov.procedures.forms_engine import localized

    if value is None or value == "" or value == []:
        return "–"
    kind = spec["type"]
    if kind == "boolean":
        return "Có" if value else "Không"
    if kind == "address":
        return str(value.get("full", ""))
    if kind == "date":
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    if kind == "choice":
        labels = {c["value"]: localized(c, "label") for c in spec["choices"]}
        values = value if isinstance(value, list) else [value]
        return ", ".join(str(labels.get(v, v)) for v in values)
    if kind == "file":
        files = value if isinstance(value, list) else [value]
        return ", ".join(f.name.rsplit("/", 1)[-1] for f in files)
    return str(value)


def answer_rows(plan: Plan, cleaned: Mapping[str, Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The answers by section as (label, shown value), in Vietnamese (the declaration's
    language)."""
    sections: list[tuple[str, list[tuple[str, str]]]] = []
    for spec in plan.fields:
        if spec["name"] not in cleaned or spec["type"] == "file":
            continue
        heading = spec.get("section", "")
        if not sections or (heading and heading != sections[-1][0]):
            sections.append((heading, []))
        sections[-1][1].append((spec["label"], _display(spec, cleaned[spec["name"]])))
    return sections


@action
def submit_application(*, acting_user: User, application: Application | UUID | str) -> Dossier:
    """Submit the draft: it becomes a dossier (channel online) through the one-stop
    registration, with the declaration as a PDF and every attached document."""
    from egov.portal.pdfs import declaration_pdf

    found = _lock(application, acting_user)
    _editable(found)
    plan = plan_for(found.procedure)
    checked = check_application(found, plan)
    now = timezone.now()
    inputs: list[DocumentInput] = []
    if plan.declaration is not None:
        inputs.append(
            DocumentInput(
                required_document_id=plan.declaration.pk,
                content=declaration_pdf(
                    procedure_name=found.procedure.name,
                    applicant=checked.applicant.name,
                    sections=answer_rows(plan, checked.cleaned),
                    attachments=[doc.title for _slot, doc in checked.documents],
                    at=now,
                ),
                filename="to-khai.pdf",
            )
        )
    for slot, document in checked.documents:
        with document.file.open("rb") as handle:
            content = handle.read()
        inputs.append(
            DocumentInput(
                required_document_id=slot.required_document.pk if slot.required_document else None,
                name="" if slot.required_document else slot.label,
                content=content,
                filename=document.original_name or document.download_name,
            )
        )
    answers = dict(found.form_data)
    dossier = register_dossier(
        acting_user=acting_user,
        procedure=found.procedure,
        channel=Channel.ONLINE,
        applicant=checked.applicant,
        documents=inputs,
        form_data=answers,
        return_method=found.return_method,
        return_address=found.return_address,
    )
    for _slot, document in checked.documents:
        record_use(document, dossier)
    source = found.status
    found.status = ApplicationStatus.SUBMITTED
    found.submitted_at = now
    found.dossier = dossier
    found.save()
    _history(found, states.SUBMIT, source, acting_user)
    record_event(
        actor=acting_user,
        verb="portal.submit_application",
        obj=found,
        after={"dossier": dossier.code, "documents": len(inputs)},
    )
    return dossier


# ------------------------------------------------------------------------------------------
# Results returned online


def _result_dossier(code: str) -> Dossier:
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("receiving_agency", "deciding_agency", "procedure")
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise NotFound()
    return dossier


@action
def attach_result_file(
    *, acting_user: User, dossier: Dossier | str, content: IO[bytes] | bytes, filename: str
) -> DossierResult:
    """The deciding body (or the desk) attaches the electronic result, a PDF (signed once the
    signatures app issues it), before it is returned online."""
    from egov.dossiers.access import may_see

    code = dossier if isinstance(dossier, str) else dossier.code
    found = _result_dossier(code)
    if not may_see(acting_user, found):
        raise NotFound()
    if not may_record_result(acting_user, found):
        raise PermissionDenied(_("Only the deciding body or the desk attaches the result."))
    if found.status not in (Status.APPROVED, Status.RESULT_READY):
        raise Conflict(
            _("A result file is attached once the dossier is approved and until it is returned."),
            code="result_not_expected",
        )
    scan = check_scan(content, filename, field="file")
    if scan.content_type != "application/pdf":
        raise invalid("file", _("The result must be a PDF file."))
    result = DossierResult.objects.filter(dossier=found).first() or DossierResult(dossier=found)
    result.original_name = scan.name
    result.size = scan.size
    result.sha256 = scan.sha256
    result.generated = False
    result.attached_by = acting_user
    result.file.save(scan.name, scan.content, save=False)
    result.save()
    record_event(
        actor=acting_user,
        verb="portal.attach_result_file",
        obj=result,
        agency=found.receiving_agency,
        after={"dossier": found.code, "sha256": scan.sha256},
    )
    return result


@action
def deliver_result(*, acting_user: User | None, dossier: Dossier) -> StoredDocument | None:
    """The result was returned online: it lands in the applicant's document store (the
    attached file, or a notice of the recorded result when none was attached)."""
    from django.core.files.base import ContentFile

    from egov.portal.pdfs import result_notice_pdf

    if dossier.applicant is None:
        record_event(
            actor=acting_user, verb="portal.deliver_result", obj=dossier, after={"kept": False}
        )
        return None
    result = DossierResult.objects.select_for_update().filter(dossier=dossier).first()
    if result is None:
        content = result_notice_pdf(
            code=dossier.code,
            procedure_name=dossier.procedure_name,
            applicant=dossier.applicant_name,
            agency=(dossier.deciding_agency or dossier.receiving_agency).name,
            number=dossier.result_number,
            summary=dossier.result_summary or "–",
            decided_at=dossier.finished_at or dossier.decided_at,
        )
        scan = check_scan(content, f"ket-qua-{dossier.pk}.pdf", field="file")
        result = DossierResult(
            dossier=dossier,
            original_name=f"thong-bao-ket-qua-{dossier.pk}.pdf",
            size=scan.size,
            sha256=scan.sha256,
            generated=True,
        )
        result.file.save(result.original_name, ContentFile(content), save=False)
    with result.file.open("rb") as handle:
        content = handle.read()
    document = keep(
        owner=dossier.applicant,
        content=content,
        filename=result.original_name or "ket-qua.pdf",
        title=_("Result of dossier %(code)s") % {"code": dossier.code},
        kind=DocumentKind.RESULT,
        source=dossier.code,
    )
    result.delivered_at = timezone.now()
    result.save()
    record_event(
        actor=acting_user,
        verb="portal.deliver_result",
        obj=dossier,
        agency=dossier.receiving_agency,
        after={"kept": document.pk, "generated": result.generated},
    )
    return document


@action
def keep_receipt(*, acting_user: User | None, reference: str) -> StoredDocument | None:
    """A paid application's receipt lands in the payer's document store (run after the
    payment commits)."""
    from egov.payments.models import Payment, PaymentStatus
    from egov.payments.receipts import receipt_pdf

    payment = Payment.objects.select_related("payer").filter(reference=reference).first()
    if (
        payment is None
        or payment.status != PaymentStatus.SUCCEEDED
        or payment.receipt_number is None
    ):
        record_event(
            actor=acting_user,
            verb="portal.keep_receipt",
            object_type="payments.payment",
            object_id=reference,
            after={"kept": False},
        )
        return None
    try:
        with transaction.atomic():
            document = keep(
                owner=payment.payer,
                content=receipt_pdf(payment),
                filename=f"bien-lai-{payment.receipt_number}.pdf",
                title=_("Receipt %(number)s: %(description)s")
                % {"number": payment.receipt_number, "description": payment.description},
                kind=DocumentKind.RECEIPT,
                source=payment.reference,
            )
    except IntegrityError:  # kept by a task that ran at the same time
        document = StoredDocument.objects.get(owner=payment.payer, source=payment.reference)
    record_event(
        actor=acting_user,
        verb="portal.keep_receipt",
        obj=document,
        after={"payment": payment.reference},
    )
    return document


# ------------------------------------------------------------------------------------------
# Supplements answered online


@action
def send_supplement(
    *,
    acting_user: User,
    dossier: Dossier | str,
    uploads: Sequence[tuple[str, IO[bytes]]] = (),
    picks: Sequence[int] = (),
    note: str = "",
) -> Dossier:
    """The applicant answers a supplement request online with new files (kept in the document
    store too) and documents already in the store."""
    from egov.dossiers.actions import submit_supplement

    code = dossier if isinstance(dossier, str) else dossier.code
    found = Dossier.objects.filter(code=code).first()
    if found is None or found.applicant_id != acting_user.pk:
        raise NotFound()
    documents: list[StoredDocument] = []
    for index, (title, upload) in enumerate(uploads):
        documents.append(
            keep(
                owner=acting_user,
                content=upload,
                filename=getattr(upload, "name", "") or "",
                title=title or getattr(upload, "name", ""),
                kind=DocumentKind.UPLOAD,
                field=f"file_{index}",
            )
        )
    documents += list(StoredDocument.objects.filter(owner=acting_user, pk__in=list(picks)))
    if not documents:
        raise invalid("file_0", _("Attach at least one document."))
    inputs = []
    for document in documents:
        with document.file.open("rb") as handle:
            inputs.append(
                DocumentInput(
                    name=document.title,
                    content=handle.read(),
                    filename=document.original_name or document.download_name,
                )
            )
    updated = submit_supplement(acting_user=acting_user, dossier=code, documents=inputs, note=note)
    for document in documents:
        record_use(document, updated)
    record_event(
        actor=acting_user,
        verb="portal.send_supplement",
        obj=updated,
        after={"documents": len(documents)},
    )
    return updated


# ------------------------------------------------------------------------------------------
# Life events


def life_event_values(item: Mapping[str, Any], order: int) -> dict[str, Any]:
    return {
        "name": item["name"],
        "name_en": item.get("name_en", ""),
        "description": item.get("description", ""),
        "description_en": item.get("description_en", ""),
        "order": order,
    }


def life_event_procedures(item: Mapping[str, Any]) -> set[int]:
    codes = item.get("procedures", [])
    return set(Procedure.objects.filter(code__in=codes).values_list("pk", flat=True))


@action
def import_life_events(
    *, acting_user: User | None, items: Sequence[Mapping[str, Any]]
) -> tuple[int, int]:
    """Create or update life events from data and link the procedures that exist by code;
    idempotent (a second run changes nothing). Returns (created, updated)."""
    from egov.org.selectors import is_system_admin
    from egov.portal.models import LifeEvent

    if acting_user is not None and not is_system_admin(acting_user):
        raise PermissionDenied()
    created = updated = 0
    for order, item in enumerate(items, start=1):
        values = life_event_values(item, order)
        event = LifeEvent.objects.filter(slug=item["slug"]).first()
        changed = is_new = False
        if event is None:
            event = LifeEvent.objects.create(slug=item["slug"], **values)
            created += 1
            is_new = True
        elif any(getattr(event, key) != value for key, value in values.items()):
            LifeEvent.objects.filter(pk=event.pk).update(**values)
            changed = True
        wanted = life_event_procedures(item)
        if wanted != set(event.procedures.values_list("pk", flat=True)):
            event.procedures.set(wanted)
            changed = changed or not is_new
        updated += int(changed)
    record_event(
        actor=acting_user,
        verb="portal.import_life_events",
        object_type="portal.lifeevent",
        after={"created": created, "updated": updated},
    )
    return created, updated
