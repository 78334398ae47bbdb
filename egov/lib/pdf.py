"""Shared PDF building blocks (reportlab): fonts that cover Vietnamese, styles, QR codes.

Official forms use a serif face (Decree 30/2020 asks for Times New Roman; Noto Serif from Debian's
`fonts-noto-core` is the free face closest to it); everything else may use the sans face. The
fonts are embedded in every PDF, so the text renders and extracts with all its diacritics.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

_SEARCH_DIRS = [
    os.environ.get("EGOV_FONT_DIR", ""),
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/truetype/dejavu",
]
# family -> style -> candidate files, first found wins
_FACES = {
    "Serif": {
        "": ["NotoSerif-Regular.ttf", "DejaVuSerif.ttf"],
        "-Bold": ["NotoSerif-Bold.ttf", "DejaVuSerif-Bold.ttf"],
        "-Italic": ["NotoSerif-Italic.ttf", "DejaVuSerif-Italic.ttf"],
        "-BoldItalic": ["NotoSerif-BoldItalic.ttf", "DejaVuSerif-BoldItalic.ttf"],
    },
    "Sans": {
        "": ["NotoSans-Regular.ttf", "DejaVuSans.ttf"],
        "-Bold": ["NotoSans-Bold.ttf", "DejaVuSans-Bold.ttf"],
        "-Italic": ["NotoSans-Italic.ttf", "DejaVuSans-Oblique.ttf"],
        "-BoldItalic": ["NotoSans-BoldItalic.ttf", "DejaVuSans-BoldOblique.ttf"],
    },
}


class FontMissing(RuntimeError):
    pass


def font_file(candidates: list[str]) -> Path:
    for directory in _SEARCH_DIRS:
        if not directory:
            continue
        for name in candidates:
            path = Path(directory) / name
            if path.exists():
                return path
    raise FontMissing(
        f"none of {candidates} found in {[d for d in _SEARCH_DIRS if d]}; "
        "install Debian's fonts-noto-core (make run/test do) or set EGOV_FONT_DIR"
    )


@cache
def register_fonts() -> None:
    """Register the Serif and Sans families (regular, bold, italic, bold italic) once."""
    from reportlab.lib.fonts import addMapping

    for family, styles in _FACES.items():
        for suffix, candidates in styles.items():
            pdfmetrics.registerFont(TTFont(family + suffix, str(font_file(candidates))))
        addMapping(family, 0, 0, family)
        addMapping(family, 1, 0, family + "-Bold")
        addMapping(family, 0, 1, family + "-Italic")
        addMapping(family, 1, 1, family + "-BoldItalic")


def style(
    name: str,
    *,
    family: str = "Serif",
    size: float = 12,
    bold: bool = False,
    italic: bool = False,
    align: int = 0,
    leading: float | None = None,
    space_after: float = 0,
) -> ParagraphStyle:
    register_fonts()
    face = family + ("-Bold" if bold else "") + ("-Italic" if italic and not bold else "")
    if bold and italic:
        face = family + "-BoldItalic"
    return ParagraphStyle(
        name,
        fontName=face,
        fontSize=size,
        leading=leading or size * 1.3,
        alignment=align,
        spaceAfter=space_after,
    )


def centered(name: str, **kwargs: object) -> ParagraphStyle:
    return style(name, align=TA_CENTER, **kwargs)  # type: ignore[arg-type]


def qr_drawing(data: str, size: float) -> Drawing:
    """A QR code of ``data`` as a reportlab drawing ``size`` points wide."""
    widget = QrCodeWidget(data)
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing
