"""Demo accounts: one per role, a citizen and a business (passwords in egov.demo.base)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from egov.accounts.actions import create_business, create_user, save_citizen_profile
from egov.accounts.models import BusinessProfile, User, UserKind
from egov.demo.base import DEMO_PASSWORD, DemoLogin
from egov.org.actions import grant_role
from egov.org.demo import agency
from egov.org.models import AdministrativeUnit, Membership, Position, Role, Structure, Unit

# username, full name, e-mail, (agency suffix, unit code or None, role, position), description
StaffSpec = tuple[str, str, str, list[tuple[str, str | None, str, str]], str]
STAFF: list[StaffSpec] = [
    (
        "admin",
        "Quản trị hệ thống",
        "admin@tiengiang.gov.vn",
        [("000.00.11", "CNTT", Role.SYSTEM_ADMIN, "Chuyên viên")],
        "system administrator",
    ),
    (
        "quantri",
        "Ngô Văn Khoa",
        "khoa.nv@tiengiang.gov.vn",
        [("000.00.11", "CNTT", Role.AGENCY_ADMIN, "Chuyên viên")],
        "agency administrator (Sở TT&TT)",
    ),
    (
        "motcua",
        "Lê Thị Cúc",
        "cuc.lt@tiengiang.gov.vn",
        [("000.01.01", "TNTKQ", Role.ONE_STOP_CLERK, "Chuyên viên")],
        "one-stop clerk (Trung tâm Phục vụ hành chính công)",
    ),
    (
        "chuyenvien",
        "Phạm Văn Dũng",
        "dung.pv@tiengiang.gov.vn",
        [("000.00.09", "QLXD", Role.SPECIALIST, "Chuyên viên")],
        "specialist (Sở Xây dựng)",
    ),
    (
        "truongphong",
        "Hoàng Minh Đức",
        "duc.hm@tiengiang.gov.vn",
        [("000.00.09", "QLXD", Role.UNIT_HEAD, "Trưởng phòng")],
        "unit head (Sở Xây dựng)",
    ),
    (
        "lanhdao",
        "Võ Thị Giang",
        "giang.vt@tiengiang.gov.vn",
        [("000.00.09", None, Role.LEADER, "Giám đốc")],
        "agency leader (Sở Xây dựng)",
    ),
    (
        "vanthu",
        "Đặng Thị Hoa",
        "hoa.dt@tiengiang.gov.vn",
        [("000.00.09", "VP", Role.DOCUMENT_CLERK, "Văn thư")],
        "document clerk (Sở Xây dựng)",
    ),
    (
        "tuphap",
        "Trương Văn Lâm",
        "lam.tv@tiengiang.gov.vn",
        [("000.00.05", "HCTP", Role.SPECIALIST, "Chuyên viên")],
        "specialist (Sở Tư pháp)",
    ),
    (
        "motcua.mytho",
        "Bùi Thị Mai",
        "mai.bt@mytho.tiengiang.gov.vn",
        [("000.00.21", "MC", Role.ONE_STOP_CLERK, "Chuyên viên")],
        "one-stop clerk (TP. Mỹ Tho)",
    ),
    (
        "motcua.p1",
        "Huỳnh Văn Nam",
        "nam.hv@mytho.tiengiang.gov.vn",
        [
            ("000.01.21", "MC", Role.ONE_STOP_CLERK, "Chuyên viên"),
            ("000.01.21", "TPHT", Role.SPECIALIST, "Chuyên viên"),
        ],
        "one-stop clerk and civil-status officer (Phường 1, Mỹ Tho)",
    ),
    (
        "lanhdao.p1",
        "Phan Thị Oanh",
        "oanh.pt@mytho.tiengiang.gov.vn",
        [("000.01.21", None, Role.LEADER, "Chủ tịch")],
        "leader (UBND Phường 1, Mỹ Tho)",
    ),
]

CITIZEN: dict[str, Any] = {
    "username": "congdan",
    "full_name": "Nguyễn Văn An",
    "email": "an.nguyen@example.vn",
    "phone": "0901234567",
    "personal_id": "082090001234",
    "date_of_birth": dt.date(1990, 5, 12),
    "sex": "male",
    "address": "12 Ấp Bắc, Phường 4, TP. Mỹ Tho",
}
BUSINESS_USER: dict[str, str] = {
    "username": "doanhnghiep",
    "full_name": "Trần Thị Bình",
    "email": "binh.tran@myhoxanh.vn",
    "phone": "0912345678",
}
BUSINESS: dict[str, str] = {
    "tax_code": "1201234560",
    "name": "Công ty TNHH Mỹ Tho Xanh",
    "address": "45 Nguyễn Trãi, Phường 1, TP. Mỹ Tho",
    "legal_representative": "Trần Thị Bình",
}


def _user(username: str, full_name: str, email: str, kind: str, phone: str = "") -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = create_user(
            acting_user=None,
            username=username,
            password=DEMO_PASSWORD,
            full_name=full_name,
            kind=kind,
            email=email,
            phone=phone,
            is_staff=username == "admin",
            is_superuser=username == "admin",
        )
    return user


def load() -> list[DemoLogin]:
    logins = []
    for username, full_name, email, roles, description in STAFF:
        user = _user(username, full_name, email, UserKind.STAFF)
        for suffix, unit_code, role, position_name in roles:
            where = agency(suffix)
            unit = Unit.objects.get(agency=where, code=unit_code) if unit_code else None
            if not Membership.objects.filter(
                user=user, agency=where, unit=unit, role=role, is_active=True
            ).exists():
                grant_role(
                    acting_user=None,
                    user=user,
                    agency=where,
                    role=role,
                    unit=unit,
                    position=Position.objects.get(name=position_name),
                )
        logins.append(DemoLogin(username, description))

    citizen = _user(
        CITIZEN["username"],
        CITIZEN["full_name"],
        CITIZEN["email"],
        UserKind.CITIZEN,
        CITIZEN["phone"],
    )
    if not hasattr(citizen, "citizen_profile"):
        ward = AdministrativeUnit.objects.get(structure=Structure.THREE_LEVEL, code="28252")
        save_citizen_profile(
            acting_user=None,
            user=citizen,
            personal_id=CITIZEN["personal_id"],
            date_of_birth=CITIZEN["date_of_birth"],
            sex=CITIZEN["sex"],
            address=CITIZEN["address"],
            administrative_unit_id=ward.pk,
        )
    logins.append(DemoLogin(citizen.username, "citizen (Nguyễn Văn An, CCCD 082090001234)"))

    owner = _user(
        BUSINESS_USER["username"],
        BUSINESS_USER["full_name"],
        BUSINESS_USER["email"],
        UserKind.BUSINESS,
        BUSINESS_USER["phone"],
    )
    if not BusinessProfile.objects.filter(tax_code=BUSINESS["tax_code"]).exists():
        create_business(
            acting_user=None,
            owner=owner,
            tax_code=BUSINESS["tax_code"],
            name=BUSINESS["name"],
            address=BUSINESS.get("address", ""),
            legal_representative=BUSINESS.get("legal_representative", ""),
        )
    logins.append(DemoLogin(owner.username, "business (Công ty TNHH Mỹ Tho Xanh, MST 1201234560)"))
    return logins
