from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from egov.audit.context import client_ip_var
from egov.lib.net import client_ip


class RequestContextMiddleware:
    """Make the client address available to the audit trail without passing it everywhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_ip_var.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            client_ip_var.reset(token)
