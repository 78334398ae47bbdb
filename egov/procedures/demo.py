"""Demo catalog: 22 procedures of the national catalog as Tiền Giang implements them.

The data is written for this project from the published national catalog (codes, times, fees and
legal bases as recalled; a province loading its real catalog imports it instead). Workflows point
at the demo agencies, units and roles of ``egov.org.demo`` and ``egov.accounts.demo``; the few
bodies and people those lack (the police, social insurance, district specialists…) are added here,
so every step of every demo procedure has somebody who can act on it.

The catalog itself goes through the same import the administrators use, and only when the stored
catalog differs from this file: a second run writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from egov.accounts.actions import create_user
from egov.accounts.models import User, UserKind
from egov.demo.base import DEMO_PASSWORD, DemoLogin
from egov.org.actions import grant_role, save_agency, save_unit
from egov.org.models import (
    AdministrativeUnit,
    Agency,
    AgencyLevel,
    Level,
    Membership,
    Position,
    Role,
    Structure,
    Unit,
)
from egov.procedures.actions import import_catalog
from egov.procedures.catalog import FORMAT, export_catalog, parse_document

# --------------------------------------------------------------------------------------------
# Organisation the catalog needs beyond egov.org.demo


def code(suffix: str) -> str:
    """Organ code inside the demo province, as egov.org.demo builds them."""
    return f"{suffix}.{settings.EGOV_PROVINCE_ORGAN_CODE.rsplit('.', 1)[1]}"


# Agencies keyed by organ-code suffix.
CENTRE = "000.01.01"  # Trung tâm Phục vụ hành chính công
JUSTICE = "000.00.05"  # Sở Tư pháp
PLANNING = "000.00.06"  # Sở Kế hoạch và Đầu tư
CONSTRUCTION = "000.00.09"  # Sở Xây dựng
ENVIRONMENT = "000.00.10"  # Sở Tài nguyên và Môi trường
MY_THO = "000.00.21"
WARD_1 = "000.01.21"
WARD_4 = "000.04.21"
POLICE = "000.00.30"  # Công an tỉnh
WARD_1_POLICE = "001.21.30"  # Công an Phường 1, under Công an thành phố Mỹ Tho (level 3: 21)
INSURANCE = "000.00.31"  # Bảo hiểm xã hội tỉnh
MY_THO_INSURANCE = "000.21.31"  # Bảo hiểm xã hội thành phố Mỹ Tho

EXTRA_AGENCIES: list[dict[str, Any]] = [
    {
        "suffix": POLICE,
        "name": "Công an tỉnh Tiền Giang",
        "short_name": "CAT",
        "parent": None,
        "area": (Level.PROVINCE, "82"),
        "address": "Số 1 Trưng Trắc, Phường 1, TP. Mỹ Tho",
        "email": "congan@tiengiang.gov.vn",
        "units": [
            ("PC06", "Phòng Cảnh sát quản lý hành chính về trật tự xã hội"),
            ("PC07", "Phòng Cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ"),
            ("PV06", "Phòng Hồ sơ nghiệp vụ"),
        ],
    },
    {
        "suffix": WARD_1_POLICE,
        "name": "Công an Phường 1, thành phố Mỹ Tho",
        "short_name": "CAP",
        "parent": POLICE,
        "area": (Level.COMMUNE, "28261"),
        "address": "Đường Lê Lợi, Phường 1, TP. Mỹ Tho",
        "email": "caphuong1.mytho@tiengiang.gov.vn",
        "units": [
            ("TNTKQ", "Bộ phận tiếp nhận và trả kết quả"),
            ("QLCT", "Tổ Quản lý cư trú"),
        ],
    },
    {
        "suffix": INSURANCE,
        "name": "Bảo hiểm xã hội tỉnh Tiền Giang",
        "short_name": "BHXH",
        "parent": None,
        "area": (Level.PROVINCE, "82"),
        "address": "Số 5 Thái Sanh Hạnh, Phường 9, TP. Mỹ Tho",
        "email": "bhxh@tiengiang.gov.vn",
        "units": [("TST", "Phòng Quản lý thu – Sổ, thẻ")],
    },
    {
        "suffix": MY_THO_INSURANCE,
        "name": "Bảo hiểm xã hội thành phố Mỹ Tho",
        "short_name": "BHXH",
        "parent": INSURANCE,
        "area": (Level.DISTRICT, "815"),
        "address": "Đường Nguyễn Trãi, Phường 7, TP. Mỹ Tho",
        "email": "bhxh.mytho@tiengiang.gov.vn",
        "units": [("TST", "Bộ phận Thu – Sổ, thẻ")],
    },
]
# Units added to agencies of egov.org.demo: (agency suffix, unit code, name).
EXTRA_UNITS = [
    (MY_THO, "TCKH", "Phòng Tài chính – Kế hoạch"),
    (MY_THO, "TNMT", "Phòng Tài nguyên và Môi trường"),
    (WARD_1, "ĐCXD", "Công chức Địa chính – Xây dựng"),
    (WARD_4, "ĐCXD", "Công chức Địa chính – Xây dựng"),
]
# username, full name, [(agency suffix, unit code or None, role, position)], description
EXTRA_STAFF: list[tuple[str, str, list[tuple[str, str | None, str, str | None]], str]] = [
    (
        "chuyenvien.mytho",
        "Lý Văn Phúc",
        [
            (MY_THO, "QLĐT", Role.SPECIALIST, "Chuyên viên"),
            (MY_THO, "TP", Role.SPECIALIST, "Chuyên viên"),
            (MY_THO, "TCKH", Role.SPECIALIST, "Chuyên viên"),
            (MY_THO, "TNMT", Role.SPECIALIST, "Chuyên viên"),
        ],
        "specialist (TP. Mỹ Tho: urban management, justice, finance, environment)",
    ),
    (
        "lanhdao.mytho",
        "Trần Văn Quang",
        [(MY_THO, None, Role.LEADER, "Phó Chủ tịch")],
        "leader (UBND thành phố Mỹ Tho)",
    ),
    (
        "diachinh.p1",
        "Đỗ Thị Rạng",
        [(WARD_1, "ĐCXD", Role.SPECIALIST, "Chuyên viên")],
        "land and construction officer (Phường 1, Mỹ Tho)",
    ),
    (
        "congan.p1",
        "Nguyễn Hữu Sang",
        [
            (WARD_1_POLICE, "TNTKQ", Role.ONE_STOP_CLERK, None),
            (WARD_1_POLICE, "QLCT", Role.SPECIALIST, None),
        ],
        "residence officer (Công an Phường 1, Mỹ Tho)",
    ),
    (
        "truongcongan.p1",
        "Lê Minh Tâm",
        [(WARD_1_POLICE, None, Role.LEADER, None)],
        "head of Công an Phường 1, Mỹ Tho",
    ),
    (
        "congan.tinh",
        "Phạm Quốc Thái",
        [
            (POLICE, "PC07", Role.SPECIALIST, None),
            (POLICE, "PV06", Role.SPECIALIST, None),
        ],
        "officer (Công an tỉnh: fire safety, criminal records)",
    ),
    (
        "bhxh.mytho",
        "Võ Thị Uyên",
        [(MY_THO_INSURANCE, "TST", Role.SPECIALIST, "Chuyên viên")],
        "health-insurance card officer (BHXH TP. Mỹ Tho)",
    ),
    (
        "lanhdao.stp",
        "Huỳnh Thanh Vũ",
        [(JUSTICE, None, Role.LEADER, "Phó Giám đốc")],
        "leader (Sở Tư pháp)",
    ),
    (
        "chuyenvien.dkkd",
        "Mai Thị Xuân",
        [(PLANNING, "ĐKKD", Role.SPECIALIST, "Chuyên viên")],
        "business-registration specialist (Sở Kế hoạch và Đầu tư)",
    ),
    (
        "truongphong.dkkd",
        "Châu Văn Yên",
        [(PLANNING, "ĐKKD", Role.UNIT_HEAD, "Trưởng phòng")],
        "head of the business-registration office (Sở Kế hoạch và Đầu tư)",
    ),
    (
        "chuyenvien.vpdk",
        "Tạ Thị Ánh",
        [(ENVIRONMENT, "VPĐKĐĐ", Role.SPECIALIST, "Chuyên viên")],
        "specialist (Văn phòng Đăng ký đất đai)",
    ),
    (
        "truongphong.vpdk",
        "La Văn Bảo",
        [(ENVIRONMENT, "VPĐKĐĐ", Role.UNIT_HEAD, "Trưởng phòng")],
        "head (Văn phòng Đăng ký đất đai)",
    ),
]


def _differs(obj: Any, fields: dict[str, Any]) -> bool:
    return any(getattr(obj, name) != value for name, value in fields.items())


def _load_organisation() -> None:
    for spec in EXTRA_AGENCIES:
        level, area_code = spec["area"]
        fields = {
            "name": spec["name"],
            "short_name": spec["short_name"],
            # Police and social insurance are vertical branches, not People's Committees: as
            # "sector" agencies they do not implement the procedures of every commune.
            "level": AgencyLevel.SECTOR,
            "parent": Agency.objects.get(organ_code=code(spec["parent"]))
            if spec["parent"]
            else None,
            "administrative_unit": AdministrativeUnit.objects.get(
                structure=Structure.THREE_LEVEL, level=level, code=area_code
            ),
            "address": spec["address"],
            "email": spec["email"],
        }
        agency = Agency.objects.filter(organ_code=code(spec["suffix"])).first()
        if agency is None or _differs(agency, fields):
            agency = save_agency(acting_user=None, organ_code=code(spec["suffix"]), **fields)
        for unit_code, name in spec["units"]:
            _ensure_unit(agency, unit_code, name)
    for suffix, unit_code, name in EXTRA_UNITS:
        _ensure_unit(Agency.objects.get(organ_code=code(suffix)), unit_code, name)


def _ensure_unit(agency: Agency, unit_code: str, name: str) -> None:
    unit = Unit.objects.filter(agency=agency, code=unit_code).first()
    if unit is None or unit.name != name:
        save_unit(acting_user=None, agency=agency, code=unit_code, name=name)


def _load_staff() -> list[DemoLogin]:
    logins = []
    for username, full_name, roles, description in EXTRA_STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = create_user(
                acting_user=None,
                username=username,
                password=DEMO_PASSWORD,
                full_name=full_name,
                kind=UserKind.STAFF,
                email=f"{username.replace('.', '_')}@tiengiang.gov.vn",
            )
        for suffix, unit_code, role, position in roles:
            agency = Agency.objects.get(organ_code=code(suffix))
            unit = Unit.objects.get(agency=agency, code=unit_code) if unit_code else None
            if not Membership.objects.filter(
                user=user, agency=agency, unit=unit, role=role, is_active=True
            ).exists():
                grant_role(
                    acting_user=None,
                    user=user,
                    agency=agency,
                    unit=unit,
                    role=role,
                    position=Position.objects.filter(name=position).first() if position else None,
                )
        logins.append(DemoLogin(username, description))
    return logins


# --------------------------------------------------------------------------------------------
# Form definitions


def field(name: str, kind: str, label: str, label_en: str, **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": name, "type": kind, "label": label, "label_en": label_en}
    spec["required"] = extra.pop("required", True)
    spec.update(extra)
    return spec


def only_when(condition: dict[str, Any]) -> dict[str, Any]:
    """A field shown, and then required, only when ``condition`` holds."""
    return {"required": False, "show_if": condition, "required_if": condition}


def choices(*pairs: tuple[str, str, str]) -> list[dict[str, str]]:
    return [{"value": value, "label": label, "label_en": en} for value, label, en in pairs]


SEX = choices(("male", "Nam", "Male"), ("female", "Nữ", "Female"))
PDF_OR_IMAGE: dict[str, Any] = {"kinds": ["pdf", "jpeg", "png"], "max_size_mb": 10}


def applicant(section: str = "Người yêu cầu") -> list[dict[str, Any]]:
    return [
        field(
            "applicant_name",
            "text",
            "Họ, chữ đệm và tên người yêu cầu",
            "Applicant's full name",
            max_length=100,
            prefill="full_name",
            section=section,
        ),
        field(
            "applicant_id",
            "personal_id",
            "Số định danh cá nhân",
            "Personal ID number",
            prefill="personal_id",
        ),
        field("applicant_phone", "phone", "Số điện thoại", "Phone number", prefill="phone"),
        field("applicant_email", "email", "Thư điện tử", "E-mail", required=False, prefill="email"),
        field(
            "applicant_address", "address", "Nơi cư trú", "Place of residence", prefill="address"
        ),
    ]


def business(section: str = "Doanh nghiệp") -> list[dict[str, Any]]:
    return [
        field(
            "business_name",
            "text",
            "Tên doanh nghiệp, tổ chức",
            "Business or organisation name",
            max_length=255,
            prefill="business_name",
            section=section,
        ),
        field("tax_code", "tax_code", "Mã số thuế", "Tax code", prefill="tax_code"),
        field(
            "representative",
            "text",
            "Người đại diện theo pháp luật",
            "Legal representative",
            max_length=100,
        ),
        field("applicant_phone", "phone", "Số điện thoại", "Phone number", prefill="phone"),
        field("applicant_email", "email", "Thư điện tử", "E-mail", prefill="email"),
        field("business_address", "address", "Địa chỉ trụ sở", "Head office address"),
    ]


def relationship_fields() -> list[dict[str, Any]]:
    return [
        field(
            "relationship",
            "choice",
            "Quan hệ với người được đăng ký",
            "Relationship to the person registered",
            choices=choices(
                ("father", "Cha", "Father"),
                ("mother", "Mẹ", "Mother"),
                ("grandparent", "Ông, bà", "Grandparent"),
                ("relative", "Người thân thích khác", "Other relative"),
                ("other", "Khác", "Other"),
            ),
        ),
        field(
            "authorisation",
            "file",
            "Văn bản ủy quyền (có chứng thực)",
            "Authorisation (certified)",
            required=False,
            required_if={"field": "relationship", "in": ["relative", "other"]},
            **PDF_OR_IMAGE,
        ),
    ]


def form(*fields: list[dict[str, Any]] | dict[str, Any]) -> dict[str, Any]:
    flat: list[dict[str, Any]] = []
    for item in fields:
        flat.extend(item if isinstance(item, list) else [item])
    return {"version": 1, "fields": flat}


def commitment() -> dict[str, Any]:
    return field(
        "commitment",
        "boolean",
        "Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước "
        "pháp luật về cam đoan của mình.",
        "I declare that the above is true and accept legal responsibility for it.",
    )


BIRTH_FORM = form(
    applicant(),
    relationship_fields(),
    field(
        "child_name",
        "text",
        "Họ, chữ đệm và tên của trẻ",
        "Child's full name",
        max_length=100,
        section="Người được khai sinh",
    ),
    field("child_sex", "choice", "Giới tính", "Sex", choices=SEX),
    field("child_birth_date", "date", "Ngày, tháng, năm sinh", "Date of birth", max="today"),
    field("child_birth_place", "text", "Nơi sinh", "Place of birth", max_length=255),
    field("child_ethnicity", "text", "Dân tộc", "Ethnic group", max_length=50),
    field("mother_name", "text", "Họ và tên mẹ", "Mother's full name", max_length=100),
    field("mother_id", "personal_id", "Số định danh cá nhân của mẹ", "Mother's personal ID"),
    field(
        "father_name", "text", "Họ và tên cha", "Father's full name", max_length=100, required=False
    ),
    field(
        "father_id",
        "personal_id",
        "Số định danh cá nhân của cha",
        "Father's personal ID",
        required=False,
        required_if={"field": "father_name", "filled": True},
    ),
    field(
        "birth_certificate",
        "file",
        "Giấy chứng sinh (hoặc văn bản thay thế)",
        "Medical birth certificate (or a replacement document)",
        **PDF_OR_IMAGE,
    ),
    commitment(),
)

BUNDLE_FORM = form(
    BIRTH_FORM["fields"][:-1],
    field(
        "residence_with",
        "choice",
        "Đăng ký thường trú cho trẻ tại nơi thường trú của",
        "Register the child's permanent residence with",
        choices=choices(
            ("mother", "Mẹ", "Mother"),
            ("father", "Cha", "Father"),
            ("other", "Người khác (có ý kiến đồng ý của chủ hộ)", "Someone else (with consent)"),
        ),
        section="Đăng ký thường trú",
    ),
    field(
        "household_head_consent",
        "file",
        "Văn bản đồng ý của chủ hộ, chủ sở hữu chỗ ở",
        "Consent of the household head or owner",
        **only_when({"field": "residence_with", "equals": "other"}),
        **PDF_OR_IMAGE,
    ),
    field(
        "health_facility",
        "text",
        "Nơi đăng ký khám, chữa bệnh ban đầu",
        "Primary health-care facility",
        max_length=255,
        section="Thẻ bảo hiểm y tế",
    ),
    field(
        "card_delivery",
        "choice",
        "Nhận thẻ bảo hiểm y tế",
        "Receive the health-insurance card",
        choices=choices(
            ("desk", "Tại Bộ phận Một cửa", "At the one-stop desk"),
            ("post", "Qua bưu chính", "By post"),
            ("electronic", "Thẻ điện tử trên VssID", "Electronic card on VssID"),
        ),
    ),
    commitment(),
)


def spouse(prefix: str, side: str, side_en: str, age: tuple[str, str]) -> list[dict[str, Any]]:
    """Name, personal ID, date of birth and residence of one side of a marriage."""
    return [
        field(
            f"{prefix}_name",
            "text",
            f"Họ và tên bên {side}",
            f"{side_en}'s full name",
            max_length=100,
            section=f"Bên {side}",
        ),
        field(
            f"{prefix}_id",
            "personal_id",
            f"Số định danh cá nhân bên {side}",
            f"{side_en}'s personal ID",
        ),
        field(
            f"{prefix}_birth_date",
            "date",
            f"Ngày sinh bên {side}",
            f"{side_en}'s date of birth",
            max="today",
            help=age[0],
            help_en=age[1],
        ),
        field(f"{prefix}_address", "address", f"Nơi cư trú bên {side}", f"{side_en}'s residence"),
    ]


MARRIAGE_FORM = form(
    spouse("groom", "nam", "Groom", ("Nam từ đủ 20 tuổi trở lên.", "Men must be at least 20.")),
    spouse("bride", "nữ", "Bride", ("Nữ từ đủ 18 tuổi trở lên.", "Women must be at least 18.")),
    field(
        "resides_elsewhere",
        "boolean",
        "Một bên cư trú tại xã, phường khác",
        "One partner lives in another commune",
        required=False,
    ),
    field(
        "marital_status_certificate",
        "file",
        "Giấy xác nhận tình trạng hôn nhân của bên cư trú nơi khác",
        "Marital status certificate of the partner living elsewhere",
        **only_when({"field": "resides_elsewhere", "equals": True}),
        **PDF_OR_IMAGE,
    ),
    field("applicant_phone", "phone", "Số điện thoại liên hệ", "Contact phone", prefill="phone"),
    commitment(),
)

FOREIGN_MARRIAGE_FORM = form(
    spouse(
        "citizen",
        "công dân Việt Nam",
        "Vietnamese partner",
        ("Nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi.", "Men at least 20, women at least 18."),
    ),
    field(
        "partner_name",
        "text",
        "Họ và tên người nước ngoài",
        "Foreign partner's full name",
        max_length=100,
        section="Bên người nước ngoài",
    ),
    field("partner_nationality", "text", "Quốc tịch", "Nationality", max_length=60),
    field(
        "partner_passport",
        "text",
        "Số hộ chiếu",
        "Passport number",
        max_length=20,
        regex="[A-Z0-9]{6,20}",
        regex_message="Số hộ chiếu gồm 6–20 chữ in hoa hoặc chữ số.",
        regex_message_en="A passport number has 6–20 capital letters or digits.",
    ),
    field("partner_birth_date", "date", "Ngày sinh", "Date of birth", max="today"),
    field(
        "partner_documents",
        "file",
        "Giấy tờ chứng minh tình trạng hôn nhân và giấy khám sức khỏe (đã hợp pháp hóa lãnh sự)",
        "Proof of marital status and health certificate (legalised)",
        multiple=True,
        max_files=5,
        **PDF_OR_IMAGE,
    ),
    field("applicant_phone", "phone", "Số điện thoại liên hệ", "Contact phone", prefill="phone"),
    commitment(),
)

DEATH_FORM = form(
    applicant(),
    relationship_fields(),
    field(
        "deceased_name",
        "text",
        "Họ và tên người chết",
        "Full name of the deceased",
        max_length=100,
        section="Người chết",
    ),
    field("deceased_id", "personal_id", "Số định danh cá nhân", "Personal ID"),
    field("death_date", "date", "Ngày chết", "Date of death", max="today"),
    field("death_place", "text", "Nơi chết", "Place of death", max_length=255),
    field("death_cause", "text", "Nguyên nhân chết", "Cause of death", max_length=255),
    field(
        "death_notice",
        "file",
        "Giấy báo tử hoặc giấy tờ thay thế",
        "Death notice or a replacement document",
        **PDF_OR_IMAGE,
    ),
    commitment(),
)

EXTRACT_FORM = form(
    applicant(),
    field(
        "record_kind",
        "choice",
        "Loại trích lục đề nghị cấp bản sao",
        "Kind of extract requested",
        choices=choices(
            ("birth", "Trích lục khai sinh", "Birth extract"),
            ("marriage", "Trích lục kết hôn", "Marriage extract"),
            ("death", "Trích lục khai tử", "Death extract"),
            ("other", "Trích lục hộ tịch khác", "Other civil-status extract"),
        ),
        section="Nội dung yêu cầu",
    ),
    field("subject_name", "text", "Họ và tên người được cấp", "Name on the record", max_length=100),
    field(
        "registration_number",
        "text",
        "Số đăng ký (nếu biết)",
        "Registration number (if known)",
        required=False,
        max_length=30,
    ),
    field("registration_date", "date", "Ngày đăng ký", "Date of registration", max="today"),
    field(
        "copies",
        "number",
        "Số bản sao",
        "Number of copies",
        integer=True,
        min=1,
        max=20,
    ),
    field(
        "purpose",
        "text",
        "Mục đích sử dụng",
        "Purpose",
        required=False,
        max_length=255,
        multiline=True,
    ),
)

MARITAL_STATUS_FORM = form(
    applicant(),
    field(
        "status",
        "choice",
        "Tình trạng hôn nhân hiện nay",
        "Current marital status",
        choices=choices(
            ("single", "Chưa đăng ký kết hôn với ai", "Never married"),
            ("married", "Đang có vợ/chồng", "Married"),
            ("divorced", "Đã ly hôn", "Divorced"),
            ("widowed", "Vợ/chồng đã chết", "Widowed"),
        ),
        section="Nội dung xác nhận",
    ),
    field(
        "divorce_decision",
        "file",
        "Bản án, quyết định ly hôn có hiệu lực",
        "Final divorce judgment or decision",
        **only_when({"field": "status", "equals": "divorced"}),
        **PDF_OR_IMAGE,
    ),
    field(
        "purpose",
        "choice",
        "Mục đích sử dụng",
        "Purpose",
        choices=choices(
            ("marriage", "Để đăng ký kết hôn", "To register a marriage"),
            ("other", "Mục đích khác", "Another purpose"),
        ),
    ),
    field(
        "purpose_detail",
        "text",
        "Ghi rõ mục đích",
        "State the purpose",
        required=False,
        max_length=255,
        show_if={"field": "purpose", "equals": "other"},
        required_if={"field": "purpose", "equals": "other"},
    ),
    commitment(),
)

CERTIFY_COPY_FORM = form(
    applicant(),
    field(
        "document_name",
        "text",
        "Tên giấy tờ cần chứng thực",
        "Document to certify",
        max_length=255,
        section="Yêu cầu chứng thực",
    ),
    field("pages", "number", "Số trang", "Number of pages", integer=True, min=1, max=500),
    field("copies", "number", "Số bản", "Number of copies", integer=True, min=1, max=50),
)

CERTIFY_SIGNATURE_FORM = form(
    applicant(),
    field(
        "document_name",
        "text",
        "Giấy tờ, văn bản cần chứng thực chữ ký",
        "Document whose signature is certified",
        max_length=255,
        section="Yêu cầu chứng thực",
    ),
    field(
        "fingerprint",
        "boolean",
        "Chứng thực điểm chỉ (người yêu cầu không ký được)",
        "Certify a fingerprint (the applicant cannot sign)",
        required=False,
    ),
    field("copies", "number", "Số bản", "Number of copies", integer=True, min=1, max=50),
)

PERMANENT_RESIDENCE_FORM = form(
    applicant(),
    field(
        "new_address",
        "address",
        "Địa chỉ đề nghị đăng ký thường trú",
        "Address of the new permanent residence",
        section="Nơi đăng ký thường trú",
    ),
    field(
        "basis",
        "choice",
        "Trường hợp đăng ký",
        "Basis of the registration",
        choices=choices(
            ("own", "Chỗ ở hợp pháp thuộc quyền sở hữu của mình", "Own legal residence"),
            ("family", "Về ở với người thân (chủ hộ đồng ý)", "Joining relatives (with consent)"),
            ("rented", "Chỗ ở thuê, mượn, ở nhờ", "Rented or borrowed residence"),
        ),
    ),
    field(
        "ownership_proof",
        "file",
        "Giấy tờ chứng minh chỗ ở hợp pháp",
        "Proof of legal residence",
        required=False,
        required_if={"field": "basis", "in": ["own", "rented"]},
        **PDF_OR_IMAGE,
    ),
    field(
        "consent",
        "file",
        "Văn bản đồng ý của chủ hộ, chủ sở hữu chỗ ở",
        "Consent of the household head or owner",
        **only_when({"field": "basis", "in": ["family", "rented"]}),
        **PDF_OR_IMAGE,
    ),
    field(
        "floor_area",
        "number",
        "Diện tích nhà ở (m²) đối với chỗ ở thuê, mượn",
        "Floor area (m²) of a rented residence",
        required=False,
        min=0,
        max=100000,
        unit="m²",
        show_if={"field": "basis", "equals": "rented"},
        required_if={"field": "basis", "equals": "rented"},
    ),
    commitment(),
)

TEMPORARY_RESIDENCE_FORM = form(
    applicant(),
    field(
        "stay_address",
        "address",
        "Địa chỉ đăng ký tạm trú",
        "Temporary residence address",
        section="Nơi tạm trú",
    ),
    field(
        "stay_until",
        "date",
        "Tạm trú đến ngày",
        "Staying until",
        min="today",
        help="Thời hạn tạm trú tối đa 02 năm.",
        help_en="At most two years.",
    ),
    field(
        "reason",
        "choice",
        "Lý do",
        "Reason",
        choices=choices(
            ("work", "Làm việc", "Work"),
            ("study", "Học tập", "Study"),
            ("other", "Lý do khác", "Other"),
        ),
    ),
    field(
        "consent",
        "file",
        "Văn bản đồng ý cho tạm trú của chủ sở hữu chỗ ở",
        "Consent of the owner of the residence",
        **PDF_OR_IMAGE,
    ),
    commitment(),
)

LAND_MEDIATION_FORM = form(
    applicant(),
    field(
        "other_party",
        "text",
        "Họ và tên bên tranh chấp",
        "Name of the other party",
        max_length=100,
        section="Nội dung tranh chấp",
    ),
    field("parcel", "text", "Thửa đất số, tờ bản đồ số", "Parcel and map sheet", max_length=100),
    field("area", "number", "Diện tích tranh chấp (m²)", "Area in dispute (m²)", min=0, unit="m²"),
    field(
        "content",
        "text",
        "Nội dung yêu cầu hòa giải",
        "What the mediation is about",
        max_length=3000,
        multiline=True,
    ),
)

HOUSE_PERMIT_FORM = form(
    applicant("Chủ đầu tư"),
    field(
        "site_address",
        "address",
        "Địa điểm xây dựng",
        "Construction site",
        section="Công trình",
    ),
    field("parcel", "text", "Thửa đất số, tờ bản đồ số", "Parcel and map sheet", max_length=100),
    field("land_area", "number", "Diện tích lô đất (m²)", "Plot area (m²)", min=1, unit="m²"),
    field(
        "ground_area",
        "number",
        "Diện tích xây dựng tầng 1 (m²)",
        "Ground-floor area (m²)",
        min=1,
        unit="m²",
    ),
    field("floors", "number", "Số tầng", "Number of floors", integer=True, min=1, max=10),
    field("height", "number", "Chiều cao công trình (m)", "Building height (m)", min=1, max=60),
    field(
        "has_basement",
        "boolean",
        "Có tầng hầm",
        "Has a basement",
        required=False,
    ),
    field(
        "basement_area",
        "number",
        "Diện tích tầng hầm (m²)",
        "Basement area (m²)",
        required=False,
        min=1,
        unit="m²",
        show_if={"field": "has_basement", "equals": True},
        required_if={"field": "has_basement", "equals": True},
    ),
    field(
        "land_certificate",
        "file",
        "Giấy chứng nhận quyền sử dụng đất",
        "Land-use right certificate",
        **PDF_OR_IMAGE,
    ),
    field(
        "drawings",
        "file",
        "Bản vẽ thiết kế (mặt bằng, mặt cắt, mặt đứng, móng)",
        "Design drawings (plans, sections, elevations, foundations)",
        multiple=True,
        max_files=10,
        kinds=["pdf"],
        max_size_mb=20,
    ),
    commitment(),
)

WORKS_PERMIT_FORM = form(
    business("Chủ đầu tư"),
    field(
        "project_name",
        "text",
        "Tên công trình",
        "Name of the works",
        max_length=255,
        section="Công trình",
    ),
    field("site_address", "address", "Địa điểm xây dựng", "Construction site"),
    field(
        "works_grade",
        "choice",
        "Cấp công trình",
        "Grade of the works",
        choices=choices(
            ("special", "Cấp đặc biệt", "Special grade"),
            ("grade_1", "Cấp I", "Grade I"),
            ("grade_2", "Cấp II", "Grade II"),
        ),
    ),
    field("total_floor_area", "number", "Tổng diện tích sàn (m²)", "Total floor area (m²)", min=1),
    field("floors", "number", "Số tầng", "Number of floors", integer=True, min=1, max=100),
    field(
        "fire_approval",
        "file",
        "Văn bản thẩm duyệt thiết kế về phòng cháy, chữa cháy (nếu đã có)",
        "Fire-safety design approval (if already obtained)",
        required=False,
        **PDF_OR_IMAGE,
    ),
    field(
        "design_appraisal",
        "file",
        "Thông báo kết quả thẩm định thiết kế xây dựng",
        "Result of the construction design appraisal",
        **PDF_OR_IMAGE,
    ),
    field(
        "drawings",
        "file",
        "Bản vẽ thiết kế xây dựng",
        "Construction design drawings",
        multiple=True,
        max_files=20,
        kinds=["pdf"],
        max_size_mb=50,
    ),
    commitment(),
)

PERMIT_EXTENSION_FORM = form(
    applicant("Chủ đầu tư"),
    field(
        "permit_number",
        "text",
        "Số giấy phép xây dựng đã cấp",
        "Number of the permit",
        max_length=30,
        section="Giấy phép xây dựng",
    ),
    field("permit_date", "date", "Ngày cấp", "Date issued", max="today"),
    field(
        "reason",
        "text",
        "Lý do đề nghị gia hạn",
        "Why the extension is needed",
        max_length=1000,
        multiline=True,
    ),
    field(
        "permit_copy", "file", "Bản chính giấy phép xây dựng", "The original permit", **PDF_OR_IMAGE
    ),
)

PRACTICE_CERTIFICATE_FORM = form(
    applicant(),
    field(
        "birth_date",
        "date",
        "Ngày sinh",
        "Date of birth",
        max="today",
        prefill="date_of_birth",
        section="Thông tin hành nghề",
    ),
    field(
        "field_of_practice",
        "choice",
        "Lĩnh vực đề nghị cấp chứng chỉ",
        "Field of practice",
        choices=choices(
            ("survey", "Khảo sát xây dựng", "Construction survey"),
            ("design", "Thiết kế xây dựng công trình", "Design of works"),
            ("supervision", "Giám sát thi công xây dựng", "Construction supervision"),
            ("valuation", "Định giá xây dựng", "Construction cost valuation"),
        ),
    ),
    field(
        "grade",
        "choice",
        "Hạng chứng chỉ",
        "Grade",
        choices=choices(("II", "Hạng II", "Grade II"), ("III", "Hạng III", "Grade III")),
    ),
    field(
        "years_experience",
        "number",
        "Số năm kinh nghiệm",
        "Years of experience",
        integer=True,
        min=0,
        max=60,
    ),
    field(
        "degree",
        "file",
        "Văn bằng đào tạo chuyên môn",
        "Professional degree",
        **PDF_OR_IMAGE,
    ),
    field(
        "photo",
        "file",
        "Ảnh chân dung (4x6)",
        "Portrait photo (4x6)",
        kinds=["jpeg", "png"],
        max_size_mb=2,
    ),
)

CRIMINAL_RECORD_FORM = form(
    applicant(),
    field(
        "birth_date",
        "date",
        "Ngày sinh",
        "Date of birth",
        max="today",
        prefill="date_of_birth",
        section="Thông tin người được cấp phiếu",
    ),
    field("sex", "choice", "Giới tính", "Sex", choices=SEX, prefill="sex"),
    field("birth_place", "text", "Nơi sinh", "Place of birth", max_length=255),
    field(
        "record_form",
        "choice",
        "Loại phiếu",
        "Kind of record",
        choices=choices(
            ("1", "Phiếu lý lịch tư pháp số 1", "Criminal record certificate no. 1"),
            ("2", "Phiếu lý lịch tư pháp số 2", "Criminal record certificate no. 2"),
        ),
    ),
    field(
        "show_bans",
        "boolean",
        "Yêu cầu xác nhận việc cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp",
        "Also state bans on holding office or managing businesses",
        required=False,
        show_if={"field": "record_form", "equals": "1"},
    ),
    field(
        "copies", "number", "Số lượng phiếu", "Number of certificates", integer=True, min=1, max=10
    ),
    field(
        "reduced_fee",
        "choice",
        "Đối tượng giảm, miễn phí",
        "Fee reduction",
        required=False,
        choices=choices(
            ("student", "Sinh viên", "Student"),
            ("merit", "Người có công với cách mạng", "Person of merit"),
            ("poor", "Hộ nghèo", "Poor household"),
        ),
    ),
    field(
        "reduction_proof",
        "file",
        "Giấy tờ chứng minh thuộc đối tượng giảm, miễn",
        "Proof of the reduction",
        **only_when({"field": "reduced_fee", "filled": True}),
        **PDF_OR_IMAGE,
    ),
)


def company_form(one_member: bool) -> dict[str, Any]:
    fields: list[dict[str, Any]] = [
        *applicant("Người nộp hồ sơ"),
        field(
            "company_name",
            "text",
            "Tên công ty viết bằng tiếng Việt",
            "Company name in Vietnamese",
            max_length=255,
            section="Thông tin công ty",
        ),
        field(
            "company_name_en",
            "text",
            "Tên công ty viết bằng tiếng nước ngoài",
            "Company name in a foreign language",
            required=False,
            max_length=255,
        ),
        field("head_office", "address", "Địa chỉ trụ sở chính", "Head office address"),
        field(
            "charter_capital",
            "number",
            "Vốn điều lệ (đồng)",
            "Charter capital (VND)",
            integer=True,
            min=1,
            unit="đồng",
        ),
        field(
            "business_lines",
            "text",
            "Ngành, nghề kinh doanh (mã ngành cấp 4)",
            "Business lines (level-4 codes)",
            max_length=3000,
            multiline=True,
        ),
    ]
    if one_member:
        fields.append(
            field(
                "owner_kind",
                "choice",
                "Chủ sở hữu",
                "Owner",
                choices=choices(
                    ("person", "Cá nhân", "An individual"),
                    ("organisation", "Tổ chức", "An organisation"),
                ),
            )
        )
        fields.append(
            field(
                "owner_tax_code",
                "tax_code",
                "Mã số doanh nghiệp của tổ chức chủ sở hữu",
                "Tax code of the owning organisation",
                **only_when({"field": "owner_kind", "equals": "organisation"}),
            )
        )
    else:
        fields.append(
            field(
                "members",
                "number",
                "Số thành viên góp vốn",
                "Number of members",
                integer=True,
                min=2,
                max=50,
            )
        )
        fields.append(
            field(
                "member_list",
                "file",
                "Danh sách thành viên",
                "List of members",
                kinds=["pdf"],
            )
        )
    fields += [
        field(
            "charter", "file", "Điều lệ công ty", "Company charter", kinds=["pdf"], max_size_mb=20
        ),
        commitment(),
    ]
    return {"version": 1, "fields": fields}


HOUSEHOLD_BUSINESS_FORM = form(
    applicant("Chủ hộ kinh doanh"),
    field(
        "business_name",
        "text",
        "Tên hộ kinh doanh",
        "Name of the household business",
        max_length=255,
        section="Hộ kinh doanh",
    ),
    field("business_address", "address", "Địa điểm kinh doanh", "Place of business"),
    field("business_lines", "text", "Ngành, nghề kinh doanh", "Business lines", max_length=1000),
    field("capital", "number", "Vốn kinh doanh (đồng)", "Capital (VND)", integer=True, min=0),
    field(
        "workers", "number", "Số lượng lao động", "Number of workers", integer=True, min=0, max=1000
    ),
    commitment(),
)

LAND_USE_CHANGE_FORM = form(
    applicant("Người sử dụng đất"),
    field(
        "parcel",
        "text",
        "Thửa đất số, tờ bản đồ số",
        "Parcel and map sheet",
        max_length=100,
        section="Thửa đất",
    ),
    field("parcel_address", "address", "Địa chỉ thửa đất", "Address of the parcel"),
    field("area", "number", "Diện tích xin chuyển mục đích (m²)", "Area to convert (m²)", min=1),
    field(
        "current_use",
        "choice",
        "Mục đích đang sử dụng",
        "Current use",
        choices=choices(
            ("rice", "Đất trồng lúa", "Rice land"),
            ("perennial", "Đất trồng cây lâu năm", "Perennial crop land"),
            ("garden", "Đất vườn, ao trong cùng thửa đất có nhà ở", "Garden land with a house"),
        ),
    ),
    field(
        "new_use",
        "choice",
        "Mục đích xin chuyển sang",
        "Requested use",
        choices=choices(
            ("residential", "Đất ở", "Residential land"),
            ("business", "Đất thương mại, dịch vụ", "Commercial land"),
        ),
    ),
    field("land_certificate", "file", "Giấy chứng nhận", "Land certificate", **PDF_OR_IMAGE),
    commitment(),
)

LAND_TRANSFER_FORM = form(
    applicant("Bên nhận chuyển nhượng"),
    field(
        "transaction",
        "choice",
        "Hình thức biến động",
        "Kind of change",
        choices=choices(
            ("transfer", "Chuyển nhượng", "Transfer"),
            ("gift", "Tặng cho", "Gift"),
            ("inheritance", "Thừa kế", "Inheritance"),
        ),
        section="Biến động",
    ),
    field("parcel", "text", "Thửa đất số, tờ bản đồ số", "Parcel and map sheet", max_length=100),
    field("parcel_address", "address", "Địa chỉ thửa đất", "Address of the parcel"),
    field(
        "contract",
        "file",
        "Hợp đồng, văn bản về chuyển quyền đã công chứng, chứng thực",
        "Notarised contract or deed",
        **PDF_OR_IMAGE,
    ),
    field(
        "land_certificate",
        "file",
        "Giấy chứng nhận đã cấp",
        "The certificate issued",
        **PDF_OR_IMAGE,
    ),
    field(
        "new_certificate",
        "boolean",
        "Đề nghị cấp mới Giấy chứng nhận",
        "Ask for a new certificate",
        required=False,
    ),
    commitment(),
)


# --------------------------------------------------------------------------------------------
# Procedures


def step(
    order: int,
    name: str,
    kind: str,
    role: str,
    days: float,
    *,
    agency: str | None = None,
    unit: str = "",
    lead: bool = False,
    note: str = "",
) -> dict[str, Any]:
    return {
        "order": order,
        "name": name,
        "agency": code(agency) if agency else None,
        "unit_code": unit,
        "role": role,
        "days": int(days) if float(days).is_integer() else days,
        "kind": kind,
        "is_lead": lead,
        "note": note,
    }


def document(
    order: int,
    name: str,
    *,
    copies: int = 1,
    kind: str = "original",
    mandatory: bool = True,
    note: str = "",
) -> dict[str, Any]:
    return {
        "order": order,
        "name": name,
        "copies": copies,
        "original_or_copy": kind,
        "mandatory": mandatory,
        "template": "",
        "note": note,
    }


def fee(name: str, kind: str, amount: int, note: str = "") -> dict[str, Any]:
    return {"name": name, "kind": kind, "amount": amount, "note": note}


def commune_steps(*, process_days: float, sign_days: float, unit: str = "TPHT") -> list[Any]:
    """Commune People's Committee: desk, the civil servant in charge, the chairman, desk."""
    return [
        step(1, "Tiếp nhận, kiểm tra hồ sơ", "receive", Role.ONE_STOP_CLERK, 0, unit="MC"),
        step(2, "Thẩm định, dự thảo kết quả", "process", Role.SPECIALIST, process_days, unit=unit),
        step(3, "Phê duyệt, ký kết quả", "sign", Role.LEADER, sign_days),
        step(4, "Trả kết quả", "return", Role.ONE_STOP_CLERK, 0, unit="MC"),
    ]


def district_steps(*, unit: str, process_days: float, sign_days: float) -> list[Any]:
    return [
        step(1, "Tiếp nhận, kiểm tra hồ sơ", "receive", Role.ONE_STOP_CLERK, 0.5, unit="MC"),
        step(
            2,
            "Thẩm định hồ sơ, dự thảo kết quả",
            "process",
            Role.SPECIALIST,
            process_days,
            unit=unit,
        ),
        step(3, "Lãnh đạo UBND phê duyệt, ký", "sign", Role.LEADER, sign_days),
        step(4, "Trả kết quả", "return", Role.ONE_STOP_CLERK, 0.5, unit="MC"),
    ]


def centre_receive(order: int = 1, days: float = 0.5) -> dict[str, Any]:
    return step(
        order,
        "Tiếp nhận hồ sơ tại Trung tâm Phục vụ hành chính công",
        "receive",
        Role.ONE_STOP_CLERK,
        days,
        agency=CENTRE,
        unit="TNTKQ",
    )


def centre_return(order: int, days: float = 0.5) -> dict[str, Any]:
    return step(
        order, "Trả kết quả", "return", Role.ONE_STOP_CLERK, days, agency=CENTRE, unit="TNTKQ"
    )


COMMUNE_WHERE = (
    "Bộ phận Một cửa của Ủy ban nhân dân cấp xã nơi cư trú; hoặc trực tuyến trên Cổng Dịch vụ "
    "công quốc gia, Cổng Dịch vụ công của tỉnh."
)
DISTRICT_WHERE = (
    "Bộ phận Một cửa của Ủy ban nhân dân cấp huyện; hoặc qua dịch vụ bưu chính công ích; hoặc "
    "trực tuyến trên Cổng Dịch vụ công của tỉnh."
)
CENTRE_WHERE = (
    "Trung tâm Phục vụ hành chính công tỉnh Tiền Giang, 377 Hùng Vương, Phường 7, TP. Mỹ Tho; "
    "hoặc qua dịch vụ bưu chính công ích; hoặc trực tuyến trên Cổng Dịch vụ công của tỉnh."
)
CIVIL_STATUS_LAW = (
    "Luật Hộ tịch số 60/2014/QH13; Nghị định số 123/2015/NĐ-CP quy định chi tiết một số điều và "
    "biện pháp thi hành Luật Hộ tịch; Nghị định số 87/2020/NĐ-CP về Cơ sở dữ liệu hộ tịch điện "
    "tử, đăng ký hộ tịch trực tuyến; Thông tư số 04/2020/TT-BTP."
)
RESIDENCE_LAW = (
    "Luật Cư trú số 68/2020/QH14; Nghị định số 62/2021/NĐ-CP; Thông tư số 55/2021/TT-BCA; "
    "Thông tư số 75/2022/TT-BTC quy định mức thu lệ phí đăng ký cư trú."
)
CERTIFICATION_LAW = (
    "Nghị định số 23/2015/NĐ-CP về cấp bản sao từ sổ gốc, chứng thực bản sao từ bản chính, "
    "chứng thực chữ ký và chứng thực hợp đồng, giao dịch; Thông tư số 01/2020/TT-BTP; Thông tư "
    "số 226/2016/TT-BTC quy định mức thu phí chứng thực."
)
CONSTRUCTION_LAW = (
    "Luật Xây dựng số 50/2014/QH13, được sửa đổi, bổ sung bởi Luật số 62/2020/QH14; Nghị định "
    "số 15/2021/NĐ-CP quy định chi tiết một số nội dung về quản lý dự án đầu tư xây dựng; Nghị "
    "quyết của Hội đồng nhân dân tỉnh về lệ phí cấp giấy phép xây dựng."
)
ENTERPRISE_LAW = (
    "Luật Doanh nghiệp số 59/2020/QH14; Nghị định số 01/2021/NĐ-CP về đăng ký doanh nghiệp; "
    "Thông tư số 01/2021/TT-BKHĐT; Thông tư số 47/2019/TT-BTC quy định mức thu phí, lệ phí đăng "
    "ký doanh nghiệp."
)
LAND_LAW = (
    "Luật Đất đai số 31/2024/QH15; Nghị định số 101/2024/NĐ-CP quy định về điều tra cơ bản đất "
    "đai, đăng ký, cấp Giấy chứng nhận; Nghị quyết của Hội đồng nhân dân tỉnh về phí, lệ phí."
)

CITIZEN, BUSINESS = ["citizen"], ["business"]
BOTH = ["citizen", "business"]


def procedure(**values: Any) -> dict[str, Any]:
    document_values = {
        "agency": None,
        "applicant_types": CITIZEN,
        "result_online": False,
        "is_inter_agency": False,
        "is_active": True,
        "description": "",
        "conditions": "",
        "steps_text": "",
        "fees": [],
        **values,
    }
    if document_values["agency"]:
        document_values["agency"] = code(document_values["agency"])
    return document_values


SECTORS = [
    {"code": "HT", "name": "Hộ tịch"},
    {"code": "CTH", "name": "Chứng thực"},
    {"code": "LLTP", "name": "Lý lịch tư pháp"},
    {"code": "CUTRU", "name": "Đăng ký, quản lý cư trú"},
    {"code": "XD", "name": "Hoạt động xây dựng"},
    {"code": "DD", "name": "Đất đai"},
    {"code": "DKDN", "name": "Thành lập và hoạt động của doanh nghiệp"},
    {"code": "HKD", "name": "Thành lập và hoạt động của hộ kinh doanh"},
]


def _commune_civil_status() -> list[dict[str, Any]]:
    birth_documents = [
        document(1, "Tờ khai đăng ký khai sinh theo mẫu"),
        document(
            2,
            "Giấy chứng sinh; trường hợp không có thì văn bản của người làm chứng xác nhận về việc "
            "sinh, hoặc giấy cam đoan về việc sinh",
        ),
        document(
            3,
            "Văn bản ủy quyền có chứng thực, nếu ủy quyền thực hiện việc đăng ký khai sinh",
            kind="either",
            mandatory=False,
        ),
    ]
    return [
        procedure(
            code="1.001193",
            name="Đăng ký khai sinh",
            sector="HT",
            level=Level.COMMUNE,
            service_level=4,
            category="full_online",
            processing_days=1,
            result_type="Giấy khai sinh (bản chính), bản điện tử Giấy khai sinh",
            result_online=True,
            legal_basis=CIVIL_STATUS_LAW,
            description=(
                "Đăng ký việc sinh cho trẻ em tại Ủy ban nhân dân cấp xã nơi cư trú của cha hoặc "
                "mẹ, trong thời hạn 60 ngày kể từ ngày sinh."
            ),
            conditions="Cha, mẹ hoặc người thân thích có trách nhiệm đi đăng ký khai sinh.",
            steps_text=(
                "1. Người yêu cầu nộp hồ sơ trực tiếp hoặc trực tuyến.\n"
                "2. Công chức tư pháp – hộ tịch kiểm tra; hồ sơ hợp lệ thì ghi vào Sổ hộ tịch và "
                "trình Chủ tịch UBND cấp xã ký Giấy khai sinh.\n"
                "3. Trả Giấy khai sinh ngay trong ngày; nhận sau 15 giờ thì trả trong ngày làm "
                "việc tiếp theo."
            ),
            where=COMMUNE_WHERE,
            fees=[
                fee(
                    "Lệ phí đăng ký khai sinh",
                    "charge",
                    0,
                    "Miễn lệ phí khi đăng ký đúng hạn (Luật Hộ tịch, Điều 11).",
                )
            ],
            documents=birth_documents,
            steps=commune_steps(process_days=0.5, sign_days=0.5),
            application_form=BIRTH_FORM,
        ),
        procedure(
            code="1.000894",
            name="Đăng ký kết hôn",
            sector="HT",
            level=Level.COMMUNE,
            service_level=3,
            category="partial_online",
            processing_days=5,
            result_type="Giấy chứng nhận kết hôn",
            legal_basis=CIVIL_STATUS_LAW + " Luật Hôn nhân và gia đình số 52/2014/QH13.",
            description="Đăng ký kết hôn giữa công dân Việt Nam cư trú ở trong nước.",
            conditions=(
                "Nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi; việc kết hôn do hai bên tự nguyện; không "
                "bị mất năng lực hành vi dân sự; không thuộc trường hợp cấm kết hôn. Hai bên có "
                "mặt khi ký Giấy chứng nhận kết hôn."
            ),
            steps_text=(
                "1. Hai bên nộp tờ khai và giấy tờ.\n"
                "2. Công chức tư pháp – hộ tịch kiểm tra; trường hợp cần xác minh thì thời hạn "
                "không quá 05 ngày làm việc.\n"
                "3. Hai bên cùng có mặt ký Giấy chứng nhận kết hôn."
            ),
            where=COMMUNE_WHERE,
            fees=[
                fee(
                    "Lệ phí đăng ký kết hôn",
                    "charge",
                    0,
                    "Miễn lệ phí cho công dân Việt Nam cư trú ở trong nước.",
                )
            ],
            documents=[
                document(1, "Tờ khai đăng ký kết hôn theo mẫu"),
                document(
                    2,
                    "Giấy xác nhận tình trạng hôn nhân, nếu đăng ký kết hôn tại nơi không phải "
                    "nơi cư trú của mình",
                    mandatory=False,
                ),
            ],
            steps=commune_steps(process_days=3, sign_days=1),
            application_form=MARRIAGE_FORM,
        ),
        procedure(
            code="1.000656",
            name="Đăng ký khai tử",
            sector="HT",
            level=Level.COMMUNE,
            service_level=4,
            category="full_online",
            processing_days=1,
            result_type="Trích lục khai tử (bản chính)",
            result_online=True,
            legal_basis=CIVIL_STATUS_LAW,
            description=(
                "Đăng ký việc chết tại UBND cấp xã nơi cư trú cuối cùng của người chết, trong "
                "thời hạn 15 ngày kể từ ngày có người chết."
            ),
            where=COMMUNE_WHERE,
            fees=[fee("Lệ phí đăng ký khai tử", "charge", 0, "Miễn lệ phí khi đăng ký đúng hạn.")],
            documents=[
                document(1, "Tờ khai đăng ký khai tử theo mẫu"),
                document(2, "Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử", kind="either"),
            ],
            steps=commune_steps(process_days=0.5, sign_days=0.5),
            application_form=DEATH_FORM,
        ),
        procedure(
            code="2.000635",
            name="Cấp bản sao Trích lục hộ tịch",
            sector="HT",
            level=Level.COMMUNE,
            service_level=4,
            category="full_online",
            processing_days=1,
            result_type="Bản sao trích lục hộ tịch",
            result_online=True,
            legal_basis=CIVIL_STATUS_LAW + " Thông tư số 281/2016/TT-BTC.",
            where=COMMUNE_WHERE,
            fees=[
                fee(
                    "Phí cấp bản sao trích lục hộ tịch",
                    "fee",
                    8000,
                    "8.000 đồng/bản sao trích lục.",
                )
            ],
            documents=[document(1, "Tờ khai cấp bản sao trích lục hộ tịch theo mẫu")],
            steps=commune_steps(process_days=0.5, sign_days=0.5),
            application_form=EXTRACT_FORM,
        ),
        procedure(
            code="1.004873",
            name="Cấp Giấy xác nhận tình trạng hôn nhân",
            sector="HT",
            level=Level.COMMUNE,
            service_level=4,
            category="full_online",
            processing_days=3,
            result_type="Giấy xác nhận tình trạng hôn nhân",
            result_online=True,
            legal_basis=CIVIL_STATUS_LAW,
            where=COMMUNE_WHERE,
            fees=[
                fee(
                    "Lệ phí cấp Giấy xác nhận tình trạng hôn nhân",
                    "charge",
                    10000,
                    "Theo Nghị quyết của HĐND tỉnh.",
                )
            ],
            documents=[
                document(1, "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu"),
                document(
                    2,
                    "Bản án, quyết định ly hôn có hiệu lực, nếu đã ly hôn",
                    kind="copy",
                    mandatory=False,
                ),
            ],
            steps=commune_steps(process_days=2, sign_days=1),
            application_form=MARITAL_STATUS_FORM,
        ),
        procedure(
            code="1.012628",
            name=(
                "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ "
                "bảo hiểm y tế cho trẻ em dưới 6 tuổi"
            ),
            sector="HT",
            level=Level.COMMUNE,
            service_level=4,
            category="full_online",
            processing_days=5,
            result_type=(
                "Giấy khai sinh; thông báo kết quả đăng ký thường trú; thẻ bảo hiểm y tế của trẻ"
            ),
            result_online=True,
            is_inter_agency=True,
            legal_basis=(
                CIVIL_STATUS_LAW + " " + RESIDENCE_LAW + " Luật Bảo hiểm y tế; Nghị định số "
                "63/2024/NĐ-CP về liên thông điện tử hai nhóm thủ tục hành chính."
            ),
            description=(
                "Một hồ sơ, ba kết quả: UBND cấp xã đăng ký khai sinh rồi chuyển đồng thời hồ sơ "
                "cho Công an cấp xã (đăng ký thường trú) và cơ quan Bảo hiểm xã hội (cấp thẻ bảo "
                "hiểm y tế)."
            ),
            steps_text=(
                "1. Cha, mẹ nộp hồ sơ liên thông tại Bộ phận Một cửa UBND cấp xã hoặc trực tuyến.\n"
                "2. Công chức tư pháp – hộ tịch đăng ký khai sinh, Chủ tịch UBND ký Giấy khai "
                "sinh.\n"
                "3. Hồ sơ điện tử được chuyển cùng lúc cho Công an phường (cơ quan chủ trì) và Bảo "
                "hiểm xã hội thành phố.\n"
                "4. Bộ phận Một cửa trả đủ ba kết quả."
            ),
            where=COMMUNE_WHERE,
            fees=[
                fee("Lệ phí đăng ký khai sinh", "charge", 0, "Miễn lệ phí."),
                fee(
                    "Lệ phí đăng ký thường trú",
                    "charge",
                    0,
                    "Miễn lệ phí cho trẻ em dưới 16 tuổi trong hồ sơ liên thông.",
                ),
            ],
            documents=[
                *birth_documents,
                document(4, "Tờ khai thay đổi thông tin cư trú (CT01)"),
                document(
                    5,
                    "Tờ khai tham gia bảo hiểm y tế (TK1-TS)",
                    note="Theo mẫu của Bảo hiểm xã hội Việt Nam.",
                ),
            ],
            steps=[
                step(
                    1,
                    "Tiếp nhận, kiểm tra hồ sơ liên thông",
                    "receive",
                    Role.ONE_STOP_CLERK,
                    0.5,
                    unit="MC",
                ),
                step(2, "Đăng ký khai sinh", "process", Role.SPECIALIST, 1, unit="TPHT"),
                step(3, "Ký Giấy khai sinh", "sign", Role.LEADER, 0.5),
                step(
                    4,
                    "Đăng ký thường trú cho trẻ",
                    "process",
                    Role.SPECIALIST,
                    2,
                    agency=WARD_1_POLICE,
                    unit="QLCT",
                    lead=True,
                ),
                step(
                    4,
                    "Cấp thẻ bảo hiểm y tế cho trẻ",
                    "process",
                    Role.SPECIALIST,
                    2,
                    agency=MY_THO_INSURANCE,
                    unit="TST",
                ),
                step(5, "Trả kết quả liên thông", "return", Role.ONE_STOP_CLERK, 0.5, unit="MC"),
            ],
            application_form=BUNDLE_FORM,
        ),
        procedure(
            code="2.000815",
            name=(
                "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm "
                "quyền của Việt Nam cấp hoặc chứng nhận"
            ),
            sector="CTH",
            level=Level.COMMUNE,
            service_level=2,
            category="partial_online",
            processing_days=0,
            result_type="Bản sao được chứng thực từ bản chính",
            legal_basis=CERTIFICATION_LAW,
            conditions="Người yêu cầu xuất trình bản chính; bản chính không bị tẩy xóa, sửa chữa.",
            steps_text=(
                "Trong ngày tiếp nhận yêu cầu; nhận sau 15 giờ thì trả trong ngày làm việc tiếp "
                "theo."
            ),
            where="Bộ phận Một cửa của Ủy ban nhân dân cấp xã.",
            fees=[
                fee(
                    "Phí chứng thực bản sao từ bản chính",
                    "fee",
                    2000,
                    "2.000 đồng/trang; từ trang thứ ba trở lên 1.000 đồng/trang, tối đa 200.000 "
                    "đồng/bản.",
                )
            ],
            documents=[
                document(1, "Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao"),
                document(2, "Bản sao cần chứng thực", kind="copy"),
            ],
            steps=commune_steps(process_days=0, sign_days=0),
            application_form=CERTIFY_COPY_FORM,
        ),
        procedure(
            code="2.000884",
            name="Chứng thực chữ ký trong các giấy tờ, văn bản",
            sector="CTH",
            level=Level.COMMUNE,
            service_level=2,
            category="partial_online",
            processing_days=0,
            result_type="Giấy tờ, văn bản được chứng thực chữ ký",
            legal_basis=CERTIFICATION_LAW,
            conditions="Người yêu cầu chứng thực phải ký trước mặt người thực hiện chứng thực.",
            where="Bộ phận Một cửa của Ủy ban nhân dân cấp xã.",
            fees=[fee("Phí chứng thực chữ ký", "fee", 10000, "10.000 đồng/trường hợp.")],
            documents=[
                document(1, "Giấy tờ, văn bản mà mình sẽ ký"),
                document(2, "Giấy tờ tùy thân còn giá trị sử dụng", kind="either"),
            ],
            steps=commune_steps(process_days=0, sign_days=0),
            application_form=CERTIFY_SIGNATURE_FORM,
        ),
        procedure(
            code="1.003554",
            name="Hòa giải tranh chấp đất đai",
            sector="DD",
            level=Level.COMMUNE,
            service_level=1,
            category="partial_online",
            processing_days=30,
            result_type="Biên bản hòa giải thành hoặc không thành",
            applicant_types=BOTH,
            legal_basis=LAND_LAW,
            description=(
                "UBND cấp xã tổ chức hòa giải tranh chấp đất đai tại địa phương; hòa giải là "
                "bước bắt buộc trước khi giải quyết tranh chấp."
            ),
            where="Bộ phận Một cửa của Ủy ban nhân dân cấp xã nơi có đất tranh chấp.",
            documents=[document(1, "Đơn yêu cầu hòa giải tranh chấp đất đai")],
            steps=[
                step(1, "Tiếp nhận đơn", "receive", Role.ONE_STOP_CLERK, 0, unit="MC"),
                step(
                    2,
                    "Thẩm tra, xác minh, thành lập Hội đồng hòa giải",
                    "process",
                    Role.SPECIALIST,
                    20,
                    unit="ĐCXD",
                ),
                step(3, "Tổ chức hòa giải, lập biên bản", "approve", Role.LEADER, 10),
                step(4, "Trả kết quả", "return", Role.ONE_STOP_CLERK, 0, unit="MC"),
            ],
            application_form=LAND_MEDIATION_FORM,
        ),
    ]


def _residence() -> list[dict[str, Any]]:
    def police_steps(process_days: float) -> list[Any]:
        return [
            step(
                1,
                "Tiếp nhận hồ sơ",
                "receive",
                Role.ONE_STOP_CLERK,
                0.5,
                agency=WARD_1_POLICE,
                unit="TNTKQ",
            ),
            step(
                2,
                "Kiểm tra, cập nhật Cơ sở dữ liệu về cư trú",
                "process",
                Role.SPECIALIST,
                process_days,
                agency=WARD_1_POLICE,
                unit="QLCT",
            ),
            step(
                3,
                "Trưởng Công an phường phê duyệt",
                "approve",
                Role.LEADER,
                1,
                agency=WARD_1_POLICE,
            ),
            step(
                4,
                "Thông báo kết quả",
                "return",
                Role.ONE_STOP_CLERK,
                0.5,
                agency=WARD_1_POLICE,
                unit="TNTKQ",
            ),
        ]

    return [
        procedure(
            code="1.004222",
            name="Đăng ký thường trú",
            sector="CUTRU",
            level=Level.COMMUNE,
            agency=WARD_1_POLICE,
            service_level=4,
            category="full_online",
            processing_days=7,
            result_type=(
                "Thông báo kết quả đăng ký thường trú; thông tin được cập nhật vào Cơ sở dữ liệu "
                "về cư trú"
            ),
            result_online=True,
            legal_basis=RESIDENCE_LAW,
            conditions=(
                "Có chỗ ở hợp pháp thuộc quyền sở hữu của mình, hoặc được chủ hộ, chủ sở hữu "
                "đồng ý."
            ),
            where=(
                "Công an cấp xã nơi đăng ký thường trú; hoặc trực tuyến trên Cổng Dịch vụ công "
                "quốc gia, Cổng dịch vụ công Bộ Công an, ứng dụng VNeID."
            ),
            fees=[
                fee(
                    "Lệ phí đăng ký thường trú",
                    "charge",
                    20000,
                    "Nộp trực tuyến: 10.000 đồng.",
                )
            ],
            documents=[
                document(1, "Tờ khai thay đổi thông tin cư trú (CT01)"),
                document(2, "Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp", kind="either"),
            ],
            steps=police_steps(5),
            application_form=PERMANENT_RESIDENCE_FORM,
        ),
        procedure(
            code="1.004194",
            name="Đăng ký tạm trú",
            sector="CUTRU",
            level=Level.COMMUNE,
            agency=WARD_1_POLICE,
            service_level=4,
            category="full_online",
            processing_days=3,
            result_type="Thông báo kết quả đăng ký tạm trú",
            result_online=True,
            legal_basis=RESIDENCE_LAW,
            where=(
                "Công an cấp xã nơi dự kiến tạm trú; hoặc trực tuyến trên Cổng Dịch vụ công quốc "
                "gia, ứng dụng VNeID."
            ),
            fees=[fee("Lệ phí đăng ký tạm trú", "charge", 15000, "Nộp trực tuyến: 7.000 đồng.")],
            documents=[
                document(1, "Tờ khai thay đổi thông tin cư trú (CT01)"),
                document(2, "Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp", kind="either"),
            ],
            steps=police_steps(1),
            application_form=TEMPORARY_RESIDENCE_FORM,
        ),
    ]


def _district() -> list[dict[str, Any]]:
    return [
        procedure(
            code="1.009997",
            name="Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
            sector="XD",
            level=Level.DISTRICT,
            service_level=4,
            category="partial_online",
            processing_days=15,
            result_type="Giấy phép xây dựng",
            legal_basis=CONSTRUCTION_LAW,
            conditions=(
                "Phù hợp với quy hoạch chi tiết xây dựng; bảo đảm an toàn cho công trình và công "
                "trình lân cận; thiết kế phù hợp với quy chuẩn xây dựng."
            ),
            steps_text=(
                "1. Chủ đầu tư nộp hồ sơ.\n"
                "2. Trong 07 ngày làm việc, Phòng Quản lý đô thị thẩm định, kiểm tra thực địa; "
                "hồ sơ chưa đủ thì thông báo bổ sung một lần.\n"
                "3. UBND cấp huyện cấp giấy phép trong thời hạn 15 ngày kể từ ngày nhận đủ hồ sơ."
            ),
            where=DISTRICT_WHERE,
            fees=[
                fee(
                    "Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ",
                    "charge",
                    75000,
                    "Theo Nghị quyết của HĐND tỉnh.",
                )
            ],
            documents=[
                document(1, "Đơn đề nghị cấp giấy phép xây dựng theo mẫu"),
                document(
                    2,
                    "Một trong những giấy tờ chứng minh quyền sử dụng đất",
                    kind="copy",
                ),
                document(
                    3,
                    "Hai bộ bản vẽ thiết kế xây dựng: mặt bằng, mặt cắt, mặt đứng, móng, đấu nối "
                    "hạ tầng kỹ thuật",
                    copies=2,
                ),
            ],
            steps=district_steps(unit="QLĐT", process_days=10, sign_days=3),
            application_form=HOUSE_PERMIT_FORM,
        ),
        procedure(
            code="1.000893",
            name="Đăng ký kết hôn có yếu tố nước ngoài",
            sector="HT",
            level=Level.DISTRICT,
            service_level=3,
            category="partial_online",
            processing_days=15,
            result_type="Giấy chứng nhận kết hôn",
            legal_basis=CIVIL_STATUS_LAW,
            conditions=(
                "Hai bên có mặt tại trụ sở UBND cấp huyện khi trao Giấy chứng nhận kết hôn; "
                "giấy tờ nước ngoài được hợp pháp hóa lãnh sự và dịch sang tiếng Việt."
            ),
            where=DISTRICT_WHERE,
            fees=[
                fee(
                    "Lệ phí đăng ký kết hôn có yếu tố nước ngoài",
                    "charge",
                    1000000,
                    "Theo Nghị quyết của HĐND tỉnh.",
                )
            ],
            documents=[
                document(1, "Tờ khai đăng ký kết hôn theo mẫu"),
                document(
                    2,
                    "Giấy tờ chứng minh tình trạng hôn nhân của người nước ngoài",
                    note="Đã hợp pháp hóa lãnh sự và dịch sang tiếng Việt.",
                ),
                document(
                    3,
                    "Giấy xác nhận của tổ chức y tế về việc không mắc bệnh tâm thần",
                ),
                document(4, "Hộ chiếu của người nước ngoài", kind="copy"),
            ],
            steps=district_steps(unit="TP", process_days=10, sign_days=4),
            application_form=FOREIGN_MARRIAGE_FORM,
        ),
        procedure(
            code="2.000720",
            name="Đăng ký thành lập hộ kinh doanh",
            sector="HKD",
            level=Level.DISTRICT,
            service_level=4,
            category="full_online",
            processing_days=3,
            result_type="Giấy chứng nhận đăng ký hộ kinh doanh",
            result_online=True,
            legal_basis=(
                "Nghị định số 01/2021/NĐ-CP về đăng ký doanh nghiệp; Thông tư số "
                "01/2021/TT-BKHĐT; Nghị quyết của HĐND tỉnh về lệ phí đăng ký hộ kinh doanh."
            ),
            where=DISTRICT_WHERE,
            fees=[
                fee(
                    "Lệ phí đăng ký hộ kinh doanh",
                    "charge",
                    100000,
                    "Miễn lệ phí khi đăng ký qua mạng điện tử.",
                )
            ],
            documents=[
                document(1, "Giấy đề nghị đăng ký hộ kinh doanh"),
                document(
                    2,
                    "Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh",
                    mandatory=False,
                    note="Khi các thành viên hộ gia đình cùng đăng ký.",
                ),
            ],
            steps=district_steps(unit="TCKH", process_days=1.5, sign_days=0.5),
            application_form=HOUSEHOLD_BUSINESS_FORM,
        ),
        procedure(
            code="1.012790",
            name="Chuyển mục đích sử dụng đất đối với hộ gia đình, cá nhân",
            sector="DD",
            level=Level.DISTRICT,
            service_level=3,
            category="partial_online",
            processing_days=15,
            result_type="Quyết định cho phép chuyển mục đích sử dụng đất",
            legal_basis=LAND_LAW,
            where=DISTRICT_WHERE,
            documents=[
                document(1, "Đơn xin chuyển mục đích sử dụng đất"),
                document(2, "Giấy chứng nhận quyền sử dụng đất", kind="original"),
            ],
            steps=district_steps(unit="TNMT", process_days=10, sign_days=3),
            application_form=LAND_USE_CHANGE_FORM,
        ),
    ]


def _province() -> list[dict[str, Any]]:
    return [
        procedure(
            code="1.009972",
            name=(
                "Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II "
                "(công trình không theo tuyến)"
            ),
            sector="XD",
            level=Level.PROVINCE,
            agency=CONSTRUCTION,
            service_level=4,
            category="partial_online",
            processing_days=20,
            result_type="Giấy phép xây dựng",
            applicant_types=BUSINESS,
            legal_basis=CONSTRUCTION_LAW,
            description=(
                "Sở Xây dựng cấp giấy phép cho công trình cấp đặc biệt, cấp I, cấp II; khi cần, "
                "lấy ý kiến cơ quan Cảnh sát phòng cháy, chữa cháy về thiết kế phòng cháy."
            ),
            steps_text=(
                "1. Chủ đầu tư nộp hồ sơ tại Trung tâm Phục vụ hành chính công.\n"
                "2. Phòng Quản lý xây dựng thẩm định; lấy ý kiến Phòng Cảnh sát PCCC và CNCH Công "
                "an tỉnh (cơ quan được hỏi trả lời trong 05 ngày làm việc; quá hạn coi như đồng "
                "ý).\n"
                "3. Trưởng phòng kiểm tra, Giám đốc Sở ký giấy phép.\n"
                "4. Trả kết quả tại Trung tâm."
            ),
            where=CENTRE_WHERE,
            fees=[
                fee(
                    "Lệ phí cấp giấy phép xây dựng công trình",
                    "charge",
                    150000,
                    "Theo Nghị quyết của HĐND tỉnh.",
                )
            ],
            documents=[
                document(1, "Đơn đề nghị cấp giấy phép xây dựng theo mẫu"),
                document(2, "Giấy tờ chứng minh quyền sử dụng đất", kind="copy"),
                document(
                    3,
                    "Quyết định phê duyệt dự án, văn bản thông báo kết quả thẩm định thiết kế",
                    kind="copy",
                ),
                document(
                    4,
                    "Văn bản thẩm duyệt thiết kế về phòng cháy, chữa cháy (nếu có)",
                    kind="copy",
                    mandatory=False,
                ),
                document(5, "Hai bộ bản vẽ thiết kế xây dựng", copies=2),
            ],
            steps=[
                centre_receive(),
                step(
                    2,
                    "Thẩm định hồ sơ, kiểm tra thực địa",
                    "process",
                    Role.SPECIALIST,
                    7,
                    agency=CONSTRUCTION,
                    unit="QLXD",
                ),
                step(
                    3,
                    "Lấy ý kiến về phòng cháy, chữa cháy",
                    "consult",
                    Role.SPECIALIST,
                    5,
                    agency=POLICE,
                    unit="PC07",
                    note="Cơ quan được hỏi trả lời bằng văn bản trong 05 ngày làm việc.",
                ),
                step(
                    4,
                    "Trưởng phòng kiểm tra, trình ký",
                    "approve",
                    Role.UNIT_HEAD,
                    3,
                    agency=CONSTRUCTION,
                    unit="QLXD",
                ),
                step(5, "Giám đốc Sở ký giấy phép", "sign", Role.LEADER, 4, agency=CONSTRUCTION),
                centre_return(6),
            ],
            application_form=WORKS_PERMIT_FORM,
        ),
        procedure(
            code="1.009985",
            name="Gia hạn giấy phép xây dựng",
            sector="XD",
            level=Level.PROVINCE,
            agency=CONSTRUCTION,
            service_level=3,
            category="partial_online",
            processing_days=5,
            result_type="Giấy phép xây dựng được gia hạn",
            applicant_types=BOTH,
            legal_basis=CONSTRUCTION_LAW,
            conditions="Nộp trước thời điểm giấy phép hết hiệu lực khởi công 30 ngày.",
            where=CENTRE_WHERE,
            fees=[fee("Lệ phí gia hạn giấy phép xây dựng", "charge", 15000)],
            documents=[
                document(1, "Đơn đề nghị gia hạn giấy phép xây dựng"),
                document(2, "Bản chính giấy phép xây dựng đã được cấp"),
            ],
            steps=[
                centre_receive(),
                step(
                    2,
                    "Xem xét hồ sơ",
                    "process",
                    Role.SPECIALIST,
                    2.5,
                    agency=CONSTRUCTION,
                    unit="QLXD",
                ),
                step(
                    3,
                    "Trưởng phòng kiểm tra",
                    "approve",
                    Role.UNIT_HEAD,
                    0.5,
                    agency=CONSTRUCTION,
                    unit="QLXD",
                ),
                step(4, "Lãnh đạo Sở ký", "sign", Role.LEADER, 1, agency=CONSTRUCTION),
                centre_return(5),
            ],
            application_form=PERMIT_EXTENSION_FORM,
        ),
        procedure(
            code="1.009942",
            name="Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III",
            sector="XD",
            level=Level.PROVINCE,
            agency=CONSTRUCTION,
            service_level=4,
            category="full_online",
            processing_days=20,
            result_type="Chứng chỉ hành nghề hoạt động xây dựng (bản điện tử)",
            result_online=True,
            legal_basis=(
                "Nghị định số 15/2021/NĐ-CP; Thông tư số 38/2022/TT-BTC quy định mức thu phí thẩm "
                "định cấp chứng chỉ hành nghề hoạt động xây dựng."
            ),
            where=CENTRE_WHERE,
            fees=[
                fee(
                    "Phí thẩm định cấp chứng chỉ hành nghề",
                    "fee",
                    300000,
                    "Cấp lần đầu; cấp lại 150.000 đồng.",
                )
            ],
            documents=[
                document(1, "Đơn đề nghị cấp chứng chỉ hành nghề theo mẫu"),
                document(2, "Ảnh màu cỡ 4x6 cm, nền trắng, chụp trong 06 tháng"),
                document(3, "Văn bằng do cơ sở đào tạo hợp pháp cấp", kind="copy"),
                document(4, "Bản khai kinh nghiệm công việc chuyên môn theo mẫu"),
            ],
            steps=[
                centre_receive(),
                step(
                    2,
                    "Thẩm định hồ sơ, sát hạch",
                    "process",
                    Role.SPECIALIST,
                    14,
                    agency=CONSTRUCTION,
                    unit="QLXD",
                ),
                step(
                    3,
                    "Trưởng phòng kiểm tra",
                    "approve",
                    Role.UNIT_HEAD,
                    2,
                    agency=CONSTRUCTION,
                    unit="QLXD",
                ),
                step(4, "Giám đốc Sở ký chứng chỉ", "sign", Role.LEADER, 3, agency=CONSTRUCTION),
                centre_return(5),
            ],
            application_form=PRACTICE_CERTIFICATE_FORM,
        ),
        procedure(
            code="2.000488",
            name=(
                "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại "
                "Việt Nam"
            ),
            sector="LLTP",
            level=Level.PROVINCE,
            agency=JUSTICE,
            service_level=4,
            category="full_online",
            processing_days=10,
            result_type=(
                "Phiếu lý lịch tư pháp số 1 hoặc số 2 (bản điện tử có giá trị như bản giấy)"
            ),
            result_online=True,
            legal_basis=(
                "Luật Lý lịch tư pháp số 28/2009/QH12; Nghị định số 111/2010/NĐ-CP; Thông tư số "
                "244/2016/TT-BTC quy định mức thu phí cung cấp thông tin lý lịch tư pháp."
            ),
            steps_text=(
                "1. Nộp hồ sơ tại Trung tâm Phục vụ hành chính công, trực tuyến hoặc qua VNeID.\n"
                "2. Sở Tư pháp tra cứu, đề nghị Công an tỉnh (Phòng Hồ sơ nghiệp vụ) xác minh "
                "thông tin án tích.\n"
                "3. Lãnh đạo Sở ký Phiếu lý lịch tư pháp."
            ),
            where=CENTRE_WHERE,
            fees=[
                fee("Phí cung cấp thông tin lý lịch tư pháp", "fee", 200000),
                fee(
                    "Phí cung cấp thông tin lý lịch tư pháp (giảm)",
                    "fee",
                    100000,
                    "Sinh viên, người có công với cách mạng, thân nhân liệt sĩ.",
                ),
                fee(
                    "Phí cấp thêm Phiếu lý lịch tư pháp",
                    "fee",
                    5000,
                    "Từ Phiếu thứ 3 trở đi, mỗi Phiếu.",
                ),
            ],
            documents=[
                document(1, "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp theo mẫu"),
                document(2, "Giấy tờ tùy thân của người được cấp Phiếu", kind="copy"),
                document(
                    3,
                    "Giấy tờ chứng minh thuộc đối tượng được giảm, miễn phí",
                    kind="copy",
                    mandatory=False,
                ),
            ],
            steps=[
                centre_receive(),
                step(
                    2,
                    "Tra cứu cơ sở dữ liệu lý lịch tư pháp",
                    "process",
                    Role.SPECIALIST,
                    3,
                    agency=JUSTICE,
                    unit="HCTP",
                ),
                step(
                    3,
                    "Xác minh thông tin án tích",
                    "consult",
                    Role.SPECIALIST,
                    4,
                    agency=POLICE,
                    unit="PV06",
                ),
                step(4, "Lãnh đạo Sở ký Phiếu", "sign", Role.LEADER, 2, agency=JUSTICE),
                centre_return(5),
            ],
            application_form=CRIMINAL_RECORD_FORM,
        ),
        company_procedure(
            "2.002044",
            "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên",
            one_member=True,
        ),
        company_procedure(
            "2.001610",
            "Đăng ký thành lập công ty trách nhiệm hữu hạn hai thành viên trở lên",
            one_member=False,
        ),
        procedure(
            code="1.012760",
            name=(
                "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do "
                "chuyển nhượng, tặng cho, thừa kế"
            ),
            sector="DD",
            level=Level.PROVINCE,
            agency=ENVIRONMENT,
            service_level=3,
            category="partial_online",
            processing_days=10,
            result_type="Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
            applicant_types=BOTH,
            legal_basis=LAND_LAW,
            where=CENTRE_WHERE,
            fees=[
                fee(
                    "Lệ phí cấp Giấy chứng nhận",
                    "charge",
                    50000,
                    "Theo Nghị quyết của HĐND tỉnh; tổ chức 100.000 đồng.",
                ),
                fee(
                    "Phí thẩm định hồ sơ cấp Giấy chứng nhận",
                    "fee",
                    300000,
                    "Theo Nghị quyết của HĐND tỉnh.",
                ),
            ],
            documents=[
                document(1, "Đơn đăng ký biến động đất đai, tài sản gắn liền với đất"),
                document(2, "Hợp đồng, văn bản về chuyển quyền đã được công chứng, chứng thực"),
                document(3, "Giấy chứng nhận đã cấp"),
            ],
            steps=[
                centre_receive(),
                step(
                    2,
                    "Kiểm tra hồ sơ, chuyển thông tin xác định nghĩa vụ tài chính",
                    "process",
                    Role.SPECIALIST,
                    6,
                    agency=ENVIRONMENT,
                    unit="VPĐKĐĐ",
                ),
                step(
                    3,
                    "Giám đốc Văn phòng Đăng ký đất đai ký xác nhận",
                    "sign",
                    Role.UNIT_HEAD,
                    3,
                    agency=ENVIRONMENT,
                    unit="VPĐKĐĐ",
                ),
                centre_return(4),
            ],
            application_form=LAND_TRANSFER_FORM,
        ),
    ]


def company_procedure(number: str, name: str, *, one_member: bool) -> dict[str, Any]:
    """Registering a limited company: one member or several differ in their papers only."""
    papers = ["Giấy đề nghị đăng ký doanh nghiệp", "Điều lệ công ty"]
    if not one_member:
        papers.append("Danh sách thành viên")
    documents = [document(order, paper) for order, paper in enumerate(papers, start=1)]
    documents.append(
        document(
            len(papers) + 1,
            "Bản sao giấy tờ pháp lý của "
            + ("chủ sở hữu" if one_member else "các thành viên")
            + " và người đại diện theo pháp luật",
            kind="copy",
        )
    )
    return procedure(
        code=number,
        name=name,
        sector="DKDN",
        level=Level.PROVINCE,
        agency=PLANNING,
        service_level=4,
        category="full_online",
        processing_days=3,
        result_type="Giấy chứng nhận đăng ký doanh nghiệp",
        result_online=True,
        applicant_types=BOTH,
        legal_basis=ENTERPRISE_LAW,
        where=(
            "Phòng Đăng ký kinh doanh, Sở Kế hoạch và Đầu tư; hoặc trực tuyến trên Cổng thông "
            "tin quốc gia về đăng ký doanh nghiệp."
        ),
        fees=[
            fee(
                "Lệ phí đăng ký doanh nghiệp",
                "charge",
                50000,
                "Miễn lệ phí khi đăng ký qua mạng thông tin điện tử.",
            ),
            fee("Phí công bố nội dung đăng ký doanh nghiệp", "fee", 100000),
        ],
        documents=documents,
        steps=[
            step(
                1, "Tiếp nhận hồ sơ", "receive", Role.SPECIALIST, 0.5, agency=PLANNING, unit="ĐKKD"
            ),
            step(
                2,
                "Xem xét tính hợp lệ của hồ sơ",
                "process",
                Role.SPECIALIST,
                1.5,
                agency=PLANNING,
                unit="ĐKKD",
            ),
            step(
                3,
                "Trưởng phòng Đăng ký kinh doanh ký",
                "sign",
                Role.UNIT_HEAD,
                0.5,
                agency=PLANNING,
                unit="ĐKKD",
            ),
            step(4, "Trả kết quả", "return", Role.SPECIALIST, 0.5, agency=PLANNING, unit="ĐKKD"),
        ],
        application_form=company_form(one_member=one_member),
    )


def catalog() -> dict[str, Any]:
    """The demo catalog in the import/export format."""
    procedures = _commune_civil_status() + _residence() + _district() + _province()
    for item in procedures:
        item["documents"] = sorted(item["documents"], key=lambda d: d["order"])
        item["steps"] = sorted(item["steps"], key=lambda s: (s["order"], not s["is_lead"]))
    return {
        "format": FORMAT,
        "sectors": sorted(SECTORS, key=lambda s: s["code"]),
        "procedures": sorted(procedures, key=lambda p: p["code"]),
    }


def load() -> list[DemoLogin]:
    _load_organisation()
    logins = _load_staff()
    wanted = catalog()
    stored = export_catalog([p["code"] for p in wanted["procedures"]])
    if stored != wanted:
        import_catalog(acting_user=None, parsed=parse_document(wanted), source="demo")
    return logins


def receiving_agency_for_demo(level: str) -> Agency:
    """Where the demo sends dossiers of procedures that name no agency."""
    return Agency.objects.get(organ_code=code(WARD_1 if level == Level.COMMUNE else MY_THO))
