"""Real local services for tests: an SMTP server (aiosmtpd) and the stand-in gateways (SMS,
VNPay) each running as its own process on a free loopback port.

Fixtures (imported by the root conftest): ``smtp_server``, ``sms_gateway``, ``vnpay_gateway``.
Each is started once per test process and reset, then wired into the settings, for every test
that asks for it.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_json(method: str, url: str, body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 (loopback only)
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read() or b"null")


class StandinProcess:
    """A ``python -m <module>`` server on a free port, stopped when the test session ends."""

    def __init__(self, module: str, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(  # noqa: S603 (our own module, fixed arguments)
            [sys.executable, "-m", module, "--port", str(self.port), *args],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                http_json("GET", f"{self.url}/health")
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{module} did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


# SMTP ---------------------------------------------------------------------------------------


@dataclass
class SmtpServer:
    """An aiosmtpd server that keeps what it receives and refuses what it is told to."""

    host: str
    port: int
    received: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    # recipient address -> SMTP reply to give at RCPT TO, e.g. "451 4.3.0 Try again later"
    refuse: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
            self.envelopes.clear()
            self.refuse.clear()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        reply = self.refuse.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.received.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@pytest.fixture(scope="session")
def _smtp_process() -> Iterator[SmtpServer]:
    from aiosmtpd.controller import Controller

    server = SmtpServer(host="127.0.0.1", port=free_port())
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    yield server
    controller.stop()


@pytest.fixture
def smtp_server(_smtp_process: SmtpServer, settings: Any) -> SmtpServer:
    """A real SMTP server on loopback; Django's SMTP backend is pointed at it."""
    _smtp_process.reset()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = _smtp_process.host
    settings.EMAIL_PORT = _smtp_process.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    return _smtp_process


# SMS gateway --------------------------------------------------------------------------------

SMS_API_KEY = "test-sms-key"
SMS_CALLBACK_SECRET = "test-sms-callback-secret"  # noqa: S105 (tests only)


class SmsGateway:
    """Talks to the stand-in SMS gateway process: what it received, and how it should fail."""

    def __init__(self, process: StandinProcess) -> None:
        self.url = process.url

    def reset(self) -> None:
        http_json("POST", f"{self.url}/_standin/reset", {})
        http_json("POST", f"{self.url}/_standin/config", {"auto_report": None})

    def messages(self) -> list[dict[str, Any]]:
        return list(http_json("GET", f"{self.url}/_standin/messages")["messages"])

    def fail_next(self, mode: str, count: int = 1) -> None:
        http_json("POST", f"{self.url}/_standin/failures", {"mode": mode, "count": count})

    def auto_report(self, status: str | None) -> None:
        http_json("POST", f"{self.url}/_standin/config", {"auto_report": status})

    def report(self, message_id: str, status: str) -> int:
        answer = http_json("POST", f"{self.url}/_standin/reports/{message_id}", {"status": status})
        return int(answer["merchant_status"])


@pytest.fixture(scope="session")
def _sms_process() -> Iterator[StandinProcess]:
    process = StandinProcess(
        "egov.notifications.standin.sms_gateway",
        "--api-key",
        SMS_API_KEY,
        "--callback-secret",
        SMS_CALLBACK_SECRET,
    )
    yield process
    process.stop()


@pytest.fixture
def sms_gateway(_sms_process: StandinProcess, settings: Any) -> SmsGateway:
    """The stand-in SMS gateway process, emptied, with the settings pointing at it."""
    gateway = SmsGateway(_sms_process)
    gateway.reset()
    settings.SMS_PROVIDER_URL = _sms_process.url
    settings.SMS_API_KEY = SMS_API_KEY
    settings.SMS_CALLBACK_SECRET = SMS_CALLBACK_SECRET
    settings.SMS_BRANDNAME = "UBND TGIANG"
    return gateway


# VNPay gateway ------------------------------------------------------------------------------

VNPAY_TMN_CODE = "EGOVTEST"
VNPAY_HASH_SECRET = "test-vnpay-secret-0123456789ABCDEF"  # noqa: S105 (tests only)


@dataclass
class GatewayPage:
    status: int
    text: str


class VnpayGateway:
    """Drives the stand-in VNPay process as a payer's browser and as a test would."""

    def __init__(self, process: StandinProcess) -> None:
        self.url = process.url

    def reset(self) -> None:
        http_json("POST", f"{self.url}/_standin/reset", {})
        self.hold_ipns()

    def hold_ipns(self) -> None:
        """Keep IPNs back; the test delivers them (``held_ipns``) through the test client."""
        http_json("POST", f"{self.url}/_standin/config", {"ipn_mode": "hold"})

    def deliver_ipns(self, ipn_url: str) -> None:
        http_json(
            "POST", f"{self.url}/_standin/config", {"ipn_mode": "deliver", "ipn_url": ipn_url}
        )

    def open(self, payment_url: str) -> GatewayPage:
        import httpx

        response = httpx.get(payment_url, follow_redirects=False, timeout=10)
        return GatewayPage(response.status_code, response.text)

    def choose(self, txn_ref: str, action: str = "pay") -> str:
        """Press a button on the payment page; returns where the browser is sent back to."""
        import httpx

        response = httpx.post(
            f"{self.url}/paymentv2/confirm",
            data={"txn_ref": txn_ref, "action": action, "bank": "NCB"},
            follow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302, response.text
        return str(response.headers["Location"])

    def held_ipns(self) -> list[str]:
        return list(http_json("GET", f"{self.url}/_standin/ipns")["ipns"])

    def transactions(self) -> dict[str, dict[str, Any]]:
        found = http_json("GET", f"{self.url}/_standin/transactions")["transactions"]
        return {t["txn_ref"]: t for t in found}

    def send_ipn(self, txn_ref: str) -> dict[str, Any]:
        return dict(http_json("POST", f"{self.url}/_standin/ipns/{txn_ref}/send", {}))


@pytest.fixture(scope="session")
def _vnpay_process() -> Iterator[StandinProcess]:
    process = StandinProcess(
        "egov.payments.standin.vnpay_gateway",
        "--tmn-code",
        VNPAY_TMN_CODE,
        "--hash-secret",
        VNPAY_HASH_SECRET,
        "--ipn-url",
        "http://127.0.0.1:9/not-set",
    )
    yield process
    process.stop()


@pytest.fixture
def vnpay_gateway(_vnpay_process: StandinProcess, settings: Any) -> VnpayGateway:
    """The stand-in VNPay process, emptied, holding IPNs back, with the settings pointing at it."""
    gateway = VnpayGateway(_vnpay_process)
    gateway.reset()
    settings.VNPAY_TMN_CODE = VNPAY_TMN_CODE
    settings.VNPAY_HASH_SECRET = VNPAY_HASH_SECRET
    settings.VNPAY_PAYMENT_URL = f"{_vnpay_process.url}/paymentv2/vpcpay.html"
    settings.VNPAY_API_URL = f"{_vnpay_process.url}/merchant_webapi/api/transaction"
    return gateway
