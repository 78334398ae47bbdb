"""Helpers shared by the exchange tests."""

from __future__ import annotations

from egov.exchange import edxml, signing
from egov.exchange.samples import organization, sample_document
from egov.exchange.signing import SigningMaterial

B_ORGAN = "000.00.00.H30"  # the other province's People's Committee
B_NAME = "Ủy ban nhân dân tỉnh Hậu Giang"


def b_organization(organ_id: str = B_ORGAN) -> edxml.Organization:
    return organization(organ_id, B_NAME)


def document_from_b(world, **kwargs) -> edxml.DocumentMessage:  # type: ignore[no-untyped-def]
    """A document B sends to Sở Xây dựng."""
    kwargs.setdefault("sender", b_organization())
    kwargs.setdefault("to", (organization(world.construction.organ_code, world.construction.name),))
    kwargs.setdefault("notation", "UBND-KGVX")
    return sample_document(**kwargs)


def signed_by(
    material: SigningMaterial, message: edxml.DocumentMessage | edxml.StatusMessage
) -> bytes:
    root = (
        edxml.build_document(message)
        if isinstance(message, edxml.DocumentMessage)
        else edxml.build_status(message)
    )
    return signing.sign(root, material)
