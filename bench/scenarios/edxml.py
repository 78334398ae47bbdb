"""edXML build + sign + verify (+ parse and read back): target ≥ 200 messages/s (issue 5, §5).

Runs in a separate Python process with the bench server's settings, one core, no database: each
message is a full document package (every MessageHeader field, a trace header, one 10 KB PDF
attachment) built with lxml, signed with XML-DSig (RSA-2048, SHA-256, exclusive c14n), parsed by
the hardened parser, verified against the sender's certificate and read back.
"""

from __future__ import annotations

import subprocess

from bench.harness import PYTHON, ROOT, Measurement, Report, Server

SCRIPT = r"""
import dataclasses, time, django
django.setup()
from egov.exchange import edxml, signing
from egov.exchange.samples import SMALL_PDF, sample_document

material = signing.generate_material("Sở Xây dựng tỉnh Tiền Giang", kind="rsa")
pdf = SMALL_PDF + b"%" + b"x" * (10 * 1024)
base = sample_document()
base = dataclasses.replace(
    base, attachments=(dataclasses.replace(base.attachments[0], content=pdf),)
)

def one(number):
    code = edxml.Code(str(number), "KH-SXD")
    sender, day = base.header.sender.organ_id, base.header.promulgation.date
    header = dataclasses.replace(
        base.header, code=code, document_id=edxml.document_id_for(sender, day, code)
    )
    message = dataclasses.replace(base, header=header)
    data = signing.sign(edxml.build_document(message), material)
    root = edxml.parse_xml(data, max_bytes=10_000_000)
    back = edxml.read_document(signing.verify(root, material.certificate))
    assert back.document_id == message.document_id
    return len(data)

for n in range(50):  # warm up
    one(n)
count, size = 0, 0
started = time.perf_counter()
while time.perf_counter() - started < DURATION:
    size = one(count + 1000)
    count += 1
elapsed = time.perf_counter() - started
print(f"{count / elapsed:.1f} {size}")
"""


def run(server: Server, report: Report, *, duration: int, connections: int) -> None:
    output = subprocess.run(
        [PYTHON, "-c", SCRIPT.replace("DURATION", str(duration))],
        cwd=ROOT,
        env={**server.env, "DJANGO_SETTINGS_MODULE": "egov.settings"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    rate, size = float(output[-2]), int(output[-1])
    bare = report.baseline("bare JSON endpoint")
    ratio = f"; {rate / bare.requests_per_second:.3f}× bare JSON req/s" if bare else ""
    print(f"  edXML build+sign+verify: {rate:,.0f} messages/s")
    report.measurements.append(
        Measurement(
            "edXML build + sign + parse + verify (1 process)",
            rate,
            "messages/s",
            "≥ 200 messages/s",
            f"RSA-2048, {size:,} bytes per package with a 10 KB PDF{ratio}",
        )
    )
