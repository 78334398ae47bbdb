"""The demo documents load through the actions, once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings

from egov.accounts.models import User
from egov.audit.models import AuditEvent
from egov.documents.models import Document, Register, Status
from egov.documents.selectors import waiting_for

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_the_demo_has_documents_waiting_for_each_demo_user_and_loads_once() -> None:
    call_command("load_demo", verbosity=0)
    outgoing = dict(
        Document.objects.filter(agency__short_name="SXD", direction="outgoing").values_list(
            "subject", "status"
        )
    )
    assert set(outgoing.values()) == {
        Status.DRAFT,
        Status.IN_REVIEW,
        Status.APPROVED,
        Status.SIGNED,
        Status.SENT,
    }
    assert Register.objects.filter(year=2026).count() >= 24
    sent = Document.objects.get(status=Status.SENT, direction="outgoing")
    assert sent.code_number == "01"
    assert sent.recipients.filter(status="delivered").count() == 2
    assert sent.recipients.filter(status="to_send").count() == 1
    for username in ["vanthu", "truongphong", "lanhdao", "chuyenvien"]:
        assert waiting_for(User.objects.get(username=username)).exists(), username
    counts = (Document.objects.count(), AuditEvent.objects.count())
    call_command("load_demo", verbosity=0)
    assert (Document.objects.count(), AuditEvent.objects.count()) == counts
