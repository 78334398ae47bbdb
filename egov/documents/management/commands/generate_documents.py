"""Generate many realistic documents quickly, for the search benchmark and load tests.

``manage.py generate_documents --count 1000000`` adds issued outgoing and registered incoming
documents, spread over the active agencies and the chosen years, numbered from their registers
as the system would number them. PostgreSQL loads with COPY (the GIN index is rebuilt once at
the end for big loads); SQLite with bulk inserts and its FTS table.

This bypasses the actions on purpose (one audit event per generated document would measure the
audit chain, not search), so like ``load_demo`` it refuses to run with DEBUG off unless told.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from egov.documents.models import (
    Channel,
    Direction,
    Document,
    Register,
    RegisterKind,
    Status,
)
from egov.documents.search import build_search_text, index_on_sqlite
from egov.documents.types import (
    DOCUMENT_TYPES,
    code_notation,
    code_number,
    edxml_document_id,
)
from egov.lib.workdays import VIETNAM
from egov.org.models import Agency

VERBS = [
    "triển khai", "kiểm tra", "báo cáo", "hướng dẫn", "đôn đốc", "phối hợp", "tổ chức",
    "phê duyệt", "rà soát", "tăng cường", "điều chỉnh", "thẩm định", "tổng kết", "góp ý",
]  # fmt: skip
TOPICS = [
    "công tác quản lý trật tự xây dựng", "cấp giấy phép xây dựng nhà ở riêng lẻ",
    "quy hoạch chi tiết xây dựng tỷ lệ 1/500", "giải ngân vốn đầu tư công",
    "chuyển đổi số trong cơ quan nhà nước", "phòng, chống thiên tai và tìm kiếm cứu nạn",
    "bảo đảm an toàn giao thông", "cải cách hành chính", "quản lý chất lượng công trình",
    "bồi thường, hỗ trợ, tái định cư", "cấp giấy chứng nhận quyền sử dụng đất",
    "phát triển nhà ở xã hội", "xây dựng nông thôn mới", "thu ngân sách nhà nước",
    "ứng dụng công nghệ thông tin", "phòng cháy, chữa cháy", "bảo vệ môi trường",
    "đào tạo, bồi dưỡng cán bộ, công chức", "kiểm soát thủ tục hành chính",
    "tiếp công dân, giải quyết khiếu nại, tố cáo", "thi đua, khen thưởng",
    "quản lý vật liệu xây dựng", "chỉnh trang đô thị", "cấp nước sạch nông thôn",
]  # fmt: skip
PLACES = [
    "trên địa bàn tỉnh", "tại thành phố Mỹ Tho", "tại thị xã Gò Công", "tại huyện Cái Bè",
    "tại huyện Châu Thành", "tại huyện Chợ Gạo", "tại huyện Tân Phước", "tại thị xã Cai Lậy",
    "tại huyện Gò Công Đông", "tại huyện Tân Phú Đông", "",
]  # fmt: skip
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Minh", "Hữu", "Thanh", "Ngọc", "Quốc", "Đức", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hòa", "Hùng", "Lan", "Mai", "Nam",
         "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Tuấn", "Vân", "Xuân", "Yến"]  # fmt: skip
POSITIONS = ["Giám đốc", "Phó Giám đốc", "Chủ tịch", "Phó Chủ tịch", "Chánh Văn phòng"]
OUTSIDE_ORGANS = [
    ("000.00.00.H30", "Ủy ban nhân dân tỉnh Hậu Giang"),
    ("000.00.00.H45", "Ủy ban nhân dân tỉnh Long An"),
    ("000.00.00.H49", "Ủy ban nhân dân tỉnh Quảng Ninh"),
    ("000.00.00.G13", "Bộ Xây dựng"),
]
TYPES = [t for t in DOCUMENT_TYPES if not t.is_copy]


class Command(BaseCommand):
    help = "Generate COUNT realistic documents quickly (benchmarks). Refuses with DEBUG off."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="documents to add")
        parser.add_argument(
            "--until",
            action="store_true",
            help="treat COUNT as the total wanted: add only what is missing",
        )
        parser.add_argument("--years", default="2024-2026", help="e.g. 2025-2026")
        parser.add_argument("--batch", type=int, default=10000)
        parser.add_argument("--seed", type=int, default=58)
        parser.add_argument("--allow-production", action="store_true")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError("Refusing to generate documents while DEBUG is off.")
        count = options["count"]
        if options["until"]:
            count = max(0, count - Document.objects.count())
        if count <= 0:
            self.stdout.write("nothing to generate")
            return
        agencies = list(Agency.objects.filter(is_active=True).order_by("pk"))
        if not agencies:
            raise CommandError("No agencies: run load_demo first.")
        first, _dash, last = options["years"].partition("-")
        years = list(range(int(first), int(last or first) + 1))
        existing = Document.objects.count()
        # A second run goes on from where the first stopped (new serials, other random draws).
        rng = random.Random(options["seed"] + existing)  # noqa: S311
        generator = _Generator(agencies, years, rng, start=existing)
        postgres = connection.vendor == "postgresql"
        rebuild = postgres and count >= 50000
        progress = tqdm(total=count, unit="doc", disable=options["no_progress"])
        if rebuild:
            with connection.cursor() as cursor:
                cursor.execute("DROP INDEX IF EXISTS document_search_gin")
        try:
            remaining = count
            while remaining:
                size = min(options["batch"], remaining)
                with transaction.atomic():
                    documents = [generator.document() for _ in range(size)]
                    if postgres:
                        _copy(documents)
                    else:
                        created = Document.objects.bulk_create(documents)
                        index_on_sqlite([(d.pk, d.search_text) for d in created])
                    generator.save_registers()
                remaining -= size
                progress.update(size)
        finally:
            progress.close()
            if rebuild:
                self.stdout.write("building the search index …")
                with connection.cursor() as cursor:
                    cursor.execute(
                        "CREATE INDEX IF NOT EXISTS document_search_gin "
                        "ON documents_document USING gin (search_vector)"
                    )
        if postgres:
            # Fresh statistics, so the planner knows how common each searched word is.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE documents_document")
        self.stdout.write(f"generated {count} documents")


_FIELDS = [f for f in Document._meta.concrete_fields if not f.primary_key]


def _copy(documents: list[Document]) -> None:
    columns = ", ".join(connection.ops.quote_name(f.column or f.name) for f in _FIELDS)
    rows: Iterator[list[Any]] = (
        [f.get_db_prep_save(getattr(doc, f.attname), connection) for f in _FIELDS]
        for doc in documents
    )
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY documents_document ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


class _Generator:
    def __init__(
        self, agencies: list[Agency], years: list[int], rng: random.Random, start: int = 0
    ) -> None:
        self.agencies = agencies
        self.years = years
        self.rng = rng
        self.registers: dict[tuple[int, int, str], Register] = {}
        self.dirty: set[tuple[int, int, str]] = set()
        self.serial = start
        self.units: dict[int, list[Any]] = defaultdict(list)
        for agency in agencies:
            self.units[agency.pk] = list(agency.units.all())

    def register(self, agency: Agency, year: int, kind: str) -> Register:
        key = (agency.pk, year, kind)
        if key not in self.registers:
            register, _created = Register.objects.get_or_create(agency=agency, year=year, kind=kind)
            self.registers[key] = register
        self.dirty.add(key)
        return self.registers[key]

    def save_registers(self) -> None:
        for key in self.dirty:
            register = self.registers[key]
            Register.objects.filter(pk=register.pk).update(last_number=register.last_number)
        self.dirty.clear()

    def _date(self) -> dt.date:
        year = self.rng.choice(self.years)
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))

    def _name(self) -> str:
        pick = self.rng.choice
        return f"{pick(SURNAMES)} {pick(MIDDLE)} {pick(GIVEN)}"

    def _subject(self, type_name: str, year: int) -> str:
        pick = self.rng.choice
        place = pick(PLACES)
        return " ".join(
            part for part in [type_name, "về việc", pick(VERBS), pick(TOPICS), place, f"năm {year}"]
            if part
        )  # fmt: skip

    def _moment(self, day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, self.rng.randrange(60)), tzinfo=VIETNAM)

    def document(self) -> Document:
        self.serial += 1
        agency = self.rng.choice(self.agencies)
        doc_type = self.rng.choice(TYPES)
        issued = self._date()
        now = timezone.now()
        fields: dict[str, Any] = {
            "agency": agency,
            "doc_type": doc_type.key,
            "type_name": doc_type.name,
            "subject": self._subject(doc_type.name, issued.year),
            "content": "",
            "issued_date": issued,
            "signer_full_name": self._name(),
            "signer_position": self.rng.choice(POSITIONS),
            "priority": self.rng.choice([0, 0, 0, 0, 1, 2]),
            "page_amount": self.rng.randint(1, 12),
            "created_at": now,
            "updated_at": now,
        }
        if self.serial % 2:
            unit = self.rng.choice(self.units[agency.pk]) if self.units[agency.pk] else None
            register = self.register(agency, issued.year, RegisterKind.OUTGOING)
            register.last_number += 1
            number = code_number(register.last_number)
            notation = code_notation(doc_type, agency.short_name, unit.code if unit else None)
            signed_at = self._moment(issued, 9)
            doc = Document(
                direction=Direction.OUTGOING,
                status=Status.SENT,
                register=register,
                register_number=register.last_number,
                code_number=number,
                code_notation=notation[:30],
                organ_id=agency.organ_code,
                organ_name=agency.name[:200],
                drafting_unit=unit,
                edxml_document_id=edxml_document_id(agency.organ_code, issued, number, notation),
                signed_at=signed_at,
                issued_at=signed_at,
                sent_at=self._moment(issued, 10),
                is_digitally_signed=self.rng.random() < 0.8,
                issued_amount=self.rng.randint(1, 10),
                archive_copies=f"VT, {unit.code}" if unit else "VT",
                **fields,
            )
        else:
            organ_id, organ_name = self.rng.choice(OUTSIDE_ORGANS)
            arrival = issued + dt.timedelta(days=self.rng.randint(0, 4))
            register = self.register(agency, arrival.year, RegisterKind.INCOMING)
            register.last_number += 1
            number, notation = str(self.serial), f"{doc_type.abbreviation or 'UBND'}-UBND"
            arrived_at = self._moment(arrival, 8)
            completed = self.rng.random() < 0.85
            doc = Document(
                direction=Direction.INCOMING,
                status=Status.COMPLETED if completed else Status.REGISTERED,
                register=register,
                register_number=register.last_number,
                code_number=number[:11],
                code_notation=notation,
                organ_id=organ_id,
                organ_name=organ_name,
                edxml_document_id=edxml_document_id(organ_id, issued, number, notation),
                arrival_date=arrival,
                arrived_at=arrived_at,
                channel=Channel.ELECTRONIC if self.rng.random() < 0.7 else Channel.PAPER,
                due_date=arrival + dt.timedelta(days=14),
                completed_at=(
                    arrived_at + dt.timedelta(hours=self.rng.randint(4, 24 * 20))
                    if completed
                    else None
                ),
                **fields,
            )
        doc.search_text = build_search_text(doc)
        return doc
