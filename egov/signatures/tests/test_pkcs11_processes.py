"""The PKCS#11 path across processes: two workers log in to the same token and sign at once.

Each child process opens its own long-lived session (under the file lock), drops and reopens it
between rounds to stress the login path, and signs; both must finish without a PKCS#11 error
and every document must verify."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings

from egov.signatures.services import verify_pdf
from egov.signatures.tests.conftest import TOKEN, Pki

CHILD = r"""
import json, os, sys
import django
django.setup()
from egov.signatures import keys, pades
from egov.signatures.tests.conftest import make_pdf
from pyhanko.sign.pkcs11 import PKCS11Signer

job = json.loads(sys.argv[1])
pdf = make_pdf()
for round_ in range(job["rounds"]):
    keys.forget(job["token"])
    signer = PKCS11Signer(
        keys.session(job["token"]),
        key_label=job["key_label"],
        signing_cert=keys.to_asn1(job["cert"]),
        ca_chain=[keys.to_asn1(job["root"])],
    )
    for index in range(job["per_round"]):
        signed = pades.sign(pdf, signer=signer, field=pades.Field("s"), reason="r")
        with open(os.path.join(job["out"], f"{job['name']}-{round_}-{index}.pdf"), "wb") as f:
            f.write(signed)
print("ok")
"""


def test_two_processes_sign_with_the_same_token_without_errors(
    pki: Pki, tmp_path: Path, hsm: Any
) -> None:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "egov.settings",
        "SOFTHSM2_CONF": str(hsm.conf),
        "SIGNATURES_TOKEN_PIN_FILE": str(hsm.pin_file),
        "SIGNATURES_KEY_DIR": str(settings.SIGNATURES_KEY_DIR),
    }
    children = []
    for name in ("a", "b"):
        job = {
            "name": name,
            "token": TOKEN,
            "key_label": pki.seal.key_label,
            "cert": pki.seal.certificate_pem,
            "root": pki.root.certificate_pem,
            "rounds": 3,
            "per_round": 3,
            "out": str(tmp_path),
        }
        children.append(
            subprocess.Popen(
                [sys.executable, "-c", CHILD, json.dumps(job)],
                env=environment,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    results = [child.communicate(timeout=180) for child in children]

    for child, (out, err) in zip(children, results, strict=True):
        assert child.returncode == 0, err
        assert out.strip() == "ok"
    files = sorted(tmp_path.glob("*.pdf"))
    assert len(files) == 18
    for path in files[::5]:
        report = verify_pdf(path.read_bytes())
        assert report.valid, path.name
