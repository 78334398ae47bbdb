"""Render an event's texts for one channel and language: the administrator's template if there
is one, else the code default translated into the language."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.template import Context, Engine, TemplateSyntaxError
from django.utils import translation

from egov.notifications.events import EventSpec
from egov.notifications.models import NotificationTemplate

_PLACEHOLDER = re.compile(r"{{\s*([a-zA-Z_][a-zA-Z0-9_]*)")
_SPACES = re.compile(r"[ \t]+")


@cache
def _engine() -> Engine:
    # Plain text (e-mail text part, SMS, in-app text escaped where it is shown): no autoescape,
    # no loaders, so an edited template can only use the context it is given.
    return Engine(autoescape=False, string_if_invalid="", libraries={}, builtins=None)


def render_text(source: str, context: Mapping[str, Any]) -> str:
    return _engine().from_string(source).render(Context(dict(context))).strip()


def check_template(source: str, sample: Mapping[str, Any]) -> str | None:
    """The error message of a template that doesn't compile or render, or None."""
    try:
        render_text(source, sample)
    except TemplateSyntaxError as exc:
        return str(exc)
    return None


def placeholders(source: str) -> set[str]:
    return set(_PLACEHOLDER.findall(source))


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def template_source(spec: EventSpec, channel: str, language: str) -> tuple[str, str]:
    """(subject, body) template sources: the admin's row if any, else the translated default."""
    row = (
        NotificationTemplate.objects.filter(event=spec.key, channel=channel, language=language)
        .values_list("subject", "body")
        .first()
    )
    if row is not None:
        return row
    subject, body = spec.default_text(channel)
    with translation.override(language):
        return str(subject), str(body)


def render_event(
    spec: EventSpec, channel: str, language: str, context: Mapping[str, Any]
) -> Rendered:
    subject, body = template_source(spec, channel, language)
    with translation.override(language):
        return Rendered(
            subject=" ".join(render_text(subject, context).split())[:255],
            body=render_text(body, context),
        )


def without_diacritics(text: str) -> str:
    """Vietnamese text in plain ASCII letters, case kept: "Hồ sơ Đã nhận" -> "Ho so Da nhan".

    SMS brandname messages go out like this: a Unicode SMS carries 70 characters instead of 160
    and some networks refuse Unicode on brandnames.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_text = unicodedata.normalize("NFKC", ascii_text)
    return _SPACES.sub(" ", ascii_text.encode("ascii", "ignore").decode("ascii")).strip()
