"""Who is asking, from where: set per request by the middleware, read when writing an event."""

from __future__ import annotations

from contextvars import ContextVar

client_ip_var: ContextVar[str | None] = ContextVar("egov_client_ip", default=None)
