"""Project-level pages: the public home, the citizen home and the staff workspace."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from egov.org.selectors import active_memberships, is_staff_member, is_system_admin

# Apps add panels to the staff workspace: a callable (request) -> dict with "template" and
# context, or None when the panel has nothing to show this user.
WorkspacePanel = Callable[[HttpRequest], dict[str, Any] | None]
WORKSPACE_PANELS: list[WorkspacePanel] = []
CITIZEN_PANELS: list[WorkspacePanel] = []


def site_context(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "egov_site_name": _("Tiền Giang e-government"),
        "is_staff_member": bool(user and is_staff_member(user)),
        "is_system_admin": bool(user and is_system_admin(user)),
        "debug": settings.DEBUG,
    }


def _panels(panels: list[WorkspacePanel], request: HttpRequest) -> list[dict[str, Any]]:
    return [panel for make in panels if (panel := make(request)) is not None]


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and is_staff_member(request.user):
        return redirect("workspace")
    if request.user.is_authenticated:
        return render(request, "citizen_home.html", {"panels": _panels(CITIZEN_PANELS, request)})
    return render(request, "home.html")


def workspace(request: HttpRequest) -> HttpResponse:
    """Bàn làm việc: the civil servant's start page."""
    if not is_staff_member(request.user):
        raise Http404
    return render(
        request,
        "workspace.html",
        {
            "memberships": active_memberships(request.user),
            "panels": _panels(WORKSPACE_PANELS, request),
        },
    )
