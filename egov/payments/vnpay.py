"""The VNPay payment gateway protocol, version 2.1.0 (no Django models; settings come in a config).

Written from VNPay's public integration guide (sandbox.vnpayment.vn/apis/docs):

- **Payment URL** (``vnp_Command=pay``): the parameters sorted by name, each name and value
  URL-encoded (spaces as ``+``), joined with ``&``; ``vnp_SecureHash`` is the hex
  HMAC-SHA512 of exactly that string with the merchant's hash secret. ``vnp_Amount`` is the
  amount in VND times 100; dates are ``yyyyMMddHHmmss`` in GMT+7.
- **Return URL and IPN**: VNPay sends the result as query parameters signed the same way
  (``vnp_SecureHash`` and ``vnp_SecureHashType`` left out of the hashed string). The IPN is a
  server-to-server GET to the URL registered with VNPay and is answered with
  ``{"RspCode": "..", "Message": ".."}``: 00 confirmed, 01 order not found, 02 already
  confirmed, 04 invalid amount, 97 invalid signature, 99 other error.
- **querydr and refund**: JSON POSTs to the merchant API; the request checksum is the
  HMAC-SHA512 of the fields joined with ``|`` in a fixed order, and so is the response's.

Order info must be Vietnamese without diacritics and without special characters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

import httpx

VERSION = "2.1.0"
GMT7 = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"
API_TIMEOUT = 15.0

# IPN answers (RspCode, Message), as VNPay's guide spells them.
IPN_CONFIRMED = ("00", "Confirm Success")
IPN_ORDER_NOT_FOUND = ("01", "Order not found")
IPN_ALREADY_CONFIRMED = ("02", "Order already confirmed")
IPN_INVALID_AMOUNT = ("04", "invalid amount")
IPN_INVALID_SIGNATURE = ("97", "Invalid signature")
IPN_UNKNOWN_ERROR = ("99", "Unknow error")

# vnp_ResponseCode of a payment
RESPONSE_SUCCESS = "00"
RESPONSE_EXPIRED = "11"
RESPONSE_CANCELLED = "24"
# vnp_TransactionStatus
STATUS_SUCCESS = "00"
STATUS_INCOMPLETE = "01"
STATUS_ERROR = "02"
# querydr/refund vnp_ResponseCode
API_NOT_FOUND = "91"
API_DUPLICATE = "94"
API_REFUSED = "95"
API_BAD_CHECKSUM = "97"

QUERYDR_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERYDR_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)
REFUND_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
REFUND_RESPONSE_FIELDS = QUERYDR_RESPONSE_FIELDS[:13]

_ORDER_INFO_DROP = re.compile(r"[^A-Za-z0-9 .,:/_-]")


class GatewayError(Exception):
    """The gateway could not be reached or gave an answer we cannot trust; try again later."""


@dataclass(frozen=True)
class Config:
    tmn_code: str
    hash_secret: str
    payment_url: str
    api_url: str

    @property
    def complete(self) -> bool:
        return all((self.tmn_code, self.hash_secret, self.payment_url, self.api_url))


def format_date(moment: dt.datetime) -> str:
    return moment.astimezone(GMT7).strftime(DATE_FORMAT)


def parse_date(value: str) -> dt.datetime:
    return dt.datetime.strptime(value, DATE_FORMAT).replace(tzinfo=GMT7)


def sign(secret: str, data: str) -> str:
    return hmac.new(secret.encode("utf-8"), data.encode("utf-8"), hashlib.sha512).hexdigest()


def canonical_query(params: Mapping[str, Any]) -> str:
    """Sorted ``name=value`` pairs, URL-encoded with spaces as ``+``; empty values left out."""
    return "&".join(
        f"{quote_plus(name, safe='')}={quote_plus(str(value), safe='')}"
        for name, value in sorted(params.items())
        if value is not None and str(value) != ""
    )


def order_info(text: str) -> str:
    """Order info as VNPay wants it: no diacritics, no special characters, at most 255."""
    from egov.notifications.rendering import without_diacritics

    return " ".join(_ORDER_INFO_DROP.sub(" ", without_diacritics(text)).split())[:255]


def payment_url(
    config: Config,
    *,
    txn_ref: str,
    amount: int,
    info: str,
    return_url: str,
    ip_address: str,
    created_at: dt.datetime,
    expires_at: dt.datetime,
    locale: str = "vn",
    order_type: str = "other",
    bank_code: str = "",
) -> str:
    params = {
        "vnp_Version": VERSION,
        "vnp_Command": "pay",
        "vnp_TmnCode": config.tmn_code,
        "vnp_Amount": str(amount * 100),
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": txn_ref,
        "vnp_OrderInfo": order_info(info),
        "vnp_OrderType": order_type,
        "vnp_Locale": locale,
        "vnp_ReturnUrl": return_url,
        "vnp_IpAddr": ip_address,
        "vnp_CreateDate": format_date(created_at),
        "vnp_ExpireDate": format_date(expires_at),
        "vnp_BankCode": bank_code,
    }
    query = canonical_query(params)
    return f"{config.payment_url}?{query}&vnp_SecureHash={sign(config.hash_secret, query)}"


def callback_is_authentic(config: Config, params: Mapping[str, str]) -> bool:
    """Is this return-URL or IPN query signed with our hash secret?"""
    received = params.get("vnp_SecureHash", "")
    signed = {
        name: value
        for name, value in params.items()
        if name.startswith("vnp_") and name not in ("vnp_SecureHash", "vnp_SecureHashType")
    }
    if not received or not signed:
        return False
    expected = sign(config.hash_secret, canonical_query(signed))
    return hmac.compare_digest(expected, received.lower())


@dataclass(frozen=True)
class GatewayResult:
    """What the gateway says about one transaction (from a callback or from querydr)."""

    txn_ref: str
    amount: int  # VND
    response_code: str
    transaction_status: str
    transaction_no: str = ""
    bank_code: str = ""
    card_type: str = ""
    pay_date: dt.datetime | None = None
    tmn_code: str = ""

    @property
    def succeeded(self) -> bool:
        return self.response_code == RESPONSE_SUCCESS and self.transaction_status == STATUS_SUCCESS


def _amount(raw: str) -> int:
    value = int(raw)
    if value < 0 or value % 100:
        raise ValueError(f"vnp_Amount {raw!r} is not an amount in VND times 100")
    return value // 100


def parse_callback(params: Mapping[str, str]) -> GatewayResult:
    """The result carried by a (signature-checked) return URL or IPN; ValueError if malformed."""
    try:
        pay_date = params.get("vnp_PayDate", "")
        return GatewayResult(
            txn_ref=params["vnp_TxnRef"],
            amount=_amount(params["vnp_Amount"]),
            response_code=params["vnp_ResponseCode"],
            transaction_status=params.get("vnp_TransactionStatus", ""),
            transaction_no=params.get("vnp_TransactionNo", ""),
            bank_code=params.get("vnp_BankCode", ""),
            card_type=params.get("vnp_CardType", ""),
            pay_date=parse_date(pay_date) if pay_date else None,
            tmn_code=params.get("vnp_TmnCode", ""),
        )
    except KeyError as exc:
        raise ValueError(f"missing {exc.args[0]}") from None


def _checksum(config: Config, body: Mapping[str, Any], fields: tuple[str, ...]) -> str:
    return sign(config.hash_secret, "|".join(str(body.get(name, "") or "") for name in fields))


def _post(config: Config, body: dict[str, Any], response_fields: tuple[str, ...]) -> dict[str, Any]:
    try:
        response = httpx.post(config.api_url, json=body, timeout=API_TIMEOUT)
        answer = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise GatewayError(f"{type(exc).__name__}: {exc}") from exc
    if not isinstance(answer, dict):
        raise GatewayError("the gateway's answer is not a JSON object")
    signature = str(answer.get("vnp_SecureHash", ""))
    # VNPay signs the answers it gives to requests it could read; an unsigned answer can only
    # be an error report, and then it must not claim success.
    if signature:
        if not hmac.compare_digest(_checksum(config, answer, response_fields), signature.lower()):
            raise GatewayError("the gateway's answer has an invalid checksum")
    elif str(answer.get("vnp_ResponseCode")) == "00":
        raise GatewayError("the gateway's success answer is not signed")
    return answer


@dataclass(frozen=True)
class ApiAnswer:
    response_code: str
    message: str
    result: GatewayResult | None
    transaction_type: str = ""


def querydr(
    config: Config,
    *,
    request_id: str,
    txn_ref: str,
    transaction_date: str,
    info: str,
    ip_address: str,
    now: dt.datetime,
) -> ApiAnswer:
    """Ask the gateway what became of a payment (``transaction_date``: its vnp_CreateDate)."""
    body: dict[str, Any] = {
        "vnp_RequestId": request_id,
        "vnp_Version": VERSION,
        "vnp_Command": "querydr",
        "vnp_TmnCode": config.tmn_code,
        "vnp_TxnRef": txn_ref,
        "vnp_OrderInfo": order_info(info),
        "vnp_TransactionDate": transaction_date,
        "vnp_CreateDate": format_date(now),
        "vnp_IpAddr": ip_address,
    }
    body["vnp_SecureHash"] = _checksum(config, body, QUERYDR_FIELDS)
    answer = _post(config, body, QUERYDR_RESPONSE_FIELDS)
    return _api_answer(answer)


def refund(
    config: Config,
    *,
    request_id: str,
    txn_ref: str,
    amount: int,
    transaction_no: str,
    transaction_date: str,
    created_by: str,
    info: str,
    ip_address: str,
    now: dt.datetime,
    full: bool = True,
) -> ApiAnswer:
    """Ask the gateway to give (all of) a paid amount back."""
    body: dict[str, Any] = {
        "vnp_RequestId": request_id,
        "vnp_Version": VERSION,
        "vnp_Command": "refund",
        "vnp_TmnCode": config.tmn_code,
        "vnp_TransactionType": "02" if full else "03",
        "vnp_TxnRef": txn_ref,
        "vnp_Amount": amount * 100,
        "vnp_OrderInfo": order_info(info),
        "vnp_TransactionNo": transaction_no,
        "vnp_TransactionDate": transaction_date,
        "vnp_CreateBy": created_by,
        "vnp_CreateDate": format_date(now),
        "vnp_IpAddr": ip_address,
    }
    body["vnp_SecureHash"] = _checksum(config, body, REFUND_FIELDS)
    answer = _post(config, body, REFUND_RESPONSE_FIELDS)
    return _api_answer(answer)


def _api_answer(answer: Mapping[str, Any]) -> ApiAnswer:
    code = str(answer.get("vnp_ResponseCode", ""))
    result = None
    if code == "00":
        try:
            pay_date = str(answer.get("vnp_PayDate") or "")
            result = GatewayResult(
                txn_ref=str(answer["vnp_TxnRef"]),
                amount=_amount(str(answer["vnp_Amount"])),
                response_code=RESPONSE_SUCCESS
                if str(answer.get("vnp_TransactionStatus")) == STATUS_SUCCESS
                else str(answer.get("vnp_TransactionStatus", "")),
                transaction_status=str(answer.get("vnp_TransactionStatus", "")),
                transaction_no=str(answer.get("vnp_TransactionNo", "") or ""),
                bank_code=str(answer.get("vnp_BankCode", "") or ""),
                pay_date=parse_date(pay_date) if pay_date else None,
                tmn_code=str(answer.get("vnp_TmnCode", "")),
            )
        except (KeyError, ValueError) as exc:
            raise GatewayError(f"malformed answer: {exc}") from exc
    return ApiAnswer(
        response_code=code,
        message=str(answer.get("vnp_Message", "")),
        result=result,
        transaction_type=str(answer.get("vnp_TransactionType", "")),
    )
