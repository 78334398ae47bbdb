"""The personas every test shares (STYLE.md §9), built straight into the database.

Agencies: the provincial People's Committee, the Public Administration Service Centre with its
one-stop desk, the Department of Construction (Sở Xây dựng) and, for outsiders, the Department of
Justice (Sở Tư pháp).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from egov.accounts.models import CitizenProfile, User, UserKind
from egov.org.models import Agency, AgencyLevel, Membership, Role, Unit


@dataclass
class World:
    province: Agency
    centre: Agency
    desk: Unit
    construction: Agency
    construction_unit: Unit
    construction_office: Unit
    justice: Agency
    justice_unit: Unit
    citizen: User  # Nguyễn Văn An
    citizen2: User  # Trần Thị Bình
    clerk: User  # one-stop clerk at the centre's desk
    specialist: User  # Sở Xây dựng, Phòng Quản lý xây dựng
    unit_head: User  # head of that unit
    leader: User  # director of Sở Xây dựng
    document_clerk: User  # văn thư of Sở Xây dựng
    outsider: User  # a specialist of Sở Tư pháp, who must not see Sở Xây dựng's records
    admin: User  # system administrator


def _agency(code: str, name: str, short: str, level: str, parent: Agency | None) -> Agency:
    return Agency.objects.create(
        organ_code=code,
        name=name,
        short_name=short,
        level=level,
        parent=parent,
        email=f"{short.lower()}@tiengiang.gov.vn",
    )


def _user(username: str, full_name: str, kind: str = UserKind.STAFF) -> User:
    user = User(username=username, full_name=full_name, kind=kind, email=f"{username}@example.vn")
    user.set_password("secret-Pass-2026")
    user.save()
    return user


def _member(user: User, agency: Agency, role: str, unit: Unit | None = None) -> None:
    Membership.objects.create(user=user, agency=agency, unit=unit, role=role)


def build_world() -> World:
    province = _agency(
        "000.00.00.H58", "Ủy ban nhân dân tỉnh Tiền Giang", "UBND", AgencyLevel.PROVINCE, None
    )
    centre = _agency(
        "000.01.01.H58",
        "Trung tâm Phục vụ hành chính công tỉnh Tiền Giang",
        "TTPVHCC",
        AgencyLevel.SECTOR,
        province,
    )
    desk = Unit.objects.create(
        agency=centre, name="Bộ phận Tiếp nhận và Trả kết quả", code="TNTKQ", is_one_stop_desk=True
    )
    construction = _agency(
        "000.00.09.H58", "Sở Xây dựng tỉnh Tiền Giang", "SXD", AgencyLevel.SECTOR, province
    )
    construction_unit = Unit.objects.create(
        agency=construction, name="Phòng Quản lý xây dựng", code="QLXD"
    )
    construction_office = Unit.objects.create(agency=construction, name="Văn phòng Sở", code="VP")
    justice = _agency(
        "000.00.05.H58", "Sở Tư pháp tỉnh Tiền Giang", "STP", AgencyLevel.SECTOR, province
    )
    justice_unit = Unit.objects.create(agency=justice, name="Phòng Hành chính tư pháp", code="HCTP")

    citizen = _user("an", "Nguyễn Văn An", UserKind.CITIZEN)
    CitizenProfile.objects.create(
        user=citizen, personal_id="082090001234", date_of_birth=dt.date(1990, 5, 12), sex="male"
    )
    citizen2 = _user("binh", "Trần Thị Bình", UserKind.CITIZEN)
    CitizenProfile.objects.create(
        user=citizen2, personal_id="082195004321", date_of_birth=dt.date(1995, 8, 3), sex="female"
    )
    clerk = _user("cuc", "Lê Thị Cúc")
    _member(clerk, centre, Role.ONE_STOP_CLERK, desk)
    specialist = _user("dung", "Phạm Văn Dũng")
    _member(specialist, construction, Role.SPECIALIST, construction_unit)
    unit_head = _user("duc", "Hoàng Minh Đức")
    _member(unit_head, construction, Role.UNIT_HEAD, construction_unit)
    leader = _user("giang", "Võ Thị Giang")
    _member(leader, construction, Role.LEADER)
    document_clerk = _user("hoa", "Đặng Thị Hoa")
    _member(document_clerk, construction, Role.DOCUMENT_CLERK, construction_office)
    outsider = _user("hai", "Đặng Văn Hải")
    _member(outsider, justice, Role.SPECIALIST, justice_unit)
    admin = _user("quantri", "Quản trị hệ thống")
    _member(admin, province, Role.SYSTEM_ADMIN)
    return World(
        province=province,
        centre=centre,
        desk=desk,
        construction=construction,
        construction_unit=construction_unit,
        construction_office=construction_office,
        justice=justice,
        justice_unit=justice_unit,
        citizen=citizen,
        citizen2=citizen2,
        clerk=clerk,
        specialist=specialist,
        unit_head=unit_head,
        leader=leader,
        document_clerk=document_clerk,
        outsider=outsider,
        admin=admin,
    )


PASSWORD = "secret-Pass-2026"  # noqa: S105
