"""Language selection: Vietnamese unless the person chose otherwise.

Web pages follow only an explicit choice (the language cookie set by the switch in the header),
because many Vietnamese phones and browsers announce English; the API follows Accept-Language,
as integrators expect.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def _language(self, request: HttpRequest) -> str:
        if request.path.startswith("/api/"):
            return translation.get_language_from_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        return chosen if chosen in self.supported else settings.LANGUAGE_CODE

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self._language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
