"""A stand-in SMS brandname gateway for development and tests (Python standard library only).

It speaks the protocol described in ``egov/notifications/channels.py``: it checks the API key,
the brandname, the phone number (``84`` + 9 digits) and the text, accepts the message with an
ID, drops repeated ``client_ref``s, and sends signed delivery reports to the callback URL.
It keeps every message in memory so tests and developers can see what was sent, and it can be
told to fail.

Run: ``python -m egov.notifications.standin.sms_gateway --port 8791 --api-key KEY
--callback-secret SECRET [--auto-report delivered]``.

Control endpoints (loopback tools, not part of the gateway protocol):
``GET /_standin/messages``; ``POST /_standin/reset``;
``POST /_standin/failures {"mode": "temporary"|"permanent"|"unauthorized", "count": n}`` makes
the next n sends fail; ``POST /_standin/config {"auto_report": "delivered"|"failed"|null}``;
``POST /_standin/reports/<message_id> {"status": "delivered"|"failed"}`` sends a report now.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import re
import threading
import time
import urllib.request
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PHONE = re.compile(r"^84(3|5|7|8|9)\d{8}$")
MAX_PARTS = 4


def segments(text: str, unicode: bool) -> int:
    single, multi = (70, 67) if unicode else (160, 153)
    if len(text) <= single:
        return 1
    return -(-len(text) // multi)


class Gateway:
    def __init__(self, api_key: str, callback_secret: str, auto_report: str | None) -> None:
        self.api_key = api_key
        self.callback_secret = callback_secret
        self.auto_report = auto_report
        self.lock = threading.Lock()
        self.messages: list[dict[str, Any]] = []
        self.failures: deque[str] = deque()
        self.counter = 0

    def reset(self) -> None:
        with self.lock:
            self.messages.clear()
            self.failures.clear()

    def accept(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            if self.failures:
                mode = self.failures.popleft()
                if mode == "permanent":
                    return 400, _error("blocked_content", "content refused by the network")
                if mode == "unauthorized":
                    return 401, _error("unauthorized", "API key refused")
                return 503, _error("unavailable", "gateway busy, try again later")
            problem = _validate(body)
            if problem:
                return 400, problem
            ref = str(body.get("client_ref") or "")
            for message in self.messages:
                if ref and message["client_ref"] == ref:
                    return 200, _accepted(message)
            self.counter += 1
            message = {
                "message_id": f"SMS{dt.datetime.now(dt.UTC):%y%m%d}{self.counter:06d}",
                "client_ref": ref,
                "brandname": body["brandname"],
                "to": body["to"],
                "text": body["text"],
                "unicode": bool(body.get("unicode")),
                "segments": segments(body["text"], bool(body.get("unicode"))),
                "callback_url": body.get("callback_url") or "",
                "received_at": dt.datetime.now(dt.UTC).isoformat(),
                "status": "accepted",
            }
            self.messages.append(message)
            auto = self.auto_report
        if auto and message["callback_url"]:
            threading.Thread(target=self.report, args=(message["message_id"], auto, 0.2)).start()
        return 202, _accepted(message)

    def report(self, message_id: str, status: str, delay: float = 0.0) -> int:
        """Send the delivery report of a message; returns the HTTP status the merchant gave."""
        time.sleep(delay)
        with self.lock:
            message = next((m for m in self.messages if m["message_id"] == message_id), None)
            if message is None:
                return 404
            message["status"] = status
        body = json.dumps(
            {
                "message_id": message_id,
                "client_ref": message["client_ref"],
                "status": status,
                "error_code": "" if status == "delivered" else "EXPIRED",
                "reported_at": dt.datetime.now(dt.UTC).isoformat(),
            }
        ).encode()
        timestamp = str(int(time.time()))
        signature = hmac.new(
            self.callback_secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        request = urllib.request.Request(  # noqa: S310 (the URL the client gave us)
            message["callback_url"],
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Timestamp": timestamp,
                "X-Signature": f"sha256={signature}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
        except OSError:
            return 0


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def _accepted(message: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": "accepted",
        "message_id": message["message_id"],
        "client_ref": message["client_ref"],
        "segments": message["segments"],
    }


def _validate(body: dict[str, Any]) -> dict[str, Any] | None:
    if not isinstance(body.get("brandname"), str) or not body["brandname"].strip():
        return _error("invalid_request", "brandname is required")
    if not isinstance(body.get("to"), str) or not PHONE.match(body["to"]):
        return _error("invalid_phone", "to must be a Vietnamese mobile number 84xxxxxxxxx")
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        return _error("invalid_message", "text is required")
    unicode = bool(body.get("unicode"))
    if not unicode and not text.isascii():
        return _error("invalid_message", "text has characters outside GSM 7-bit; set unicode")
    if segments(text, unicode) > MAX_PARTS:
        return _error("invalid_message", f"text is longer than {MAX_PARTS} parts")
    return None


def make_handler(gateway: Gateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "sms-standin/1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _json(self, status: int, body: Any) -> None:
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            return json.loads(raw or b"{}")

        def do_GET(self) -> None:
            if self.path == "/health":
                self._json(200, {"ok": True})
            elif self.path == "/_standin/messages":
                with gateway.lock:
                    self._json(200, {"messages": list(gateway.messages)})
            else:
                self._json(404, _error("not_found", "no such endpoint"))

        def do_POST(self) -> None:
            try:
                body = self._body()
            except ValueError:
                self._json(400, _error("invalid_request", "body is not JSON"))
                return
            if self.path == "/v1/messages":
                auth = self.headers.get("Authorization", "")
                if not hmac.compare_digest(auth, f"Bearer {gateway.api_key}"):
                    self._json(401, _error("unauthorized", "API key missing or wrong"))
                    return
                self._json(*gateway.accept(body if isinstance(body, dict) else {}))
            elif self.path == "/_standin/reset":
                gateway.reset()
                self._json(200, {"ok": True})
            elif self.path == "/_standin/failures":
                with gateway.lock:
                    gateway.failures.extend([str(body.get("mode"))] * int(body.get("count", 1)))
                self._json(200, {"ok": True})
            elif self.path == "/_standin/config":
                gateway.auto_report = body.get("auto_report")
                self._json(200, {"ok": True})
            elif self.path.startswith("/_standin/reports/"):
                message_id = self.path.rsplit("/", 1)[1]
                status = gateway.report(message_id, str(body.get("status", "delivered")))
                self._json(200, {"merchant_status": status})
            else:
                self._json(404, _error("not_found", "no such endpoint"))

    return Handler


def serve(host: str, port: int, gateway: Gateway) -> ThreadingHTTPServer:
    return ThreadingHTTPServer((host, port), make_handler(gateway))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--api-key", default="dev-sms-key")
    parser.add_argument("--callback-secret", default="dev-sms-callback-secret")
    parser.add_argument("--auto-report", choices=["delivered", "failed"], default=None)
    args = parser.parse_args()
    gateway = Gateway(args.api_key, args.callback_secret, args.auto_report)
    server = serve(args.host, args.port, gateway)
    print(f"SMS gateway stand-in on http://{args.host}:{args.port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
