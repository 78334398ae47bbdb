"""Hypothesis strategies for edXML messages."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from egov.exchange import edxml
from egov.exchange.codes import BusinessDocType, StatusCode

# Any character XML 1.0 can carry, with Vietnamese letters weighted in so every run has them.
VIETNAMESE = "ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵĐƯƠ"
xml_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(VIETNAMESE),
        st.characters(
            codec="utf-8",
            exclude_categories=("Cs", "Cc", "Cn", "Co"),
            include_characters="\t\n\r",
        ),
    ),
    max_size=40,
)
required_text = xml_text.filter(lambda s: s.strip() != "")
code_part = st.text(
    alphabet=st.sampled_from("0123456789ABCDEFGHKLMNPQRSTUVXYĐđ-"), min_size=1, max_size=11
)


@st.composite
def organ_codes(draw: st.DrawFn) -> str:
    alnum = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    level1 = draw(st.sampled_from("ABCDEFGHKLMNPQRSTUVXY")) + draw(
        st.text(alphabet=alnum, min_size=2, max_size=2)
    )
    depth = draw(st.integers(min_value=1, max_value=4))
    groups = []
    for size, used in ((2, depth >= 2), (2, depth >= 3), (3, depth >= 4)):
        if used:
            group = draw(
                st.text(alphabet=alnum, min_size=size, max_size=size).filter(
                    lambda g: set(g) != {"0"}
                )
            )
        else:
            group = "0" * size
        groups.append(group)
    return f"{groups[2]}.{groups[1]}.{groups[0]}.{level1}"


dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))
timestamps = st.datetimes(
    min_value=dt.datetime(2000, 1, 2),
    max_value=dt.datetime(2099, 12, 30),
    timezones=st.just(dt.UTC),
).map(lambda d: d.replace(microsecond=0))


def organizations(name: bool = True) -> st.SearchStrategy[edxml.Organization]:
    return st.builds(
        edxml.Organization,
        organ_id=organ_codes(),
        organ_name=required_text if name else xml_text,
        organization_in_charge=xml_text,
        organ_add=xml_text,
        email=xml_text,
        telephone=xml_text,
        fax=xml_text,
        website=xml_text,
    )


@st.composite
def response_fors(draw: st.DrawFn) -> edxml.ResponseFor:
    organ = draw(organ_codes())
    day = draw(dates)
    code = edxml.Code(draw(code_part.filter(lambda s: "/" not in s)), draw(code_part))
    return edxml.ResponseFor(
        organ_id=organ,
        code=str(code),
        promulgation_date=day,
        document_id=edxml.document_id_for(organ, day, code),
    )


attachments = st.builds(
    edxml.Attachment,
    content_id=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._@\-]{0,30}", fullmatch=True),
    name=required_text,
    content_type=st.sampled_from(["text/plain", "application/octet-stream", "image/tiff"]),
    content=st.binary(max_size=300),
    description=xml_text,
)


@st.composite
def documents(draw: st.DrawFn) -> edxml.DocumentMessage:
    sender = draw(organizations())
    day = draw(dates)
    code = edxml.Code(
        draw(code_part.filter(lambda s: "/" not in s)),
        draw(code_part.filter(lambda s: len(s) <= 30)),
    )
    doc_type = draw(st.sampled_from(BusinessDocType.values))
    document_id = edxml.document_id_for(sender.organ_id, day, code)
    replacements: tuple[edxml.Replacement, ...] = ()
    if doc_type == BusinessDocType.REPLACE:
        old = draw(response_fors())
        replacements = (
            edxml.Replacement(old.document_id, tuple(draw(st.lists(organ_codes(), max_size=2)))),
        )
    files = draw(st.lists(attachments, max_size=3, unique_by=lambda a: a.content_id))
    header = edxml.MessageHeader(
        sender=sender,
        to=tuple(draw(st.lists(organizations(name=False), min_size=1, max_size=3))),
        code=code,
        promulgation=edxml.PromulgationInfo(date=day, place=draw(xml_text)),
        document_type=edxml.DocumentType(type=draw(st.integers(0, 999)), name=draw(required_text)),
        subject=draw(required_text),
        content=draw(xml_text),
        signer=edxml.SignerInfo(
            full_name=draw(required_text), position=draw(xml_text), competence=draw(xml_text)
        ),
        document_id=document_id,
        due_date=draw(st.none() | dates),
        to_places=tuple(draw(st.lists(required_text, max_size=3))),
        other_info=edxml.OtherInfo(
            priority=draw(st.integers(0, 4)),
            sphere_of_promulgation=draw(xml_text),
            typer_notation=draw(xml_text),
            promulgation_amount=draw(st.none() | st.integers(0, 1000)),
            page_amount=draw(st.none() | st.integers(0, 1000)),
            appendixes=tuple(draw(st.lists(required_text, max_size=2))),
        ),
        response_for=tuple(draw(st.lists(response_fors(), max_size=2))),
        steering_type=draw(st.integers(1, 3)),
    )
    business = edxml.Business(
        doc_type=doc_type,
        reason=draw(required_text) if doc_type else draw(xml_text),
        document_id=document_id if doc_type in (1, 2) else "",
        document_info_changed=draw(st.booleans()),
        receivers_changed=draw(st.booleans()),
        receiver_changes=tuple(
            draw(
                st.lists(
                    st.builds(
                        edxml.ReceiverChange,
                        receiver_type=st.sampled_from([0, 1]),
                        organ_id=organ_codes(),
                    ),
                    max_size=2,
                )
            )
        ),
        staff=edxml.StaffInfo(
            department=draw(xml_text), staff=draw(xml_text), mobile=draw(xml_text), email=""
        ),
        paper=draw(st.sampled_from([0, 1])),
        replacements=replacements,
    )
    traces = tuple(
        edxml.TraceHeader(organ_id=draw(organ_codes()), timestamp=draw(timestamps))
        for _ in range(draw(st.integers(1, 3)))
    )
    return edxml.DocumentMessage(
        header=header, traces=traces, business=business, attachments=tuple(files)
    )


@st.composite
def statuses(draw: st.DrawFn) -> edxml.StatusMessage:
    return edxml.StatusMessage(
        response_for=draw(response_fors()),
        sender=draw(organizations()),
        code=draw(st.sampled_from(StatusCode.values)),
        timestamp=draw(timestamps),
        description=draw(xml_text),
        staff=edxml.StaffInfo(
            department=draw(xml_text), staff=draw(xml_text), mobile=draw(xml_text), email=""
        ),
    )
