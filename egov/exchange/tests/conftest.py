from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from egov.exchange import signing
from egov.exchange.models import Peer
from egov.exchange.signing import SigningMaterial, generate_material
from egov.exchange.tests.helpers import B_NAME, B_ORGAN


@pytest.fixture(scope="session")
def material() -> SigningMaterial:
    """This installation's signing key (A: Tiền Giang, H58)."""
    return generate_material("Sở Xây dựng tỉnh Tiền Giang", organ_code="000.00.09.H58")


@pytest.fixture(scope="session")
def other_material() -> SigningMaterial:
    """The other installation's key (B: Hậu Giang, H30); also plays the impostor."""
    return generate_material(B_NAME, organ_code=B_ORGAN, kind="ec")


@pytest.fixture(scope="session")
def key_files(
    material: SigningMaterial, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    directory = tmp_path_factory.mktemp("keys")
    key_pem, cert_pem = signing.material_to_pem(material)
    (directory / "key.pem").write_bytes(key_pem)
    (directory / "cert.pem").write_bytes(cert_pem)
    return directory / "key.pem", directory / "cert.pem"


@pytest.fixture(autouse=True)
def own_key(settings, key_files: tuple[Path, Path]) -> Iterator[None]:  # type: ignore[no-untyped-def]
    settings.EXCHANGE_KEY_PROVIDER = "egov.exchange.signing.InstallationKeyProvider"
    settings.EXCHANGE_SIGNING_KEY_FILE = str(key_files[0])
    settings.EXCHANGE_SIGNING_CERT_FILE = str(key_files[1])
    yield
    signing.key_provider.cache_clear()


@pytest.fixture
def peer_b(db: None, other_material: SigningMaterial) -> Peer:
    """B in our directory, for its People's Committee and every organ below it."""
    _key, cert = signing.material_to_pem(other_material)
    return Peer.objects.create(
        organ_code=B_ORGAN,
        name=B_NAME,
        endpoint_url="http://127.0.0.1:9",
        certificate=cert.decode(),
        includes_subordinates=True,
    )
