from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.notifications.events import (
    EVENTS,
    KINDS,
    Channel,
    EventSpec,
    register_event,
    register_kind,
)


@pytest.fixture
def event() -> Iterator[EventSpec]:
    """A registered event whose built-in texts have Vietnamese translations in the catalog
    ("Notifications" is "Thông báo"), sent by e-mail by default and by SMS on request."""
    register_kind("tests", "Test notices")
    spec = register_event(
        EventSpec(
            key="tests.something_happened",
            kind="tests",
            label="Something happened",
            subject=_("Notifications"),
            body="{{ recipient_name }}: hồ sơ {{ code }} – {{ url }}",
            sms="Ho so {{ code }} cua {{ recipient_name }}",
            channels=frozenset({Channel.EMAIL}),
            sample={"code": "000.00.09.H58-260213-0001"},
        )
    )
    yield spec
    EVENTS.pop(spec.key, None)
    KINDS.pop("tests", None)


@pytest.fixture
def reachable(world):  # type: ignore[no-untyped-def]
    """The citizen with a verified e-mail address and mobile number."""
    citizen = world.citizen
    citizen.email = "an.nguyen@example.vn"
    citizen.phone = "0912 345 678"
    citizen.email_verified_at = citizen.phone_verified_at = timezone.now()
    citizen.save()
    return citizen


@pytest.fixture(autouse=True)
def _sms_configured(settings) -> None:  # type: ignore[no-untyped-def]
    """SMS is on (an installation without SMS_PROVIDER_URL sends none); tests that deliver
    point it at the stand-in gateway with the ``sms_gateway`` fixture."""
    settings.SMS_PROVIDER_URL = "http://127.0.0.1:9"
