"""A stand-in VNPay gateway for development and tests (Python standard library only).

It speaks VNPay's protocol version 2.1.0 as the merchant sees it, written independently of
our adapter (``egov/payments/vnpay.py``) so that each checks the other:

- ``GET /paymentv2/vpcpay.html?...`` checks the merchant's HMAC-SHA512 signature and the
  parameters and shows a payment page with three buttons: pay, cancel, or fail (insufficient
  funds). ``POST /paymentv2/confirm`` records the outcome, sends the signed IPN to the
  merchant's IPN URL (server to server, GET) and redirects the browser to ``vnp_ReturnUrl``
  with the same signed parameters.
- ``POST /merchant_webapi/api/transaction`` answers ``querydr`` and ``refund`` with their
  ``|``-joined checksums, checking the merchant's.

Run: ``python -m egov.payments.standin.vnpay_gateway --port 8790 --tmn-code EGOVDEMO
--hash-secret SECRET --ipn-url http://127.0.0.1:8000/api/v1/payments/vnpay/ipn``.

Control endpoints for developers and tests (not part of VNPay's protocol):
``GET /_standin/transactions``; ``GET /_standin/ipns`` (IPNs held back); ``POST /_standin/reset``;
``POST /_standin/config {"ipn_mode": "deliver"|"hold", "ipn_url": "..."}``;
``POST /_standin/ipns/<txn_ref>/send`` sends (again) the IPN of a transaction and returns
the merchant's answer.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import hmac
import html
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

GMT7 = dt.timezone(dt.timedelta(hours=7))
REQUIRED = (
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_Amount",
    "vnp_CurrCode",
    "vnp_TxnRef",
    "vnp_OrderInfo",
    "vnp_OrderType",
    "vnp_Locale",
    "vnp_ReturnUrl",
    "vnp_IpAddr",
    "vnp_CreateDate",
    "vnp_ExpireDate",
)
QUERYDR_IN = "RequestId Version Command TmnCode TxnRef TransactionDate CreateDate IpAddr OrderInfo"
QUERYDR_OUT = (
    "ResponseId Command ResponseCode Message TmnCode TxnRef Amount BankCode PayDate "
    "TransactionNo TransactionType TransactionStatus OrderInfo PromotionCode PromotionAmount"
)
REFUND_IN = (
    "RequestId Version Command TmnCode TransactionType TxnRef Amount TransactionNo "
    "TransactionDate CreateBy CreateDate IpAddr OrderInfo"
)
REFUND_OUT = (
    "ResponseId Command ResponseCode Message TmnCode TxnRef Amount BankCode PayDate "
    "TransactionNo TransactionType TransactionStatus OrderInfo"
)
OUTCOMES = {"pay": "00", "cancel": "24", "fail": "51"}


def now_gmt7() -> dt.datetime:
    return dt.datetime.now(GMT7)


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(GMT7).strftime("%Y%m%d%H%M%S")


class Gateway:
    def __init__(self, tmn_code: str, secret: str, ipn_url: str) -> None:
        self.tmn_code = tmn_code
        self.secret = secret.encode()
        self.ipn_url = ipn_url
        self.ipn_mode = "deliver"
        self.lock = threading.Lock()
        self.transactions: dict[str, dict[str, Any]] = {}
        self.held: list[str] = []
        self.request_ids: set[str] = set()
        self.counter = 14000000

    # Signatures, computed the way VNPay's reference code does -----------------------------

    def hmac512(self, text: str) -> str:
        return hmac.new(self.secret, text.encode("utf-8"), hashlib.sha512).hexdigest()

    def query_hash(self, params: dict[str, str]) -> str:
        pairs = sorted((k, v) for k, v in params.items() if k.startswith("vnp_") and v != "")
        pairs = [(k, v) for k, v in pairs if k not in ("vnp_SecureHash", "vnp_SecureHashType")]
        text = "&".join(
            urllib.parse.quote_plus(k) + "=" + urllib.parse.quote_plus(v) for k, v in pairs
        )
        return self.hmac512(text)

    def pipe_hash(self, body: dict[str, Any], names: str) -> str:
        return self.hmac512("|".join(str(body.get(f"vnp_{n}", "")) for n in names.split()))

    # The payment page ---------------------------------------------------------------------

    def start(self, params: dict[str, str]) -> tuple[int, str]:
        missing = [name for name in REQUIRED if not params.get(name)]
        if missing:
            return 400, page("Dữ liệu gửi sang không đúng định dạng (03)", ", ".join(missing))
        if not hmac.compare_digest(self.query_hash(params), params.get("vnp_SecureHash", "")):
            return 400, page("Sai chữ ký (97)", "Chữ ký của website TMĐT không hợp lệ.")
        if params["vnp_TmnCode"] != self.tmn_code:
            return 400, page("Website này chưa được phê duyệt (02)", params["vnp_TmnCode"])
        if params["vnp_Version"] != "2.1.0" or params["vnp_Command"] != "pay":
            return 400, page("Dữ liệu gửi sang không đúng định dạng (03)", "version/command")
        if params["vnp_CurrCode"] != "VND":
            return 400, page("Loại tiền tệ không hợp lệ (03)", params["vnp_CurrCode"])
        amount = params["vnp_Amount"]
        if not amount.isdigit() or int(amount) % 100 or int(amount) <= 0:
            return 400, page("Số tiền không hợp lệ (03)", amount)
        if not re.fullmatch(r"[A-Za-z0-9]{1,100}", params["vnp_TxnRef"]):
            return 400, page("Mã giao dịch không hợp lệ (03)", params["vnp_TxnRef"])
        with self.lock:
            known = self.transactions.get(params["vnp_TxnRef"])
            if known and known["status"] != "pending":
                return 400, page("Giao dịch đã tồn tại (01)", params["vnp_TxnRef"])
            if known is None:
                self.transactions[params["vnp_TxnRef"]] = {
                    "txn_ref": params["vnp_TxnRef"],
                    "amount": int(amount),
                    "order_info": params["vnp_OrderInfo"],
                    "create_date": params["vnp_CreateDate"],
                    "expire_date": params["vnp_ExpireDate"],
                    "return_url": params["vnp_ReturnUrl"],
                    "status": "pending",
                    "response_code": "",
                    "transaction_no": "",
                    "pay_date": "",
                    "refunded": False,
                    "ipn": "",
                }
        vnd = f"{int(amount) // 100:,}".replace(",", ".")
        body = f"""<h1>VNPAY – Cổng thanh toán (thử nghiệm)</h1>
<dl><dt>Mã giao dịch</dt><dd id="txn">{html.escape(params["vnp_TxnRef"])}</dd>
<dt>Nội dung</dt><dd>{html.escape(params["vnp_OrderInfo"])}</dd>
<dt>Số tiền</dt><dd id="amount">{vnd} VND</dd></dl>
<form method="post" action="/paymentv2/confirm">
<input type="hidden" name="txn_ref" value="{html.escape(params["vnp_TxnRef"])}">
<label>Ngân hàng <select name="bank"><option>NCB</option><option>VCB</option></select></label>
<button name="action" value="pay">Thanh toán</button>
<button name="action" value="fail">Thanh toán (thẻ không đủ số dư)</button>
<button name="action" value="cancel">Hủy giao dịch</button>
</form>"""
        return 200, page("Thanh toán", body, raw=True)

    def confirm(self, txn_ref: str, choice: str, bank: str) -> tuple[int, str]:
        """The payer's choice; returns (302, return URL) or an error page."""
        with self.lock:
            txn = self.transactions.get(txn_ref)
            if txn is None or txn["status"] != "pending" or choice not in OUTCOMES:
                return 400, page("Giao dịch không hợp lệ", txn_ref)
            code = OUTCOMES[choice]
            if choice == "pay" and stamp(now_gmt7()) > txn["expire_date"]:
                code = "11"
            self.counter += 1
            txn.update(
                status="paid" if code == "00" else "failed",
                response_code=code,
                transaction_no=str(self.counter),
                pay_date=stamp(now_gmt7()),
                bank_code=bank or "NCB",
            )
            params = {
                "vnp_Amount": str(txn["amount"]),
                "vnp_BankCode": txn["bank_code"],
                "vnp_BankTranNo": f"VNP{self.counter}" if code == "00" else "",
                "vnp_CardType": "ATM",
                "vnp_OrderInfo": txn["order_info"],
                "vnp_PayDate": txn["pay_date"],
                "vnp_ResponseCode": code,
                "vnp_TmnCode": self.tmn_code,
                "vnp_TransactionNo": txn["transaction_no"] if code == "00" else "0",
                "vnp_TransactionStatus": "00" if code == "00" else "02",
                "vnp_TxnRef": txn_ref,
            }
            params = {k: v for k, v in params.items() if v != ""}
            query = urllib.parse.urlencode(params) + "&vnp_SecureHash=" + self.query_hash(params)
            txn["ipn"] = query
            return_url = txn["return_url"]
            hold = self.ipn_mode == "hold"
            if hold:
                self.held.append(query)
        if not hold:
            threading.Thread(target=self.send_ipn, args=(query, 3, txn_ref), daemon=True).start()
        separator = "&" if "?" in return_url else "?"
        return 302, f"{return_url}{separator}{query}"

    def send_ipn(self, query: str, attempts: int = 1, txn_ref: str = "") -> dict[str, Any]:
        """GET the merchant's IPN URL; VNPay calls again while the answer is not 00 or 02.
        The last answer is kept with the transaction (``ipn_answer``)."""
        answer: dict[str, Any] = {}
        for attempt in range(attempts):
            try:
                with urllib.request.urlopen(f"{self.ipn_url}?{query}", timeout=10) as response:  # noqa: S310
                    answer = json.loads(response.read())
            except (OSError, ValueError) as exc:
                answer = {"error": str(exc)}
            if answer.get("RspCode") in ("00", "02"):
                break
            if attempt + 1 < attempts:
                time.sleep(0.5)
        with self.lock:
            if txn_ref in self.transactions:
                self.transactions[txn_ref]["ipn_answer"] = answer
        return answer

    # The merchant API: querydr and refund -------------------------------------------------

    def api(self, body: dict[str, Any]) -> dict[str, Any]:
        command = body.get("vnp_Command")
        response_id = f"{int(time.time() * 1000)}"
        if command == "querydr":
            return self._querydr(body, response_id)
        if command == "refund":
            return self._refund(body, response_id)
        return {"vnp_ResponseId": response_id, "vnp_ResponseCode": "99", "vnp_Message": "command"}

    def _answer(self, fields: dict[str, Any], names: str) -> dict[str, Any]:
        fields["vnp_SecureHash"] = self.pipe_hash(fields, names)
        return fields

    def _duplicate_request(self, body: dict[str, Any]) -> bool:
        with self.lock:
            request_id = str(body.get("vnp_RequestId", ""))
            if request_id in self.request_ids:
                return True
            self.request_ids.add(request_id)
            return False

    def _querydr(self, body: dict[str, Any], response_id: str) -> dict[str, Any]:
        base = {
            "vnp_ResponseId": response_id,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self.tmn_code,
        }
        if not hmac.compare_digest(
            self.pipe_hash(body, QUERYDR_IN), str(body.get("vnp_SecureHash"))
        ):
            return self._answer(
                {**base, "vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"}, QUERYDR_OUT
            )
        if self._duplicate_request(body):
            return self._answer(
                {**base, "vnp_ResponseCode": "94", "vnp_Message": "Duplicate request"}, QUERYDR_OUT
            )
        with self.lock:
            txn = self.transactions.get(str(body.get("vnp_TxnRef")))
            if txn is None or txn["create_date"] != str(body.get("vnp_TransactionDate")):
                return self._answer(
                    {**base, "vnp_ResponseCode": "91", "vnp_Message": "Not found"}, QUERYDR_OUT
                )
            status = {"pending": "01", "paid": "00", "failed": "02"}[txn["status"]]
            return self._answer(
                {
                    **base,
                    "vnp_ResponseCode": "00",
                    "vnp_Message": "QueryDR Success",
                    "vnp_TxnRef": txn["txn_ref"],
                    "vnp_Amount": str(txn["amount"]),
                    "vnp_BankCode": txn.get("bank_code", ""),
                    "vnp_PayDate": txn["pay_date"],
                    "vnp_TransactionNo": txn["transaction_no"],
                    "vnp_TransactionType": "02" if txn["refunded"] else "01",
                    "vnp_TransactionStatus": status,
                    "vnp_OrderInfo": txn["order_info"],
                },
                QUERYDR_OUT,
            )

    def _refund(self, body: dict[str, Any], response_id: str) -> dict[str, Any]:
        base = {
            "vnp_ResponseId": response_id,
            "vnp_Command": "refund",
            "vnp_TmnCode": self.tmn_code,
        }
        if not hmac.compare_digest(
            self.pipe_hash(body, REFUND_IN), str(body.get("vnp_SecureHash"))
        ):
            return self._answer(
                {**base, "vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"}, REFUND_OUT
            )
        if self._duplicate_request(body):
            return self._answer(
                {**base, "vnp_ResponseCode": "99", "vnp_Message": "Duplicate request id"},
                REFUND_OUT,
            )
        with self.lock:
            txn = self.transactions.get(str(body.get("vnp_TxnRef")))
            if txn is None:
                return self._answer(
                    {**base, "vnp_ResponseCode": "91", "vnp_Message": "Not found"}, REFUND_OUT
                )
            if txn["status"] != "paid":
                return self._answer(
                    {**base, "vnp_ResponseCode": "95", "vnp_Message": "Not paid"}, REFUND_OUT
                )
            if txn["refunded"]:
                return self._answer(
                    {**base, "vnp_ResponseCode": "94", "vnp_Message": "Already requested"},
                    REFUND_OUT,
                )
            if int(body.get("vnp_Amount", 0)) > txn["amount"]:
                return self._answer(
                    {**base, "vnp_ResponseCode": "03", "vnp_Message": "Amount"}, REFUND_OUT
                )
            txn["refunded"] = True
            return self._answer(
                {
                    **base,
                    "vnp_ResponseCode": "00",
                    "vnp_Message": "Refund success",
                    "vnp_TxnRef": txn["txn_ref"],
                    "vnp_Amount": str(body.get("vnp_Amount")),
                    "vnp_BankCode": txn.get("bank_code", ""),
                    "vnp_PayDate": stamp(now_gmt7()),
                    "vnp_TransactionNo": txn["transaction_no"],
                    "vnp_TransactionType": str(body.get("vnp_TransactionType")),
                    "vnp_TransactionStatus": "05",
                    "vnp_OrderInfo": str(body.get("vnp_OrderInfo", "")),
                },
                REFUND_OUT,
            )


def page(title: str, body: str, *, raw: bool = False) -> str:
    content = body if raw else f"<p>{html.escape(body)}</p>"
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title></head><body>"
        f"<h2>{html.escape(title)}</h2>{content}</body></html>"
    )


def make_handler(gateway: Gateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "vnpay-standin/1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, body: str, content_type: str) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _json(self, status: int, body: Any) -> None:
            self._send(status, json.dumps(body, ensure_ascii=False), "application/json")

        def _html(self, status: int, body: str) -> None:
            self._send(status, body, "text/html; charset=utf-8")

        def _read(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            if url.path == "/health":
                self._json(200, {"ok": True})
            elif url.path == "/paymentv2/vpcpay.html":
                params = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
                self._html(*gateway.start(params))
            elif url.path == "/_standin/transactions":
                with gateway.lock:
                    self._json(200, {"transactions": list(gateway.transactions.values())})
            elif url.path == "/_standin/ipns":
                with gateway.lock:
                    self._json(200, {"ipns": list(gateway.held)})
            else:
                self._json(404, {"error": "not found"})

        def do_POST(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            raw = self._read()
            if url.path == "/paymentv2/confirm":
                form = dict(urllib.parse.parse_qsl(raw.decode()))
                status, result = gateway.confirm(
                    form.get("txn_ref", ""), form.get("action", ""), form.get("bank", "")
                )
                if status == 302:
                    self.send_response(302)
                    self.send_header("Location", result)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self._html(status, result)
                return
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                self._json(400, {"vnp_ResponseCode": "03", "vnp_Message": "Invalid JSON"})
                return
            if url.path == "/merchant_webapi/api/transaction":
                self._json(200, gateway.api(body))
            elif url.path == "/_standin/reset":
                with gateway.lock:
                    gateway.transactions.clear()
                    gateway.held.clear()
                    gateway.ipn_mode = "deliver"
                self._json(200, {"ok": True})
            elif url.path == "/_standin/config":
                with gateway.lock:
                    gateway.ipn_mode = body.get("ipn_mode", gateway.ipn_mode)
                    gateway.ipn_url = body.get("ipn_url", gateway.ipn_url)
                self._json(200, {"ok": True})
            elif url.path.startswith("/_standin/ipns/") and url.path.endswith("/send"):
                txn_ref = url.path.split("/")[3]
                with gateway.lock:
                    query = gateway.transactions.get(txn_ref, {}).get("ipn", "")
                if not query:
                    self._json(404, {"error": "no IPN for this transaction"})
                else:
                    self._json(200, gateway.send_ipn(query, 1, txn_ref))
            else:
                self._json(404, {"error": "not found"})

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--tmn-code", default="EGOVDEMO")
    parser.add_argument("--hash-secret", default="dev-vnpay-hash-secret")
    parser.add_argument("--ipn-url", default="http://127.0.0.1:8000/api/v1/payments/vnpay/ipn")
    args = parser.parse_args()
    gateway = Gateway(args.tmn_code, args.hash_secret, args.ipn_url)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(gateway))
    print(f"VNPay stand-in on http://{args.host}:{args.port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
