"""Concurrency on PostgreSQL with real threads and connections: of two revocations of one
certificate at the same moment exactly one wins, the other gets 409, and the CRL lists it once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from cryptography import x509
from django.db import connection, connections

from egov.lib.problems import Conflict
from egov.signatures.actions import revoke_certificate
from egov.signatures.models import Certificate, CertificateStatusChange
from egov.signatures.tests.conftest import build_pki
from egov.testing.world import build_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are PostgreSQL's; SQLite serialises"
    ),
]


def test_two_revocations_at_once_one_wins_the_other_gets_409(
    signing_settings: Any, calendar: None
) -> None:
    pki = build_pki(build_world())
    barrier = threading.Barrier(2)
    results: list[Any] = [None, None]

    def revoke(index: int, reason: str) -> None:
        try:
            barrier.wait()
            results[index] = revoke_certificate(
                acting_user=None,
                certificate=Certificate.objects.get(pk=pki.leader.pk),
                reason=reason,
            )
        except Exception as exc:  # collected for the assertions
            results[index] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=revoke, args=(0, "key_compromise")),
        threading.Thread(target=revoke, args=(1, "superseded")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    winners = [r for r in results if isinstance(r, Certificate)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert (len(winners), len(losers)) == (1, 1), results
    assert (
        CertificateStatusChange.objects.filter(certificate=pki.leader, to_status="revoked").count()
        == 1
    )
    pki.root.refresh_from_db()
    crl = x509.load_der_x509_crl(bytes(pki.root.crl_der))
    assert [entry.serial_number for entry in crl] == [int(pki.leader.serial_number, 16)]
