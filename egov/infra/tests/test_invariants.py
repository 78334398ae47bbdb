"""Invariants over the whole project (STYLE.md §8): authentication everywhere but on an explicit
allow-list, every task queue served, every action exercised."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from egov.api import PUBLIC_OPERATIONS, api

# Web pages anyone may open without logging in, by URL name.
PUBLIC_PAGES = {
    "home",
    "login",
    "set_language",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # accounts: registration and password reset by one-time code
    "register",
    "register_verify",
    "password_code",
    "password_code_verify",
    # portal: the service finder and the procedure pages (levels 1 and 2)
    "services",
    "service",
    "service_form_pdf",
    "service_template",
    "life_event",
    "signature_verify",
    "signature_crl",
    "signature_ca_certificate",
    # dossiers: the public status lookup
    "lookup",
    "lookup_detail",
}


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str, Any]]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            found += _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            found.append(
                (prefix + str(pattern.pattern), pattern.name or "", pattern.callback, namespace)
            )
    return found  # type: ignore[return-value]


def test_every_web_page_requires_login_unless_allow_listed() -> None:
    open_pages = set()
    for route, name, callback, _namespace in _walk(get_resolver().url_patterns):  # type: ignore[misc]
        if route.startswith(("api/v1/", "admin/", "static/", "media/")):
            continue
        if getattr(callback, "login_required", True) is False:
            open_pages.add(name or route)
    assert open_pages == PUBLIC_PAGES


def test_admin_pages_require_an_administrator(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def _operations() -> list[tuple[str, str, bool]]:
    schema = api.get_openapi_schema()
    operations = []
    for path, methods in schema["paths"].items():
        relative = path.removeprefix("/api/v1")
        for method, operation in methods.items():
            operations.append((method.upper(), relative, bool(operation.get("security"))))
    return operations


def test_every_api_operation_requires_authentication_unless_declared_public() -> None:
    undeclared_public = {
        (method, path)
        for method, path, secured in _operations()
        if not secured and (method, path) not in PUBLIC_OPERATIONS
    }
    assert undeclared_public == set(), "operations without auth that were not declared public"


def test_every_declared_public_operation_is_really_public() -> None:
    secured = {(m, p) for m, p, s in _operations() if s}
    assert PUBLIC_OPERATIONS & secured == set()
    existing = {(m, p) for m, p, _ in _operations()}
    assert existing >= PUBLIC_OPERATIONS


@pytest.mark.django_db
def test_protected_operations_answer_401_problem_without_credentials(client) -> None:  # type: ignore[no-untyped-def]
    for method, path, secured in _operations():
        if not secured or method != "GET" or "{" in path:
            continue
        response = client.get("/api/v1" + path)
        assert response.status_code == 401, path
        assert response["Content-Type"] == "application/problem+json"


def _project_tasks() -> list[Any]:
    import importlib
    import importlib.util

    from egov.lib.tasks import Task

    found = []
    for app in settings.INSTALLED_APPS:
        if not app.startswith("egov.") or importlib.util.find_spec(f"{app}.tasks") is None:
            continue
        module = importlib.import_module(f"{app}.tasks")
        found += [value for value in vars(module).values() if isinstance(value, Task)]
    return found


def test_every_task_uses_a_queue_the_worker_serves() -> None:
    from egov.infra.management.commands import run_worker

    tasks = _project_tasks()
    assert tasks, "expected the project to define tasks"
    configured = set(settings.TASKS["default"]["QUEUES"])
    assert {task.queue_name for task in tasks} <= configured
    # run_worker polls every queue ("*"), so a configured queue always has a worker.
    source = Path(run_worker.__file__).read_text(encoding="utf-8")
    assert 'queue_names=["*"]' in source


def test_every_periodic_job_is_a_project_task() -> None:
    from egov.infra.periodic import SCHEDULE

    tasks = {id(task) for task in _project_tasks()}
    assert SCHEDULE
    assert all(id(task) in tasks for task, _interval in SCHEDULE.values())
