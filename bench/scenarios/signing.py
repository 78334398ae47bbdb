"""PDF signing throughput (PAdES, keys in a SoftHSM2 token, loaded once per process).

prepare(): a SoftHSM2 token under var/bench-softhsm, the test CA and two certificates (an
official and the agency seal, keys generated inside the token) in the bench database.
run(): worker processes sign a one-page PDF for ``duration`` seconds each:

- ``sign_pdf`` as other apps call it: visible personal signature and seal (two PAdES
  signatures per document), audit event and signature record written to PostgreSQL;
- the same with ``visible=False``;
- raw pyHanko signing (one invisible signature, no database) as the floor.

Workers run in parallel (1 and 2 processes), each with its own long-lived token session.
Run: ``.venv/bin/python bench/run.py signing``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench.harness import PYTHON, ROOT, Measurement, Report, Server

TOKEN = "egov-bench"  # noqa: S105 (a token label, not a secret)
HSM_DIR = ROOT / "var" / "bench-softhsm"
KEY_DIR = ROOT / "var" / "bench-keys"
ORGAN_CODE = "000.99.99.H58"
USERNAME = "bench.signer"


def _env(server: Server, init: bool = False) -> dict[str, str]:
    sys.path.insert(0, str(ROOT))
    from egov.signatures import softhsm

    hsm = softhsm.prepare(HSM_DIR)
    if init:
        softhsm.init_token(hsm, TOKEN)
    return {
        **server.env,
        **hsm.environment(),
        "SIGNATURES_KEY_DIR": str(KEY_DIR),
        "DJANGO_SETTINGS_MODULE": "egov.settings",
        "PYTHONPATH": str(ROOT),
    }


def _child(server: Server, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [PYTHON, "-m", "bench.scenarios.signing", *args],
        cwd=ROOT,
        env=_env(server, init=args[0] == "setup"),
        stdout=subprocess.PIPE,
        text=True,
    )


def prepare(server: Server) -> None:
    child = _child(server, "setup")
    child.communicate(timeout=300)
    if child.returncode != 0:
        raise RuntimeError("signing setup failed")


def run(server: Server, report: Report, *, duration: int, connections: int) -> None:
    baseline = report.baseline("bare JSON endpoint")
    bare = baseline.requests_per_second if baseline else float("nan")
    for mode, label in [
        ("visible", "sign_pdf: signature + seal, visible, audited (documents/s)"),
        ("invisible", "sign_pdf: signature + seal, invisible, audited (documents/s)"),
        ("raw", "raw pyHanko PAdES signature, no database (signatures/s)"),
    ]:
        for workers in (1, 2):
            children = [_child(server, "work", mode, str(duration)) for _ in range(workers)]
            counts = [
                json.loads(child.communicate(timeout=duration + 300)[0]) for child in children
            ]
            total = sum(c["done"] / c["seconds"] for c in counts)
            per_signature = 1 if mode == "raw" else 2
            signatures = total * per_signature
            # CPU time of the signing processes: a figure the other tenants of a shared machine
            # disturb far less than wall-clock time
            per_cpu_second = (
                sum(c["done"] for c in counts) * per_signature / sum(c["cpu"] for c in counts)
            )
            print(f"  {label}, {workers} process(es): {total:,.1f}/s, {per_cpu_second:,.1f}/CPU-s")
            report.measurements.append(
                Measurement(
                    name=f"{label}, {workers} process{'es' if workers > 1 else ''}",
                    value=total,
                    unit="documents/s" if mode != "raw" else "signatures/s",
                    target=">= 50 signatures/s",
                    notes=f"{signatures:,.1f} signatures/s; "
                    f"{per_cpu_second:,.1f} signatures per CPU-second; "
                    f"{signatures / bare:.4f} × bare JSON req/s of this run",
                )
            )


# --- child processes ---------------------------------------------------------------------------


def _setup() -> None:
    import django

    django.setup()
    from egov.accounts.models import User
    from egov.org.models import Agency, AgencyLevel, Membership, Role
    from egov.signatures.actions import KeyRequest, create_authority, issue_certificate
    from egov.signatures.models import Authority, CertificateKind

    agency, _ = Agency.objects.get_or_create(
        organ_code=ORGAN_CODE,
        defaults={
            "name": "Sở Khoa học và Công nghệ tỉnh Tiền Giang",
            "short_name": "SKHCN",
            "level": AgencyLevel.SECTOR,
        },
    )
    user, created = User.objects.get_or_create(
        username=USERNAME, defaults={"full_name": "Nguyễn Thị Thu Trang", "kind": "staff"}
    )
    Membership.objects.get_or_create(user=user, agency=agency, role=Role.LEADER)
    root = Authority.objects.filter(slug="bench-root").first()
    if root is None:
        root = create_authority(
            acting_user=None, name="Tiền Giang Bench Root CA", slug="bench-root"
        )
    for kind, holder in [(CertificateKind.PERSON, user), (CertificateKind.ORGANISATION, None)]:
        if not root.certificates.filter(kind=kind, agency=agency, status="active").exists():
            issue_certificate(
                acting_user=None,
                authority=root,
                kind=kind,
                agency=agency,
                user=holder,
                title="GIÁM ĐỐC",
                key=KeyRequest(token_label=TOKEN, key_label=f"bench-{kind}-{os.getpid()}"),
            )


def _work(mode: str, seconds: float) -> None:
    import time

    import django

    django.setup()
    from egov.accounts.models import User
    from egov.org.models import Agency
    from egov.signatures import keys, pades
    from egov.signatures.samples import sample_pdf as make_pdf
    from egov.signatures.selectors import usable_certificate
    from egov.signatures.services import sign_pdf

    agency = Agency.objects.get(organ_code=ORGAN_CODE)
    user = User.objects.get(username=USERNAME)
    pdf = make_pdf()
    seal = usable_certificate(kind="organisation", agency=agency)
    assert seal is not None

    def once() -> None:
        if mode == "raw":
            pades.sign(pdf, signer=keys.signer_for(seal), field=pades.Field("s"), reason="bench")
        else:
            sign_pdf(pdf, signer=user, agency=agency, reason="bench", visible=mode == "visible")

    once()  # keys loaded, session opened, appearance rendered: the steady state is measured
    done, started, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - started < seconds:
        once()
        done += 1
    elapsed, cpu_used = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"done": done, "seconds": elapsed, "cpu": cpu_used}))


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        _setup()
    else:
        _work(sys.argv[2], float(sys.argv[3]))
