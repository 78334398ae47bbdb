"""The receiving side: check an incoming package completely before anything is written.

Order: size → well-formed, hardened parse → sender known in the peer directory → signature with
the peer's certificate → message read from the signed content only → recorded by an action.
A package seen before is answered with the acknowledgement we gave the first time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError
from django.utils.translation import gettext as _

from egov.exchange import actions, edxml, signing, trust
from egov.exchange.codes import BusinessDocType, StatusCode
from egov.exchange.models import Direction, Message, Peer, RequestState, Transmission
from egov.exchange.selectors import ack_for, find_peer, local_agencies, received_package
from egov.lib.problems import InvalidInput, PermissionDenied, Problem

logger = logging.getLogger(__name__)


class PackageTooLarge(Problem):
    status = 413
    code = "package_too_large"
    title = _("The package is too large.")


class SenderRejected(PermissionDenied):
    code = "unknown_sender"


class BadSignature(PermissionDenied):
    code = "bad_signature"


class RevocationUnavailable(Problem):
    status = 503
    code = "revocation_unavailable"
    title = _("The sender's certificate cannot be checked for revocation right now.")


@dataclass(frozen=True)
class Receipt:
    ack: bytes
    duplicate: bool
    transmission_ids: tuple[int, ...] = ()


def problem_from(error: edxml.EdxmlError) -> Problem:
    if error.code == "package_too_large":
        return PackageTooLarge(next(iter(error.errors.values())))
    if error.code == "bad_signature":
        return BadSignature(
            next(iter(error.errors.values())),
            errors=error.errors,
            extra={"reason": getattr(error, "reason", "bad_signature")},
        )
    return InvalidInput(
        next(iter(error.errors.values())) if len(error.errors) == 1 else str(InvalidInput.title),
        code=error.code if error.code != "malformed_edxml" else "invalid_edxml",
        errors=error.errors,
    )


def _verified(data: bytes, kind: edxml.PackageKind) -> tuple[Peer, object]:
    try:
        root = edxml.parse_xml(data, max_bytes=settings.EXCHANGE_MAX_PACKAGE_BYTES)
        if edxml.package_kind(root) != kind:
            raise InvalidInput(
                _("This endpoint takes %(kind)s packages.") % {"kind": kind},
                code="wrong_package_kind",
                errors={"__all__": _("Send status messages to /status, documents to /edxml.")},
            )
        sender = edxml.sender_organ_id(root)
        peer = find_peer(sender)
        if peer is None:
            raise SenderRejected(
                _("Organ %(organ)s is not in this installation's peer directory.")
                % {"organ": sender},
                errors={"From.OrganId": _("Unknown or suspended sender.")},
            )
        signed = signing.verify_from_peer(root, peer, sender)
        message = edxml.read_document(signed) if kind == "document" else edxml.read_status(signed)
    except edxml.EdxmlError as exc:
        raise problem_from(exc) from exc
    except trust.RevocationUnavailable as exc:
        logger.warning("edXML from %s: revocation status unavailable: %s", sender, exc)
        raise RevocationUnavailable(
            _("The revocation list of the sender's certificate authority cannot be read: %(error)s")
            % {"error": exc}
        ) from exc
    sender_in_signed = (
        message.header.sender.organ_id
        if isinstance(message, edxml.DocumentMessage)
        else message.sender.organ_id
    )
    if sender_in_signed != sender:  # pragma: no cover - the whole package is signed
        raise BadSignature(_("The signed sender differs from the package's sender."))
    return peer, message


def _earlier_ack(
    message: edxml.DocumentMessage, recipient: str | None, digest: str
) -> Message | None:
    """The acknowledgement of an earlier copy of this package, when there was one."""
    doc_type = message.business.doc_type
    if doc_type in (BusinessDocType.REVOKE, BusinessDocType.UPDATE):
        # The very same request again (a retry); a new one differs in its bytes.
        seen = received_package(digest)
        if (
            seen is not None
            and seen.ack is not None
            and (recipient is None or recipient in seen.recipients)
        ):
            return seen.ack
    code = StatusCode.REVOKED if doc_type == BusinessDocType.REVOKE else StatusCode.ARRIVED
    document_id = (
        message.business.document_id
        if doc_type in (BusinessDocType.REVOKE, BusinessDocType.UPDATE)
        else message.document_id
    )
    organs = [recipient] if recipient else [to.organ_id for to in message.header.to]
    found = list(
        Transmission.objects.filter(
            direction=Direction.INCOMING,
            document_id=document_id,
            local_organ_code__in=organs,
            remote_organ_code=message.header.sender.organ_id,
        ).order_by("pk")
    )
    if doc_type in (BusinessDocType.NEW, BusinessDocType.REPLACE):
        # Without a named organ, a copy is old news only if every local recipient has it.
        if recipient is None and {t.local_organ_code for t in found} != set(local_agencies(organs)):
            return None
        return ack_for(found[0], code) if found else None
    for current in found:
        if current.request_type == doc_type and current.request_state == RequestState.PENDING:
            return ack_for(current, code)
    return None


def receive_document(data: bytes, *, recipient: str | None = None) -> Receipt:
    peer, message = _verified(data, "document")
    assert isinstance(message, edxml.DocumentMessage)
    digest = actions.digest_of(data)
    earlier = _earlier_ack(message, recipient, digest)
    if earlier is not None:
        return Receipt(ack=earlier.payload.encode(), duplicate=True)
    try:
        registered = actions.register_document_package(
            acting_user=None, peer=peer, message=message, payload=data, recipient=recipient
        )
    except (actions.DuplicatePackage, IntegrityError):
        # Registered by an earlier copy, possibly a concurrent request that committed first.
        earlier = _earlier_ack(message, recipient, digest)
        if earlier is None:  # pragma: no cover - a duplicate always has its acknowledgement
            raise
        return Receipt(ack=earlier.payload.encode(), duplicate=True)
    return Receipt(
        ack=registered.ack.payload.encode(),
        duplicate=False,
        transmission_ids=tuple(t.pk for t in registered.transmissions),
    )


def receive_status(data: bytes) -> tuple[Transmission, bool]:
    """Record a peer's status message; (transmission, False) for one seen before."""
    peer, status = _verified(data, "status")
    assert isinstance(status, edxml.StatusMessage)
    digest = actions.digest_of(data)
    seen = received_package(digest)
    if seen is not None and seen.transmission is not None:
        return seen.transmission, False
    return actions.register_status_package(acting_user=None, peer=peer, status=status, payload=data)
