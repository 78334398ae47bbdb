"""Panels on the staff workspace and the citizen's page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def workspace_panel(request: HttpRequest) -> dict[str, Any] | None:
    return None


def citizen_panel(request: HttpRequest) -> dict[str, Any] | None:
    return None
