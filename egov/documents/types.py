"""What Decree 30/2020 fixes about official documents, as data: types and their abbreviations,
priorities, signing-authority prefixes, and how numbers, notations and DocumentIds are written.

Pure functions and constants; no database. Type names are Vietnamese because they are the
``TypeName`` printed on the document and sent in edXML, whatever the reader's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class DocumentType:
    key: str
    abbreviation: str  # "" for công văn, whose notation is agency + drafting unit
    name: str
    is_copy: bool = False

    @property
    def label(self) -> str:
        return f"{self.abbreviation} – {self.name}" if self.abbreviation else self.name


# Decree 30/2020, Appendix III: administrative documents and copies (DOMAIN.md §5).
DOCUMENT_TYPES: tuple[DocumentType, ...] = (
    DocumentType("cong_van", "", "Công văn"),
    DocumentType("nghi_quyet", "NQ", "Nghị quyết"),
    DocumentType("quyet_dinh", "QĐ", "Quyết định"),
    DocumentType("chi_thi", "CT", "Chỉ thị"),
    DocumentType("quy_che", "QC", "Quy chế"),
    DocumentType("quy_dinh", "QyĐ", "Quy định"),
    DocumentType("thong_cao", "TC", "Thông cáo"),
    DocumentType("thong_bao", "TB", "Thông báo"),
    DocumentType("huong_dan", "HD", "Hướng dẫn"),
    DocumentType("chuong_trinh", "CTr", "Chương trình"),
    DocumentType("ke_hoach", "KH", "Kế hoạch"),
    DocumentType("phuong_an", "PA", "Phương án"),
    DocumentType("de_an", "ĐA", "Đề án"),
    DocumentType("du_an", "DA", "Dự án"),
    DocumentType("bao_cao", "BC", "Báo cáo"),
    DocumentType("bien_ban", "BB", "Biên bản"),
    DocumentType("to_trinh", "TTr", "Tờ trình"),
    DocumentType("hop_dong", "HĐ", "Hợp đồng"),
    DocumentType("cong_dien", "CĐ", "Công điện"),
    DocumentType("ban_ghi_nho", "BGN", "Bản ghi nhớ"),
    DocumentType("ban_thoa_thuan", "BTT", "Bản thỏa thuận"),
    DocumentType("giay_uy_quyen", "GUQ", "Giấy ủy quyền"),
    DocumentType("giay_moi", "GM", "Giấy mời"),
    DocumentType("giay_gioi_thieu", "GGT", "Giấy giới thiệu"),
    DocumentType("giay_nghi_phep", "GNP", "Giấy nghỉ phép"),
    DocumentType("phieu_gui", "PG", "Phiếu gửi"),
    DocumentType("phieu_chuyen", "PC", "Phiếu chuyển"),
    DocumentType("phieu_bao", "PB", "Phiếu báo"),
    DocumentType("ban_sao_y", "SY", "Bản sao y", is_copy=True),
    DocumentType("ban_trich_sao", "TrS", "Bản trích sao", is_copy=True),
    DocumentType("ban_sao_luc", "SL", "Bản sao lục", is_copy=True),
)
TYPES_BY_KEY = {t.key: t for t in DOCUMENT_TYPES}
TYPE_CHOICES = [(t.key, t.label) for t in DOCUMENT_TYPES]
OFFICIAL_LETTER = TYPES_BY_KEY["cong_van"]


def type_by_name(name: str) -> DocumentType | None:
    """The type whose TypeName (or abbreviation) is ``name``, as it arrives in edXML."""
    wanted = name.strip().casefold()
    for candidate in DOCUMENT_TYPES:
        if wanted in (candidate.name.casefold(), candidate.abbreviation.casefold()):
            return candidate
    return None


class Priority(models.IntegerChoices):
    """edXML OtherInfo/Priority and Appendix VI "Mức độ khẩn"."""

    NORMAL = 0, _("Normal")
    URGENT = 1, _("Urgent")
    VERY_URGENT = 2, _("Very urgent")
    EXPRESS = 3, _("Express")
    EXPRESS_BY_HOUR = 4, _("Express by the hour")


class Authority(models.TextChoices):
    """Signing authority prefixes (Decree 30/2020, Art. 13 and Appendix I)."""

    OWN = "", _("In one's own name (no prefix)")
    ON_BEHALF = "TM.", _("TM. – on behalf of the collective body")
    ACTING = "Q.", _("Q. – acting head")
    DEPUTY = "KT.", _("KT. – deputy signing for the head")
    BY_ORDER = "TL.", _("TL. – by order of the head")
    AUTHORISED = "TUQ.", _("TUQ. – by authorisation of the head")


# Prefixes a unit head may sign with: the head of the agency can delegate "thừa lệnh" and
# "thừa ủy quyền" to the head of a unit (Decree 30/2020, Art. 13(1)(c)–(d)).
UNIT_HEAD_AUTHORITIES = frozenset({Authority.BY_ORDER, Authority.AUTHORISED})

CODE_NUMBER_MAX = 11
CODE_NOTATION_MAX = 30
SUBJECT_MAX = 500


def code_number(number: int) -> str:
    """Numbers below 10 get a leading zero: 1 -> "01", 58 -> "58", 1234 -> "1234"."""
    if number < 1:
        raise ValueError("document numbers start at 1")
    return f"{number:02d}"


def code_notation(
    doc_type: DocumentType, agency_abbreviation: str, unit_code: str | None = None
) -> str:
    """The notation after the slash: ``KH-UBND``; công văn: agency then drafting unit,
    ``UBND-VX``; copies: ``SY-UBND``."""
    if doc_type.abbreviation:
        return f"{doc_type.abbreviation}-{agency_abbreviation}"
    return f"{agency_abbreviation}-{unit_code}" if unit_code else agency_abbreviation


def number_and_notation(number: str, notation: str) -> str:
    """``58/KH-UBND`` (printed after "Số:")."""
    return f"{number}/{notation}" if number else notation


def edxml_document_id(organ_id: str, issued: dt.date, number: str, notation: str) -> str:
    """edXML DocumentId: ``OrganId,yyyy/MM/dd,Number/Notation``."""
    return f"{organ_id},{issued:%Y/%m/%d},{number_and_notation(number, notation)}"


def parse_edxml_document_id(value: str) -> tuple[str, dt.date, str, str]:
    """The parts of a DocumentId; raises ValueError when it is not one."""
    organ_id, day, code = value.split(",", 2)
    number, _slash, notation = code.partition("/")
    issued = dt.datetime.strptime(day, "%Y/%m/%d").date()  # noqa: DTZ007 (a date)
    if not organ_id or not notation:
        raise ValueError(value)
    return organ_id, issued, number, notation
