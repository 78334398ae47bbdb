"""A small RFC 3161 time-stamping service for development and the tests.

It speaks the real protocol over HTTP (``application/timestamp-query`` in,
``application/timestamp-reply`` out), so the production client (pyHanko's HTTPTimeStamper,
configured with SIGNATURES_TSA_URL) is exercised unchanged. Tokens are built by pyHanko's
own test TSA and signed with a time-stamping certificate issued by our CA.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from cryptography.hazmat.primitives import serialization
from django.utils import timezone
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from egov.signatures import ca, keys

MAX_REQUEST = 16 * 1024


def timestamper_for(authority_pem: str, authority_key: ca.PrivateKey) -> DummyTimeStamper:
    """A TSA whose certificate (EKU timeStamping) our authority issues on the spot."""
    key = ca.generate_key()
    issuer = ca.from_pem(authority_pem)
    certificate = ca.issue_end_entity(
        key.public_key(),
        ca.name("Tiền Giang Test TSA", organization="UBND tỉnh Tiền Giang"),
        issuer=issuer,
        issuer_key=authority_key,
        urls=None,
        now=timezone.now(),
        days=365,
        timestamping=True,
    )
    private = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return DummyTimeStamper(
        tsa_cert=keys.to_asn1(ca.to_pem(certificate)),
        tsa_key=private,
        certs_to_embed=[keys.to_asn1(authority_pem)],  # type: ignore[arg-type]
    )


class TimestampServer:
    """``with TimestampServer(stamper) as url: ...`` serves RFC 3161 on a loopback port."""

    def __init__(self, stamper: DummyTimeStamper) -> None:
        self.stamper = stamper
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if self.headers.get("Content-Type") != "application/timestamp-query" or not (
                    0 < length <= MAX_REQUEST
                ):
                    self.send_error(400, "expected an application/timestamp-query")
                    return
                try:
                    request = tsp.TimeStampReq.load(self.rfile.read(length))
                    reply = server.stamper.request_tsa_response(request).dump()
                except Exception:  # a malformed request gets a 400, never a dead server
                    self.send_error(400, "malformed time-stamp request")
                    return
                server.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/tsa"

    def __enter__(self) -> str:
        self.thread.start()
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
