"""The official forms of Circular 01/2018 as records: the seam the form renderer plugs into.

Actions call ``issue_form(dossier, "01", acting_user=…)`` inside their transaction; this records a
``DossierForm`` with a snapshot of everything the form shows. Rendering to PDF (A5, Vietnamese,
QR code, signature) is the job of a renderer registered with ``register_renderer``: it gets the
record after commit and may store the PDF in ``DossierForm.file``.

| No. | Form | Issued by |
|---|---|---|
| 01 | Giấy tiếp nhận hồ sơ và hẹn trả kết quả | ``accept`` |
| 02 | Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ | ``request_supplement`` |
| 03 | Phiếu từ chối tiếp nhận, giải quyết hồ sơ | ``refuse``, ``reject_on_merits`` |
| 04 | Phiếu xin lỗi và hẹn lại ngày trả kết quả | ``apologise_and_reschedule`` |
| 05 | Phiếu kiểm soát quá trình giải quyết hồ sơ | ``return_result`` (snapshot of the steps) |
| 06 | Sổ theo dõi hồ sơ | a register per unit and period, not per dossier |
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from egov.dossiers.models import Dossier, DossierEvent, DossierForm

if TYPE_CHECKING:
    from egov.accounts.models import User

FORM_TITLES = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "03": "Phiếu từ chối tiếp nhận, giải quyết hồ sơ",
    "04": "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    "05": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    "06": "Sổ theo dõi hồ sơ",
}

Renderer = Callable[[DossierForm], None]
# form number -> renderer, called after commit for every form of that number.
RENDERERS: dict[str, Renderer] = {}


def register_renderer(number: str, renderer: Renderer) -> None:
    if number not in FORM_TITLES:
        raise ValueError(f"unknown form number {number!r}")
    RENDERERS[number] = renderer


def _local(value: Any) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


def base_snapshot(dossier: Dossier) -> dict[str, Any]:
    """What every form shows about the dossier, as plain JSON."""
    unit = dossier.receiving_unit
    return {
        "code": dossier.code,
        "procedure": {"code": dossier.procedure_code, "name": dossier.procedure_name},
        "receiving_agency": dossier.receiving_agency.name,
        "receiving_unit": unit.name,
        "applicant": {
            "name": dossier.applicant_name,
            "personal_id": dossier.applicant_personal_id,
            "tax_code": dossier.applicant_tax_code,
            "address": dossier.applicant_address,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
        },
        "channel": dossier.channel,
        "registered_at": _local(dossier.registered_at),
        "received_at": _local(dossier.received_at),
        "processing_days": dossier.processing_days,
        "due_on": dossier.due_on.isoformat() if dossier.due_on else None,
        "return_method": dossier.return_method,
        "return_address": dossier.return_address,
        "documents": [
            {"name": d.name, "sets": d.sets, "scan": bool(d.file)} for d in dossier.documents.all()
        ],
    }


def issue_form(
    dossier: Dossier,
    number: str,
    *,
    acting_user: User | None,
    data: Mapping[str, Any] | None = None,
    event: DossierEvent | None = None,
) -> DossierForm:
    """Record form ``number`` for ``dossier`` (inside the calling action's transaction)."""
    if number not in FORM_TITLES:
        raise ValueError(f"unknown form number {number!r}")
    snapshot = {"form": number, "title": FORM_TITLES[number], **base_snapshot(dossier)}
    snapshot.update(data or {})
    form = DossierForm.objects.create(
        dossier=dossier,
        number=number,
        issued_at=timezone.now(),
        issued_by=acting_user if acting_user is not None and acting_user.pk else None,
        event=event,
        data=snapshot,
    )
    renderer = RENDERERS.get(number)
    if renderer is not None:
        transaction.on_commit(lambda: renderer(form))
    return form
