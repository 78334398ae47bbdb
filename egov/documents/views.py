"""Web pages for documents: the lists and search, drafting, the document with the buttons for
the steps its reader may take, incoming registration, the registers and the KPIs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts.models import User
from egov.accounts.selectors import request_user
from egov.documents import actions
from egov.documents import registers as register_export_module
from egov.documents.access import access_document
from egov.documents.forms import (
    ACTION_FORMS,
    AttachmentForm,
    DraftForm,
    EditForm,
    IncomingForm,
    PeriodForm,
    RegisterForm,
    SearchForm,
)
from egov.documents.models import Direction, Document, RegisterKind
from egov.documents.selectors import (
    DocumentFilter,
    document_file,
    register_documents,
    search_page,
    waiting_for,
)
from egov.documents.stats import ELECTRONIC_TARGET, document_stats, totals
from egov.documents.transitions import allowed_actions, may_edit
from egov.lib.problems import NotFound, Problem
from egov.org.models import Agency, Role
from egov.org.selectors import active_memberships, agency_ids_with_role, is_system_admin

PAGE_SIZE = 25


def _agencies(user: User, *roles: str) -> list[Agency]:
    return list(Agency.objects.filter(pk__in=agency_ids_with_role(user, *roles)))


def _staff_only(user: User) -> None:
    if not active_memberships(user):
        raise Http404


def _document(user: User, pk: int | str) -> Document:
    """``access_document`` for pages: a document the user may not see is a plain 404."""
    try:
        return access_document(user, pk)
    except NotFound:
        raise Http404 from None


def _show_problem(request: HttpRequest, problem: Problem, form: forms.Form | None = None) -> None:
    if form is not None and problem.errors:
        for field, message in problem.errors.items():
            name = _form_field(form, field)
            form.add_error(name if name in form.fields else None, str(message))
    else:
        messages.error(request, str(problem.detail))


def _form_field(form: forms.Form, field: str) -> str:
    """The form field behind an action's field name; "recipients.3" is one of three fields."""
    if not field.startswith("recipients.") or not isinstance(form, DraftForm):
        return field
    index = int(field.split(".", 1)[1])
    for name in ("local_recipients", "remote_recipients", "paper_recipients"):
        count = len(form.cleaned_data.get(name) or [])
        if index < count:
            return name
        index -= count
    return field


def waiting_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Workspace panel: the documents on which this person has the next step."""
    user = request.user
    if not agency_ids_with_role(user):
        return None
    documents = list(waiting_for(user)[:10])
    return {
        "template": "documents/panel.html",
        "documents": documents,
        "today": timezone.localdate(),
    }


def index(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _staff_only(user)
    form = SearchForm(request.GET or None)
    raw_offset = request.GET.get("offset", "")
    offset = int(raw_offset) if raw_offset.isdigit() else 0
    results: list[Document] = []
    has_more = False
    searching = form.is_bound and form.is_valid() and any(form.cleaned_data.values())
    if searching:
        data = form.cleaned_data
        flt = DocumentFilter(
            q=data["q"],
            direction=data["direction"],
            doc_type=data["doc_type"],
            status=data["status"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
        results, has_more = search_page(user, flt, offset, PAGE_SIZE)
    query = request.GET.copy()
    query["offset"] = str(offset + PAGE_SIZE)
    return render(
        request,
        "documents/index.html",
        {
            "form": form,
            "searching": searching,
            "results": results,
            "has_more": has_more,
            "next_query": query.urlencode(),
            "waiting": list(waiting_for(user)[:50]),
            "today": timezone.localdate(),
            "is_clerk": bool(agency_ids_with_role(user, Role.DOCUMENT_CLERK)),
        },
    )


def create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    agencies = _agencies(user)
    if not agencies:
        raise Http404
    reply_to = None
    if request.GET.get("reply_to", "").isdigit():
        reply_to = _document(user, request.GET["reply_to"])
    form = DraftForm(request.POST or None, request.FILES or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            doc = actions.create_draft(
                acting_user=user,
                agency=data["agency"],
                drafting_unit=data["drafting_unit"],
                response_for=reply_to
                if reply_to and reply_to.agency_id == data["agency"].pk
                else None,
                **form.draft_fields(),
            )
        except Problem as problem:
            _show_problem(request, problem, form)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect(doc)
    return render(
        request,
        "documents/form.html",
        {"form": form, "title": _("New outgoing document"), "reply_to": reply_to},
    )


def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    doc = _document(user, pk)
    if not may_edit(user, doc):
        messages.error(request, _("You cannot edit this document now."))
        return redirect(doc)
    recipients = list(doc.recipients.all())
    initial = {
        "doc_type": doc.doc_type,
        "subject": doc.subject,
        "content": doc.content,
        "priority": doc.priority,
        "due_date": doc.due_date,
        "local_recipients": [r.agency_id for r in recipients if r.channel == "local"],
        "remote_recipients": "\n".join(
            f"{r.organ_id} | {r.organ_name}" for r in recipients if r.channel == "edxml"
        ),
        "paper_recipients": "\n".join(
            f"{r.organ_id} | {r.organ_name}" for r in recipients if r.channel == "paper"
        ),
        "to_places": "\n".join(doc.to_places),
        "page_amount": doc.page_amount,
        "issued_amount": doc.issued_amount,
    }
    form = EditForm(
        request.POST or None, request.FILES or None, agencies=[doc.agency], initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_draft(
                acting_user=user, document=doc, note=data["note"], **form.draft_fields()
            )
        except Problem as problem:
            _show_problem(request, problem, form)
        else:
            messages.success(request, _("A new version was saved."))
            return redirect(doc)
    return render(
        request,
        "documents/form.html",
        {"form": form, "title": _("Edit the draft"), "document": doc},
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    doc = _document(user, pk)
    forms_by_action = []
    for transition in allowed_actions(user, doc):
        form_class = ACTION_FORMS[transition.name]
        kwargs: dict[str, Any] = {"prefix": transition.name}
        if transition.name == "assign":
            kwargs["agency_id"] = doc.agency_id
            kwargs["initial"] = {
                "unit": doc.assigned_unit_id,
                "assignee": doc.assignee_id,
                "deadline": doc.due_date,
            }
        forms_by_action.append((transition, form_class(**kwargs)))
    return render(
        request,
        "documents/detail.html",
        {
            "doc": doc,
            "action_forms": forms_by_action,
            "can_edit": may_edit(user, doc),
            "can_attach": may_edit(user, doc)
            or (
                doc.direction == Direction.INCOMING
                and Role.DOCUMENT_CLERK
                in {m.role for m in active_memberships(user) if m.agency_id == doc.agency_id}
            ),
            "attachment_form": AttachmentForm(),
            "today": timezone.localdate(),
        },
    )


@require_POST
def take_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    user = request_user(request)
    doc = _document(user, pk)
    if name not in ACTION_FORMS:
        raise Http404
    form_class = ACTION_FORMS[name]
    kwargs: dict[str, Any] = {"prefix": name}
    if name == "assign":
        kwargs["agency_id"] = doc.agency_id
    form = form_class(request.POST, **kwargs)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = " ".join(str(e) for e in errors)
            messages.error(request, f"{label}: {text}" if label else text)
        return redirect(doc)
    params = dict(form.cleaned_data)
    try:
        if name == "complete" and params.get("reply"):
            params["reply"] = access_document(user, params["reply"])  # NotFound: shown below
        actions.perform(name, acting_user=user, document=doc, **params)
    except NotFound:
        messages.error(request, _("The reply document was not found."))
    except Problem as problem:
        details = [str(m) for m in problem.errors.values()] or [str(problem.detail)]
        for message in details:
            messages.error(request, message)
    else:
        messages.success(request, _("Done."))
    return redirect(doc)


@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    doc = _document(user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.add_attachment(
                acting_user=user,
                document=doc,
                file=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except Problem as problem:
            messages.error(request, str(problem.detail))
        else:
            messages.success(request, _("The file was attached."))
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect(doc)


def download(request: HttpRequest, pk: int, kind: str, file_id: int) -> FileResponse:
    user = request_user(request)
    found = document_file(_document(user, pk), kind, file_id)
    if found is None:
        raise Http404
    file, name = found
    return FileResponse(file.open("rb"), as_attachment=True, filename=name)


def register_incoming(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    agencies = _agencies(user, Role.DOCUMENT_CLERK)
    if not agencies:
        raise Http404
    form = IncomingForm(request.POST or None, request.FILES or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            doc = actions.register_incoming(acting_user=user, **data)
        except Problem as problem:
            _show_problem(request, problem, form)
        else:
            messages.success(
                request,
                _("Registered as arrival number %(number)s.") % {"number": doc.register_number},
            )
            return redirect(doc)
    return render(
        request,
        "documents/form.html",
        {"form": form, "title": _("Register an incoming document")},
    )


def _period_agencies(user: User) -> list[Agency]:
    if is_system_admin(user):
        return list(Agency.objects.filter(is_active=True))
    return _agencies(user)


def registers(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    agencies = _agencies(user)
    if not agencies:
        raise Http404
    form = RegisterForm(request.GET or None, agencies=agencies)
    entries: list[list[str]] = []
    columns: list[str] = []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        documents = list(
            register_documents(data["agency"].pk, data["kind"], data["date_from"], data["date_to"])
        )
        entries = register_export_module.rows(data["kind"], documents)
        columns = [c.heading for c in register_export_module.columns_for(data["kind"])]
    return render(
        request,
        "documents/registers.html",
        {"form": form, "entries": entries, "columns": columns, "query": request.GET.urlencode()},
    )


def register_export(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    agencies = _agencies(user)
    form = RegisterForm(request.GET, agencies=agencies)
    if not agencies or not form.is_valid():
        raise Http404
    data = form.cleaned_data
    fmt = request.GET.get("format", "pdf")
    return export_register_response(
        data["agency"], data["kind"], data["date_from"], data["date_to"], fmt
    )


def export_register_response(
    agency: Agency, kind: str, date_from: Any, date_to: Any, fmt: str
) -> HttpResponse:
    documents = list(register_documents(agency.pk, kind, date_from, date_to))
    direction = "den" if kind == RegisterKind.INCOMING else "di"
    stem = f"so-van-ban-{direction}-{date_from:%Y%m%d}-{date_to:%Y%m%d}"
    if fmt == "xlsx":
        body = register_export_module.export_xlsx(agency, kind, date_from, date_to, documents)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "pdf":
        body = register_export_module.export_pdf(agency, kind, date_from, date_to, documents)
        content_type = "application/pdf"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


def stats(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    agencies = _period_agencies(user)
    if not agencies:
        raise Http404
    form = PeriodForm(request.GET or None, agencies=agencies)
    form.fields["agency"].required = False
    rows = []
    total = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        chosen = [data["agency"]] if data.get("agency") else agencies
        rows = document_stats(chosen, data["date_from"], data["date_to"])
    else:
        today = timezone.localdate()
        rows = document_stats(agencies, today.replace(month=1, day=1), today)
    total = totals(rows)
    return render(
        request,
        "documents/stats.html",
        {
            "form": form,
            "rows": rows,
            "total": total,
            "electronic_target": round(ELECTRONIC_TARGET * 100),
        },
    )
