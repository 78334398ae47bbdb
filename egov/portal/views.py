"""The citizen portal's pages: the service finder and procedure pages (public), applying
online (drafts, documents, review, submission), the applicant's dossier page (timeline,
supplement, withdrawal, fees, result, rating), and the result upload for the deciding body."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from egov.accounts.models import BusinessMember
from egov.accounts.selectors import request_user
from egov.docstore.selectors import documents_of
from egov.dossiers.access import access_dossier
from egov.dossiers.actions import withdraw_dossier
from egov.dossiers.forms import FORM_TITLES
from egov.dossiers.models import Dossier, ReturnMethod
from egov.dossiers.workflow import Action, Status, actions_from
from egov.lib.problems import InvalidInput, NotFound, Problem
from egov.org.models import Agency, Role
from egov.org.selectors import is_staff_member
from egov.portal import actions, selectors
from egov.portal.formview import field_views
from egov.portal.models import Application, ApplicationStatus, DossierResult, FeeTiming, LifeEvent
from egov.portal.plan import Plan, plan_for
from egov.procedures.models import Category, Procedure, RequiredDocument, Sector, ServiceLevel
from egov.procedures.selectors import search_procedures, workflow_of

PAGE_SIZE = 20
BROWSE_CACHE_KEY = "portal:browse-lists"
BROWSE_CACHE_SECONDS = 300
MY_DRAFTS = 20  # the most recent; older drafts are reached from their procedure's page
SUPPLEMENT_FILES = 3


# ------------------------------------------------------------------------------------------
# Finding a service (public)


def _agencies_with_procedures() -> list[Agency]:
    return list(
        Agency.objects.filter(is_active=True, procedures__is_active=True)
        .distinct()
        .order_by("name")
        .only("organ_code", "name")
    )


def _browse_lists() -> dict[str, Any]:
    """Sectors, agencies and life events for the finder: they change rarely, so each process
    keeps them a few minutes instead of asking the database on every search."""
    lists = cache.get(BROWSE_CACHE_KEY)
    if lists is None:
        lists = {
            "sectors": list(Sector.objects.order_by("name")),
            "agencies": _agencies_with_procedures(),
            "life_events": list(selectors.life_events()),
        }
        cache.set(BROWSE_CACHE_KEY, lists, BROWSE_CACHE_SECONDS)
    return dict(lists)


@login_not_required
def services(request: HttpRequest) -> HttpResponse:
    """Search without diacritics, by sector, agency, life event, and how far it goes online."""
    text = request.GET.get("q", "").strip()[:100]
    sector = request.GET.get("sector", "")[:30]
    agency = request.GET.get("agency", "")[:35]
    event = request.GET.get("event", "")[:60]
    online = request.GET.get("online", "")
    found = search_procedures(text=text, sector=sector or None, agency=agency or None)
    if event:
        found = found.filter(life_events__slug=event)
    if online == "full":
        found = found.filter(category=Category.FULL_ONLINE)
    elif online == "yes":
        found = found.filter(service_level__gte=ServiceLevel.ONLINE_SUBMISSION)
    paginator = Paginator(found, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    searching = bool(query)
    response = render(
        request,
        "portal/services.html",
        {
            "q": text,
            "sector": sector,
            "agency": agency,
            "event": event,
            "online": online,
            "page": page,
            "query": urlencode(query),
            "searching": searching,
            **_browse_lists(),
        },
    )
    if not request.user.is_authenticated:
        response["Cache-Control"] = "public, max-age=300"
    return response


def _who_does_each_step(procedure: Procedure) -> list[dict[str, Any]]:
    from egov.org.models import Unit

    rows = []
    for group in workflow_of(procedure):
        for step in group:
            agency = step.agency.name if step.agency else _("The agency that receives the dossier")
            unit = ""
            if step.unit_code and step.agency_id:
                found = Unit.objects.filter(agency_id=step.agency_id, code=step.unit_code).first()
                unit = found.name if found else ""
            rows.append(
                {
                    "order": group.order,
                    "parallel": group.is_parallel,
                    "lead": group.is_parallel and step.is_lead,
                    "name": step.name,
                    "agency": agency,
                    "unit": unit,
                    "role": Role(step.role).label,
                    "days": step.days.normalize(),
                }
            )
    return rows


@login_not_required
def service(request: HttpRequest, code: str) -> HttpResponse:
    """Everything of level 1, the forms of level 2, and how far the procedure goes online."""
    procedure = selectors.procedure_page(code)
    if procedure is None:
        raise Http404
    fees = list(procedure.fees.all())
    context: dict[str, Any] = {
        "procedure": procedure,
        "fees": fees,
        "fees_online": actions.fees_due(procedure),
        "fee_timing": actions.fee_timing(procedure),
        "FeeTiming": FeeTiming,
        "documents": list(procedure.documents.all()),
        "steps": _who_does_each_step(procedure),
        "online": procedure.service_level >= ServiceLevel.ONLINE_SUBMISSION,
        "has_form": bool((procedure.application_form or {}).get("fields")),
        "life_events": list(procedure.life_events.all()),
    }
    user = request.user
    if user.is_authenticated and not is_staff_member(user):
        context["drafts"] = list(selectors.drafts_of(user).filter(procedure=procedure))
        context["businesses"] = (
            [
                m.business
                for m in BusinessMember.objects.filter(user=user).select_related("business")
            ]
            if procedure.accepts("business")
            else []
        )
        context["as_citizen"] = procedure.accepts("citizen")
    response = render(request, "portal/service.html", context)
    if not user.is_authenticated:
        response["Cache-Control"] = "public, max-age=300"
    return response


@login_not_required
def service_template(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    document = (
        RequiredDocument.objects.filter(
            procedure__code=code, procedure__is_active=True, pk=document_id
        )
        .exclude(template="")
        .first()
    )
    if document is None:
        raise Http404
    name = (document.template.name or "").rsplit("/", 1)[-1]
    return FileResponse(document.template.open("rb"), as_attachment=True, filename=name)


@login_not_required
def service_form_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The application form to print and fill in by hand."""
    from egov.portal.pdfs import blank_form_pdf

    procedure = Procedure.objects.filter(code=code, is_active=True).first()
    fields = (procedure.application_form or {}).get("fields") if procedure else None
    if procedure is None or not fields:
        raise Http404
    rows = []
    for spec in fields:
        note = ""
        if spec["type"] == "choice":
            note = " / ".join("☐ " + c["label"] for c in spec["choices"])
        elif spec["type"] == "boolean":
            note = "☐ Có"
        elif spec["type"] == "file":
            note = "(nộp kèm)"
        rows.append((spec.get("section", ""), spec["label"], note))
    pdf = blank_form_pdf(procedure_name=procedure.name, code=procedure.code, fields=rows)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="to-khai-{procedure.code}.pdf"'
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_not_required
def life_event(request: HttpRequest, slug: str) -> HttpResponse:
    event = LifeEvent.objects.filter(slug=slug).first()
    if event is None:
        raise Http404
    procedures = event.procedures.filter(is_active=True).select_related("sector").order_by("code")
    return render(request, "portal/life_event.html", {"event": event, "procedures": procedures})


# ------------------------------------------------------------------------------------------
# My page


def my_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if is_staff_member(user):
        return redirect("workspace")
    paginator = Paginator(selectors.dossiers_of(user), PAGE_SIZE)
    return render(
        request,
        "portal/my.html",
        {
            "drafts": selectors.drafts_of(user)[:MY_DRAFTS],
            "page": paginator.get_page(request.GET.get("page")),
        },
    )


# ------------------------------------------------------------------------------------------
# Applying online


@require_POST
def apply_start(request: HttpRequest, code: str) -> HttpResponse:
    user = request_user(request)
    procedure = Procedure.objects.filter(code=code, is_active=True).first()
    if procedure is None:
        raise Http404
    tax_code = request.POST.get("business", "")[:14]
    existing = selectors.drafts_of(user).filter(procedure=procedure)
    existing = (
        existing.filter(business__tax_code=tax_code) if tax_code else existing.filter(business=None)
    )
    draft = existing.first()
    if draft is not None:
        return redirect("portal:application", public_id=draft.public_id)
    try:
        application = actions.start_application(
            acting_user=user, procedure=procedure, business_tax_code=tax_code
        )
    except Problem as problem:
        messages.error(request, str(problem.detail))
        return redirect("portal:service", code=code)
    return redirect("portal:application", public_id=application.public_id)


def _application(request: HttpRequest, public_id: uuid.UUID) -> Application:
    user = request_user(request)
    found = (
        Application.objects.select_related("procedure", "business", "dossier")
        .filter(public_id=public_id, applicant=user)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _slot_views(
    plan: Plan, application: Application, errors: dict[str, str], store: list[Any]
) -> dict[str, dict[str, Any]]:
    attached: dict[str, list[Any]] = {}
    for item in application.attachments.select_related("document").order_by("id"):
        attached.setdefault(item.slot, []).append(item)
    views = {}
    for slot in plan.slots:
        chosen = {item.document_id for item in attached.get(slot.key, [])}
        views[slot.key] = {
            "slot": slot,
            "attached": attached.get(slot.key, []),
            "error": errors.get(slot.key, ""),
            "store": [d for d in store if d.pk not in chosen],
        }
    return views


def _form_context(
    request: HttpRequest, application: Application, plan: Plan, errors: dict[str, str]
) -> dict[str, Any]:
    user = request_user(request)
    store = list(documents_of(user))
    slots = _slot_views(plan, application, errors, store)
    fields = field_views(plan, application.form_data, errors)
    for view in fields:
        if view.slot is not None:
            view.slot_view = slots[view.slot.key]
    return {
        "application": application,
        "procedure": application.procedure,
        "fields": fields,
        "document_slots": [slots[s.key] for s in plan.document_slots],
        "declaration": plan.declaration,
        "errors": errors,
        "other_errors": {
            k: v for k, v in errors.items() if k in ("profile", "fee", "business", "__all__")
        },
        "return_methods": [
            (m, ReturnMethod(m).label) for m in actions.return_methods(application.procedure)
        ],
        "error_items": _error_items(plan, errors),
    }


def _error_items(plan: Plan, errors: dict[str, str]) -> list[tuple[str, str, str]]:
    """(anchor, label, message) for the summary at the top of the form."""
    from egov.procedures.forms_engine import localized

    labels = {f["name"]: (f"box-{f['name']}", localized(f, "label")) for f in plan.fields}
    for slot in plan.slots:
        labels[slot.key] = (f"slot-{slot.input_name}", slot.label)
    labels["return_method"] = ("box-return_method", _("How do you want to receive the result?"))
    labels["return_address"] = ("box-return_address", _("Address for the result"))
    items = []
    for key, message in errors.items():
        anchor, label = labels.get(key, (f"box-{key}", _("Your application")))
        items.append((anchor, label, message))
    return items


def _files_by_slot(
    request: HttpRequest, plan: Plan
) -> tuple[dict[str, list[Any]], dict[str, list[int]]]:
    uploads: dict[str, list[Any]] = {}
    picks: dict[str, list[int]] = {}
    for slot in plan.slots:
        files = [f for f in request.FILES.getlist(f"upload__{slot.input_name}") if f]
        if files:
            uploads[slot.key] = files
        chosen = [v for v in request.POST.getlist(f"pick__{slot.input_name}") if v.isdigit()]
        if chosen:
            picks[slot.key] = [int(v) for v in chosen]
    return uploads, picks


@require_http_methods(["GET", "POST"])
def application(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The form: save the draft at any time; "Continue" also checks everything."""
    found = _application(request, public_id)
    if found.status != ApplicationStatus.DRAFT:
        return redirect(found.get_absolute_url())
    plan = plan_for(found.procedure)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        from egov.portal.plan import collect_answers

        uploads, picks = _files_by_slot(request, plan)
        removals = [int(v) for v in request.POST.getlist("remove") if v.isdigit()]
        result = actions.save_application(
            acting_user=request_user(request),
            application=found,
            answers=collect_answers(plan, request.POST),
            return_method=request.POST.get("return_method", ""),
            return_address=request.POST.get("return_address", ""),
            uploads=uploads,
            picks=picks,
            removals=removals,
        )
        found = result.application
        errors = dict(result.errors)
        if "continue" in request.POST and not errors:
            try:
                actions.check_application(found, plan)
            except InvalidInput as problem:
                # Unpaid fees are paid from the review page: everything else is shown here.
                errors = {k: str(v) for k, v in problem.errors.items() if k != "fee"}
            if not errors:
                return redirect("portal:application_review", public_id=found.public_id)
        if errors:
            status = 422
            messages.warning(
                request, _("Your draft is saved, but some answers need your attention.")
            )
        else:
            messages.success(request, _("Your draft is saved. You can come back to it any time."))
            return redirect("portal:application", public_id=found.public_id)
    return render(
        request,
        "portal/application.html",
        _form_context(request, found, plan, errors),
        status=status,
    )


@require_http_methods(["GET", "POST"])
def application_review(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = _application(request, public_id)
    if found.status != ApplicationStatus.DRAFT:
        return redirect(found.get_absolute_url())
    plan = plan_for(found.procedure)
    fee_missing = False
    try:
        checked = actions.check_application(found, plan)
    except InvalidInput as problem:
        if set(problem.errors) != {"fee"}:
            messages.warning(request, _("Some answers need your attention before you can submit."))
            return redirect("portal:application", public_id=found.public_id)
        fee_missing = True
        checked = None
    if request.method == "POST":
        try:
            dossier = actions.submit_application(
                acting_user=request_user(request), application=found
            )
        except Problem as problem:
            messages.error(request, str(problem.detail))
            return redirect("portal:application_review", public_id=found.public_id)
        messages.success(
            request,
            _(
                "Your dossier has been submitted. Its code is %(code)s: keep it to follow "
                "the dossier."
            )
            % {"code": dossier.code},
        )
        return redirect("portal:dossier", code=dossier.code)
    rows = actions.answer_rows(plan, checked.cleaned) if checked else []
    documents = checked.documents if checked else []
    return render(
        request,
        "portal/review.html",
        {
            "application": found,
            "procedure": found.procedure,
            "sections": rows,
            "documents": documents,
            "declaration": plan.declaration,
            "fee_missing": fee_missing,
            "return_method": ReturnMethod(found.return_method).label if found.return_method else "",
        },
    )


@require_POST
def application_discard(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = _application(request, public_id)
    try:
        actions.discard_application(acting_user=request_user(request), application=found)
    except Problem as problem:
        messages.error(request, str(problem.detail))
        return redirect(found.get_absolute_url())
    messages.success(request, _("The draft has been deleted. Your documents stay in your store."))
    return redirect("portal:my")


# ------------------------------------------------------------------------------------------
# My dossier


def _my_dossier(request: HttpRequest, code: str, queryset: Any = None) -> Dossier:
    user = request_user(request)
    try:
        dossier = access_dossier(user, code, queryset)
    except NotFound:
        raise Http404 from None
    if dossier.applicant_id != user.pk:
        # Staff follow dossiers on their own pages; this one is the applicant's.
        raise Http404
    return dossier


def _rating_url(dossier: Dossier) -> str:
    """The one-stop rating of a returned dossier, once the dossiers app offers one."""
    for name in ("dossiers:rate", "dossiers:rating"):
        try:
            return reverse(name, args=[dossier.code])
        except NoReverseMatch:
            continue
    return ""


def _rating(dossier: Dossier) -> Any:
    """The applicant's rating once given (the dossiers app's ``DossierRating``)."""
    if dossier.status != Status.RETURNED:
        return None
    from egov.dossiers.models import DossierRating

    return DossierRating.objects.filter(dossier=dossier).first()


def _supplement_request(dossier: Dossier) -> dict[str, Any] | None:
    if dossier.status not in (Status.INCOMPLETE, Status.SUPPLEMENT_REQUESTED):
        return None
    asked = [e for e in dossier.events.all() if e.action == Action.REQUEST_SUPPLEMENT]
    if not asked:
        return None
    last = asked[-1]
    return {
        "at": last.at,
        "missing": last.data.get("missing", []),
        "reason": last.data.get("reason", ""),
    }


def _dossier_context(
    request: HttpRequest, dossier: Dossier, errors: dict[str, str] | None = None
) -> dict[str, Any]:
    user = request_user(request)
    application = Application.objects.filter(dossier=dossier).first()
    result = DossierResult.objects.filter(dossier=dossier, delivered_at__isnull=False).first()
    fee_payable = False
    if application is not None and application.fee_amount and application.fee_paid_at is None:
        from egov.payments.payables import payable_type

        try:
            payable_type(actions.APPLICATION_KIND).resolve(user, application.ref)
            fee_payable = True
        except Problem:
            fee_payable = False
    allowed = actions_from(dossier.status)
    return {
        "dossier": dossier,
        "events": list(dossier.events.all()),
        "documents": list(dossier.documents.all()),
        "issued_forms": list(dossier.forms.all()),
        "form_titles": FORM_TITLES,
        "application": application,
        "fee_payable": fee_payable,
        "supplement": _supplement_request(dossier),
        "can_withdraw": Action.WITHDRAW in allowed,
        "result": result,
        "rating_url": _rating_url(dossier) if dossier.status == Status.RETURNED else "",
        "rating": _rating(dossier),
        "store": list(documents_of(user)) if Action.SUBMIT_SUPPLEMENT in allowed else [],
        "supplement_files": range(SUPPLEMENT_FILES),
        "errors": errors or {},
        "Status": Status,
    }


def dossier(request: HttpRequest, code: str) -> HttpResponse:
    found = _my_dossier(request, code, selectors.dossier_page(code))
    return render(request, "portal/dossier.html", _dossier_context(request, found))


@require_POST
def dossier_supplement(request: HttpRequest, code: str) -> HttpResponse:
    found = _my_dossier(request, code)
    uploads = []
    for index in range(SUPPLEMENT_FILES):
        upload = request.FILES.get(f"file_{index}")
        if upload:
            uploads.append((request.POST.get(f"title_{index}", "")[:255], upload))
    picks = [int(v) for v in request.POST.getlist("pick") if v.isdigit()]
    try:
        actions.send_supplement(
            acting_user=request_user(request),
            dossier=found,
            uploads=uploads,
            picks=picks,
            note=request.POST.get("note", "")[:5000],
        )
    except InvalidInput as problem:
        found = _my_dossier(request, code, selectors.dossier_page(code))
        context = _dossier_context(request, found, {k: str(v) for k, v in problem.errors.items()})
        return render(request, "portal/dossier.html", context, status=422)
    except Problem as problem:
        messages.error(request, str(problem.detail))
        return redirect("portal:dossier", code=code)
    messages.success(request, _("Your supplement has been sent to the desk."))
    return redirect("portal:dossier", code=code)


@require_http_methods(["GET", "POST"])
def dossier_withdraw(request: HttpRequest, code: str) -> HttpResponse:
    found = _my_dossier(request, code)
    if request.method == "POST":
        try:
            withdraw_dossier(
                acting_user=request_user(request),
                dossier=found.code,
                reason=request.POST.get("reason", "")[:5000],
            )
        except Problem as problem:
            messages.error(request, str(problem.detail))
        else:
            messages.success(request, _("You have withdrawn the dossier."))
        return redirect("portal:dossier", code=code)
    return render(request, "portal/withdraw.html", {"dossier": found})


def dossier_result(request: HttpRequest, code: str) -> FileResponse:
    found = _my_dossier(request, code)
    result = DossierResult.objects.filter(dossier=found, delivered_at__isnull=False).first()
    if result is None:
        raise Http404
    return FileResponse(
        result.file.open("rb"),
        content_type="application/pdf",
        filename=f"ket-qua-{found.code}.pdf",
    )


# ------------------------------------------------------------------------------------------
# The deciding body attaches the result


@require_http_methods(["GET", "POST"])
def staff_result(request: HttpRequest, code: str) -> HttpResponse:
    user = request_user(request)
    if not is_staff_member(user):
        raise Http404
    try:
        found = access_dossier(user, code)
    except NotFound:
        raise Http404 from None
    error = ""
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise InvalidInput(
                    _("Choose the PDF file."), errors={"file": _("Choose the PDF file.")}
                )
            actions.attach_result_file(
                acting_user=user, dossier=found, content=upload, filename=upload.name or ""
            )
        except Problem as problem:
            error = str(problem.detail)
            status = problem.status
        else:
            messages.success(request, _("The result file is attached."))
            return redirect(found.get_absolute_url())
    current = DossierResult.objects.filter(dossier=found).first()
    return render(
        request,
        "portal/staff_result.html",
        {"dossier": found, "current": current, "error": error},
        status=status,
    )
