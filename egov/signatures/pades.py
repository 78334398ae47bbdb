"""PAdES signing with pyHanko: one incremental update per signature.

The functions here know PDF and pyHanko, nothing about models: the services pick the
certificates, build the appearance and record what was signed.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import io
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.stamp.base import BaseStampStyle

from egov.lib.problems import invalid

# A PKCS#11 session must not run two operations at once; signing is serialised per process
# (gunicorn's sync workers are single-threaded anyway, so this costs nothing there).
_signing = threading.Lock()

T = TypeVar("T")
Rect = tuple[float, float, float, float]
RESERVED = 12 * 1024
RESERVED_WITH_TSA = 24 * 1024


@dataclass(frozen=True)
class Field:
    name: str
    page: int = 0
    rect: Rect | None = None  # None: invisible (a zero-size widget)


@dataclass(frozen=True)
class ExistingField:
    name: str
    page: int
    rect: Rect
    signed: bool


def open_writer(pdf: bytes) -> IncrementalPdfFileWriter:
    try:
        return IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except (PdfError, ValueError, KeyError, IndexError) as exc:
        raise invalid("pdf", _("The file is not a readable PDF document.")) from exc


def page_count_and_size(writer: IncrementalPdfFileWriter, page: int) -> tuple[int, float, float]:
    count = int(writer.root["/Pages"]["/Count"])
    index = page if page >= 0 else count + page
    if not 0 <= index < count:
        raise invalid("page", _("The document has no page %(page)s.") % {"page": page})
    page_obj = writer.find_page_for_modification(index)[0].get_object()
    box = [float(v) for v in page_obj.get("/CropBox", page_obj["/MediaBox"])]
    return index, box[2] - box[0], box[3] - box[1]


def signature_fields(reader: PdfFileReader) -> list[ExistingField]:
    """Every signature field with a widget on a page: its page, rectangle and whether signed."""
    found = []
    for index in range(int(reader.root["/Pages"]["/Count"])):
        page = reader.find_page_for_modification(index)[0].get_object()
        for annotation in page.get("/Annots", ()):
            widget = annotation.get_object()
            field = widget if "/FT" in widget else widget.get("/Parent", widget).get_object()
            if field.get("/FT") != "/Sig" or "/T" not in field:
                continue
            rect = tuple(float(v) for v in widget["/Rect"])
            found.append(ExistingField(str(field["/T"]), index, rect, "/V" in field))  # type: ignore[arg-type]
    return found


def outside_event_loop(work: Callable[[], T]) -> T:
    """Run ``work`` (which calls pyHanko's synchronous API, i.e. ``asyncio.run``) even when
    this thread already runs an event loop (an async server, Playwright's sync API): then it
    runs in a helper thread that has none."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


@functools.lru_cache(maxsize=4)
def cached_timestamper(url: str) -> TimeStamper | None:
    """The RFC 3161 client for ``url`` (None when no service is configured), one per process."""
    return HTTPTimeStamper(url, timeout=10) if url else None


def sign(
    pdf: bytes,
    *,
    signer: signers.Signer,
    field: Field,
    reason: str,
    location: str = "",
    signer_name: str = "",
    stamp_style: BaseStampStyle | None = None,
    tsa: TimeStamper | None = None,
) -> bytes:
    """Append one PAdES signature (B-B, or B-T with a time-stamping service)."""
    writer = open_writer(pdf)
    existing = {f.name: f for f in signature_fields(writer.prev)}
    if field.name in existing and existing[field.name].signed:
        raise invalid(
            "field_name",
            _("The signature field %(name)s is already signed.") % {"name": field.name},
        )
    new_field_spec = None
    if field.name not in existing:
        index, _width, _height = page_count_and_size(writer, field.page)
        new_field_spec = fields.SigFieldSpec(
            sig_field_name=field.name,
            on_page=index,
            box=tuple(round(v, 2) for v in field.rect) if field.rect else None,  # type: ignore[arg-type]
        )
    metadata = signers.PdfSignatureMetadata(
        field_name=field.name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=signer_name or None,
    )
    pdf_signer = signers.PdfSigner(
        metadata,
        signer=signer,
        timestamper=tsa,
        stamp_style=stamp_style,
        new_field_spec=new_field_spec,
    )
    output = io.BytesIO()
    with _signing:
        # A fixed reservation spares pyHanko a dry-run signature to estimate the size (a third of
        # the time of a signature); our chains are short, and a timestamp token adds its own.
        outside_event_loop(
            lambda: pdf_signer.sign_pdf(
                writer, output=output, bytes_reserved=RESERVED_WITH_TSA if tsa else RESERVED
            )
        )
    return output.getvalue()
