"""Demo exchange: Hậu Giang's installation in the peer directory, and a document it sent to
Sở Xây dựng, received and registered through the real receiving path.

The peer's key is made for the occasion and thrown away: the demo shows receiving and the
outbox (its address, http://127.0.0.1:8001, answers only if you start a second installation
there). Idempotent: once the peer exists, nothing is written.
"""

from __future__ import annotations

from egov.demo.base import DemoLogin
from egov.exchange import edxml, receiving, signing
from egov.exchange.actions import save_peer
from egov.exchange.models import Peer
from egov.exchange.samples import organization, sample_document
from egov.org.demo import agency

PEER_ORGAN = "000.00.00.H30"
PEER_NAME = "Ủy ban nhân dân tỉnh Hậu Giang"
PEER_URL = "http://127.0.0.1:8001"


def load() -> list[DemoLogin]:
    if Peer.objects.filter(organ_code=PEER_ORGAN).exists():
        return []
    peer_key = signing.generate_material(PEER_NAME, organ_code=PEER_ORGAN, kind="ec")
    _key_pem, cert_pem = signing.material_to_pem(peer_key)
    save_peer(
        acting_user=None,
        organ_code=PEER_ORGAN,
        name=PEER_NAME,
        endpoint_url=PEER_URL,
        certificate=cert_pem.decode("ascii"),
        includes_subordinates=True,
    )
    construction = agency("000.00.09")
    message = sample_document(
        sender=organization(PEER_ORGAN, PEER_NAME),
        to=(organization(construction.organ_code, construction.name),),
        number="125",
        notation="UBND-KGVX",
        subject="Về việc phối hợp kiểm tra công trình xây dựng giáp ranh hai tỉnh",
    )
    receiving.receive_document(signing.sign(edxml.build_document(message), peer_key))
    return []
