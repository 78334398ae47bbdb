"""Exchange between two local installations: target ≥ 100 documents/s with small attachments
(issue 5, §5).

prepare: two installations of their own on PostgreSQL (A: Sở Xây dựng of Tiền Giang, B: the
People's Committee of Hậu Giang), each with its key, its agency and the other in its peer
directory; A signs BENCH_EXCHANGE_DOCUMENTS packages (default 1,000; each with a 10 KB PDF) into
its outbox.

run: B serves with gunicorn; A delivers its outbox from BENCH_EXCHANGE_PROCESSES processes
(default 3, as several workers would) of BENCH_EXCHANGE_CONCURRENCY threads each (default 8).
Each delivery is the whole path: POST, B checks size, XML, sender and signature, registers the
incoming document (documents app, arrival number, attachment stored) and answers with a signed
01, which A verifies and records. The figure is documents acknowledged per second of wall time,
next to the bare JSON baseline of the same run. B's worker is not running, so its 03/04 reports
(made by the worker after commit) are not part of the figure.
"""

from __future__ import annotations

import os
import subprocess
import time

from bench.harness import PYTHON, ROOT, Measurement, Report, Server

COUNT = int(os.environ.get("BENCH_EXCHANGE_DOCUMENTS", "1000"))
CONCURRENCY = int(os.environ.get("BENCH_EXCHANGE_CONCURRENCY", "8"))
# Deliverer processes at A (like several workers): one Python process is bound by its GIL.
PROCESSES = int(os.environ.get("BENCH_EXCHANGE_PROCESSES", "3"))
A_ORGAN, B_ORGAN = "000.00.09.H58", "000.00.00.H30"
KEYS = ROOT / "bench" / "results" / "exchange-keys"
_pair: dict[str, Server] = {}

SEND = r"""
import dataclasses, django
django.setup()
from egov.exchange.actions import send_document
from egov.exchange.samples import SMALL_PDF, organization, sample_document
pdf = SMALL_PDF + b"%" + b"x" * (10 * 1024)
sender = organization("A_ORGAN", "Sở Xây dựng tỉnh Tiền Giang")
to = (organization("B_ORGAN", "Ủy ban nhân dân tỉnh Hậu Giang"),)
for number in range(1, COUNT + 1):
    message = sample_document(sender=sender, to=to, number=str(number), notation="SXD-BENCH")
    message = dataclasses.replace(
        message, attachments=(dataclasses.replace(message.attachments[0], content=pdf),)
    )
    send_document(acting_user=None, message=message)
"""

DELIVER = r"""
import time, django
django.setup()
from egov.exchange import transport
from egov.exchange.models import OutboxItem
started = time.perf_counter()
while True:
    attempted = transport.process_outbox(limit=1000, concurrency=CONCURRENCY)
    if not attempted:
        if not OutboxItem.objects.filter(state="pending").exists():
            break
        time.sleep(0.05)  # only retries left, waiting for their time
elapsed = time.perf_counter() - started
delivered = OutboxItem.objects.filter(state="delivered").count()
failed = OutboxItem.objects.filter(state="failed").count()
print(delivered, failed, f"{elapsed:.3f}")
"""

COUNT_AT_B = r"""
import django
django.setup()
from egov.exchange.models import Transmission
from egov.documents.models import Document
print(Transmission.objects.filter(direction="incoming").count(),
      Document.objects.filter(direction="incoming").values("edxml_document_id").distinct().count())
"""


def _python(server: Server, script: str) -> str:
    return subprocess.run(
        [PYTHON, "-c", script],
        cwd=ROOT,
        env={**server.env, "DJANGO_SETTINGS_MODULE": "egov.settings"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _installation(database: str, port: int, name: str, province: str) -> Server:
    server = Server(database, port=port, workers=max(2, (os.cpu_count() or 2) * 2))
    server.env.update(
        {
            "EGOV_PROVINCE_ORGAN_CODE": province,
            "EXCHANGE_SIGNING_KEY_FILE": str(KEYS / name / "key.pem"),
            "EXCHANGE_SIGNING_CERT_FILE": str(KEYS / name / "cert.pem"),
            "EXCHANGE_HTTP_TIMEOUT": "30",
            "MEDIA_ROOT": str(ROOT / "bench" / "results" / f"media-{name}"),
        }
    )
    return server


def prepare(server: Server) -> None:
    a = _installation("egov_bench_xa", 8111, "a", "000.00.00.H58")
    b = _installation("egov_bench_xb", 8112, "b", B_ORGAN)
    for name, installation, common in (
        ("a", a, "Sở Xây dựng tỉnh Tiền Giang"),
        ("b", b, "Ủy ban nhân dân tỉnh Hậu Giang"),
    ):
        installation.manage(
            "exchange_keys", "create", "--dir", str(KEYS / name), "--name", common, "--force"
        )
    a.create_database(fresh=True)
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", b.database], check=True
    )
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", "-T", a.database, b.database], check=True
    )
    a.manage("exchange_setup", "--organ-code", A_ORGAN, "--name", "Sở Xây dựng tỉnh Tiền Giang",
             "--short-name", "SXD", "--level", "sector", "--staff", "clerk=vanthu")  # fmt: skip
    b.manage("exchange_setup", "--organ-code", B_ORGAN, "--name", "Ủy ban nhân dân tỉnh Hậu Giang",
             "--short-name", "UBND", "--staff", "clerk=vanthu")  # fmt: skip
    a.manage("exchange_peer", "add", B_ORGAN, "--name", "Hậu Giang", "--url", b.url,
             "--certificate", str(KEYS / "b" / "cert.pem"))  # fmt: skip
    b.manage("exchange_peer", "add", "000.00.00.H58", "--subordinates", "--name", "Tiền Giang",
             "--url", a.url, "--certificate", str(KEYS / "a" / "cert.pem"))  # fmt: skip
    _python(
        a, SEND.replace("COUNT", str(COUNT)).replace("A_ORGAN", A_ORGAN).replace("B_ORGAN", B_ORGAN)
    )
    _pair.update(a=a, b=b)


def run(server: Server, report: Report, *, duration: int, connections: int) -> None:
    a, b = _pair["a"], _pair["b"]
    b.start()
    try:
        started = time.perf_counter()
        deliverers = [
            subprocess.Popen(
                [PYTHON, "-c", DELIVER.replace("CONCURRENCY", str(CONCURRENCY))],
                cwd=ROOT,
                env={**a.env, "DJANGO_SETTINGS_MODULE": "egov.settings"},
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(PROCESSES)
        ]
        outputs = [process.communicate()[0] for process in deliverers]
        elapsed = time.perf_counter() - started
        delivered, failed, _elapsed = outputs[-1].split()
        received, distinct = _python(b, COUNT_AT_B).split()
    finally:
        b.stop()
    rate = int(delivered) / elapsed
    bare = report.baseline("bare JSON endpoint")
    ratio = f"; {rate / bare.requests_per_second:.3f}× bare JSON req/s" if bare else ""
    print(f"  exchange A→B: {rate:,.0f} documents/s ({delivered} delivered, {failed} failed)")
    report.measurements.append(
        Measurement(
            "edXML exchange between two installations",
            rate,
            "documents/s",
            "≥ 100 documents/s",
            f"{delivered}/{COUNT} acknowledged, {failed} failed, {received} registered at B "
            f"({distinct} distinct); 10 KB PDF each; {PROCESSES} deliverer processes × "
            f"{CONCURRENCY} threads at A, {b.workers} gunicorn workers at B{ratio}",
        )
    )
