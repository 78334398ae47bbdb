"""Commands, background tasks, the development key and the system checks."""

from __future__ import annotations

import io
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from egov.exchange import actions, signing, tasks
from egov.exchange.checks import signing_key
from egov.exchange.models import OutboxItem, OutboxState, Peer, PeerStatus
from egov.exchange.samples import organization, sample_document
from egov.exchange.tests.helpers import B_ORGAN, StubPeer, acknowledging, b_organization
from egov.infra.periodic import SCHEDULE
from egov.lib.problems import InvalidInput, PermissionDenied
from egov.org.models import Agency, Role


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_exchange_keys_writes_a_private_key_only_we_can_read(tmp_path) -> None:  # type: ignore[no-untyped-def]
    output = _run("exchange_keys", "create", "--dir", str(tmp_path), "--name", "Sở Tư pháp")
    key = tmp_path / "key.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert f"EXCHANGE_SIGNING_KEY_FILE={key.resolve()}" in output
    with pytest.raises(CommandError):
        _run("exchange_keys", "create", "--dir", str(tmp_path), "--name", "again")


def test_exchange_keys_shows_the_configured_certificate(material) -> None:  # type: ignore[no-untyped-def]
    output = _run("exchange_keys", "show", "--organ", "000.00.09.H58")
    assert "BEGIN CERTIFICATE" in output
    assert material.certificate.subject.rfc4514_string() in output


@pytest.mark.django_db
def test_exchange_peer_adds_changes_and_lists_peers(tmp_path, other_material) -> None:  # type: ignore[no-untyped-def]
    _key, cert = signing.material_to_pem(other_material)
    (tmp_path / "b.pem").write_bytes(cert)
    args = [
        "exchange_peer",
        "add",
        B_ORGAN,
        "--name",
        "Hậu Giang",
        "--certificate",
        str(tmp_path / "b.pem"),
    ]
    _run(*args, "--url", "https://egov.haugiang.example", "--subordinates")
    _run(*args, "--url", "https://dvc.haugiang.example", "--suspended")
    peer = Peer.objects.get()
    assert peer.endpoint_url == "https://dvc.haugiang.example"
    assert peer.status == PeerStatus.SUSPENDED
    assert B_ORGAN in _run("exchange_peer", "list")
    (tmp_path / "bad.pem").write_text("garbage")
    with pytest.raises(CommandError, match="certificate"):
        _run("exchange_peer", "add", B_ORGAN, "--name", "x", "--url", "https://x.example",
             "--certificate", str(tmp_path / "bad.pem"))  # fmt: skip


@pytest.mark.django_db
def test_save_peer_is_for_system_administrators(world, other_material) -> None:  # type: ignore[no-untyped-def]
    _key, cert = signing.material_to_pem(other_material)
    fields = {
        "organ_code": B_ORGAN,
        "name": "B",
        "endpoint_url": "https://b.example",
        "certificate": cert.decode(),
    }
    with pytest.raises(PermissionDenied):
        actions.save_peer(acting_user=world.document_clerk, **fields)
    assert actions.save_peer(acting_user=world.admin, **fields).organ_code == B_ORGAN
    with pytest.raises(InvalidInput) as error:
        actions.save_peer(acting_user=world.admin, **{**fields, "endpoint_url": "not a url"})
    assert "endpoint_url" in error.value.errors


@pytest.mark.django_db
def test_exchange_setup_makes_the_agency_and_its_staff_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EGOV_SETUP_PASSWORD", "Mot-Mat-Khau-2026")
    args = [
        "exchange_setup", "--organ-code", "000.00.00.H30",
        "--name", "Ủy ban nhân dân tỉnh Hậu Giang", "--short-name", "UBND",
        "--staff", "clerk=vanthu.hg:Trần Thị Thư", "--staff", "leader=lanhdao.hg",
    ]  # fmt: skip
    _run(*args)
    _run(*args)  # idempotent
    agency = Agency.objects.get(organ_code="000.00.00.H30")
    roles = sorted(agency.memberships.values_list("user__username", "role"))
    assert roles == [("lanhdao.hg", Role.LEADER), ("vanthu.hg", Role.DOCUMENT_CLERK)]
    clerk = agency.memberships.get(role=Role.DOCUMENT_CLERK).user
    assert clerk.check_password("Mot-Mat-Khau-2026")
    with pytest.raises(CommandError):
        _run("exchange_setup", "--organ-code", "000.00.00.H30", "--name", "x", "--short-name", "x",
             "--staff", "mayor=someone")  # fmt: skip


@pytest.mark.django_db
def test_exchange_outbox_shows_and_delivers(world, peer_b, other_material) -> None:  # type: ignore[no-untyped-def]
    stub = StubPeer(acknowledging(other_material))
    peer_b.endpoint_url = stub.url
    peer_b.save()
    try:
        message = sample_document(
            sender=organization(world.construction.organ_code, world.construction.name),
            to=(b_organization(),),
        )
        actions.send_document(acting_user=world.document_clerk, message=message)
        assert "pending: 1" in _run("exchange_outbox")
        output = _run("exchange_outbox", "--deliver")
        assert "attempted: 1" in output
        assert "delivered: 1" in output
    finally:
        stub.close()


@pytest.mark.django_db
def test_the_background_tasks_deliver_and_sweep(world, peer_b, other_material, settings) -> None:  # type: ignore[no-untyped-def]
    settings.EXCHANGE_DELIVERY_CONCURRENCY = 1
    stub = StubPeer(acknowledging(other_material))
    peer_b.endpoint_url = stub.url
    peer_b.save()
    try:
        for number in ("80", "81"):
            message = sample_document(
                sender=organization(world.construction.organ_code, world.construction.name),
                to=(b_organization(),),
                number=number,
            )
            actions.send_document(acting_user=world.document_clerk, message=message)
        first, second = OutboxItem.objects.order_by("pk")
        assert tasks.deliver_outbox_item.call(first.pk) == OutboxState.DELIVERED
        assert tasks.sweep_outbox.call() == 1
        assert tasks.sweep_documents_outbox.call() == 0
        assert set(OutboxItem.objects.values_list("state", flat=True)) == {OutboxState.DELIVERED}
    finally:
        stub.close()
    scheduled = {task.name for task, _interval in SCHEDULE.values()}
    assert {"sweep_outbox", "sweep_documents_outbox"} <= scheduled


def test_with_debug_on_and_no_key_a_development_key_is_made_once(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    settings.EXCHANGE_SIGNING_KEY_FILE = ""
    first = signing.key_provider().material_for("000.00.09.H58")
    signing.key_provider.cache_clear()
    again = signing.key_provider().material_for("000.00.09.H58")
    assert first.certificate == again.certificate
    assert (tmp_path / "exchange" / "dev-key.pem").exists()


def test_the_system_check_notes_a_missing_key_and_refuses_missing_files(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    settings.EXCHANGE_SIGNING_KEY_FILE = ""
    assert [m.id for m in signing_key()] == ["exchange.I001"]
    settings.EXCHANGE_SIGNING_KEY_FILE = str(tmp_path / "missing.pem")
    assert [m.id for m in signing_key()] == ["exchange.E001"]
