"""Every event declared by any app renders in both languages with the same placeholders."""

from __future__ import annotations

import pytest
from django.utils import translation

from egov.notifications.events import EVENTS, Channel
from egov.notifications.rendering import placeholders, render_text

CASES = [
    pytest.param(spec, channel, id=f"{key}/{channel}")
    for key, spec in sorted(EVENTS.items())
    for channel in Channel
    if spec.has_channel(channel)
]


@pytest.mark.parametrize(("spec", "channel"), CASES)
def test_the_vietnamese_text_keeps_the_placeholders_of_the_english_one(spec, channel) -> None:  # type: ignore[no-untyped-def]
    subject, body = spec.default_text(channel)
    with translation.override("en"):
        english = placeholders(str(subject)) | placeholders(str(body))
    with translation.override("vi"):
        vietnamese = placeholders(str(subject)) | placeholders(str(body))
        assert str(body) != "" and (channel == Channel.SMS or str(subject) != "")
    assert vietnamese == english
    assert english <= set(spec.sample) | {"recipient_name", "url"}


@pytest.mark.parametrize(("spec", "channel"), CASES)
def test_the_texts_render_with_the_example_data(spec, channel) -> None:  # type: ignore[no-untyped-def]
    context = {**spec.sample, "recipient_name": "Nguyễn Văn An", "url": "https://x"}
    subject, body = spec.default_text(channel)
    with translation.override("vi"):
        rendered = render_text(str(body), context)
    assert "{{" not in rendered
    for value in spec.sample.values():
        if f"{{{{ {_key(spec, value)} }}}}" in str(body):
            assert str(value) in rendered


def _key(spec, value):  # type: ignore[no-untyped-def]
    return next(k for k, v in spec.sample.items() if v == value)


def test_the_payments_app_declares_its_events() -> None:
    assert {"payments.succeeded", "payments.refunded", "payments.failed"} <= set(EVENTS)
