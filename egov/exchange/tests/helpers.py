"""Helpers shared by the exchange tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from egov.exchange import edxml, signing
from egov.exchange.samples import organization, sample_document
from egov.exchange.signing import SigningMaterial

B_ORGAN = "000.00.00.H30"  # the other province's People's Committee
B_NAME = "Ủy ban nhân dân tỉnh Hậu Giang"


def b_organization(organ_id: str = B_ORGAN) -> edxml.Organization:
    return organization(organ_id, B_NAME)


def document_from_b(world, **kwargs) -> edxml.DocumentMessage:  # type: ignore[no-untyped-def]
    """A document B sends to Sở Xây dựng."""
    kwargs.setdefault("sender", b_organization())
    kwargs.setdefault("to", (organization(world.construction.organ_code, world.construction.name),))
    kwargs.setdefault("notation", "UBND-KGVX")
    return sample_document(**kwargs)


def signed_by(
    material: SigningMaterial, message: edxml.DocumentMessage | edxml.StatusMessage
) -> bytes:
    root = (
        edxml.build_document(message)
        if isinstance(message, edxml.DocumentMessage)
        else edxml.build_status(message)
    )
    return signing.sign(root, material)


class StubPeer:
    """A real HTTP server on loopback standing in for a peer installation.

    ``respond(path, body) -> (status, body, content type)`` decides each answer; ``requests``
    keeps what arrived. Use it where the second installation itself would be overkill.
    """

    def __init__(self, respond: Callable[[str, bytes], tuple[int, bytes, str]]) -> None:
        self.respond = respond
        self.requests: list[tuple[str, bytes]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                stub.requests.append((self.path, body))
                status, answer, content_type = stub.respond(self.path, body)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def acknowledging(
    material: SigningMaterial, code: str = "01"
) -> Callable[[str, bytes], tuple[int, bytes, str]]:
    """A peer that answers every document package with its signed acknowledgement."""

    def respond(path: str, body: bytes) -> tuple[int, bytes, str]:
        if "/status" in path:
            return 200, b'{"accepted": true}', "application/json"
        message = edxml.read_document(edxml.parse_xml(body, max_bytes=10_000_000))
        organ = path.split("to=", 1)[1] if "to=" in path else message.header.to[0].organ_id
        recipient = next(to for to in message.header.to if to.organ_id == organ)
        status = edxml.StatusMessage(
            response_for=edxml.ResponseFor(
                organ_id=message.header.sender.organ_id,
                code=str(message.header.code),
                promulgation_date=message.header.promulgation.date,
                document_id=message.document_id,
            ),
            sender=dataclasses.replace(recipient, organ_name=recipient.organ_name or "B"),
            code=code,
            timestamp=dt.datetime.now(dt.UTC).replace(microsecond=0),
        )
        return 200, signed_by(material, status), "application/xml"

    return respond
