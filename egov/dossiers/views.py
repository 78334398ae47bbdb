"""The one-stop desk and the workspace: receive a walk-in applicant, queues, the dossier page
with only the allowed actions (plain forms, no JavaScript needed)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from egov.accounts.selectors import request_user
from egov.dossiers import deadlines, permissions, rendering, selectors
from egov.dossiers import register_book as register_book_module
from egov.dossiers.access import access_dossier
from egov.dossiers.actions import missing_documents, rate_dossier, register_dossier
from egov.dossiers.forms import FORM_TITLES
from egov.dossiers.models import Channel, Dossier, DossierDocument, DossierForm, DossierRating
from egov.dossiers.operations import perform
from egov.dossiers.webforms import (
    ACTION_FORMS,
    REGISTER_FIELD_MAP,
    FilterForm,
    RatingForm,
    RegisterBookForm,
    RegisterForm,
)
from egov.dossiers.workflow import Action, Status
from egov.lib.problems import InvalidInput, NotFound, Problem
from egov.org.models import AgencyLevel, Role, Unit
from egov.org.selectors import active_memberships, is_staff_member
from egov.procedures.selectors import procedures_of_agency, search_procedures
from egov.workdays.selectors import get_calendar

PAGE_SIZE = 20
SOON_DAYS = 2


def _desk_units(user: Any) -> list[Unit]:
    return [
        m.unit
        for m in active_memberships(user)
        if m.role == Role.ONE_STOP_CLERK and m.unit is not None and m.unit.is_one_stop_desk
    ]


def _scopes(user: Any) -> list[tuple[str, str]]:
    if is_staff_member(user):
        return [
            (selectors.Scope.ASSIGNED, _("My queue")),
            (selectors.Scope.UNIT, _("My unit's queue")),
            (selectors.Scope.AGENCY, _("All of my agency")),
        ]
    return [(selectors.Scope.MINE, _("My dossiers"))]


def dossier_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    scopes = _scopes(user)
    scope = request.GET.get("scope") or scopes[0][0]
    if scope not in dict(scopes):
        raise Http404
    form = FilterForm(request.GET or None)
    filters = selectors.Filters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.Filters(
            status=data["status"],
            procedure=data["procedure"].strip(),
            channel=data["channel"],
            received_from=data["received_from"],
            received_to=data["received_to"],
            q=data["q"],
        )
    paginator = Paginator(selectors.listing(user, scope, filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    calendar = get_calendar()
    today = timezone.localdate()
    rows = [
        {
            "dossier": dossier,
            "urgency": _urgency(calendar, today, dossier),
            "steps": dossier.open_steps,  # type: ignore[attr-defined]
        }
        for dossier in page.object_list
    ]
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "dossiers/list.html",
        {
            "scopes": scopes,
            "scope": scope,
            "form": form,
            "page": page,
            "rows": rows,
            "query": urlencode(query),
            "is_clerk": bool(_desk_units(user)),
        },
    )


def _urgency(calendar: Any, today: Any, dossier: Dossier) -> str:
    if dossier.status not in (Status.IN_PROCESSING, Status.CONSULTING, Status.APPROVED):
        return ""
    return deadlines.urgency(calendar, today, dossier.due_on, SOON_DAYS)


def desk(request: HttpRequest) -> HttpResponse:
    """Step 1 at the desk: find the procedure (diacritics optional)."""
    user = request_user(request)
    units = _desk_units(user)
    if not units:
        raise Http404
    unit = units[0]
    text = request.GET.get("q", "").strip()[:100]
    if unit.agency.level in (AgencyLevel.PROVINCE, AgencyLevel.SECTOR):
        found = search_procedures(text=text, level="province")
    else:
        found = search_procedures(text=text).filter(
            pk__in=procedures_of_agency(unit.agency).values("pk")
        )
    return render(
        request,
        "dossiers/desk.html",
        {"unit": unit, "q": text, "procedures": found[:30], "count": found.count()},
    )


def _online_allowed(procedure: Any) -> bool:
    """Online on this page: level 3–4 procedures whose application form asks nothing beyond
    the applicant and the documents (richer forms are submitted through the API, which checks
    them with the procedure's form engine)."""
    fields = (procedure.application_form or {}).get("fields", [])
    return procedure.service_level >= 3 and all(f.get("type") == "file" for f in fields)


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, procedure_code: str) -> HttpResponse:
    """Step 2: the applicant and the documents handed in (a clerk), or an online submission
    (a citizen or business, for themselves)."""
    user = request_user(request)
    procedure = search_procedures().filter(code=procedure_code).first()
    if procedure is None:
        raise Http404
    staff = is_staff_member(user)
    if staff and not _desk_units(user):
        raise Http404
    online = not staff
    if online and not _online_allowed(procedure):
        raise Http404
    form = RegisterForm(
        request.POST or None, request.FILES or None, procedure=procedure, online=online
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            dossier = register_dossier(
                acting_user=user,
                procedure=procedure,
                channel=Channel.ONLINE if online else form.cleaned_data["channel"],
                applicant=form.applicant(),
                documents=form.documents(),
                return_method=form.cleaned_data["return_method"],
                return_address=form.cleaned_data["return_address"],
                is_electronic=True if online else None,
            )
        except Problem as problem:
            _show_problem(form, problem, REGISTER_FIELD_MAP)
            status = 422
        else:
            messages.success(request, _("Dossier %(code)s is registered.") % {"code": dossier.code})
            return redirect(dossier.get_absolute_url())
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "dossiers/register.html",
        {"procedure": procedure, "form": form, "online": online},
        status=status,
    )


def _show_problem(form: Any, problem: Problem, field_map: dict[str, str] | None = None) -> None:
    if isinstance(problem, InvalidInput) and problem.errors:
        for name, message in problem.errors.items():
            field = (field_map or {}).get(name, name)
            if field in form.fields:
                form.add_error(field, str(message))
            else:
                form.add_error(None, str(message))
    else:
        form.add_error(None, str(problem.detail))


def _detail_context(request: HttpRequest, dossier: Dossier) -> dict[str, Any]:
    user = request_user(request)
    allowed = permissions.available_actions(user, dossier)
    forms = [
        {
            "action": name,
            "label": Action(name).label,
            "form": ACTION_FORMS[name](dossier=dossier, user=user, auto_id=f"id_{name}_%s"),
        }
        for name in allowed
    ]
    calendar = get_calendar()
    return {
        "dossier": dossier,
        "action_forms": forms,
        "urgency": _urgency(calendar, timezone.localdate(), dossier),
        "missing": missing_documents(dossier)
        if dossier.status in (Status.SUBMITTED, Status.INCOMPLETE)
        else [],
        "is_staff": is_staff_member(user),
        "rating": DossierRating.objects.filter(dossier=dossier).first()
        if dossier.status == Status.RETURNED
        else None,
        "form_titles": FORM_TITLES,
        "receipt_form": next((f for f in reversed(dossier.forms.all()) if f.number == "01"), None),
        "Status": Status,
    }


def detail(request: HttpRequest, code: str) -> HttpResponse:
    user = request_user(request)
    try:
        dossier = access_dossier(user, code, selectors.dossier_detail(code))
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "dossiers/detail.html", _detail_context(request, dossier))


@require_http_methods(["GET", "POST"])
def perform_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    user = request_user(request)
    try:
        dossier = access_dossier(user, code, selectors.dossier_detail(code))
    except NotFound as exc:
        raise Http404 from exc
    if action not in ACTION_FORMS:
        raise Http404
    if action not in permissions.available_actions(user, dossier):
        messages.error(
            request,
            _('"%(action)s" is not possible for you on this dossier now.')
            % {"action": Action(action).label},
        )
        return redirect(dossier.get_absolute_url())
    form = ACTION_FORMS[action](
        request.POST or None, request.FILES or None, dossier=dossier, user=user
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                perform(action, user=user, dossier=dossier.code, params=form.params())
            except InvalidInput as problem:
                _show_problem(form, problem)
                status = 422
            except Problem as problem:
                messages.error(request, str(problem.detail))
                return redirect(dossier.get_absolute_url())
            else:
                messages.success(
                    request,
                    _("%(action)s: done.") % {"action": Action(action).label},
                )
                return redirect(dossier.get_absolute_url())
        else:
            status = 422
    return render(
        request,
        "dossiers/action.html",
        {"dossier": dossier, "form": form, "action": action, "label": Action(action).label},
        status=status,
    )


def document_file(request: HttpRequest, code: str, pk: int) -> FileResponse:
    user = request_user(request)
    try:
        dossier = access_dossier(user, code)
    except NotFound as exc:
        raise Http404 from exc
    document = DossierDocument.objects.filter(dossier=dossier, pk=pk).first()
    if document is None or not document.file:
        raise Http404
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=False,
        filename=f"{document.sha256[:12]}.{document.extension}",
    )
    return response


def form_record(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    user = request_user(request)
    try:
        dossier = access_dossier(user, code)
    except NotFound as exc:
        raise Http404 from exc
    record = DossierForm.objects.filter(dossier=dossier, pk=pk).select_related("issued_by").first()
    if record is None:
        raise Http404
    return render(
        request,
        "dossiers/form_record.html",
        {
            "dossier": dossier,
            "record": record,
            "title": FORM_TITLES[record.number],
            "shown": _form_dates(record.data),
        },
    )


def form_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The PDF of an issued form (rendered and sealed at the first download if the background
    task has not done it yet)."""
    user = request_user(request)
    try:
        dossier = access_dossier(user, code)
    except NotFound as exc:
        raise Http404 from exc
    record = DossierForm.objects.filter(dossier=dossier, pk=pk).first()
    if record is None:
        raise Http404
    record.dossier = dossier
    return rendering.pdf_response(rendering.form_pdf(record, acting_user=user), record)


def register_book(request: HttpRequest) -> HttpResponse:
    """Form 06 for a unit and period: shown as a table, downloaded as PDF or XLSX."""
    user = request_user(request)
    units = register_book_module.register_units(user)
    if not units:
        raise Http404
    today = timezone.localdate()
    data = request.GET if "unit" in request.GET else None
    form = RegisterBookForm(
        data
        or {
            "unit": str(units[0].pk),
            "start": today.replace(day=1).isoformat(),
            "end": today.isoformat(),
        },
        units=units,
    )
    context: dict[str, Any] = {"form": form, "rows": None}
    if form.is_valid():
        unit = next(u for u in units if u.pk == form.cleaned_data["unit"])
        period = register_book_module.Period(form.cleaned_data["start"], form.cleaned_data["end"])
        file_format = request.GET.get("format", "")
        if file_format in register_book_module.CONTENT_TYPES:
            content, content_type, name = register_book_module.register_file(
                unit, period, file_format
            )
            response = HttpResponse(content, content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        context.update(
            unit=unit,
            period=period,
            columns=register_book_module.COLUMNS,
            rows=register_book_module.register_rows(
                register_book_module.register_entries(unit, period)
            ),
        )
    return render(request, "dossiers/register_book.html", context)


def _form_dates(data: dict[str, Any]) -> dict[str, Any]:
    """The snapshot's ISO dates and times as objects, for the template to format."""
    shown: dict[str, Any] = {}
    for key in ("received_at", "appointment_on", "new_due_on", "previous_due_on"):
        value = data.get(key)
        if not value:
            continue
        try:
            shown[key] = (
                dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
            )
        except (TypeError, ValueError):
            continue
    return shown


# ------------------------------------------------------------------------------------------
# Rating (the applicant, after return)


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, code: str) -> HttpResponse:
    """The applicant rates the service once the result is returned; afterwards the page shows
    the rating given. Anyone else gets 404."""
    user = request_user(request)
    try:
        dossier = access_dossier(user, code)
    except NotFound as exc:
        raise Http404 from exc
    if dossier.applicant_id != user.pk:
        raise Http404
    rating = DossierRating.objects.filter(dossier=dossier).first()
    form = RatingForm(request.POST or None, dossier=dossier)
    status = 200
    if rating is None and dossier.status != Status.RETURNED:
        status = 409
    elif rating is None and request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                rate_dossier(
                    acting_user=user,
                    dossier=dossier.code,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                )
            except InvalidInput as problem:
                _show_problem(form, problem)
            except Problem as problem:
                messages.error(request, str(problem.detail))
                return redirect("dossiers:rate", dossier.code)
            else:
                messages.success(request, _("Thank you for rating our service."))
                return redirect(reverse("portal:dossier", args=[dossier.code]) + "#rating")
    return render(
        request,
        "dossiers/rate.html",
        {"dossier": dossier, "rating": rating, "form": form, "Status": Status},
        status=status,
    )
