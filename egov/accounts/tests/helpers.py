"""What the account tests share: the worker's delivery of the outbox, codes read from messages."""

from __future__ import annotations

import re
from typing import Any

from egov.notifications.models import DeliveryStatus, OutboxMessage
from egov.notifications.outbox import deliver_one

CODE = re.compile(r"\b(\d{6})\b")


def deliver_outbox() -> int:
    """Send every message waiting in the outbox, as the worker would; returns how many."""
    waiting = list(
        OutboxMessage.objects.filter(status=DeliveryStatus.CREATED).values_list("pk", flat=True)
    )
    for pk in waiting:
        deliver_one(pk)
    return len(waiting)


def code_in(text: str) -> str:
    found = CODE.search(text)
    assert found is not None, text
    return found.group(1)


def last_mail_to(smtp_server: Any, address: str) -> Any:
    deliver_outbox()
    matching = [m for m in smtp_server.received if m["To"] == address]
    assert matching, [m["To"] for m in smtp_server.received]
    return matching[-1]


def mailed_code(smtp_server: Any, address: str) -> str:
    return code_in(last_mail_to(smtp_server, address).get_content())


def texted_code(sms_gateway: Any, phone: str) -> str:
    deliver_outbox()
    international = "84" + phone[1:]
    texts = [m for m in sms_gateway.messages() if m["to"] == international]
    assert texts, sms_gateway.messages()
    return code_in(texts[-1]["text"])
