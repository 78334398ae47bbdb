"""The registers print (PDF) and export (XLSX) with the Decree's columns, in Vietnamese."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from egov.documents import actions
from egov.documents.models import RegisterKind, Status
from egov.documents.registers import (
    HEADER_ROWS,
    INCOMING_COLUMNS,
    OUTGOING_COLUMNS,
    export_pdf,
    export_xlsx,
)
from egov.documents.selectors import register_documents
from egov.documents.tests.factories import incoming_in, outgoing_in
from egov.lib.workdays import VIETNAM

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(world):  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 2, 27, 9, 0, tzinfo=VIETNAM), tick=False):
        before = outgoing_in(world, Status.SENT, subject="Báo cáo tháng Hai")
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=VIETNAM), tick=False):
        plan = outgoing_in(
            world,
            Status.SENT,
            subject="Kế hoạch kiểm tra trật tự xây dựng năm 2026",
            to_places=["Lưu: VT, QLXD"],
            issued_amount=4,
        )
        arrived = incoming_in(world, Status.ASSIGNED, subject="Về việc đôn đốc giải ngân vốn")
    return {"before": before, "plan": plan, "incoming": arrived}


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _march(world, kind: str):  # type: ignore[no-untyped-def]
    return list(
        register_documents(world.construction.pk, kind, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    )


def test_the_outgoing_register_prints_in_vietnamese_with_its_entries(world, entries) -> None:  # type: ignore[no-untyped-def]
    documents = _march(world, RegisterKind.OUTGOING)
    assert documents == [entries["plan"]]
    text = _pdf_text(
        export_pdf(
            world.construction,
            RegisterKind.OUTGOING,
            dt.date(2026, 3, 1),
            dt.date(2026, 3, 31),
            documents,
        )
    )
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text
    assert "SỞ XÂY DỰNG TỈNH TIỀN GIANG" in text
    assert "Từ ngày 01/03/2026 đến ngày 31/03/2026" in text
    for heading in ["Số, ký hiệu văn bản", "Người ký", "Nơi nhận văn bản", "Ghi chú"]:
        assert heading in text
    assert "02/KH-SXD" in text
    assert "Kế hoạch: Kế hoạch kiểm tra trật tự xây dựng năm 2026" in text
    assert "Sở Tư pháp tỉnh Tiền Giang" in text
    assert "05/03/2026" in text
    assert "Báo cáo tháng Hai" not in text


def test_the_incoming_register_exports_to_excel(world, entries) -> None:  # type: ignore[no-untyped-def]
    documents = _march(world, RegisterKind.INCOMING)
    data = export_xlsx(
        world.construction,
        RegisterKind.INCOMING,
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 31),
        documents,
    )
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1][0] == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
    assert rows[HEADER_ROWS - 2] == [c.heading for c in INCOMING_COLUMNS]
    assert rows[HEADER_ROWS - 1][:3] == ["(1)", "(2)", "(3)"]
    [entry] = rows[HEADER_ROWS:]
    assert entry[0] == "05/03/2026"  # arrival date
    assert entry[1] == "1"  # arrival number
    assert entry[2] == "Ủy ban nhân dân tỉnh Tiền Giang"  # author
    assert entry[3] == "1234/UBND-KT"
    assert entry[5] == "Công văn: Về việc đôn đốc giải ngân vốn"
    assert entry[6] == "Phòng Quản lý xây dựng – Phạm Văn Dũng"
    assert entry[7] == "05/03/2026"  # passed on


def test_the_outgoing_excel_has_the_ten_columns_of_the_decree(world, entries) -> None:  # type: ignore[no-untyped-def]
    documents = _march(world, RegisterKind.OUTGOING)
    data = export_xlsx(
        world.construction,
        RegisterKind.OUTGOING,
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 31),
        documents,
    )
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(data)).active.iter_rows()]
    assert len(OUTGOING_COLUMNS) == 10
    [entry] = rows[HEADER_ROWS:]
    assert entry[0] == "02/KH-SXD"
    assert entry[3] == "Giám đốc Võ Thị Giang"
    assert entry[4] == "Sở Tư pháp tỉnh Tiền Giang; Lưu: VT, QLXD"
    assert entry[5] == "VT, QLXD"
    assert entry[6] == "4"


def test_a_revoked_document_is_noted_in_the_register(world, entries) -> None:  # type: ignore[no-untyped-def]
    actions.revoke_document(acting_user=world.leader, document=entries["plan"], reason="Sai sót")
    documents = _march(world, RegisterKind.OUTGOING)
    data = export_xlsx(
        world.construction,
        RegisterKind.OUTGOING,
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 31),
        documents,
    )
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(data)).active.iter_rows()]
    assert rows[HEADER_ROWS][9] == "Đã thu hồi"


def test_an_empty_period_prints_a_register_saying_so(world) -> None:  # type: ignore[no-untyped-def]
    text = _pdf_text(
        export_pdf(
            world.construction, RegisterKind.INCOMING, dt.date(2026, 1, 1), dt.date(2026, 1, 31), []
        )
    )
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text
    assert "Không có văn bản nào trong thời gian này." in text


def test_a_long_register_runs_over_several_pages_with_the_header_repeated(world) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=VIETNAM), tick=False):
        for n in range(40):
            incoming_in(
                world, Status.REGISTERED, code_number=str(100 + n), subject=f"Văn bản đến số {n}"
            )
    documents = _march(world, RegisterKind.INCOMING)
    reader = PdfReader(
        io.BytesIO(
            export_pdf(
                world.construction,
                RegisterKind.INCOMING,
                dt.date(2026, 3, 1),
                dt.date(2026, 3, 31),
                documents,
            )
        )
    )
    assert len(reader.pages) > 1
    assert all("Ngày đến" in page.extract_text() for page in reader.pages)
    assert "Trang 2" in reader.pages[1].extract_text()
