"""VNPay IPN handling (issue 4 target: >= 500/s): first deliveries that settle a payment,
replays answered 02, and forged calls answered 97.

``prepare`` creates pending payments in the bench database and signs one IPN per payment the
way the gateway does (with the stand-in gateway's own signing code); wrk then sends each IPN
once, every thread taking its own share of them.
"""

from __future__ import annotations

import json
import os
import textwrap

from bench.harness import ROOT, Report, Server, run_wrk

PATHS = ROOT / "bench" / "results" / "ipn_paths.txt"
REPLAYS = ROOT / "bench" / "results" / "ipn_replays.txt"
SCRIPT = ROOT / "bench" / "results" / "ipn.lua"
SECRET = "bench-vnpay-secret"  # noqa: S105 (a throw-away bench database)
PER_SECOND_BUDGET = 1500  # payments prepared per second of the run

PREPARE = textwrap.dedent(
    """
    import json, sys, datetime as dt
    from django.utils import timezone
    from egov.accounts.models import User
    from egov.payments.models import Payment, PaymentStatus
    from egov.payments.standin.vnpay_gateway import Gateway
    from urllib.parse import urlencode

    count, secret, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    payer, _ = User.objects.get_or_create(username="bench-payer", defaults={"full_name": "Bench"})
    Payment.objects.filter(payer=payer).delete()
    now = timezone.now()
    payments = [
        Payment(reference=f"BENCH{n:09d}", payer=payer, payable_kind="fee-notice",
                payable_ref=f"BENCH{n}", description="Bench", amount=150000,
                status=PaymentStatus.PENDING, checkout_at=now,
                expires_at=now + dt.timedelta(hours=2), gateway_create_date="20260101000000")
        for n in range(count)
    ]
    Payment.objects.bulk_create(payments, batch_size=2000)
    gateway = Gateway("BENCHTMN", secret, "")
    with open(out, "w") as paths:
        for payment in payments:
            params = {
                "vnp_Amount": "15000000", "vnp_BankCode": "NCB", "vnp_CardType": "ATM",
                "vnp_OrderInfo": "Bench", "vnp_PayDate": "20260101000100",
                "vnp_ResponseCode": "00", "vnp_TmnCode": "BENCHTMN",
                "vnp_TransactionNo": payment.reference[5:], "vnp_TransactionStatus": "00",
                "vnp_TxnRef": payment.reference,
            }
            query = urlencode(params) + "&vnp_SecureHash=" + gateway.query_hash(params)
            paths.write("/api/v1/payments/vnpay/ipn?" + query + "\\n")
    """
)

LUA = textwrap.dedent(
    """
    local threads = {}
    local counter = 1
    function setup(thread)
      thread:set("id", counter)
      table.insert(threads, thread)
      counter = counter + 1
    end
    function init(args)
      paths = {}
      for line in io.lines(os.getenv("IPN_PATHS")) do table.insert(paths, line) end
      step = tonumber(os.getenv("WRK_THREADS"))
      index = id
      mode = os.getenv("IPN_MODE")
    end
    function request()
      local path = paths[((index - 1) % #paths) + 1]
      index = index + step
      if mode == "forged" then
        path = string.gsub(path, "vnp_SecureHash=%x%x", "vnp_SecureHash=00")
      end
      return wrk.format("GET", path)
    end
    """
)


def prepare(server: Server, duration: int = 10) -> None:
    server.env.update(
        {
            "VNPAY_TMN_CODE": "BENCHTMN",
            "VNPAY_HASH_SECRET": SECRET,
            "VNPAY_PAYMENT_URL": "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
            "VNPAY_API_URL": "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction",
        }
    )
    count = PER_SECOND_BUDGET * int(os.environ.get("BENCH_DURATION", duration))
    PATHS.parent.mkdir(parents=True, exist_ok=True)
    code = PREPARE.replace("sys.argv[1]", str(count)).replace("sys.argv[2]", json.dumps(SECRET))
    code = code.replace("sys.argv[3]", json.dumps(str(PATHS)))
    server.manage("shell", "-c", code)
    SCRIPT.write_text(LUA, encoding="utf-8")


# Writes the IPNs of the payments the first run settled: the replay run sends only those.
SETTLED = textwrap.dedent(
    """
    from egov.payments.models import Payment
    settled = set(Payment.objects.filter(payer__username="bench-payer", status="succeeded")
                  .values_list("reference", flat=True))
    with open(PATHS) as source, open(REPLAYS, "w") as target:
        for line in source:
            if line.split("vnp_TxnRef=")[1].split("&")[0] in settled:
                target.write(line)
    """
)


def run(server: Server, report: Report, *, duration: int, connections: int) -> None:
    for name, mode, paths in [
        ("VNPay IPN, first delivery (settles a payment)", "first", PATHS),
        ("VNPay IPN, replay (answered 02)", "replay", REPLAYS),
        ("VNPay IPN, forged signature (answered 97)", "forged", PATHS),
    ]:
        if mode == "replay":
            code = SETTLED.replace("PATHS", json.dumps(str(PATHS)))
            server.manage("shell", "-c", code.replace("REPLAYS", json.dumps(str(REPLAYS))))
        report.wrk.append(
            run_wrk(
                name,
                server.url + "/api/v1/payments/vnpay/ipn",
                connections=connections,
                duration=duration,
                script=SCRIPT,
                env={"IPN_PATHS": str(paths), "WRK_THREADS": "2", "IPN_MODE": mode},
            )
        )
