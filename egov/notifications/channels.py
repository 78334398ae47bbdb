"""Delivery adapters: e-mail through Django's mail backend (SMTP in production), SMS through
an HTTP brandname gateway, and webhooks (``egov/notifications/webhooks.py``). Each turns one
outbox message into a ``DeliveryResult``; none writes to the database.

SMS gateway protocol (what ``egov/notifications/standin/sms_gateway.py`` also speaks), in the
shape of the Vietnamese brandname gateways:

``POST {SMS_PROVIDER_URL}/v1/messages`` with ``Authorization: Bearer {SMS_API_KEY}`` and JSON
``{"brandname", "to": "84xxxxxxxxx", "text", "client_ref", "unicode", "callback_url"}``.
``202 {"status": "accepted", "message_id", "client_ref", "segments"}`` on success; a repeated
``client_ref`` returns the first message's ID instead of sending again. Errors are
``{"error": {"code", "message"}}``: 400 (``invalid_phone``, ``invalid_message``,
``blocked_content``) are permanent; 401/402/403, 429 and 5xx are worth retrying.

The delivery report is ``POST callback_url`` with JSON ``{"message_id", "client_ref",
"status": "delivered" | "failed", "error_code", "reported_at"}`` and the headers
``X-Timestamp`` (Unix seconds) and ``X-Signature: sha256=<hex>``, the HMAC-SHA256 of
``"{timestamp}.{raw body}"`` with ``SMS_CALLBACK_SECRET``.
"""

from __future__ import annotations

import email.message
import email.policy
import enum
import hashlib
import hmac
import logging
import smtplib
import time
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

import httpx
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import translation
from django.utils.translation import gettext as _

from egov.notifications.events import Channel
from egov.notifications.models import OutboxChannel, OutboxMessage

logger = logging.getLogger(__name__)

SMS_TIMEOUT = 10.0
REPORT_MAX_AGE = 300  # seconds a delivery report's timestamp may be off


class Outcome(enum.Enum):
    DELIVERED = "delivered"  # handed over for good (an SMTP server accepted the e-mail)
    SENT = "sent"  # accepted; a delivery report will follow (SMS)
    TEMPORARY = "temporary"
    PERMANENT = "permanent"


@dataclass(frozen=True)
class DeliveryResult:
    outcome: Outcome
    provider_message_id: str = ""
    error: str = ""
    retry_after: int | None = None  # seconds, when the provider said so


def deliver(message: OutboxMessage) -> DeliveryResult:
    try:
        if message.channel == Channel.EMAIL:
            return send_email(message)
        if message.channel == Channel.SMS:
            return send_sms(message)
        if message.channel == OutboxChannel.WEBHOOK:
            from egov.notifications.webhooks import send_webhook

            return send_webhook(message)
    except Exception as exc:  # a bug or an unexpected library error: retry, and log it loudly
        logger.exception("delivery of outbox message %s failed", message.pk)
        return DeliveryResult(Outcome.TEMPORARY, error=f"{type(exc).__name__}: {exc}")
    return DeliveryResult(Outcome.PERMANENT, error=f"unknown channel {message.channel}")


# E-mail -----------------------------------------------------------------------------------


def _mail_domain() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "egov.localhost"


class _Email(EmailMessage):
    """Django 5.2 folds a long encoded Subject after an empty first line, which readers show
    with a leading space; the modern email policy (Django 6's) folds it properly."""

    def message(self, **kwargs: Any) -> Any:
        mime = super().message(**kwargs)
        del mime["Subject"]
        mime.policy = email.policy.SMTP
        email.message.Message.__setitem__(mime, "Subject", self.subject)
        return mime


def build_email(message: OutboxMessage) -> EmailMessage:
    with translation.override(message.language):
        footer = _(
            "This message was sent automatically by the e-government platform; please do not "
            "reply to it. You can choose which notices you receive under Notifications → "
            "Settings."
        )
    return _Email(
        subject=message.subject,
        body=f"{message.body}\n\n-- \n{footer}\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.address],
        headers={
            "Message-ID": f"<{message.uuid}@{_mail_domain()}>",
            "Auto-Submitted": "auto-generated",
            "Content-Language": message.language,
            "X-Egov-Event": message.event,
        },
    )


def _smtp_outcome(code: int) -> Outcome:
    return Outcome.PERMANENT if 500 <= code < 600 else Outcome.TEMPORARY


def send_email(message: OutboxMessage) -> DeliveryResult:
    email = build_email(message)
    try:
        get_connection(fail_silently=False).send_messages([email])
    except smtplib.SMTPRecipientsRefused as exc:
        code, reply = next(iter(exc.recipients.values()))
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        return DeliveryResult(_smtp_outcome(code), error=f"{code} {text}")
    except smtplib.SMTPAuthenticationError as exc:
        # Our credentials are wrong: nothing wrong with the message, retry once they're fixed.
        return DeliveryResult(Outcome.TEMPORARY, error=f"{exc.smtp_code} authentication failed")
    except smtplib.SMTPResponseException as exc:
        raw = exc.smtp_error or b""
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        return DeliveryResult(_smtp_outcome(exc.smtp_code), error=f"{exc.smtp_code} {text}")
    except (smtplib.SMTPException, OSError) as exc:
        return DeliveryResult(Outcome.TEMPORARY, error=f"{type(exc).__name__}: {exc}")
    return DeliveryResult(Outcome.DELIVERED, provider_message_id=email.extra_headers["Message-ID"])


# SMS --------------------------------------------------------------------------------------

PERMANENT_SMS_ERRORS = {"invalid_phone", "invalid_message", "blocked_content"}


def sms_callback_url() -> str:
    return f"{settings.SITE_URL}/api/v1/notifications/sms/reports"


def send_sms(message: OutboxMessage) -> DeliveryResult:
    if not settings.SMS_PROVIDER_URL:
        return DeliveryResult(Outcome.TEMPORARY, error="SMS_PROVIDER_URL is not configured")
    payload = {
        "brandname": settings.SMS_BRANDNAME,
        "to": message.address,
        "text": message.body,
        "client_ref": str(message.uuid),
        "unicode": settings.SMS_UNICODE,
        "callback_url": sms_callback_url(),
    }
    try:
        response = httpx.post(
            f"{settings.SMS_PROVIDER_URL.rstrip('/')}/v1/messages",
            json=payload,
            headers={"Authorization": f"Bearer {settings.SMS_API_KEY}"},
            timeout=SMS_TIMEOUT,
        )
    except httpx.HTTPError as exc:
        return DeliveryResult(Outcome.TEMPORARY, error=f"{type(exc).__name__}: {exc}")
    try:
        data = response.json()
    except ValueError:
        data = {}
    if response.status_code in (200, 201, 202) and data.get("message_id"):
        return DeliveryResult(Outcome.SENT, provider_message_id=str(data["message_id"]))
    error = data.get("error") or {}
    code = str(error.get("code") or response.status_code)
    text = f"HTTP {response.status_code} {code}: {error.get('message', '')}".strip()
    retry_after = response.headers.get("Retry-After")
    if response.status_code == 400 and code in PERMANENT_SMS_ERRORS:
        return DeliveryResult(Outcome.PERMANENT, error=text)
    return DeliveryResult(
        Outcome.TEMPORARY,
        error=text,
        retry_after=int(retry_after) if retry_after and retry_after.isdigit() else None,
    )


def sign_report(body: bytes, timestamp: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def report_is_authentic(body: bytes, timestamp: str, signature: str) -> bool:
    secret = settings.SMS_CALLBACK_SECRET
    if not secret or not timestamp.isdigit():
        return False
    if abs(time.time() - int(timestamp)) > REPORT_MAX_AGE:
        return False
    return hmac.compare_digest(sign_report(body, timestamp, secret), signature)
