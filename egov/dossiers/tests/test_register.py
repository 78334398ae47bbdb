"""Form 06, the register of dossiers of a receiving unit for a period: PDF (A4 landscape) and
XLSX, on the web and over the API; only for the unit's clerks, head and its agency's leaders."""

from __future__ import annotations

import io
from typing import Any

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from egov.dossiers import actions
from egov.dossiers.tests.factories import local, make_permit, register, walk_in
from egov.org.models import Membership, Role

pytestmark = pytest.mark.django_db

MM = 72 / 25.4
URL = "/api/v1/dossiers/register"


@pytest.fixture
def week(world: Any) -> dict[str, Any]:
    """Three dossiers at the centre's desk in the week of 2 March 2026 and one the week after."""
    permit = make_permit(world)
    made: dict[str, Any] = {}
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False) as traveller:
        made["an"] = actions.accept_dossier(
            acting_user=world.clerk, dossier=register(world, permit)
        )
        traveller.move_to(local(2026, 3, 2, 16, 30))
        made["binh"] = register(
            world, permit, applicant=walk_in(name="Trần Thị Bình", personal_id="082195004321")
        )
        traveller.move_to(local(2026, 3, 6, 10, 0))
        made["cuong"] = actions.refuse_dossier(
            acting_user=world.clerk,
            dossier=register(world, permit, applicant=walk_in(name="Lý Văn Cường")),
            reason="Sai thẩm quyền",
        )
        traveller.move_to(local(2026, 3, 9, 8, 0))
        made["later"] = register(world, permit, applicant=walk_in(name="Ngô Thị Dung"))
    return made


def test_the_clerk_gets_the_register_of_the_week_as_xlsx(
    world: Any, week: dict[str, Any], api: Any
) -> None:
    response = api.login(world.clerk).get(
        URL, unit=world.desk.pk, **{"from": "2026-03-02", "to": "2026-03-08"}, format="xlsx"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "SỔ THEO DÕI HỒ SƠ"
    header = rows.index(
        [
            "STT",
            "Mã hồ sơ",
            "Người nộp",
            "Thủ tục",
            "Ngày nhận",
            "Hẹn trả",
            "Ngày trả",
            "Tình trạng",
        ]
    )
    body = rows[header + 1 :]
    assert [row[1] for row in body] == [week["an"].code, week["binh"].code, week["cuong"].code]
    assert [row[0] for row in body] == [1, 2, 3]
    an, binh, cuong = body
    assert an[2] == "Nguyễn Văn An"
    assert an[3] == "Cấp giấy phép xây dựng công trình"
    assert an[4] == "02/03/2026"
    due = week["an"].due_on
    assert an[5] == f"{due.day:02d}/{due.month:02d}/{due.year}"
    assert an[7] == "Đang xử lý"
    assert binh[2] == "Trần Thị Bình"
    assert binh[4] == "02/03/2026"
    assert cuong[4] == "06/03/2026"
    assert cuong[7] == "Từ chối tiếp nhận"
    assert "Ngô Thị Dung" not in str(rows)


def test_the_register_pdf_is_an_a4_landscape_table_in_vietnamese(
    world: Any, week: dict[str, Any], api: Any
) -> None:
    response = api.login(world.clerk).get(
        URL, unit=world.desk.pk, **{"from": "2026-03-02", "to": "2026-03-08"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(297 * MM, abs=0.5)
    assert float(box.height) == pytest.approx(210 * MM, abs=0.5)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "SỔ THEO DÕI HỒ SƠ",
        "Từ ngày 02/03/2026 đến ngày 08/03/2026",
        week["an"].code,
        week["binh"].code,
        week["cuong"].code,
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lý Văn Cường",
    ):
        assert expected in text, expected
    assert week["later"].code not in text


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-03-02", "to": "2026-03-08"}, "unit"),
        ({"unit": "x", "from": "2026-03-02", "to": "2026-03-08"}, "unit"),
        ({"unit": 0, "to": "2026-03-08"}, "from"),
        ({"unit": 0, "from": "2-3-2026", "to": "2026-03-08"}, "from"),
        ({"unit": 0, "from": "2026-03-09", "to": "2026-03-08"}, "to"),
        ({"unit": 0, "from": "2025-01-01", "to": "2026-03-08"}, "to"),
        ({"unit": 0, "from": "2026-03-02", "to": "2026-03-08", "format": "doc"}, "format"),
    ],
)
def test_bad_parameters_get_422_naming_the_parameter(
    world: Any, api: Any, params: dict[str, Any], field: str
) -> None:
    if params.get("unit") == 0:
        params = {**params, "unit": world.desk.pk}
    response = api.login(world.clerk).get(URL, **params)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert field in {error["field"] for error in response.json()["errors"]}


def test_a_unit_the_user_does_not_belong_to_gets_404(world: Any, api: Any) -> None:
    period = {"from": "2026-03-02", "to": "2026-03-08"}
    for user in (world.specialist, world.outsider, world.citizen, world.leader):
        response = api.login(user).get(URL, unit=world.desk.pk, **period)
        assert response.status_code == 404, user
    assert api.login(world.clerk).get(URL, unit=world.desk.pk + 999, **period).status_code == 404


def test_the_leader_of_the_agency_opens_the_register_of_its_desk(
    world: Any, week: dict[str, Any], api: Any
) -> None:
    Membership.objects.create(user=world.leader, agency=world.centre, role=Role.LEADER)
    response = api.login(world.leader).get(
        URL, unit=world.desk.pk, **{"from": "2026-03-02", "to": "2026-03-02"}, format="xlsx"
    )
    assert response.status_code == 200
    codes = [
        row[1]
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(
            min_row=5, values_only=True
        )
    ]
    assert codes == [week["an"].code, week["binh"].code]


def test_the_register_page_shows_the_period_and_downloads_it(
    world: Any, week: dict[str, Any], client: Client
) -> None:
    client.force_login(world.clerk)
    query = {"unit": world.desk.pk, "start": "2026-03-02", "end": "2026-03-08"}
    page = client.get("/dossiers/register/", query)
    assert page.status_code == 200
    html = page.content.decode()
    for key in ("an", "binh", "cuong"):
        assert week[key].code in html
    assert week["later"].code not in html

    xlsx = client.get("/dossiers/register/", {**query, "format": "xlsx"})
    assert xlsx.status_code == 200
    assert "attachment" in xlsx["Content-Disposition"]
    pdf = client.get("/dossiers/register/", {**query, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"

    wrong = client.get("/dossiers/register/", {**query, "start": "2026-03-09"})
    assert wrong.status_code == 200
    assert week["an"].code not in wrong.content.decode()

    client.force_login(world.specialist)
    assert client.get("/dossiers/register/").status_code == 404
    client.force_login(world.clerk)
    other_unit = client.get("/dossiers/register/", {**query, "unit": world.justice_unit.pk})
    assert week["an"].code not in other_unit.content.decode()
