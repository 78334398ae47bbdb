"""Panels on the staff workspace ("my queue", "my unit's queue") and the citizen's page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from egov.dossiers import selectors
from egov.dossiers.stats import stats_scope
from egov.lib.problems import NotFound
from egov.org.models import Role
from egov.org.selectors import active_memberships, is_staff_member


def workspace_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not is_staff_member(user):
        return None
    assigned = selectors.scoped(user, selectors.Scope.ASSIGNED)
    return {
        "template": "dossiers/panel_workspace.html",
        "assigned": assigned.count(),
        "unit": selectors.scoped(user, selectors.Scope.UNIT).count(),
        "items": list(assigned.order_by("due_on", "registered_at")[:5]),
        "is_clerk": any(m.role == Role.ONE_STOP_CLERK for m in active_memberships(user)),
    }


def stats_panel(request: HttpRequest) -> dict[str, Any] | None:
    """A link to the one-stop statistics for those who may see them."""
    try:
        stats_scope(request.user)
    except NotFound:
        return None
    return {"template": "dossiers/panel_stats.html"}


def citizen_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not user.is_authenticated or is_staff_member(user):
        return None
    return {
        "template": "dossiers/panel_citizen.html",
        "items": list(selectors.scoped(user, selectors.Scope.MINE).order_by("-registered_at")[:5]),
    }
