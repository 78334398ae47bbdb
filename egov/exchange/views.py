"""Pages for document clerks, leaders and administrators: what was sent and received through
the exchange, each document's status trail, and the answers the receiver owes the sender."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts.selectors import request_user
from egov.exchange import actions
from egov.exchange.access import access_transmission
from egov.exchange.forms import DecisionForm, FilterForm, RevocationForm, StatusForm
from egov.exchange.models import (
    HANDLING_TRANSITIONS,
    Direction,
    Handling,
    OutboxItem,
    OutboxState,
    RequestState,
    Transmission,
)
from egov.exchange.selectors import transmissions_for, visible_organ_codes
from egov.lib.problems import NotFound, Problem
from egov.org.selectors import is_system_admin

PAGE_SIZE = 50


def _staff_only(request: HttpRequest) -> None:
    organ_codes = visible_organ_codes(request.user)
    if organ_codes is not None and not organ_codes:
        raise Http404


def requests_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Workspace panel: revocations and updates waiting for this agency's answer, and (for
    administrators) deliveries that failed."""
    organ_codes = visible_organ_codes(request.user)
    if organ_codes is not None and not organ_codes:
        return None
    pending = list(
        transmissions_for(request.user, direction=Direction.INCOMING).filter(
            request_state=RequestState.PENDING
        )[:10]
    )
    failed = (
        OutboxItem.objects.filter(state=OutboxState.FAILED).count()
        if is_system_admin(request.user)
        else 0
    )
    return {"template": "exchange/panel.html", "pending": pending, "failed": failed}


def index(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = FilterForm(request.GET or None)
    direction = status = None
    if form.is_valid():
        direction = form.cleaned_data["direction"] or None
        status = form.cleaned_data["status"] or None
    raw_offset = request.GET.get("offset", "")
    offset = int(raw_offset) if raw_offset.isdigit() else 0
    rows = list(
        transmissions_for(request.user, direction=direction, status=status)[
            offset : offset + PAGE_SIZE + 1
        ]
    )
    query = request.GET.copy()
    query["offset"] = str(offset + PAGE_SIZE)
    return render(
        request,
        "exchange/index.html",
        {
            "form": form,
            "transmissions": rows[:PAGE_SIZE],
            "has_more": len(rows) > PAGE_SIZE,
            "next_query": query.urlencode(),
        },
    )


def _context(request: HttpRequest, transmission: Transmission, **forms: Any) -> dict[str, Any]:
    incoming = transmission.direction == Direction.INCOMING
    can_report = (
        incoming
        and not transmission.is_withdrawn
        and bool(
            set(HANDLING_TRANSITIONS[transmission.status]) - {Handling.QUEUED, Handling.ARRIVED}
        )
    )
    return {
        "transmission": transmission,
        "events": list(transmission.events.select_related("actor")),
        "deliveries": list(transmission.deliveries.select_related("message").order_by("pk"))
        if is_system_admin(request.user)
        else [],
        "status_form": forms.get("status_form") or (StatusForm() if can_report else None),
        "decision_form": forms.get("decision_form")
        or (
            DecisionForm()
            if incoming and transmission.request_state == RequestState.PENDING
            else None
        ),
        "revocation_form": forms.get("revocation_form")
        or (
            RevocationForm()
            if not incoming
            and not transmission.is_withdrawn
            and transmission.request_state != RequestState.PENDING
            else None
        ),
    }


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    transmission = _get(request, pk)
    return render(request, "exchange/detail.html", _context(request, transmission))


def _get(request: HttpRequest, pk: int) -> Transmission:
    try:
        return access_transmission(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc


def _run(
    request: HttpRequest,
    transmission: Transmission,
    form_name: str,
    form: Any,
    perform: Any,
    done: str,
) -> HttpResponse:
    if form.is_valid():
        try:
            perform(form.cleaned_data)
        except Problem as problem:
            for field, message in problem.errors.items():
                form.add_error(field if field in form.fields else None, message)
            if not problem.errors:
                form.add_error(None, str(problem.detail))
        else:
            messages.success(request, done)
            return redirect("exchange:detail", pk=transmission.pk)
    context = _context(request, transmission, **{form_name: form})
    return render(request, "exchange/detail.html", context, status=422)


@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    transmission = _get(request, pk)
    if transmission.direction != Direction.INCOMING:
        raise Http404
    user = request_user(request)
    return _run(
        request,
        transmission,
        "status_form",
        StatusForm(request.POST),
        lambda data: actions.report_status(
            acting_user=user,
            transmission_id=transmission.pk,
            code=data["code"],
            description=data["description"],
        ),
        _("The status was recorded and is being sent to the sender."),
    )


@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    transmission = _get(request, pk)
    if transmission.direction != Direction.INCOMING:
        raise Http404
    user = request_user(request)
    return _run(
        request,
        transmission,
        "decision_form",
        DecisionForm(request.POST),
        lambda data: actions.decide_request(
            acting_user=user,
            transmission_id=transmission.pk,
            agree=data["agree"],
            note=data["note"],
        ),
        _("Your answer is being sent to the sender."),
    )


@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    transmission = _get(request, pk)
    if transmission.direction != Direction.OUTGOING:
        raise Http404
    user = request_user(request)
    return _run(
        request,
        transmission,
        "revocation_form",
        RevocationForm(request.POST),
        lambda data: actions.request_revocation(
            acting_user=user,
            document_id=transmission.document_id,
            sender_organ_code=transmission.local_organ_code,
            reason=data["reason"],
            organs=[transmission.remote_organ_code],
        ),
        _("The revocation request is being sent."),
    )
