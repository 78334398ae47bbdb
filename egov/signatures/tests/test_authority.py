"""The test CA: authorities, issuing, the certificate state machine, CRLs, commands, demo."""

from __future__ import annotations

import datetime as dt
import stat
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from cryptography import x509
from django.conf import settings
from django.core.management import call_command

from egov.audit.models import AuditEvent
from egov.lib.problems import Conflict, InvalidInput, PermissionDenied
from egov.signatures import ca
from egov.signatures.actions import (
    KeyRequest,
    create_authority,
    issue_certificate,
    revoke_certificate,
)
from egov.signatures.models import (
    Authority,
    Certificate,
    CertificateKind,
    CertificateStatus,
    CertificateStatusChange,
    TrustedRoot,
)
from egov.signatures.services import sign_pdf, verify_pdf
from egov.signatures.tasks import refresh_crls
from egov.signatures.tests.conftest import Pki, make_pdf, token_key
from egov.testing.world import World


def test_creating_the_ca_writes_a_private_key_and_trusts_the_root(
    world: World, signing_settings: Any
) -> None:
    root = create_authority(acting_user=None, name="Tiền Giang Test Root CA", slug="root")

    key_file = Path(settings.SIGNATURES_KEY_DIR) / root.key_file
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    certificate = ca.from_pem(root.certificate_pem)
    assert certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert TrustedRoot.objects.get().authority == root
    crl = x509.load_der_x509_crl(bytes(root.crl_der))
    assert crl.is_signature_valid(certificate.public_key())  # type: ignore[arg-type]
    assert AuditEvent.objects.filter(verb="signatures.create_authority").count() == 1


def test_an_issuing_ca_chains_up_to_the_root_and_its_certificates_verify(
    world: World, signing_settings: Any
) -> None:
    root = create_authority(acting_user=None, name="Tiền Giang Test Root CA", slug="root")
    issuing = create_authority(
        acting_user=None, name="Tiền Giang Issuing CA", slug="issuing", parent=root
    )
    issue_certificate(
        acting_user=None,
        authority=issuing,
        kind=CertificateKind.ORGANISATION,
        agency=world.construction,
        key=token_key(),
    )

    signed = sign_pdf(make_pdf(), signer=None, agency=world.construction, reason="x")

    report = verify_pdf(signed)
    assert report.valid
    assert [c.common_name for c in report.signatures[0].chain] == [
        "Sở Xây dựng tỉnh Tiền Giang",
        "Tiền Giang Issuing CA",
        "Tiền Giang Test Root CA",
    ]
    assert not TrustedRoot.objects.filter(authority=issuing).exists()


def test_only_a_system_administrator_creates_authorities(
    world: World, signing_settings: Any
) -> None:
    with pytest.raises(PermissionDenied):
        create_authority(acting_user=world.leader, name="Rogue CA")
    create_authority(acting_user=world.admin, name="Tiền Giang Test Root CA", slug="root")
    with pytest.raises(Conflict):
        create_authority(acting_user=world.admin, name="Again", slug="root")


def test_issued_certificates_carry_the_profile_relying_parties_need(pki: Pki) -> None:
    certificate = ca.from_pem(pki.leader.certificate_pem)

    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert points[0].full_name[0].value == settings.SITE_URL + "/signatures/pki/root.crl"
    assert "Võ Thị Giang" in certificate.subject.rfc4514_string()
    assert pki.leader.key_storage == "pkcs11" and pki.leader.key_file == ""
    assert CertificateStatusChange.objects.filter(
        certificate=pki.leader, to_status="active"
    ).exists()


def test_a_personal_certificate_needs_a_member_of_the_agency(pki: Pki) -> None:
    with pytest.raises(InvalidInput) as raised:
        issue_certificate(
            acting_user=None,
            authority=pki.root,
            kind=CertificateKind.PERSON,
            agency=pki.world.construction,
            user=pki.world.outsider,
            key=token_key(),
        )
    assert "user" in raised.value.errors


def test_software_keys_are_refused_outside_the_demo(pki: Pki) -> None:
    with pytest.raises(InvalidInput) as raised:
        issue_certificate(
            acting_user=None,
            authority=pki.root,
            kind=CertificateKind.ORGANISATION,
            agency=pki.world.justice,
            key=KeyRequest(software=True),
        )
    assert "key" in raised.value.errors


def test_revocation_moves_active_to_revoked_and_lists_the_serial_in_the_crl(pki: Pki) -> None:
    revoked = revoke_certificate(acting_user=None, certificate=pki.seal, reason="superseded")

    pki.root.refresh_from_db()
    crl = x509.load_der_x509_crl(bytes(pki.root.crl_der))
    entry = crl.get_revoked_certificate_by_serial_number(int(pki.seal.serial_number, 16))
    assert revoked.status == CertificateStatus.REVOKED
    assert entry is not None
    assert (
        entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
        == x509.ReasonFlags.superseded
    )
    change = CertificateStatusChange.objects.get(certificate=pki.seal, to_status="revoked")
    assert (change.from_status, change.reason) == ("active", "superseded")


def test_a_revoked_certificate_cannot_be_revoked_again(pki: Pki) -> None:
    revoke_certificate(acting_user=None, certificate=pki.seal)
    with pytest.raises(Conflict):
        revoke_certificate(acting_user=None, certificate=pki.seal)
    assert CertificateStatusChange.objects.filter(certificate=pki.seal).count() == 2


def test_of_two_revocations_racing_with_stale_copies_only_one_wins(pki: Pki) -> None:
    first_copy = Certificate.objects.get(pk=pki.leader.pk)
    second_copy = Certificate.objects.get(pk=pki.leader.pk)  # read before the first revocation

    revoke_certificate(acting_user=None, certificate=first_copy, reason="key_compromise")
    with pytest.raises(Conflict):
        revoke_certificate(acting_user=None, certificate=second_copy, reason="superseded")

    pki.leader.refresh_from_db()
    assert pki.leader.revocation_reason == "key_compromise"


def test_an_outsider_may_not_revoke(pki: Pki) -> None:
    with pytest.raises(PermissionDenied):
        revoke_certificate(acting_user=pki.world.outsider, certificate=pki.leader)


def test_the_periodic_job_republishes_crls_before_they_expire(pki: Pki) -> None:
    number = pki.root.crl_number
    assert refresh_crls.call() == 0

    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=6)):
        assert refresh_crls.call() == 1

    pki.root.refresh_from_db()
    assert pki.root.crl_number == number + 1


def test_the_commands_create_issue_revoke_publish_and_export(
    world: World, signing_settings: Any
) -> None:
    out = StringIO()
    call_command("create_ca", "--issuing", "Tiền Giang Issuing CA", stdout=out)
    call_command(
        "issue_certificate",
        "--agency",
        world.construction.organ_code,
        "--person",
        world.leader.username,
        "--title",
        "GIÁM ĐỐC",
        "--token",
        "egov-test",
        stdout=out,
    )
    certificate = Certificate.objects.get()
    assert certificate.authority.slug == "issuing"
    call_command(
        "revoke_certificate", certificate.serial_number, "--reason", "key_compromise", stdout=out
    )
    call_command("publish_crl", stdout=out)
    exported = StringIO()
    call_command("export_ca_certificate", stdout=exported)

    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert (
        ca.from_pem(exported.getvalue()).subject
        == ca.from_pem(Authority.objects.get(slug="root").certificate_pem).subject
    )


def test_the_demo_pki_loads_once(db: None, signing_settings: Any, calendar: None) -> None:
    from egov.accounts import demo as accounts_demo
    from egov.org import demo as org_demo
    from egov.signatures import demo

    signing_settings.SIGNATURES_ALLOW_SOFTWARE_KEYS = True
    org_demo.load()
    accounts_demo.load()
    demo.load()
    events = AuditEvent.objects.count()
    demo.load()

    assert AuditEvent.objects.count() == events
    assert Certificate.objects.filter(kind=CertificateKind.ORGANISATION).count() == 4
    from egov.accounts.models import User

    giang = User.objects.get(username="lanhdao")
    signed = sign_pdf(make_pdf(), signer=giang, agency=org_demo.agency("000.00.09"), reason="Ký")
    assert verify_pdf(signed).valid
