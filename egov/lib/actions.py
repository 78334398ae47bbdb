"""The ``@action`` decorator: the one shape every write in egov has.

An action runs in one transaction and writes exactly one audit event (STYLE.md). The decorator
enforces both at run time, so any test that calls an action also proves its audit contract, and it
keeps a registry so an invariant test can check that every action was exercised by the suite.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from django.db import transaction

P = ParamSpec("P")
R = TypeVar("R")

# name -> wrapped function, for every action defined anywhere in the project.
REGISTRY: dict[str, Callable[..., object]] = {}
# names of the actions that ran (and committed their audit event) in this process.
CALLED: set[str] = set()

_audit_events: ContextVar[list[int] | None] = ContextVar("egov_audit_events", default=None)
# State shared by an action and the actions it calls (one transaction): see outer_action_state.
_outer_action: ContextVar[dict[str, object] | None] = ContextVar("egov_outer_action", default=None)


class ActionContractError(RuntimeError):
    """An action broke the one-transaction, one-audit-event rule: a bug, never user error."""


def note_audit_event() -> None:
    """Called by the audit app for every event it writes."""
    counter = _audit_events.get()
    if counter is not None:
        counter[0] += 1


def outer_action_state() -> dict[str, object] | None:
    """A dict that lives as long as the outermost running action (None outside actions): nested
    actions run in its transaction and see the same dict."""
    return _outer_action.get()


def action(func: Callable[P, R]) -> Callable[P, R]:
    name = f"{func.__module__.removeprefix('egov.').removesuffix('.actions')}.{func.__name__}"

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if "acting_user" not in kwargs:
            raise TypeError(f"{name}() needs the keyword argument acting_user")
        counter = [0]
        token = _audit_events.set(counter)
        outer_token = _outer_action.set({}) if _outer_action.get() is None else None
        try:
            with transaction.atomic():
                result = func(*args, **kwargs)
                if counter[0] != 1:
                    raise ActionContractError(
                        f"{name} wrote {counter[0]} audit events; an action writes exactly one"
                    )
        finally:
            _audit_events.reset(token)
            if outer_token is not None:
                _outer_action.reset(outer_token)
        CALLED.add(name)
        return result

    wrapper.action_name = name  # type: ignore[attr-defined]
    REGISTRY[name] = wrapper
    return wrapper
