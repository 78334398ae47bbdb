"""pyHanko's own command line (pyhanko-cli), run as a separate process, as the independent
validator: it trusts only our root and fetches the CRL from our public URL, as any relying
party would."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from egov.signatures.actions import revoke_certificate
from egov.signatures.services import sign_pdf
from egov.signatures.tests.conftest import build_pki, make_pdf
from egov.testing.world import build_world

PYHANKO = str(Path(sys.executable).parent / "pyhanko")


def validate(tmp_path: Path, pdf: bytes, root_pem: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "ca.pem").write_text(root_pem)
    (tmp_path / "signed.pdf").write_bytes(pdf)
    return subprocess.run(
        [PYHANKO, "sign", "validate", "--trust", "ca.pem", "signed.pdf"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _drawn_on_after_signing(signed: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    overlay = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 500 Td (Da sua noi dung) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(overlay))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


@pytest.mark.slow
def test_pyhanko_cli_validates_our_signatures_and_sees_revocation(
    live_server: Any, signing_settings: Any, tmp_path: Path, calendar: None
) -> None:
    signing_settings.SITE_URL = live_server.url  # the CRL distribution point must be reachable
    pki = build_pki(build_world())
    signed = sign_pdf(
        make_pdf(), signer=pki.world.leader, agency=pki.world.construction, reason="Ký"
    )

    result = validate(tmp_path, signed, pki.root.certificate_pem)

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    assert all(":INTACT:TRUSTED" in line for line in lines), result.stdout

    # Tampering: one byte of the signed content changed (the page size), then an incremental
    # update that draws on the page after signing. pyHanko must not call either intact/valid.
    marker = b"/MediaBox [ 0 0 595.2756 841.8898 ]"
    assert marker in signed
    result = validate(
        tmp_path,
        signed.replace(marker, marker.replace(b"595.2756", b"595.2757")),
        pki.root.certificate_pem,
    )
    assert result.returncode != 0
    assert ":INTACT:" not in result.stdout, result.stdout
    assert result.stdout.count("INVALID") + result.stdout.count("TAMPERED") >= 1 or (
        "error" in (result.stdout + result.stderr).lower()
    ), result.stdout + result.stderr
    result = validate(tmp_path, _drawn_on_after_signing(signed), pki.root.certificate_pem)
    assert result.returncode != 0, result.stdout
    assert ":UNTOUCHED" not in result.stdout

    revoke_certificate(acting_user=None, certificate=pki.leader, reason="key_compromise")
    result = validate(tmp_path, signed, pki.root.certificate_pem)

    assert result.returncode != 0
    person, seal = result.stdout.strip().splitlines()
    assert ":INTACT:REVOKED" in person, result.stdout
    assert ":INTACT:TRUSTED" in seal
