"""Panels the portal adds to the citizen's page and the staff workspace."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from egov.org.selectors import is_staff_member
from egov.portal import selectors


def citizen_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not user.is_authenticated or is_staff_member(user):
        return None
    return {
        "template": "portal/panel_citizen.html",
        "drafts": list(selectors.drafts_of(user)[:3]),
    }


def results_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not is_staff_member(user):
        return None
    items = list(selectors.results_to_attach(user)[:5])
    if not items:
        return None
    return {"template": "portal/panel_results.html", "items": items}
