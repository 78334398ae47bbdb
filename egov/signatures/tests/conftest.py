"""Fixtures of the signatures tests: a SoftHSM2 token per test process, a CA, certificates."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from egov.signatures import softhsm
from egov.signatures.actions import KeyRequest, create_authority, issue_certificate
from egov.signatures.models import Authority, Certificate, CertificateKind
from egov.signatures.samples import SAMPLE_TEXT, sample_pdf
from egov.testing.world import World

TOKEN = "egov-test"
TITLE = "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
BODY_TEXT = SAMPLE_TEXT


@pytest.fixture(scope="session")
def hsm(tmp_path_factory: pytest.TempPathFactory) -> softhsm.SoftHsm:
    """A SoftHSM2 token with a random PIN; SOFTHSM2_CONF is set before the library loads."""
    prepared = softhsm.prepare(tmp_path_factory.mktemp("softhsm"))
    os.environ["SOFTHSM2_CONF"] = str(prepared.conf)
    softhsm.init_token(prepared, TOKEN)
    return prepared


@pytest.fixture
def signing_settings(settings: Any, hsm: softhsm.SoftHsm, tmp_path: Path) -> Any:
    settings.SIGNATURES_TOKEN_PIN = hsm.pin
    settings.SIGNATURES_KEY_DIR = tmp_path / "keys"
    settings.SIGNATURES_TSA_URL = ""
    settings.SIGNATURES_ALLOW_SOFTWARE_KEYS = False
    settings.SIGNATURES_CA_KEY_BITS = 2048
    return settings


@dataclass
class Pki:
    root: Authority
    leader: Certificate  # personal certificate of the director of Sở Xây dựng, key in the token
    seal: Certificate  # organisation seal of Sở Xây dựng, key in the token
    world: World


def token_key() -> KeyRequest:
    return KeyRequest(token_label=TOKEN, key_label=f"k-{secrets.token_hex(6)}")


def build_pki(world: World) -> Pki:
    root = create_authority(acting_user=None, name="Tiền Giang Test Root CA", slug="root")
    leader = issue_certificate(
        acting_user=None,
        authority=root,
        kind=CertificateKind.PERSON,
        agency=world.construction,
        user=world.leader,
        title=TITLE,
        key=token_key(),
    )
    seal = issue_certificate(
        acting_user=None,
        authority=root,
        kind=CertificateKind.ORGANISATION,
        agency=world.construction,
        key=token_key(),
    )
    return Pki(root=root, leader=leader, seal=seal, world=world)


@pytest.fixture
def pki(world: World, signing_settings: Any) -> Pki:
    return build_pki(world)


def make_pdf(text: str = BODY_TEXT, pages: int = 1) -> bytes:
    return sample_pdf(text, pages)


@pytest.fixture
def pdf() -> bytes:
    return make_pdf()
