"""Administrative units from their sources: the `vietnam-provinces` package for the current
two-level structure, and the frozen 0.6.0 data for the three-level structure before 1/7/2025."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from vietnam_provinces import Province, Ward

from egov.org.models import AdministrativeUnit, Level, Structure

PRE2025_FILE = Path(__file__).resolve().parent / "data" / "admin_units_pre2025.json"
REFORM_DATE = dt.date(2025, 7, 1)
_TYPE_PREFIXES = [
    "Thành phố",
    "Thị trấn",
    "Thị xã",
    "Đặc khu",
    "Phường",
    "Huyện",
    "Quận",
    "Tỉnh",
    "Xã",
]


def division_type(name: str) -> str:
    for prefix in _TYPE_PREFIXES:
        if name.startswith(prefix + " "):
            return prefix
    return ""


@dataclass(frozen=True)
class UnitRecord:
    structure: str
    level: str
    code: str
    name: str
    parent_code: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None


def pre2025_records(province_codes: Iterable[int] | None = None) -> list[UnitRecord]:
    data = json.loads(PRE2025_FILE.read_text(encoding="utf-8"))
    wanted = set(province_codes) if province_codes is not None else None
    valid_to = REFORM_DATE - dt.timedelta(days=1)
    records = []
    for province in data["provinces"]:
        p_code = f"{province['code']:02d}"
        records.append(
            UnitRecord(
                Structure.THREE_LEVEL,
                Level.PROVINCE,
                p_code,
                province["name"],
                None,
                None,
                valid_to,
            )
        )
        if wanted is not None and province["code"] not in wanted:
            continue
        for district in province["districts"]:
            d_code = f"{district['code']:03d}"
            records.append(
                UnitRecord(
                    Structure.THREE_LEVEL,
                    Level.DISTRICT,
                    d_code,
                    district["name"],
                    p_code,
                    None,
                    valid_to,
                )
            )
            for ward in district["wards"]:
                records.append(
                    UnitRecord(
                        Structure.THREE_LEVEL,
                        Level.COMMUNE,
                        f"{ward['code']:05d}",
                        ward["name"],
                        d_code,
                        None,
                        valid_to,
                    )
                )
    return records


def current_records(province_codes: Iterable[int] | None = None) -> list[UnitRecord]:
    wanted = set(province_codes) if province_codes is not None else None
    records = []
    for province in Province.iter_all():
        records.append(
            UnitRecord(
                Structure.TWO_LEVEL,
                Level.PROVINCE,
                f"{int(province.code):02d}",
                province.name,
                None,
                REFORM_DATE,
                None,
            )
        )
    for ward in Ward.iter_all():
        if wanted is not None and int(ward.province_code) not in wanted:
            continue
        records.append(
            UnitRecord(
                Structure.TWO_LEVEL,
                Level.COMMUNE,
                f"{int(ward.code):05d}",
                ward.name,
                f"{int(ward.province_code):02d}",
                REFORM_DATE,
                None,
            )
        )
    return records


def upsert(records: list[UnitRecord]) -> tuple[int, int]:
    """Insert or update units in parent-first order; returns (created, updated)."""
    order = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2}
    existing = {(u.structure, u.level, u.code): u for u in AdministrativeUnit.objects.all()}
    created = updated = 0
    for record in sorted(records, key=lambda r: (r.structure, order[Level(r.level)], r.code)):
        parent = None
        if record.parent_code is not None:
            # Communes sit under districts in the three-level structure, under provinces after.
            three_level_commune = (
                record.level == Level.COMMUNE and record.structure == Structure.THREE_LEVEL
            )
            p_level = Level.DISTRICT if three_level_commune else Level.PROVINCE
            parent = existing[(record.structure, p_level, record.parent_code)]
        fields = {
            "name": record.name,
            "division_type": division_type(record.name),
            "parent": parent,
            "valid_from": record.valid_from,
            "valid_to": record.valid_to,
        }
        key = (record.structure, record.level, record.code)
        unit = existing.get(key)
        if unit is None:
            unit = AdministrativeUnit.objects.create(
                structure=record.structure, level=record.level, code=record.code, **fields
            )
            existing[key] = unit
            created += 1
        elif any(getattr(unit, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(unit, name, value)
            unit.save()
            updated += 1
    return created, updated
