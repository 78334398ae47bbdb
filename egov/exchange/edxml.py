"""edXML (QCVN 102:2016) messages: plain data classes, building them with lxml, reading them back.

Layout of a document package (DOMAIN.md §5)::

    edXML                                     default namespace NAMESPACE
     ├ edXML:edXMLEnvelope
     │  ├ edXML:edXMLHeader
     │  │  ├ edXML:MessageHeader              From, To*, Code, PromulgationInfo, … DocumentId
     │  │  ├ edXML:TraceHeaderList            TraceHeader*, Bussiness (sic)
     │  │  └ ds:Signature                     XML-DSig of the sending agency (signing.py)
     │  └ edXML:edXMLBody/edXML:edXMLManifest/edXML:Reference*   xlink:href="cid:…"
     └ AttachmentEncoded/Attachment*          ContentId, ContentType, AttachmentName, base64

A status message has the same envelope with ``edXML:Status`` in place of the MessageHeader and
TraceHeaderList, and no body. No public XSD exists, so the element order follows the public
reference material and the checks below are ours; they are the same whether we build a message or
read one, so anything we send passes our own reader.

Nothing here touches the database or the network.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml import etree

from egov.exchange.codes import (
    DSIG_NAMESPACE,
    NAMESPACE,
    XLINK_NAMESPACE,
    BusinessDocType,
    ReceiverType,
    StatusCode,
)
from egov.lib.identifiers import validate_organ_code

# edXML dates and times are Vietnam time, written like the public SDKs write them.
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y/%m/%d"
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"

MAX_CODE_NUMBER = 11  # Decree 30/2020 Appendix VI
MAX_CODE_NOTATION = 30
MAX_SUBJECT = 500
MAX_TEXT = 2000  # any other single-line field
MAX_CONTENT = 100_000  # Content (summary of the document)

_CONTENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@\-]{0,199}")
_CONTENT_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+\-]*/[a-z0-9][a-z0-9!#$&^_.+\-]*")
# Declared types whose first bytes we can check cheaply.
_MAGIC: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
}


class EdxmlError(Exception):
    """A message that is not valid edXML. ``errors`` maps a field path to a translated message."""

    def __init__(self, errors: Mapping[str, str], *, code: str = "malformed_edxml") -> None:
        self.errors = dict(errors)
        self.code = code
        super().__init__("; ".join(f"{path}: {message}" for path, message in self.errors.items()))


# ---------------------------------------------------------------------------------------------
# The data
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Organization:
    """From, To and the sender of a status message."""

    organ_id: str
    organ_name: str = ""
    organization_in_charge: str = ""
    organ_add: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass(frozen=True)
class Code:
    number: str
    notation: str

    def __str__(self) -> str:
        return f"{self.number}/{self.notation}"


@dataclass(frozen=True)
class PromulgationInfo:
    date: dt.date
    place: str = ""


@dataclass(frozen=True)
class DocumentType:
    type: int
    name: str


@dataclass(frozen=True)
class SignerInfo:
    full_name: str
    position: str = ""
    competence: str = ""  # TM., KT., TL., …


@dataclass(frozen=True)
class OtherInfo:
    priority: int = 0
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: int | None = None
    page_amount: int | None = None
    appendixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResponseFor:
    """The document a message answers (MessageHeader) or reports on (Status)."""

    organ_id: str
    code: str
    promulgation_date: dt.date
    document_id: str


@dataclass(frozen=True)
class MessageHeader:
    sender: Organization  # From
    to: tuple[Organization, ...]
    code: Code
    promulgation: PromulgationInfo
    document_type: DocumentType
    subject: str
    signer: SignerInfo
    document_id: str
    content: str = ""
    due_date: dt.date | None = None
    to_places: tuple[str, ...] = ()
    other_info: OtherInfo = field(default_factory=OtherInfo)
    response_for: tuple[ResponseFor, ...] = ()
    steering_type: int = 1


@dataclass(frozen=True)
class TraceHeader:
    organ_id: str
    timestamp: dt.datetime


@dataclass(frozen=True)
class StaffInfo:
    department: str = ""
    staff: str = ""
    mobile: str = ""
    email: str = ""


@dataclass(frozen=True)
class ReceiverChange:
    receiver_type: int  # ReceiverType: 0 removed, 1 added
    organ_id: str


@dataclass(frozen=True)
class Replacement:
    """A document this one replaces, for the listed recipients."""

    document_id: str
    organ_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Business:
    """TraceHeaderList/Bussiness: what this package does to the document."""

    doc_type: int = BusinessDocType.NEW
    reason: str = ""
    document_id: str = ""  # the document revoked or updated
    document_info_changed: bool = False
    receivers_changed: bool = False
    receiver_changes: tuple[ReceiverChange, ...] = ()
    staff: StaffInfo = field(default_factory=StaffInfo)
    paper: int = 0  # 1 when a paper copy follows
    replacements: tuple[Replacement, ...] = ()


@dataclass(frozen=True)
class Attachment:
    content_id: str
    name: str
    content_type: str
    content: bytes
    description: str = ""


@dataclass(frozen=True)
class DocumentMessage:
    header: MessageHeader
    traces: tuple[TraceHeader, ...]
    business: Business = field(default_factory=Business)
    attachments: tuple[Attachment, ...] = ()

    @property
    def document_id(self) -> str:
        return self.header.document_id


@dataclass(frozen=True)
class StatusMessage:
    response_for: ResponseFor
    sender: Organization  # From: the organ reporting
    code: str  # StatusCode
    timestamp: dt.datetime
    description: str = ""
    staff: StaffInfo = field(default_factory=StaffInfo)


# ---------------------------------------------------------------------------------------------
# DocumentId: OrganId,yyyy/MM/dd,Number/Notation
# ---------------------------------------------------------------------------------------------
def document_id_for(organ_id: str, promulgation_date: dt.date, code: Code | str) -> str:
    return f"{organ_id},{promulgation_date.strftime(DATE_FORMAT)},{code}"


def split_document_id(value: str) -> tuple[str, dt.date, str]:
    """(organ code, promulgation date, number/notation); ValueError when it has another shape."""
    parts = value.split(",", 2)
    if len(parts) != 3 or "/" not in parts[2]:
        raise ValueError(value)
    organ_id, day, code = parts
    try:
        validate_organ_code(organ_id)
    except ValidationError as exc:
        raise ValueError(value) from exc
    return organ_id, _parse_date(day), code


def _parse_date(value: str) -> dt.date:
    value = value.strip()
    for pattern in (DATE_FORMAT, "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, pattern).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    raise ValueError(value)


def _parse_timestamp(value: str) -> dt.datetime:
    value = value.strip()
    try:
        parsed = dt.datetime.strptime(value, TIMESTAMP_FORMAT)  # noqa: DTZ007 (zone added below)
    except ValueError:
        parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VN_TZ)
    return parsed


def format_timestamp(value: dt.datetime) -> str:
    return value.astimezone(VN_TZ).strftime(TIMESTAMP_FORMAT)


# ---------------------------------------------------------------------------------------------
# Checks shared by building and reading
# ---------------------------------------------------------------------------------------------
class _Checks:
    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, path: str, message: str) -> None:
        self.errors.setdefault(path, message)

    def required(self, path: str, value: str, max_length: int = MAX_TEXT) -> None:
        if not value.strip():
            self.add(path, _("This field is required."))
        else:
            self.length(path, value, max_length)

    def length(self, path: str, value: str, max_length: int = MAX_TEXT) -> None:
        if len(value) > max_length:
            self.add(
                path,
                _("At most %(count)s characters are allowed.") % {"count": max_length},
            )

    def organ(self, path: str, value: str) -> None:
        try:
            validate_organ_code(value)
        except ValidationError as exc:
            self.add(path, " ".join(exc.messages))

    def document_id(self, path: str, value: str) -> tuple[str, dt.date, str] | None:
        try:
            return split_document_id(value)
        except ValueError:
            self.add(
                path,
                _(
                    "A DocumentId has the form OrganId,yyyy/MM/dd,Number/Notation, "
                    "e.g. 000.00.09.H58,2026/03/05,58/KH-SXD."
                ),
            )
            return None

    def choice(self, path: str, value: int, allowed: range | set[int]) -> None:
        if value not in allowed:
            self.add(path, _("Choose one of the allowed values."))

    def amount(self, path: str, value: int | None) -> None:
        if value is not None and not 0 <= value <= 1_000_000:
            self.add(path, _("Enter a whole number between 0 and 1,000,000."))

    def raise_if_any(self) -> None:
        if self.errors:
            raise EdxmlError(self.errors)


def _check_organization(c: _Checks, path: str, org: Organization, *, name: bool = True) -> None:
    c.organ(f"{path}.OrganId", org.organ_id)
    if name:
        c.required(f"{path}.OrganName", org.organ_name)
    for attr, label in (
        ("organization_in_charge", "OrganizationInCharge"),
        ("organ_add", "OrganAdd"),
        ("email", "Email"),
        ("telephone", "Telephone"),
        ("fax", "Fax"),
        ("website", "Website"),
    ):
        c.length(f"{path}.{label}", getattr(org, attr))


def _check_response_for(c: _Checks, path: str, response_for: ResponseFor) -> None:
    c.organ(f"{path}.OrganId", response_for.organ_id)
    c.required(f"{path}.Code", response_for.code, MAX_CODE_NUMBER + MAX_CODE_NOTATION + 1)
    c.document_id(f"{path}.DocumentId", response_for.document_id)


def check_attachment(c: _Checks, path: str, attachment: Attachment) -> None:
    if not _CONTENT_ID.fullmatch(attachment.content_id):
        c.add(f"{path}.ContentId", _("A content id uses letters, digits and . _ @ - only."))
    c.required(f"{path}.AttachmentName", attachment.name, 255)
    if not _CONTENT_TYPE.fullmatch(attachment.content_type):
        c.add(f"{path}.ContentType", _("Enter a media type such as application/pdf."))
    c.length(f"{path}.Description", attachment.description)
    magic = _MAGIC.get(attachment.content_type)
    if magic is not None and not attachment.content.startswith(magic):
        c.add(
            f"{path}.ContentTransferEncoded",
            _("The content is not of the declared type %(type)s.")
            % {"type": attachment.content_type},
        )


def check_document(message: DocumentMessage) -> None:
    """Raise EdxmlError unless ``message`` is a complete, consistent document package."""
    c = _Checks()
    h = message.header
    mh = "MessageHeader"
    _check_organization(c, f"{mh}.From", h.sender)
    if not h.to:
        c.add(f"{mh}.To", _("At least one recipient is required."))
    for index, to in enumerate(h.to):
        _check_organization(c, f"{mh}.To[{index}]", to, name=False)
    c.required(f"{mh}.Code.CodeNumber", h.code.number, MAX_CODE_NUMBER)
    c.required(f"{mh}.Code.CodeNotation", h.code.notation, MAX_CODE_NOTATION)
    if "/" in h.code.number or "," in h.code.number or "," in h.code.notation:
        c.add(f"{mh}.Code", _("The number and notation cannot contain a comma or a slash."))
    c.length(f"{mh}.PromulgationInfo.Place", h.promulgation.place)
    c.choice(f"{mh}.DocumentType.Type", h.document_type.type, range(0, 1000))
    c.required(f"{mh}.DocumentType.TypeName", h.document_type.name)
    c.required(f"{mh}.Subject", h.subject, MAX_SUBJECT)
    c.length(f"{mh}.Content", h.content, MAX_CONTENT)
    c.required(f"{mh}.SignerInfo.FullName", h.signer.full_name)
    c.length(f"{mh}.SignerInfo.Position", h.signer.position)
    c.length(f"{mh}.SignerInfo.Competence", h.signer.competence)
    for index, place in enumerate(h.to_places):
        c.required(f"{mh}.ToPlaces.Place[{index}]", place)
    o = h.other_info
    c.choice(f"{mh}.OtherInfo.Priority", o.priority, range(0, 5))
    c.length(f"{mh}.OtherInfo.SphereOfPromulgation", o.sphere_of_promulgation)
    c.length(f"{mh}.OtherInfo.TyperNotation", o.typer_notation)
    c.amount(f"{mh}.OtherInfo.PromulgationAmount", o.promulgation_amount)
    c.amount(f"{mh}.OtherInfo.PageAmount", o.page_amount)
    for index, appendix in enumerate(o.appendixes):
        c.required(f"{mh}.OtherInfo.Appendixes.Appendix[{index}]", appendix)
    for index, response_for in enumerate(h.response_for):
        _check_response_for(c, f"{mh}.ResponseFor[{index}]", response_for)
    c.choice(f"{mh}.SteeringType", h.steering_type, range(1, 4))
    parts = c.document_id(f"{mh}.DocumentId", h.document_id)
    if parts is not None and parts != (h.sender.organ_id, h.promulgation.date, str(h.code)):
        c.add(
            f"{mh}.DocumentId",
            _("The DocumentId does not match the sender, promulgation date and number."),
        )

    if not message.traces:
        c.add("TraceHeaderList.TraceHeader", _("At least one trace header is required."))
    for index, trace in enumerate(message.traces):
        c.organ(f"TraceHeaderList.TraceHeader[{index}].OrganId", trace.organ_id)
    b = message.business
    bp = "TraceHeaderList.Bussiness"
    c.choice(f"{bp}.BussinessDocType", b.doc_type, set(BusinessDocType.values))
    c.length(f"{bp}.BussinessDocReason", b.reason)
    if b.doc_type != BusinessDocType.NEW and not b.reason.strip():
        c.add(f"{bp}.BussinessDocReason", _("Give the reason for a revocation or an update."))
    if b.doc_type in (BusinessDocType.REVOKE, BusinessDocType.UPDATE):
        if b.document_id != h.document_id:
            c.add(
                f"{bp}.DocumentId",
                _("A revocation or update names the DocumentId of the document it changes."),
            )
    elif b.document_id:
        c.document_id(f"{bp}.DocumentId", b.document_id)
    for index, change in enumerate(b.receiver_changes):
        path = f"{bp}.BussinessDocumentInfo.ReceiverList.Receiver[{index}]"
        c.choice(f"{path}.ReceiverType", change.receiver_type, set(ReceiverType.values))
        c.organ(f"{path}.OrganId", change.organ_id)
    if b.doc_type == BusinessDocType.REPLACE and not b.replacements:
        c.add(
            f"{bp}.ReplacementInfoList",
            _("A replacement names the document it replaces."),
        )
    for index, replacement in enumerate(b.replacements):
        path = f"{bp}.ReplacementInfoList.ReplacementInfo[{index}]"
        c.document_id(f"{path}.DocumentId", replacement.document_id)
        for organ_index, organ_id in enumerate(replacement.organ_ids):
            c.organ(f"{path}.OrganIdList.OrganId[{organ_index}]", organ_id)
    c.choice(f"{bp}.Paper", b.paper, {0, 1})
    for attr, label in (("department", "Department"), ("staff", "Staff"), ("mobile", "Mobile")):
        c.length(f"{bp}.StaffInfo.{label}", getattr(b.staff, attr))
    c.length(f"{bp}.StaffInfo.Email", b.staff.email)

    seen: set[str] = set()
    for index, attachment in enumerate(message.attachments):
        check_attachment(c, f"AttachmentEncoded.Attachment[{index}]", attachment)
        if attachment.content_id in seen:
            c.add(
                f"AttachmentEncoded.Attachment[{index}].ContentId",
                _("Two attachments have the same content id."),
            )
        seen.add(attachment.content_id)
    c.raise_if_any()


def check_status(message: StatusMessage) -> None:
    c = _Checks()
    _check_response_for(c, "Status.ResponseFor", message.response_for)
    _check_organization(c, "Status.From", message.sender)
    if message.code not in StatusCode.values:
        c.add("Status.StatusCode", _("Choose one of the allowed values."))
    c.length("Status.Description", message.description)
    for attr, label in (
        ("department", "Department"),
        ("staff", "Staff"),
        ("mobile", "Mobile"),
        ("email", "Email"),
    ):
        c.length(f"Status.StaffInfo.{label}", getattr(message.staff, attr))
    c.raise_if_any()


# ---------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------
def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, _q(name))
    if text:
        element.text = text
    return element


def _add_organization(parent: etree._Element, name: str, org: Organization) -> None:
    element = _sub(parent, name)
    _sub(element, "OrganId", org.organ_id)
    _sub(element, "OrganizationInCharge", org.organization_in_charge)
    _sub(element, "OrganName", org.organ_name)
    _sub(element, "OrganAdd", org.organ_add)
    _sub(element, "Email", org.email)
    _sub(element, "Telephone", org.telephone)
    _sub(element, "Fax", org.fax)
    _sub(element, "Website", org.website)


def _add_response_for(parent: etree._Element, response_for: ResponseFor) -> None:
    element = _sub(parent, "ResponseFor")
    _sub(element, "OrganId", response_for.organ_id)
    _sub(element, "Code", response_for.code)
    _sub(element, "PromulgationDate", response_for.promulgation_date.strftime(DATE_FORMAT))
    _sub(element, "DocumentId", response_for.document_id)


def _add_staff(parent: etree._Element, staff: StaffInfo) -> None:
    element = _sub(parent, "StaffInfo")
    _sub(element, "Department", staff.department)
    _sub(element, "Staff", staff.staff)
    _sub(element, "Mobile", staff.mobile)
    _sub(element, "Email", staff.email)


def _envelope() -> tuple[etree._Element, etree._Element, etree._Element]:
    root = etree.Element(_q("edXML"), nsmap={None: NAMESPACE})  # type: ignore[dict-item]
    # The envelope declares the edXML prefix, as the public SDKs write it; attachments stay in the
    # default namespace. Both are the same namespace, so readers see no difference.
    envelope = etree.SubElement(root, _q("edXMLEnvelope"), nsmap={"edXML": NAMESPACE})
    header = _sub(envelope, "edXMLHeader")
    return root, envelope, header


def _signature_placeholder(parent: etree._Element) -> None:
    """Where signxml puts the enveloped signature (see signing.py)."""
    etree.SubElement(
        parent, f"{{{DSIG_NAMESPACE}}}Signature", Id="placeholder", nsmap={"ds": DSIG_NAMESPACE}
    )


def build_document(message: DocumentMessage) -> etree._Element:
    """The unsigned package (with a signature placeholder); raises EdxmlError when incomplete."""
    check_document(message)
    try:
        return _build_document(message)
    except ValueError as exc:  # lxml refuses characters XML cannot carry
        raise EdxmlError(
            {"__all__": _("The message contains characters XML cannot carry.")}
        ) from exc


def _build_document(message: DocumentMessage) -> etree._Element:
    root, envelope, header = _envelope()
    h = message.header
    mh = _sub(header, "MessageHeader")
    _add_organization(mh, "From", h.sender)
    for to in h.to:
        _add_organization(mh, "To", to)
    code = _sub(mh, "Code")
    _sub(code, "CodeNumber", h.code.number)
    _sub(code, "CodeNotation", h.code.notation)
    promulgation = _sub(mh, "PromulgationInfo")
    _sub(promulgation, "Place", h.promulgation.place)
    _sub(promulgation, "PromulgationDate", h.promulgation.date.strftime(DATE_FORMAT))
    document_type = _sub(mh, "DocumentType")
    _sub(document_type, "Type", str(h.document_type.type))
    _sub(document_type, "TypeName", h.document_type.name)
    _sub(mh, "Subject", h.subject)
    _sub(mh, "Content", h.content)
    signer = _sub(mh, "SignerInfo")
    _sub(signer, "Competence", h.signer.competence)
    _sub(signer, "Position", h.signer.position)
    _sub(signer, "FullName", h.signer.full_name)
    if h.due_date is not None:
        _sub(mh, "DueDate", h.due_date.strftime(DATE_FORMAT))
    to_places = _sub(mh, "ToPlaces")
    for place in h.to_places:
        _sub(to_places, "Place", place)
    o = h.other_info
    other = _sub(mh, "OtherInfo")
    _sub(other, "Priority", str(o.priority))
    _sub(other, "SphereOfPromulgation", o.sphere_of_promulgation)
    _sub(other, "TyperNotation", o.typer_notation)
    if o.promulgation_amount is not None:
        _sub(other, "PromulgationAmount", str(o.promulgation_amount))
    if o.page_amount is not None:
        _sub(other, "PageAmount", str(o.page_amount))
    appendixes = _sub(other, "Appendixes")
    for appendix in o.appendixes:
        _sub(appendixes, "Appendix", appendix)
    for response_for in h.response_for:
        _add_response_for(mh, response_for)
    _sub(mh, "SteeringType", str(h.steering_type))
    _sub(mh, "DocumentId", h.document_id)

    trace_list = _sub(header, "TraceHeaderList")
    for trace in message.traces:
        element = _sub(trace_list, "TraceHeader")
        _sub(element, "OrganId", trace.organ_id)
        _sub(element, "Timestamp", format_timestamp(trace.timestamp))
    b = message.business
    business = _sub(trace_list, "Bussiness")
    _sub(business, "BussinessDocType", str(b.doc_type))
    _sub(business, "BussinessDocReason", b.reason)
    info = _sub(business, "BussinessDocumentInfo")
    _sub(info, "DocumentInfo", "1" if b.document_info_changed else "0")
    _sub(info, "DocumentReceiver", "1" if b.receivers_changed else "0")
    receivers = _sub(info, "ReceiverList")
    for change in b.receiver_changes:
        receiver = _sub(receivers, "Receiver")
        _sub(receiver, "ReceiverType", str(change.receiver_type))
        _sub(receiver, "OrganId", change.organ_id)
    _sub(business, "DocumentId", b.document_id)
    _add_staff(business, b.staff)
    _sub(business, "Paper", str(b.paper))
    replacements = _sub(business, "ReplacementInfoList")
    for replacement in b.replacements:
        element = _sub(replacements, "ReplacementInfo")
        _sub(element, "DocumentId", replacement.document_id)
        organs = _sub(element, "OrganIdList")
        for organ_id in replacement.organ_ids:
            _sub(organs, "OrganId", organ_id)
    _signature_placeholder(header)

    manifest = _sub(_sub(envelope, "edXMLBody"), "edXMLManifest", None)
    manifest.set("version", "1.0")
    for attachment in message.attachments:
        reference = _sub(manifest, "Reference")
        reference.set(f"{{{XLINK_NAMESPACE}}}href", f"cid:{attachment.content_id}")
        reference.set(f"{{{XLINK_NAMESPACE}}}type", "simple")
        _sub(reference, "ContentId", attachment.content_id)
        _sub(reference, "ContentType", attachment.content_type)
        _sub(reference, "AttachmentName", attachment.name)
        _sub(reference, "Description", attachment.description)
    if message.attachments:
        encoded = _sub(root, "AttachmentEncoded")
        for attachment in message.attachments:
            element = _sub(encoded, "Attachment")
            _sub(element, "ContentId", attachment.content_id)
            _sub(element, "ContentType", attachment.content_type)
            _sub(element, "AttachmentName", attachment.name)
            _sub(element, "Description", attachment.description)
            _sub(
                element,
                "ContentTransferEncoded",
                base64.b64encode(attachment.content).decode("ascii"),
            )
    return root


def build_status(message: StatusMessage) -> etree._Element:
    check_status(message)
    try:
        root, _envelope_element, header = _envelope()
        status = _sub(header, "Status")
        _add_response_for(status, message.response_for)
        _add_organization(status, "From", message.sender)
        _sub(status, "StatusCode", message.code)
        _sub(status, "Description", message.description)
        _sub(status, "Timestamp", format_timestamp(message.timestamp))
        _add_staff(status, message.staff)
        _signature_placeholder(header)
    except ValueError as exc:
        raise EdxmlError(
            {"__all__": _("The message contains characters XML cannot carry.")}
        ) from exc
    return root


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------
PackageKind = Literal["document", "status"]


def parse_xml(data: bytes, *, max_bytes: int) -> etree._Element:
    """Parse untrusted bytes: no DTD, no entities, no network, bounded size.

    A document type declaration is refused outright, which stops entity expansion ("billion
    laughs") and external entities before the parser sees them.
    """
    if len(data) > max_bytes:
        raise EdxmlError(
            {"__all__": _("The package is larger than %(size)s bytes.") % {"size": max_bytes}},
            code="package_too_large",
        )
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise EdxmlError(
            {"__all__": _("Document type declarations and entities are not allowed.")},
            code="forbidden_xml",
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise EdxmlError(
            {"__all__": _("The package is not well-formed XML: %(error)s") % {"error": exc}}
        ) from exc
    if root is None:
        raise EdxmlError({"__all__": _("The package is empty.")})
    tree = root.getroottree()
    if getattr(tree.docinfo, "doctype", "") or tree.docinfo.internalDTD is not None:
        raise EdxmlError(
            {"__all__": _("Document type declarations and entities are not allowed.")},
            code="forbidden_xml",
        )
    if root.tag != _q("edXML"):
        raise EdxmlError(
            {
                "__all__": _("The root element must be edXML in the namespace %(ns)s.")
                % {"ns": NAMESPACE}
            },
            code="wrong_namespace",
        )
    return root


def package_kind(root: etree._Element) -> PackageKind:
    header = root.find(f"{_q('edXMLEnvelope')}/{_q('edXMLHeader')}")
    if header is not None and header.find(_q("Status")) is not None:
        return "status"
    return "document"


def sender_organ_id(root: etree._Element) -> str:
    """The From/OrganId of a document or status package, before its signature is checked."""
    header = f"{_q('edXMLEnvelope')}/{_q('edXMLHeader')}"
    for path in (
        f"{header}/{_q('MessageHeader')}/{_q('From')}/{_q('OrganId')}",
        f"{header}/{_q('Status')}/{_q('From')}/{_q('OrganId')}",
    ):
        found = root.find(path)
        if found is not None and found.text:
            return found.text.strip()
    raise EdxmlError({"From.OrganId": _("This field is required.")})


class _Reader:
    """Reads fields from elements, collecting every problem with its path."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def child(self, parent: etree._Element | None, name: str, path: str) -> etree._Element | None:
        if parent is None:
            return None
        found = parent.find(_q(name))
        if found is None:
            self.errors.setdefault(path, _("This element is missing."))
        return found

    def children(self, parent: etree._Element | None, name: str) -> list[etree._Element]:
        return [] if parent is None else parent.findall(_q(name))

    def text(self, parent: etree._Element | None, name: str, path: str = "") -> str:
        if parent is None:
            return ""
        found = parent.find(_q(name))
        return "" if found is None or found.text is None else found.text

    def integer(
        self, parent: etree._Element | None, name: str, path: str, default: int | None = None
    ) -> int | None:
        raw = self.text(parent, name).strip()
        if not raw:
            return default
        try:
            return int(raw)
        except ValueError:
            self.errors.setdefault(path, _("Enter a whole number."))
            return default

    def date(self, parent: etree._Element | None, name: str, path: str) -> dt.date | None:
        raw = self.text(parent, name).strip()
        if not raw:
            return None
        try:
            return _parse_date(raw)
        except ValueError:
            self.errors.setdefault(path, _("Enter a date as yyyy/MM/dd."))
            return None

    def required_date(self, parent: etree._Element | None, name: str, path: str) -> dt.date:
        value = self.date(parent, name, path)
        if value is None:
            self.errors.setdefault(path, _("This field is required."))
            return dt.date(1, 1, 1)
        return value

    def timestamp(self, parent: etree._Element | None, name: str, path: str) -> dt.datetime:
        raw = self.text(parent, name).strip()
        try:
            return _parse_timestamp(raw)
        except ValueError:
            self.errors.setdefault(path, _("Enter a time as yyyy/MM/dd HH:mm:ss."))
            return dt.datetime(1, 1, 1, tzinfo=dt.UTC)

    def raise_if_any(self) -> None:
        if self.errors:
            raise EdxmlError(self.errors)


def _read_organization(r: _Reader, element: etree._Element | None) -> Organization:
    return Organization(
        organ_id=r.text(element, "OrganId").strip(),
        organization_in_charge=r.text(element, "OrganizationInCharge"),
        organ_name=r.text(element, "OrganName"),
        organ_add=r.text(element, "OrganAdd"),
        email=r.text(element, "Email"),
        telephone=r.text(element, "Telephone"),
        fax=r.text(element, "Fax"),
        website=r.text(element, "Website"),
    )


def _read_response_for(r: _Reader, element: etree._Element, path: str) -> ResponseFor:
    return ResponseFor(
        organ_id=r.text(element, "OrganId").strip(),
        code=r.text(element, "Code"),
        promulgation_date=r.required_date(element, "PromulgationDate", f"{path}.PromulgationDate"),
        document_id=r.text(element, "DocumentId").strip(),
    )


def _read_staff(r: _Reader, element: etree._Element | None) -> StaffInfo:
    return StaffInfo(
        department=r.text(element, "Department"),
        staff=r.text(element, "Staff"),
        mobile=r.text(element, "Mobile"),
        email=r.text(element, "Email"),
    )


def _header(r: _Reader, root: etree._Element) -> etree._Element | None:
    envelope = r.child(root, "edXMLEnvelope", "edXMLEnvelope")
    return r.child(envelope, "edXMLHeader", "edXMLHeader")


def read_document(root: etree._Element) -> DocumentMessage:
    """The document package in ``root`` (already parsed, signature already checked)."""
    r = _Reader()
    header = _header(r, root)
    mh = r.child(header, "MessageHeader", "MessageHeader")
    p = "MessageHeader"
    sender = _read_organization(r, r.child(mh, "From", f"{p}.From"))
    to = tuple(_read_organization(r, e) for e in r.children(mh, "To"))
    code = r.child(mh, "Code", f"{p}.Code")
    promulgation = r.child(mh, "PromulgationInfo", f"{p}.PromulgationInfo")
    document_type = r.child(mh, "DocumentType", f"{p}.DocumentType")
    signer = r.child(mh, "SignerInfo", f"{p}.SignerInfo")
    other = r.child(mh, "OtherInfo", f"{p}.OtherInfo")
    type_number = r.integer(document_type, "Type", f"{p}.DocumentType.Type")
    if type_number is None:
        r.errors.setdefault(f"{p}.DocumentType.Type", _("This field is required."))
    message_header = MessageHeader(
        sender=sender,
        to=to,
        code=Code(
            number=r.text(code, "CodeNumber").strip(),
            notation=r.text(code, "CodeNotation").strip(),
        ),
        promulgation=PromulgationInfo(
            place=r.text(promulgation, "Place"),
            date=r.required_date(
                promulgation, "PromulgationDate", f"{p}.PromulgationInfo.PromulgationDate"
            ),
        ),
        document_type=DocumentType(type=type_number or 0, name=r.text(document_type, "TypeName")),
        subject=r.text(mh, "Subject"),
        content=r.text(mh, "Content"),
        signer=SignerInfo(
            competence=r.text(signer, "Competence"),
            position=r.text(signer, "Position"),
            full_name=r.text(signer, "FullName"),
        ),
        due_date=r.date(mh, "DueDate", f"{p}.DueDate"),
        to_places=tuple(
            e.text or ""
            for e in r.children(mh.find(_q("ToPlaces")) if mh is not None else None, "Place")
        ),
        other_info=OtherInfo(
            priority=r.integer(other, "Priority", f"{p}.OtherInfo.Priority", 0) or 0,
            sphere_of_promulgation=r.text(other, "SphereOfPromulgation"),
            typer_notation=r.text(other, "TyperNotation"),
            promulgation_amount=r.integer(
                other, "PromulgationAmount", f"{p}.OtherInfo.PromulgationAmount"
            ),
            page_amount=r.integer(other, "PageAmount", f"{p}.OtherInfo.PageAmount"),
            appendixes=tuple(
                e.text or ""
                for e in r.children(
                    other.find(_q("Appendixes")) if other is not None else None, "Appendix"
                )
            ),
        ),
        response_for=tuple(
            _read_response_for(r, e, f"{p}.ResponseFor[{i}]")
            for i, e in enumerate(r.children(mh, "ResponseFor"))
        ),
        steering_type=r.integer(mh, "SteeringType", f"{p}.SteeringType", 1) or 0,
        document_id=r.text(mh, "DocumentId").strip(),
    )
    if not message_header.document_id:
        r.errors.setdefault(f"{p}.DocumentId", _("This field is required."))

    trace_list = r.child(header, "TraceHeaderList", "TraceHeaderList")
    traces = tuple(
        TraceHeader(
            organ_id=r.text(e, "OrganId").strip(),
            timestamp=r.timestamp(e, "Timestamp", f"TraceHeaderList.TraceHeader[{i}].Timestamp"),
        )
        for i, e in enumerate(r.children(trace_list, "TraceHeader"))
    )
    bp = "TraceHeaderList.Bussiness"
    b = r.child(trace_list, "Bussiness", bp)
    info = b.find(_q("BussinessDocumentInfo")) if b is not None else None
    receivers = info.find(_q("ReceiverList")) if info is not None else None
    replacements = b.find(_q("ReplacementInfoList")) if b is not None else None
    doc_type = r.integer(b, "BussinessDocType", f"{bp}.BussinessDocType")
    if b is not None and doc_type is None:
        r.errors.setdefault(f"{bp}.BussinessDocType", _("This field is required."))
    business = Business(
        doc_type=doc_type or 0,
        reason=r.text(b, "BussinessDocReason"),
        document_id=r.text(b, "DocumentId").strip(),
        document_info_changed=r.text(info, "DocumentInfo").strip() == "1",
        receivers_changed=r.text(info, "DocumentReceiver").strip() == "1",
        receiver_changes=tuple(
            ReceiverChange(
                receiver_type=r.integer(
                    e, "ReceiverType", f"{bp}.BussinessDocumentInfo.ReceiverList.Receiver[{i}]", -1
                )
                or 0,
                organ_id=r.text(e, "OrganId").strip(),
            )
            for i, e in enumerate(r.children(receivers, "Receiver"))
        ),
        staff=_read_staff(r, b.find(_q("StaffInfo")) if b is not None else None),
        paper=r.integer(b, "Paper", f"{bp}.Paper", 0) or 0,
        replacements=tuple(
            Replacement(
                document_id=r.text(e, "DocumentId").strip(),
                organ_ids=tuple(
                    (o.text or "").strip() for o in r.children(e.find(_q("OrganIdList")), "OrganId")
                ),
            )
            for e in r.children(replacements, "ReplacementInfo")
        ),
    )
    attachments = _read_attachments(r, root)
    r.raise_if_any()
    message = DocumentMessage(
        header=message_header, traces=traces, business=business, attachments=attachments
    )
    check_document(message)
    return message


def _read_attachments(r: _Reader, root: etree._Element) -> tuple[Attachment, ...]:
    """Attachments, checked against the manifest: same content ids, names and types."""
    manifest = root.find(f"{_q('edXMLEnvelope')}/{_q('edXMLBody')}/{_q('edXMLManifest')}")
    references: dict[str, tuple[str, str]] = {}
    for index, reference in enumerate(r.children(manifest, "Reference")):
        path = f"edXMLManifest.Reference[{index}]"
        href = reference.get(f"{{{XLINK_NAMESPACE}}}href", "")
        content_id = r.text(reference, "ContentId").strip()
        if not href.startswith("cid:") or href[4:] != content_id or not content_id:
            r.errors.setdefault(path, _("The reference must point at cid:<its ContentId>."))
            continue
        if content_id in references:
            r.errors.setdefault(path, _("Two references have the same content id."))
        references[content_id] = (
            r.text(reference, "AttachmentName"),
            r.text(reference, "ContentType").strip(),
        )
    attachments: list[Attachment] = []
    encoded = root.find(_q("AttachmentEncoded"))
    for index, element in enumerate(r.children(encoded, "Attachment")):
        path = f"AttachmentEncoded.Attachment[{index}]"
        content_id = r.text(element, "ContentId").strip()
        name = r.text(element, "AttachmentName")
        content_type = r.text(element, "ContentType").strip()
        expected = references.pop(content_id, None)
        if expected is None:
            r.errors.setdefault(
                f"{path}.ContentId", _("This attachment is not listed in the manifest.")
            )
            continue
        if expected != (name, content_type):
            r.errors.setdefault(
                path, _("The attachment's name or type differs from its manifest reference.")
            )
        raw = "".join((r.text(element, "ContentTransferEncoded")).split())
        try:
            content = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            r.errors.setdefault(
                f"{path}.ContentTransferEncoded", _("The content is not valid base64.")
            )
            continue
        attachments.append(
            Attachment(
                content_id=content_id,
                name=name,
                content_type=content_type,
                content=content,
                description=r.text(element, "Description"),
            )
        )
    for content_id in references:
        r.errors.setdefault(
            "edXMLManifest.Reference",
            _("The manifest lists %(id)s but no attachment carries it.") % {"id": content_id},
        )
    return tuple(attachments)


def read_status(root: etree._Element) -> StatusMessage:
    r = _Reader()
    header = _header(r, root)
    status = r.child(header, "Status", "Status")
    response_for = r.child(status, "ResponseFor", "Status.ResponseFor")
    code = r.text(status, "StatusCode").strip()
    if status is not None and not code:
        r.errors.setdefault("Status.StatusCode", _("This field is required."))
    message = StatusMessage(
        response_for=_read_response_for(r, response_for, "Status.ResponseFor")
        if response_for is not None
        else ResponseFor("", "", dt.date(1, 1, 1), ""),
        sender=_read_organization(r, r.child(status, "From", "Status.From")),
        code=code,
        description=r.text(status, "Description"),
        timestamp=r.timestamp(status, "Timestamp", "Status.Timestamp"),
        staff=_read_staff(r, status.find(_q("StaffInfo")) if status is not None else None),
    )
    r.raise_if_any()
    check_status(message)
    return message


def to_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
