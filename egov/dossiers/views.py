from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def dossier_list(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


desk = register = detail = perform_action = document_file = form_record = dossier_list
