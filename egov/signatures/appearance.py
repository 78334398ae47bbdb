"""What a signature looks like on the page (Decree 30/2020, Appendix I, Part I, II.7–8).

- The signer's signature (7d): the image of the handwritten signature, blue, transparent PNG,
  centred between the title block (authority prefix and position, 7a/7b: upper case, bold,
  13–14 pt) and the signer's full name (7b: bold, 13–14 pt).
- The organisation's seal signature (8a): the image of the seal, red, at the seal's real size,
  covering about one third of the signer's signature image on its left.
- The organisation's signature on an attachment in a separate file (8b): top right corner of the
  first page, no image, the number and notation and the signing time (ISO 8601, Vietnam time) in
  Times New Roman 10 pt, upright, black. Noto Serif stands in for Times New Roman.

Text is shaped with HarfBuzz and embedded as a subset of a Noto font through pyHanko's OpenType
support, with a ToUnicode map, so Vietnamese renders and extracts intact.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import unicodedata
import zlib
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.content import ResourceType
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter, PdfFileWriter
from pyhanko.stamp.base import BaseStamp, BaseStampStyle

from egov.lib.pdf import font_file

PT_PER_MM = 72 / 25.4

# Signature block geometry, in points (bottom-up, so the image band does not depend on how many
# title lines there are; the seal can then be placed from the field's rectangle alone).
NAME_HEIGHT = 20.0
IMAGE_WIDTH = 150.0
IMAGE_HEIGHT = 66.0
GAP = 4.0
TITLE_SIZE = 13
NAME_SIZE = 13
TITLE_LEADING = 16.0
BLOCK_WIDTH = 240.0
# A seal of 36 mm (the common size for a department's round seal).
SEAL_DIAMETER = 36 * PT_PER_MM

BLUE = (0.05, 0.2, 0.65)
RED = (0.85, 0.05, 0.05)


def block_height(title_lines: int) -> float:
    return NAME_HEIGHT + GAP + IMAGE_HEIGHT + GAP + title_lines * TITLE_LEADING


def image_box(width: float) -> tuple[float, float, float, float]:
    """Where the signature image sits inside a signature block of this width (x, y, w, h)."""
    return (width - IMAGE_WIDTH) / 2, NAME_HEIGHT + GAP, IMAGE_WIDTH, IMAGE_HEIGHT


def seal_rect(block: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The seal's rectangle on the page for a signature block at ``block`` (x1, y1, x2, y2):
    its right edge a third into the signature image, centred on the image vertically."""
    x1, y1, x2, _y2 = block
    ix, iy, iw, ih = image_box(x2 - x1)
    right = x1 + ix + iw / 3
    centre_y = y1 + iy + ih / 2
    return (
        right - SEAL_DIAMETER,
        centre_y - SEAL_DIAMETER / 2,
        right,
        centre_y + SEAL_DIAMETER / 2,
    )


# --- fonts -------------------------------------------------------------------------------------


@functools.cache
def _font_path(face: str) -> str:
    return str(
        font_file(
            {
                "serif-bold": ["NotoSerif-Bold.ttf", "DejaVuSerif-Bold.ttf"],
                "serif": ["NotoSerif-Regular.ttf", "DejaVuSerif.ttf"],
                "sans-bold": ["NotoSans-Bold.ttf", "DejaVuSans-Bold.ttf"],
                "serif-italic": ["NotoSerif-Italic.ttf", "DejaVuSerif-Italic.ttf"],
            }[face]
        )
    )


class _Text:
    """Lines of text in one embedded font, placed at explicit positions."""

    def __init__(self, stamp: BaseStamp, face: str, resource: str) -> None:
        assert stamp.writer is not None
        self.engine: GlyphAccumulator = GlyphAccumulatorFactory(
            _font_path(face), create_objstream_if_needed=False
        ).create_font_engine(stamp.writer)
        self.resource = resource
        stamp.set_resource(ResourceType.FONT, pdf_name("/" + resource), self.engine.as_resource())

    def width(self, text: str, size: float) -> float:
        self.engine.font_size = size  # type: ignore[assignment]
        return float(self.engine.shape(text, with_actual_text=False).x_advance) * size

    def line(
        self, text: str, size: float, *, x: float, y: float, color: tuple[float, float, float]
    ) -> bytes:
        self.engine.font_size = size  # type: ignore[assignment]
        shaped = self.engine.shape(text)
        return b"q %g %g %g rg BT /%s %g Tf %g %g Td %s ET Q" % (
            *color,
            self.resource.encode(),
            size,
            x,
            y,
            shaped.graphics_ops,
        )

    def centred(
        self,
        text: str,
        size: float,
        *,
        width: float,
        y: float,
        color: tuple[float, float, float] = (0, 0, 0),
    ) -> bytes:
        shrink = min(1.0, (width - 4) / max(self.width(text, size), 1))
        size = size * shrink
        return self.line(text, size, x=(width - self.width(text, size)) / 2, y=y, color=color)


# --- images ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedImage:
    """A PNG decoded, split into colour and alpha and compressed once, ready to embed."""

    width: int
    height: int
    rgb: bytes
    alpha: bytes

    @classmethod
    def from_png(cls, data: bytes, aspect: float | None = None) -> PreparedImage:
        image = Image.open(io.BytesIO(data)).convert("RGBA")
        if aspect is not None:
            # pad (transparent) to the block's aspect ratio, so the layout never depends on it
            width, height = image.size
            target_w = max(width, round(height * aspect))
            target_h = max(height, round(target_w / aspect))
            canvas = Image.new("RGBA", (target_w, target_h), (255, 255, 255, 0))
            canvas.paste(image, ((target_w - width) // 2, (target_h - height) // 2))
            image = canvas
        return cls(
            width=image.width,
            height=image.height,
            rgb=zlib.compress(image.convert("RGB").tobytes(), 6),
            alpha=zlib.compress(image.getchannel("A").tobytes(), 6),
        )

    def add_to(self, writer: BasePdfFileWriter) -> generic.IndirectObject:
        def stream(data: bytes, colour_space: str, smask: object = None) -> generic.IndirectObject:
            entries = {
                pdf_name("/Type"): pdf_name("/XObject"),
                pdf_name("/Subtype"): pdf_name("/Image"),
                pdf_name("/Width"): generic.NumberObject(self.width),
                pdf_name("/Height"): generic.NumberObject(self.height),
                pdf_name("/ColorSpace"): pdf_name(colour_space),
                pdf_name("/BitsPerComponent"): generic.NumberObject(8),
                pdf_name("/Filter"): pdf_name("/FlateDecode"),
            }
            if smask is not None:
                entries[pdf_name("/SMask")] = smask  # type: ignore[assignment]
            return writer.add_object(
                generic.StreamObject(generic.DictionaryObject(entries), encoded_data=data)
            )

        return stream(self.rgb, "/DeviceRGB", stream(self.alpha, "/DeviceGray"))


def _pil_font(face: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(_font_path(face), size)


def draw_signature_png(full_name: str) -> bytes:
    """A stand-in for a scanned handwritten signature: the given name in blue italics with a
    flourish, on a transparent background. Real deployments upload the official's own image."""
    scale = 4
    width, height = int(IMAGE_WIDTH * scale), int(IMAGE_HEIGHT * scale)
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    colour = (13, 51, 166, 255)
    given = unicodedata.normalize("NFC", full_name.split()[-1] if full_name.split() else "")
    font = _pil_font("serif-italic", int(height * 0.5))
    draw.text((width / 2, height * 0.45), given, font=font, fill=colour, anchor="mm")
    seed = int(hashlib.sha256(full_name.encode()).hexdigest()[:8], 16)
    lift = (seed % 7) * scale
    points = [
        (
            width * 0.12 + t * width * 0.76,
            height * 0.78 - lift - math.sin(t * math.pi * 1.5) * 9 * scale,
        )
        for t in (i / 40 for i in range(41))
    ]
    draw.line(points, fill=colour, width=3 * scale // 2, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _text_on_arc(
    image: Image.Image,
    text: str,
    *,
    radius: float,
    font: ImageFont.FreeTypeFont,
    colour: tuple[int, int, int, int],
    top: bool,
) -> None:
    centre = image.width / 2
    widths = [font.getlength(char) for char in text]
    total = sum(widths) * 1.08
    span = min(total / radius, math.radians(300))
    angle = -math.pi / 2 - span / 2 if top else math.pi / 2 + span / 2
    for char, advance in zip(text, widths, strict=True):
        step = advance * 1.08 / radius * (span / (total / radius))
        middle = angle + (step / 2 if top else -step / 2)
        tile = Image.new("RGBA", (int(font.size * 2), int(font.size * 2)), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text(
            (tile.width / 2, tile.height / 2), char, font=font, fill=colour, anchor="mm"
        )
        rotation = -math.degrees(middle) - 90 if top else -math.degrees(middle) + 90
        tile = tile.rotate(rotation, resample=Image.Resampling.BICUBIC)
        x = centre + radius * math.cos(middle) - tile.width / 2
        y = centre + radius * math.sin(middle) - tile.height / 2
        image.alpha_composite(tile, (int(x), int(y)))
        angle += step if top else -step


def draw_seal_png(agency_name: str, parent_name: str = "") -> bytes:
    """A stand-in for the scanned seal of an agency: red rings, the parent authority along the
    top, a star and the agency's name in the middle. Real deployments upload the seal image."""
    size = 480
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    red = (215, 20, 20, 255)
    draw.ellipse((6, 6, size - 6, size - 6), outline=red, width=12)
    draw.ellipse((90, 90, size - 90, size - 90), outline=red, width=5)
    ring_text = unicodedata.normalize("NFC", (parent_name or agency_name).upper())
    _text_on_arc(
        image,
        ring_text,
        radius=size / 2 - 50,
        font=_pil_font("sans-bold", 34),
        colour=red,
        top=True,
    )
    star = [
        (
            size / 2 + 22 * math.cos(math.radians(-90 + i * 36)) * (1 if i % 2 == 0 else 0.42),
            size * 0.36 + 22 * math.sin(math.radians(-90 + i * 36)) * (1 if i % 2 == 0 else 0.42),
        )
        for i in range(10)
    ]
    draw.polygon(star, fill=red)
    words = unicodedata.normalize("NFC", agency_name.upper()).split()
    lines: list[str] = []
    font = _pil_font("sans-bold", 30)
    for word in words:
        if lines and font.getlength(lines[-1] + " " + word) < size - 200:
            lines[-1] += " " + word
        else:
            lines.append(word)
    for index, text in enumerate(lines[:3]):
        draw.text((size / 2, size * 0.5 + index * 36), text, font=font, fill=red, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@functools.lru_cache(maxsize=256)
def prepared(data: bytes, aspect: float | None) -> PreparedImage:
    return PreparedImage.from_png(data, aspect)


# --- stamps ------------------------------------------------------------------------------------


def _image_ops(stamp: BaseStamp, image: PreparedImage, name: str, box: tuple[float, ...]) -> bytes:
    assert stamp.writer is not None
    x, y, w, h = box
    scale = min(w / image.width, h / image.height)
    dw, dh = image.width * scale, image.height * scale
    stamp.set_resource(ResourceType.XOBJECT, pdf_name("/" + name), image.add_to(stamp.writer))
    return b"q %g 0 0 %g %g %g cm /%s Do Q" % (
        dw,
        dh,
        x + (w - dw) / 2,
        y + (h - dh) / 2,
        name.encode(),
    )


@dataclass(frozen=True)
class SignerStampStyle(BaseStampStyle):
    """The signer's block: title lines, the signature image, the name (Decree 30, II.7)."""

    title_lines: tuple[str, ...] = ()
    full_name: str = ""
    image_png: bytes = b""
    border_width: int = 0

    def create_stamp(
        self, writer: BasePdfFileWriter, box: layout.BoxConstraints, text_params: dict
    ) -> BaseStamp:
        return _SignerStamp(writer=writer, style=self, box=box)


class _SignerStamp(BaseStamp):
    style: SignerStampStyle

    def _render_inner_content(self) -> list[bytes]:
        width, height = self.box.width, self.box.height
        bold = _Text(self, "serif-bold", "FB")
        ops = [bold.centred(self.style.full_name, NAME_SIZE, width=width, y=5)]
        top = height - TITLE_SIZE
        for index, line in enumerate(self.style.title_lines):
            ops.append(bold.centred(line, TITLE_SIZE, width=width, y=top - index * TITLE_LEADING))
        if self.style.image_png:
            image = prepared(self.style.image_png, IMAGE_WIDTH / IMAGE_HEIGHT)
            ops.append(_image_ops(self, image, "Sig", image_box(width)))
        return ops


@dataclass(frozen=True)
class SealStampStyle(BaseStampStyle):
    """The organisation's seal image (Decree 30, II.8a)."""

    image_png: bytes = b""
    border_width: int = 0

    def create_stamp(
        self, writer: BasePdfFileWriter, box: layout.BoxConstraints, text_params: dict
    ) -> BaseStamp:
        return _SealStamp(writer=writer, style=self, box=box)


class _SealStamp(BaseStamp):
    style: SealStampStyle

    def _render_inner_content(self) -> list[bytes]:
        image = prepared(self.style.image_png, 1.0)
        return [_image_ops(self, image, "Seal", (0, 0, self.box.width, self.box.height))]


@dataclass(frozen=True)
class AttachmentStampStyle(BaseStampStyle):
    """Number/notation and signing time on an attachment (Decree 30, II.8b): no image."""

    lines: tuple[str, ...] = ()
    border_width: int = 0

    def create_stamp(
        self, writer: BasePdfFileWriter, box: layout.BoxConstraints, text_params: dict
    ) -> BaseStamp:
        return _AttachmentStamp(writer=writer, style=self, box=box)


ATTACHMENT_SIZE = 10
ATTACHMENT_LEADING = 12.0


class _AttachmentStamp(BaseStamp):
    style: AttachmentStampStyle

    def _render_inner_content(self) -> list[bytes]:
        regular = _Text(self, "serif", "FR")
        ops = []
        for index, text in enumerate(self.style.lines):
            x = self.box.width - regular.width(text, ATTACHMENT_SIZE) - 2
            y = self.box.height - ATTACHMENT_LEADING * (index + 1) + 2
            ops.append(regular.line(text, ATTACHMENT_SIZE, x=x, y=y, color=(0, 0, 0)))
        return ops


# --- rendering once per process ------------------------------------------------------------
# Shaping text and subsetting fonts costs ~0.2 s per stamp; a signer's block looks the same on
# every document, so each appearance is rendered once into a small PDF kept in memory and
# imported (copied object by object) into every document signed with it.


@functools.lru_cache(maxsize=128)
def _rendered(style: BaseStampStyle, width: float, height: float) -> generic.PdfObject:
    """The appearance as a form XObject inside a small in-memory PDF."""
    writer = PdfFileWriter(stream_xrefs=False)
    stamp = style.create_stamp(writer, layout.BoxConstraints(width=width, height=height), {})
    assert stamp is not None
    reference = stamp.register()
    rendered = io.BytesIO()
    writer.write(rendered)
    reader = PdfFileReader(io.BytesIO(rendered.getvalue()))
    return reader.get_object(generic.Reference(reference.idnum, reference.generation, reader))


@dataclass(frozen=True)
class CachedStampStyle(BaseStampStyle):
    """Wraps one of the styles above: renders it once per size, then reuses the result."""

    inner: BaseStampStyle | None = None
    border_width: int = 0

    def create_stamp(
        self, writer: BasePdfFileWriter, box: layout.BoxConstraints, text_params: dict
    ) -> BaseStamp:
        return _CachedStamp(writer=writer, style=self, box=box)


class _CachedStamp(BaseStamp):
    style: CachedStampStyle

    def _render_inner_content(self) -> list[bytes]:
        assert self.writer is not None and self.style.inner is not None
        source = _rendered(self.style.inner, round(self.box.width, 2), round(self.box.height, 2))
        xobject = self.writer.add_object(self.writer.import_object(source))
        self.set_resource(ResourceType.XOBJECT, pdf_name("/Ap"), xobject)
        return [b"/Ap Do"]


def cached(style: BaseStampStyle) -> CachedStampStyle:
    return CachedStampStyle(inner=style)
