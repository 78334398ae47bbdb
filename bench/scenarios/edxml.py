"""edXML build + sign + verify (+ parse and read back): target ≥ 200 messages/s (issue 5, §5).

Runs in a separate Python process with the bench server's settings, one core, no database: each
message is a full document package (every MessageHeader field, a trace header, one 10 KB PDF
attachment) built with lxml, signed with XML-DSig (RSA-2048, SHA-256, exclusive c14n) by the
agency's seal key **inside a SoftHSM2 token** (PKCS#11, one long-lived session, as the signatures
app's provider does), parsed by the hardened parser, verified the way a peer trusted through its
CA verifies it (certificate from KeyInfo, chain to the root, signature, validity at signing time)
and read back.
"""

from __future__ import annotations

import subprocess

from bench.harness import PYTHON, ROOT, Measurement, Report, Server

SCRIPT = r"""
import dataclasses, datetime as dt, os, tempfile, time
from pathlib import Path
from egov.signatures import softhsm

# A SoftHSM2 token of our own; SOFTHSM2_CONF must be set before the PKCS#11 library loads.
work = Path(tempfile.mkdtemp(prefix="bench-edxml-"))
hsm = softhsm.prepare(work / "softhsm")
softhsm.init_token(hsm, "bench")
os.environ.update(
    SOFTHSM2_CONF=str(hsm.conf), SIGNATURES_TOKEN_PIN=hsm.pin, SIGNATURES_KEY_DIR=str(work / "keys")
)
import django
django.setup()
from egov.exchange import edxml, signing, trust
from egov.exchange.samples import SMALL_PDF, sample_document
from egov.signatures import ca, keys
from egov.signatures.exchange_keys import TokenKey

# The agency's seal: an RSA-2048 key generated inside the token, certified by a root CA.
now = dt.datetime.now(dt.UTC)
root_key = ca.generate_key(2048)
root = ca.create_root(root_key, ca.name("Bench Root CA"), now=now)
public = keys.generate_token_key("bench", "seal")
organ = sample_document().header.sender.organ_id
seal = ca.issue_end_entity(
    public, ca.name("Sở Xây dựng", uid=organ), issuer=root, issuer_key=root_key, urls=None, now=now
)
material = signing.SigningMaterial(
    key=TokenKey(token_label="bench", key_label="seal", public_key=public), certificate=seal
)
pdf = SMALL_PDF + b"%" + b"x" * (10 * 1024)
base = sample_document()
base = dataclasses.replace(
    base,
    attachments=(dataclasses.replace(base.attachments[0], content=pdf),),
    traces=(dataclasses.replace(base.traces[0], timestamp=now),),
)

def one(number):
    code = edxml.Code(str(number), "KH-SXD")
    sender, day = base.header.sender.organ_id, base.header.promulgation.date
    header = dataclasses.replace(
        base.header, code=code, document_id=edxml.document_id_for(sender, day, code)
    )
    message = dataclasses.replace(base, header=header)
    data = signing.sign(edxml.build_document(message), material)
    root_element = edxml.parse_xml(data, max_bytes=10_000_000)
    # The receiver's CA path: the seal from KeyInfo, chained to the root, signature checked,
    # validity at signing time (the CRL check needs the issuer's CRL: see the exchange scenario).
    carried = trust.carried_certificates(root_element)
    leaf = trust.signing_certificate(carried, sender)
    chain = trust.build_chain(leaf, carried, [root])
    signed = signing.verify(root_element, leaf, at=leaf.not_valid_before_utc)
    trust.check_validity(chain, trust.signing_time(signed))
    back = edxml.read_document(signed)
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
            "edXML build + sign (PKCS#11 seal) + parse + verify (1 process)",
            rate,
            "messages/s",
            "≥ 200 messages/s",
            f"RSA-2048 in SoftHSM2, CA chain verified, {size:,} bytes per package "
            f"with a 10 KB PDF{ratio}",
        )
    )
