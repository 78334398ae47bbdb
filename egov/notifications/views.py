"""Pages: the logged-in person's notifications (mark read) and their notification settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts.selectors import request_user
from egov.lib.problems import NotFound, Problem
from egov.notifications.actions import (
    mark_all_notifications_read,
    mark_notification_read,
    save_notification_preferences,
)
from egov.notifications.forms import PreferencesForm
from egov.notifications.selectors import (
    effective_channels,
    kinds_in_use,
    notifications_for,
    preference_for,
    unread_count,
)

PAGE_SIZE = 20


def notification_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    unread_only = request.GET.get("unread") == "1"
    paginator = Paginator(notifications_for(user, unread_only=unread_only), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread_only": unread_only, "unread": unread_count(user)},
    )


@require_POST
def read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one as read, then follow its link (or come back to the list)."""
    try:
        note = mark_notification_read(
            acting_user=request_user(request), notification_id=notification_id
        )
    except NotFound:
        raise Http404 from None
    if (
        request.POST.get("follow")
        and note.url
        and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()})
    ):
        return redirect(note.url)
    return redirect("notifications:list")


@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = mark_all_notifications_read(acting_user=request_user(request))
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect("notifications:list")


def preferences(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    kinds = kinds_in_use()
    preference = preference_for(user)
    initial: dict[str, Any] = {"language": preference.language}
    for key, chosen in effective_channels(preference).items():
        initial[f"channels_{key}"] = chosen
    form = PreferencesForm(request.POST or None, kinds=kinds, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save_notification_preferences(
                acting_user=user,
                user=user,
                language=form.cleaned_data["language"],
                channels=form.channels(),
            )
        except Problem as problem:
            form.add_error(None, str(problem.detail))
        else:
            messages.success(request, _("Your notification settings were saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


def panel(request: HttpRequest) -> dict[str, Any] | None:
    """The citizen home and staff workspace panel: unread count and the latest notices."""
    user = request.user
    if not user.is_authenticated:
        return None
    latest = list(notifications_for(user, unread_only=True)[:3])
    return {
        "template": "notifications/panel.html",
        "unread": unread_count(user) if latest else 0,
        "latest": latest,
    }
