"""Building and reading edXML packages: round trips, and every way a package can be refused."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from egov.exchange import edxml, signing
from egov.exchange.codes import NAMESPACE, BusinessDocType, StatusCode
from egov.exchange.samples import sample_document, sample_status
from egov.exchange.tests import strategies

MAX = 1_000_000
Q = f"{{{NAMESPACE}}}"


def _roundtrip(
    message: edxml.DocumentMessage, material: signing.SigningMaterial
) -> edxml.DocumentMessage:
    data = signing.sign(edxml.build_document(message), material)
    signed = signing.verify(edxml.parse_xml(data, max_bytes=10 * MAX), material.certificate)
    return edxml.read_document(signed)


def _read(root: etree._Element, material: signing.SigningMaterial) -> edxml.DocumentMessage:
    """Sign a hand-altered package and read it back, so only the content checks can object."""
    data = signing.sign(root, material)
    return edxml.read_document(
        signing.verify(edxml.parse_xml(data, max_bytes=MAX), material.certificate)
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(message=strategies.documents())
def test_any_valid_document_survives_build_sign_parse_verify(message, material) -> None:  # type: ignore[no-untyped-def]
    assert _roundtrip(message, material) == message


@settings(max_examples=60, deadline=None)
@given(message=strategies.statuses())
def test_any_valid_status_message_survives_the_round_trip(message, material) -> None:  # type: ignore[no-untyped-def]
    data = signing.sign(edxml.build_status(message), material)
    root = signing.verify(edxml.parse_xml(data, max_bytes=MAX), material.certificate)
    assert edxml.package_kind(root) == "status"
    assert edxml.read_status(root) == message


def test_vietnamese_text_arrives_byte_for_byte_in_both_normal_forms(material) -> None:  # type: ignore[no-untyped-def]
    subject = "Về việc triển khai Kế hoạch số 58/KH-UBND: ủy quyền, thẩm định, phê duyệt"
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hường")
    message = sample_document(subject=subject)
    message = dataclasses.replace(
        message,
        header=dataclasses.replace(
            message.header, signer=edxml.SignerInfo(full_name=decomposed, position="Phó Giám đốc")
        ),
    )
    data = signing.sign(edxml.build_document(message), material)
    assert subject.encode("utf-8") in data  # written as UTF-8, not as character references
    back = _roundtrip(message, material)
    assert back.header.subject == subject
    assert back.header.signer.full_name == decomposed
    assert back.header.signer.full_name != unicodedata.normalize("NFC", decomposed)


def test_the_package_has_the_standard_layout(material) -> None:  # type: ignore[no-untyped-def]
    root = edxml.parse_xml(
        signing.sign(edxml.build_document(sample_document()), material), max_bytes=MAX
    )
    header = root.find(f"{Q}edXMLEnvelope/{Q}edXMLHeader")
    assert [child.tag for child in header] == [
        f"{Q}MessageHeader",
        f"{Q}TraceHeaderList",
        "{http://www.w3.org/2000/09/xmldsig#}Signature",
    ]
    message_header = header.find(f"{Q}MessageHeader")
    assert [etree.QName(child).localname for child in message_header] == [
        "From", "To", "Code", "PromulgationInfo", "DocumentType", "Subject", "Content",
        "SignerInfo", "DueDate", "ToPlaces", "OtherInfo", "SteeringType", "DocumentId",
    ]  # fmt: skip
    assert header.find(f"{Q}TraceHeaderList/{Q}Bussiness/{Q}BussinessDocType").text == "0"
    assert message_header.find(f"{Q}PromulgationInfo/{Q}PromulgationDate").text == "2026/03/05"
    assert message_header.find(f"{Q}DocumentId").text == "000.00.09.H58,2026/03/05,58/KH-SXD"
    reference = root.find(f"{Q}edXMLEnvelope/{Q}edXMLBody/{Q}edXMLManifest/{Q}Reference")
    assert reference.get("{http://www.w3.org/1999/xlink}href") == "cid:ke-hoach-58.pdf"
    attachment = root.find(f"{Q}AttachmentEncoded/{Q}Attachment")
    assert attachment.find(f"{Q}ContentId").text == "ke-hoach-58.pdf"
    assert base64.b64decode(attachment.find(f"{Q}ContentTransferEncoded").text).startswith(b"%PDF")


def test_document_id_is_organ_date_and_number_notation() -> None:
    code = edxml.Code("05", "QĐ-UBND")
    assert (
        edxml.document_id_for("000.00.00.H58", dt.date(2026, 1, 9), code)
        == "000.00.00.H58,2026/01/09,05/QĐ-UBND"
    )
    assert edxml.split_document_id("000.00.00.H58,2026/01/09,05/QĐ-UBND") == (
        "000.00.00.H58",
        dt.date(2026, 1, 9),
        "05/QĐ-UBND",
    )
    for wrong in [
        "",
        "000.00.00.H58,2026/01/09",
        "abc,2026/01/09,1/X",
        "000.00.00.H58,9/1/2026,1/X",
    ]:
        with pytest.raises(ValueError):
            edxml.split_document_id(wrong)


# --- refusals: not XML, wrong XML ---------------------------------------------------------------
@pytest.mark.parametrize(
    "data",
    [b"", b"not xml", b"<edXML xmlns='http://www.mic.gov.vn/TBT/QCVN_102_2016'>", b"<a><b></a>"],
)
def test_malformed_xml_is_refused(data: bytes) -> None:
    with pytest.raises(edxml.EdxmlError) as error:
        edxml.parse_xml(data, max_bytes=MAX)
    assert error.value.code == "malformed_edxml"


@pytest.mark.parametrize(
    "data",
    [
        b"<edXML/>",
        b"<edXML xmlns='http://www.mic.gov.vn/TBT/QCVN_102_2015'/>",
        b"<x:edXML xmlns:x='urn:other'/>",
        b"<Envelope xmlns='http://www.mic.gov.vn/TBT/QCVN_102_2016'/>",
    ],
)
def test_a_root_outside_the_edxml_namespace_is_refused(data: bytes) -> None:
    with pytest.raises(edxml.EdxmlError) as error:
        edxml.parse_xml(data, max_bytes=MAX)
    assert error.value.code == "wrong_namespace"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&d;</edXML>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&secret;</edXML>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE edXML SYSTEM "http://127.0.0.1:9/evil.dtd">
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>"""
UTF16_DOCTYPE = (
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE edXML [<!ENTITY a "x">]>'
    '<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&a;</edXML>'
).encode("utf-16")


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, UTF16_DOCTYPE])
def test_doctypes_and_entities_are_refused_before_anything_expands(data: bytes) -> None:
    with pytest.raises(edxml.EdxmlError) as error:
        edxml.parse_xml(data, max_bytes=MAX)
    assert error.value.code == "forbidden_xml"


def test_a_package_over_the_size_limit_is_refused_unparsed(material) -> None:  # type: ignore[no-untyped-def]
    data = signing.sign(edxml.build_document(sample_document()), material)
    with pytest.raises(edxml.EdxmlError) as error:
        edxml.parse_xml(data, max_bytes=len(data) - 1)
    assert error.value.code == "package_too_large"
    assert edxml.parse_xml(data, max_bytes=len(data)) is not None


# --- refusals: incomplete or inconsistent messages ------------------------------------------------
@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("MessageHeader/From/OrganId", "MessageHeader.From.OrganId"),
        ("MessageHeader/From/OrganName", "MessageHeader.From.OrganName"),
        ("MessageHeader/To", "MessageHeader.To"),
        ("MessageHeader/Code/CodeNumber", "MessageHeader.Code.CodeNumber"),
        ("MessageHeader/Code", "MessageHeader.Code"),
        (
            "MessageHeader/PromulgationInfo/PromulgationDate",
            "MessageHeader.PromulgationInfo.PromulgationDate",
        ),
        ("MessageHeader/DocumentType/Type", "MessageHeader.DocumentType.Type"),
        ("MessageHeader/Subject", "MessageHeader.Subject"),
        ("MessageHeader/SignerInfo/FullName", "MessageHeader.SignerInfo.FullName"),
        ("MessageHeader/DocumentId", "MessageHeader.DocumentId"),
        ("TraceHeaderList/TraceHeader", "TraceHeaderList.TraceHeader"),
        ("TraceHeaderList/Bussiness", "TraceHeaderList.Bussiness"),
        ("TraceHeaderList", "TraceHeaderList"),
    ],
)
def test_a_missing_mandatory_field_is_named_in_the_error(path: str, field: str, material) -> None:  # type: ignore[no-untyped-def]
    root = edxml.build_document(sample_document())
    header = root.find(f"{Q}edXMLEnvelope/{Q}edXMLHeader")
    target = header.find("/".join(f"{Q}{part}" for part in path.split("/")))
    target.getparent().remove(target)
    with pytest.raises(edxml.EdxmlError) as error:
        _read(root, material)
    assert field in error.value.errors


def _set(root: etree._Element, path: str, text: str) -> None:
    header = root.find(f"{Q}edXMLEnvelope/{Q}edXMLHeader")
    header.find("/".join(f"{Q}{part}" for part in path.split("/"))).text = text


@pytest.mark.parametrize(
    ("path", "text", "field"),
    [
        ("MessageHeader/From/OrganId", "H58", "MessageHeader.From.OrganId"),
        (
            "MessageHeader/PromulgationInfo/PromulgationDate",
            "05/03/2026",
            "MessageHeader.PromulgationInfo.PromulgationDate",
        ),
        ("MessageHeader/OtherInfo/Priority", "7", "MessageHeader.OtherInfo.Priority"),
        ("MessageHeader/OtherInfo/PageAmount", "ba", "MessageHeader.OtherInfo.PageAmount"),
        ("MessageHeader/SteeringType", "0", "MessageHeader.SteeringType"),
        (
            "MessageHeader/DocumentId",
            "000.00.09.H58,2026/03/05,59/KH-SXD",
            "MessageHeader.DocumentId",
        ),
        ("MessageHeader/DocumentId", "58/KH-SXD", "MessageHeader.DocumentId"),
        ("MessageHeader/Code/CodeNumber", "123456789012", "MessageHeader.Code.CodeNumber"),
        ("MessageHeader/Subject", "x" * 501, "MessageHeader.Subject"),
        (
            "TraceHeaderList/TraceHeader/Timestamp",
            "hôm qua",
            "TraceHeaderList.TraceHeader[0].Timestamp",
        ),
        (
            "TraceHeaderList/Bussiness/BussinessDocType",
            "9",
            "TraceHeaderList.Bussiness.BussinessDocType",
        ),
    ],
)
def test_a_wrong_value_is_named_in_the_error(path: str, text: str, field: str, material) -> None:  # type: ignore[no-untyped-def]
    root = edxml.build_document(sample_document())
    _set(root, path, text)
    with pytest.raises(edxml.EdxmlError) as error:
        _read(root, material)
    assert field in error.value.errors


def test_a_revocation_must_name_the_document_and_a_reason() -> None:
    message = sample_document(business=edxml.Business(doc_type=BusinessDocType.REVOKE))
    with pytest.raises(edxml.EdxmlError) as error:
        edxml.build_document(message)
    assert set(error.value.errors) == {
        "TraceHeaderList.Bussiness.BussinessDocReason",
        "TraceHeaderList.Bussiness.DocumentId",
    }


def test_the_builder_refuses_what_the_reader_would_refuse() -> None:
    message = sample_document()
    broken = dataclasses.replace(
        message, header=dataclasses.replace(message.header, subject="   ", to=())
    )
    with pytest.raises(edxml.EdxmlError) as error:
        edxml.build_document(broken)
    assert {"MessageHeader.Subject", "MessageHeader.To"} <= set(error.value.errors)


def test_text_xml_cannot_carry_is_refused_by_the_builder() -> None:
    with pytest.raises(edxml.EdxmlError):
        edxml.build_document(sample_document(subject="chuông \x07 báo"))


# --- refusals: attachments that don't match the manifest ------------------------------------------
def _attachment(root: etree._Element) -> etree._Element:
    return root.find(f"{Q}AttachmentEncoded/{Q}Attachment")


def _reference(root: etree._Element) -> etree._Element:
    return root.find(f"{Q}edXMLEnvelope/{Q}edXMLBody/{Q}edXMLManifest/{Q}Reference")


def test_an_attachment_missing_from_the_package_is_refused(material) -> None:  # type: ignore[no-untyped-def]
    root = edxml.build_document(sample_document())
    encoded = root.find(f"{Q}AttachmentEncoded")
    root.remove(encoded)
    with pytest.raises(edxml.EdxmlError) as error:
        _read(root, material)
    assert "edXMLManifest.Reference" in error.value.errors


def test_an_attachment_not_in_the_manifest_is_refused(material) -> None:  # type: ignore[no-untyped-def]
    root = edxml.build_document(sample_document())
    reference = _reference(root)
    reference.getparent().remove(reference)
    with pytest.raises(edxml.EdxmlError) as error:
        _read(root, material)
    assert "AttachmentEncoded.Attachment[0].ContentId" in error.value.errors


@pytest.mark.parametrize(
    ("element", "text"),
    [("AttachmentName", "Quyết định khác.pdf"), ("ContentType", "application/zip")],
)
def test_an_attachment_whose_name_or_type_differs_from_the_manifest_is_refused(
    element, text, material
) -> None:  # type: ignore[no-untyped-def]
    root = edxml.build_document(sample_document())
    _attachment(root).find(f"{Q}{element}").text = text
    with pytest.raises(edxml.EdxmlError) as error:
        _read(root, material)
    assert "AttachmentEncoded.Attachment[0]" in error.value.errors


def test_a_reference_pointing_elsewhere_is_refused(material) -> None:  # type: ignore[no-untyped-def]
    root = edxml.build_document(sample_document())
    _reference(root).set("{http://www.w3.org/1999/xlink}href", "cid:another.pdf")
    with pytest.raises(edxml.EdxmlError) as error:
        _read(root, material)
    assert "edXMLManifest.Reference[0]" in error.value.errors


def test_content_that_is_not_base64_is_refused(material) -> None:  # type: ignore[no-untyped-def]
    root = edxml.build_document(sample_document())
    _attachment(root).find(f"{Q}ContentTransferEncoded").text = "không phải base64!"
    with pytest.raises(edxml.EdxmlError) as error:
        _read(root, material)
    assert "AttachmentEncoded.Attachment[0].ContentTransferEncoded" in error.value.errors


def test_content_that_is_not_of_its_declared_type_is_refused(material) -> None:  # type: ignore[no-untyped-def]
    root = edxml.build_document(sample_document())
    fake = base64.b64encode(b"MZ\x90\x00 an executable, not a PDF").decode()
    _attachment(root).find(f"{Q}ContentTransferEncoded").text = fake
    with pytest.raises(edxml.EdxmlError) as error:
        _read(root, material)
    assert "AttachmentEncoded.Attachment[0].ContentTransferEncoded" in error.value.errors


def test_base64_split_over_lines_is_accepted(material) -> None:  # type: ignore[no-untyped-def]
    root = edxml.build_document(sample_document())
    element = _attachment(root).find(f"{Q}ContentTransferEncoded")
    text = element.text
    element.text = "\n".join(text[i : i + 76] for i in range(0, len(text), 76))
    assert _read(root, material).attachments == sample_document().attachments


# --- status messages -------------------------------------------------------------------
def test_a_status_message_with_an_unknown_code_is_refused(material) -> None:  # type: ignore[no-untyped-def]
    status = sample_status(sample_document())
    with pytest.raises(edxml.EdxmlError):
        edxml.build_status(dataclasses.replace(status, code="07"))
    root = edxml.build_status(status)
    root.find(f"{Q}edXMLEnvelope/{Q}edXMLHeader/{Q}Status/{Q}StatusCode").text = "99"
    data = signing.sign(root, material)
    with pytest.raises(edxml.EdxmlError) as error:
        edxml.read_status(
            signing.verify(edxml.parse_xml(data, max_bytes=MAX), material.certificate)
        )
    assert "Status.StatusCode" in error.value.errors


def test_every_status_code_of_the_standard_is_known() -> None:
    assert set(StatusCode.values) == {"01", "02", "03", "04", "05", "06", "13", "15", "16"}
