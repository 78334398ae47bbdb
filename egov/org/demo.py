"""Tiền Giang demo organisation (before the 2025 merger, as the 2011 plan knew it).

Organ codes follow Decision 20/2020's shape with the province part H58, which DOMAIN.md marks
UNCONFIRMED for Tiền Giang; the other levels are illustrative.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from egov.demo.base import DemoLogin
from egov.org.actions import import_administrative_units, save_agency, save_unit
from egov.org.models import (
    AdministrativeUnit,
    Agency,
    AgencyLevel,
    Level,
    Position,
    Structure,
    Unit,
)

PROVINCE = "82"
MY_THO = "815"
WARD_1, WARD_4 = "28261", "28252"


def _province_code(suffix: str) -> str:
    """Organ code inside the province: ``suffix`` replaces the zeros left of the province part."""
    province_part = settings.EGOV_PROVINCE_ORGAN_CODE.rsplit(".", 1)[1]
    return f"{suffix}.{province_part}"


# organ code suffix, name, abbreviation, level, parent suffix, unit code (admin unit), extra
AGENCIES: list[dict[str, Any]] = [
    {
        "suffix": "000.00.00",
        "name": "Ủy ban nhân dân tỉnh Tiền Giang",
        "short_name": "UBND",
        "level": AgencyLevel.PROVINCE,
        "parent": None,
        "area": (Level.PROVINCE, PROVINCE),
        "address": "23 Lê Lợi, Phường 1, TP. Mỹ Tho, Tiền Giang",
        "phone": "0273 3873 121",
        "email": "ubnd@tiengiang.gov.vn",
        "website": "https://www.tiengiang.gov.vn",
        "units": [
            ("VP", "Văn phòng UBND tỉnh", False),
            ("KGVX", "Phòng Khoa giáo – Văn xã", False),
        ],
    },
    {
        "suffix": "000.00.01",
        "name": "Văn phòng Ủy ban nhân dân tỉnh Tiền Giang",
        "short_name": "VPUBND",
        "level": AgencyLevel.SECTOR,
        "parent": "000.00.00",
        "area": (Level.PROVINCE, PROVINCE),
        "address": "23 Lê Lợi, Phường 1, TP. Mỹ Tho",
        "email": "vpubnd@tiengiang.gov.vn",
        "units": [("HCTC", "Phòng Hành chính – Tổ chức", False)],
    },
    {
        "suffix": "000.01.01",
        "name": "Trung tâm Phục vụ hành chính công tỉnh Tiền Giang",
        "short_name": "TTPVHCC",
        "level": AgencyLevel.SECTOR,
        "parent": "000.00.01",
        "area": (Level.PROVINCE, PROVINCE),
        "address": "377 Hùng Vương, Phường 7, TP. Mỹ Tho",
        "phone": "0273 3979 797",
        "email": "ttpvhcc@tiengiang.gov.vn",
        "units": [("TNTKQ", "Bộ phận Tiếp nhận và Trả kết quả", True)],
    },
    {
        "suffix": "000.00.04",
        "name": "Sở Nội vụ tỉnh Tiền Giang",
        "short_name": "SNV",
        "level": AgencyLevel.SECTOR,
        "parent": "000.00.00",
        "area": (Level.PROVINCE, PROVINCE),
        "email": "snv@tiengiang.gov.vn",
        "units": [("VP", "Văn phòng Sở", False), ("TCBC", "Phòng Tổ chức, biên chế", False)],
    },
    {
        "suffix": "000.00.05",
        "name": "Sở Tư pháp tỉnh Tiền Giang",
        "short_name": "STP",
        "level": AgencyLevel.SECTOR,
        "parent": "000.00.00",
        "area": (Level.PROVINCE, PROVINCE),
        "email": "stp@tiengiang.gov.vn",
        "units": [("VP", "Văn phòng Sở", False), ("HCTP", "Phòng Hành chính tư pháp", False)],
    },
    {
        "suffix": "000.00.06",
        "name": "Sở Kế hoạch và Đầu tư tỉnh Tiền Giang",
        "short_name": "SKHĐT",
        "level": AgencyLevel.SECTOR,
        "parent": "000.00.00",
        "area": (Level.PROVINCE, PROVINCE),
        "email": "skhdt@tiengiang.gov.vn",
        "units": [("VP", "Văn phòng Sở", False), ("ĐKKD", "Phòng Đăng ký kinh doanh", False)],
    },
    {
        "suffix": "000.00.09",
        "name": "Sở Xây dựng tỉnh Tiền Giang",
        "short_name": "SXD",
        "level": AgencyLevel.SECTOR,
        "parent": "000.00.00",
        "area": (Level.PROVINCE, PROVINCE),
        "email": "sxd@tiengiang.gov.vn",
        "units": [
            ("VP", "Văn phòng Sở", False),
            ("QLXD", "Phòng Quản lý xây dựng", False),
            ("QHKT", "Phòng Quy hoạch – Kiến trúc", False),
        ],
    },
    {
        "suffix": "000.00.10",
        "name": "Sở Tài nguyên và Môi trường tỉnh Tiền Giang",
        "short_name": "STNMT",
        "level": AgencyLevel.SECTOR,
        "parent": "000.00.00",
        "area": (Level.PROVINCE, PROVINCE),
        "email": "stnmt@tiengiang.gov.vn",
        "units": [
            ("VP", "Văn phòng Sở", False),
            ("QLĐĐ", "Phòng Quản lý đất đai", False),
            ("VPĐKĐĐ", "Văn phòng Đăng ký đất đai", False),
        ],
    },
    {
        "suffix": "000.00.11",
        "name": "Sở Thông tin và Truyền thông tỉnh Tiền Giang",
        "short_name": "STTTT",
        "level": AgencyLevel.SECTOR,
        "parent": "000.00.00",
        "area": (Level.PROVINCE, PROVINCE),
        "email": "stttt@tiengiang.gov.vn",
        "units": [("VP", "Văn phòng Sở", False), ("CNTT", "Phòng Công nghệ thông tin", False)],
    },
    {
        "suffix": "000.00.21",
        "name": "Ủy ban nhân dân thành phố Mỹ Tho",
        "short_name": "UBND",
        "level": AgencyLevel.DISTRICT,
        "parent": "000.00.00",
        "area": (Level.DISTRICT, MY_THO),
        "address": "36 Trưng Trắc, Phường 1, TP. Mỹ Tho",
        "email": "ubndmytho@tiengiang.gov.vn",
        "units": [
            ("MC", "Bộ phận Một cửa thành phố", True),
            ("TP", "Phòng Tư pháp", False),
            ("QLĐT", "Phòng Quản lý đô thị", False),
            ("VP", "Văn phòng HĐND và UBND", False),
        ],
    },
    {
        "suffix": "000.01.21",
        "name": "Ủy ban nhân dân Phường 1, thành phố Mỹ Tho",
        "short_name": "UBND",
        "level": AgencyLevel.COMMUNE,
        "parent": "000.00.21",
        "area": (Level.COMMUNE, WARD_1),
        "email": "phuong1.mytho@tiengiang.gov.vn",
        "units": [
            ("MC", "Bộ phận Một cửa Phường 1", True),
            ("TPHT", "Công chức Tư pháp – Hộ tịch", False),
        ],
    },
    {
        "suffix": "000.04.21",
        "name": "Ủy ban nhân dân Phường 4, thành phố Mỹ Tho",
        "short_name": "UBND",
        "level": AgencyLevel.COMMUNE,
        "parent": "000.00.21",
        "area": (Level.COMMUNE, WARD_4),
        "email": "phuong4.mytho@tiengiang.gov.vn",
        "units": [
            ("MC", "Bộ phận Một cửa Phường 4", True),
            ("TPHT", "Công chức Tư pháp – Hộ tịch", False),
        ],
    },
]

POSITIONS = [
    ("Chủ tịch", True, 10),
    ("Phó Chủ tịch", True, 20),
    ("Giám đốc", True, 30),
    ("Phó Giám đốc", True, 40),
    ("Chánh Văn phòng", True, 45),
    ("Trưởng phòng", True, 50),
    ("Phó Trưởng phòng", True, 60),
    ("Chuyên viên", False, 80),
    ("Văn thư", False, 90),
]


def _differs(obj: Any, fields: dict[str, Any]) -> bool:
    return any(getattr(obj, name) != value for name, value in fields.items())


def load() -> list[DemoLogin]:
    if not AdministrativeUnit.objects.filter(structure=Structure.THREE_LEVEL, code=WARD_1).exists():
        import_administrative_units(acting_user=None, province_codes=[int(PROVINCE)])
    for name, is_leadership, rank in POSITIONS:
        Position.objects.get_or_create(
            name=name, defaults={"is_leadership": is_leadership, "rank": rank}
        )
    for spec in AGENCIES:
        level, area_code = spec["area"]
        area = AdministrativeUnit.objects.get(
            structure=Structure.THREE_LEVEL, level=level, code=area_code
        )
        parent = (
            Agency.objects.get(organ_code=_province_code(spec["parent"]))
            if spec["parent"]
            else None
        )
        fields = {
            "name": spec["name"],
            "short_name": spec["short_name"],
            "level": spec["level"],
            "parent": parent,
            "administrative_unit": area,
            "address": spec.get("address", ""),
            "phone": spec.get("phone", ""),
            "email": spec.get("email", ""),
            "website": spec.get("website", ""),
        }
        organ_code = _province_code(spec["suffix"])
        agency = Agency.objects.filter(organ_code=organ_code).first()
        if agency is None or _differs(agency, fields):
            agency = save_agency(acting_user=None, organ_code=organ_code, **fields)
        for code, unit_name, is_desk in spec["units"]:
            unit_fields = {"name": unit_name, "is_one_stop_desk": is_desk}
            unit = Unit.objects.filter(agency=agency, code=code).first()
            if unit is None or _differs(unit, unit_fields):
                save_unit(acting_user=None, agency=agency, code=code, **unit_fields)
    return []


def agency(suffix: str) -> Agency:
    return Agency.objects.get(organ_code=_province_code(suffix))
