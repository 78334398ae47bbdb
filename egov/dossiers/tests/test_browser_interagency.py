"""The "done when" path of the one-stop desk in Debian's chromium, on the demo catalog's
inter-agency bundle (birth registration + permanent residence + health-insurance card for a
child under 6, procedure 1.012628): the desk of Phường 1 registers and accepts a walk-in
dossier and prints form 01; the civil-status officer asks for a supplement (form 02) which the
citizen hands in from home; birth registration and signing at the ward, then the ward police
(lead) and the city's social insurance in parallel; the residence check runs late, so the ward's
leader apologises and reschedules (form 04), and the dossier still ends late; the result is
recorded and returned at the desk (form 05).

Time is frozen on the server (time-machine, ticking) and moved between the phases; session and
CSRF cookies are browser-session cookies so the browser's own clock does not expire them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect
from pypdf import PdfReader

from egov.demo.base import DEMO_PASSWORD
from egov.dossiers.models import Dossier, DossierForm
from egov.dossiers.tests.demo_catalog import BUNDLE, load_demo_catalog
from egov.dossiers.tests.factories import PDF, local
from egov.procedures.models import Procedure
from egov.workdays.selectors import get_calendar

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

START = local(2026, 3, 2, 9, 0)  # Monday


def log_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Tên đăng nhập, e-mail hoặc số điện thoại").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()
    assert "/accounts/login/" not in page.url


def act(page: Any, action: str, *, fill: dict[str, str] | None = None, label: str = "") -> None:
    """Open the action's panel on the dossier page, fill it, submit, wait for the result
    ("<action>: đã thực hiện." on the page the action redirects to)."""
    panel = f"details:has(form[action$='/actions/{action}/'])"
    if page.locator(panel).get_attribute("open") is None:  # the only action is open already
        page.locator(f"{panel} > summary").click()
    form = page.locator(f"form[action$='/actions/{action}/']")
    for name, value in (fill or {}).items():
        form.locator(f"[name={name}]").fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.get_by_text(re.compile(f"^{re.escape(label)}.*: đã thực hiện\\.$"))).to_be_visible()


def check_the_forms(page: Any, base: str, dossier: Dossier) -> None:
    """Forms 01, 02, 04 and 05 were issued, each offered as a PDF on the dossier page; the
    control slip shows the late residence step."""
    numbers = list(
        DossierForm.objects.filter(dossier=dossier).order_by("id").values_list("number", flat=True)
    )
    assert numbers == ["01", "02", "04", "05"]
    for form_id in DossierForm.objects.filter(dossier=dossier).values_list("id", flat=True):
        expect(
            page.locator(f"a[href='/dossiers/{dossier.code}/forms/{form_id}.pdf']").first
        ).to_be_attached()
    slip = DossierForm.objects.get(dossier=dossier, number="05")
    response = page.request.get(f"{base}/dossiers/{dossier.code}/forms/{slip.pk}.pdf")
    assert response.status == 200
    slip_text = " ".join(
        " ".join((p.extract_text() or "").split())
        for p in PdfReader(io.BytesIO(response.body())).pages
    )
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in slip_text
    assert "Đăng ký thường trú cho trẻ" in slip_text
    assert "Quá hạn" in slip_text


def dmy(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def test_an_inter_agency_dossier_from_the_desk_to_its_late_return(
    live_server: Any, page: Any, calendar: None, settings: Any
) -> None:
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.SESSION_COOKIE_AGE = 60 * 24 * 3600
    settings.CSRF_COOKIE_AGE = None
    settings.SITE_URL = live_server.url
    load_demo_catalog()
    bundle = Procedure.objects.get(code=BUNDLE)
    base = live_server.url
    work = get_calendar()

    with time_machine.travel(START, tick=True) as traveller:
        # 1. The desk of Phường 1 receives the father at 9:00 on Monday.
        log_in(page, base, "motcua.p1")
        page.get_by_role("link", name="Tiếp nhận hồ sơ tại quầy").first.click()
        page.get_by_label("Tìm thủ tục (tên hoặc mã, có dấu hoặc không dấu)").fill(
            "lien thong khai sinh thuong tru bao hiem y te"
        )
        page.get_by_role("button", name="Tìm kiếm").click()
        expect(page.get_by_text(bundle.name).first).to_be_visible()
        page.goto(f"{base}/dossiers/desk/{BUNDLE}/")
        page.get_by_label("Họ tên hoặc tên doanh nghiệp").fill("Nguyễn Văn An")
        page.get_by_label("Số định danh cá nhân (12 chữ số)").fill("082090001234")
        page.get_by_label("Địa chỉ", exact=True).fill("12 Ấp Bắc, Phường 4, TP. Mỹ Tho")
        page.get_by_label("Điện thoại").fill("0901234567")
        for document in bundle.documents.filter(mandatory=True):
            page.locator(f"#id_doc_{document.pk}").check()
            page.locator(f"#id_file_{document.pk}").set_input_files(
                {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": PDF}
            )
        with page.expect_navigation():
            page.get_by_role("button", name="Đăng ký hồ sơ").click()
        page.wait_for_url(re.compile(r"/dossiers/[0-9A-Z.]+-260302-\d{4}/$"))
        dossier = Dossier.objects.get()
        act(page, "accept", label="Tiếp nhận")

        # Form 01 from the "print" button: the PDF names the dossier and the appointment.
        appointment = work.due_date(START, bundle.processing_days)
        with page.expect_download() as download:
            page.get_by_role("link", name="In giấy tiếp nhận và hẹn trả kết quả (PDF)").click()
        receipt = download.value
        text = " ".join((p.extract_text() or "") for p in PdfReader(receipt.path()).pages)
        text = " ".join(text.split())
        assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
        assert dossier.code in text
        assert "Nguyễn Văn An" in text
        assert f"ngày {dmy(appointment)}" in text
        assert f"{base}/lookup/{dossier.code}/" in text

        # 2. The civil-status officer (the same person) asks for one more paper: form 02.
        act(
            page,
            "request_supplement",
            fill={
                "other_items": "Bản sao Giấy chứng nhận kết hôn của cha mẹ",
                "reason": "Cần để ghi thông tin người cha.",
            },
            label="Yêu cầu bổ sung",
        )

        # 3. The citizen hands it in online an hour later; the count restarts from zero.
        traveller.move_to(local(2026, 3, 2, 10, 0))
        log_in(page, base, "congdan")
        page.goto(f"{base}/dossiers/{dossier.code}/")
        expect(page.get_by_text("Bản sao Giấy chứng nhận kết hôn của cha mẹ").first).to_be_visible()
        page.locator("form[action$='/actions/submit_supplement/'] [name=file_0]").set_input_files(
            {"name": "ket-hon.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        act(
            page,
            "submit_supplement",
            fill={"name_0": "Bản sao Giấy chứng nhận kết hôn"},
            label="Nộp bổ sung",
        )
        due = work.due_date(local(2026, 3, 2, 10, 0), bundle.processing_days)
        dossier.refresh_from_db()
        assert dossier.due_on == due

        # 4. Birth registration and the chairwoman's signature at the ward, the same day.
        log_in(page, base, "motcua.p1")
        page.goto(f"{base}/dossiers/{dossier.code}/")
        act(page, "complete_step", fill={"note": "Đã đăng ký khai sinh."}, label="Hoàn thành bước")
        log_in(page, base, "lanhdao.p1")
        page.goto(f"{base}/dossiers/{dossier.code}/")
        act(page, "complete_step", label="Hoàn thành bước")
        open_steps = set(dossier.steps.filter(status="open").values_list("agency__name", flat=True))
        assert len(open_steps) == 2  # the ward police and the city's social insurance at once

        # 5. Social insurance issues the card on Wednesday.
        traveller.move_to(local(2026, 3, 4, 14, 0))
        log_in(page, base, "bhxh.mytho")
        page.goto(f"{base}/dossiers/{dossier.code}/")
        act(page, "complete_step", fill={"note": "Đã cấp thẻ BHYT."}, label="Hoàn thành bước")

        # 6. Thursday: the residence check is stuck; the ward's leader apologises (form 04).
        traveller.move_to(local(2026, 3, 5, 9, 0))
        new_date = work.add_working_days(due, 2)
        log_in(page, base, "lanhdao.p1")
        page.goto(f"{base}/dossiers/{dossier.code}/")
        act(
            page,
            "apologise_and_reschedule",
            fill={
                "reason": "Chờ xác minh chỗ ở hợp pháp để đăng ký thường trú.",
                "new_due_on": new_date.isoformat(),
            },
            label="Xin lỗi và hẹn lại",
        )
        expect(page.get_by_text(dmy(new_date)).first).to_be_visible()

        # 7. The police finish a day after even the new date: the dossier is late.
        late_day = work.add_working_days(new_date, 1)
        traveller.move_to(dt.datetime.combine(late_day, dt.time(9, 0), tzinfo=START.tzinfo))
        log_in(page, base, "congan.p1")
        page.goto(f"{base}/dossiers/{dossier.code}/")
        act(page, "complete_step", fill={"note": "Đã đăng ký thường trú."}, label="Hoàn thành bước")

        # 8. The desk records the three results and hands them over.
        log_in(page, base, "motcua.p1")
        page.goto(f"{base}/dossiers/{dossier.code}/")
        act(
            page,
            "record_result",
            fill={
                "number": "125/2026/TLKS",
                "summary": "Giấy khai sinh, xác nhận thường trú và thẻ BHYT của trẻ.",
            },
            label="Ghi nhận kết quả",
        )
        act(page, "return_result")
        check_the_forms(page, base, dossier)

        # 9. The citizen rates the service from their dossier page.
        log_in(page, base, "congdan")
        page.goto(f"{base}/my/dossiers/{dossier.code}/")
        page.locator("#rating").get_by_role("link", name="Đánh giá dịch vụ").click()
        page.wait_for_url(f"**/dossiers/{dossier.code}/rating/")
        for question, answer in [
            ("Thời gian giải quyết hồ sơ", "Muộn hơn ngày hẹn trả"),
            ("Số cơ quan, đơn vị phải liên hệ", "Chỉ bộ phận một cửa"),
            ("Số lần phải liên hệ", "Một lần"),
            ("Tính chính xác của thông tin", "Chính xác, đầy đủ"),
            ("Thái độ của cán bộ", "Lịch sự, tận tình"),
            ("Tính đúng quy định", "Kết quả đúng quy định"),
            ("Việc tiếp nhận, xử lý phản ánh", "Tôi không có phản ánh, kiến nghị"),
        ]:
            group = page.get_by_role("group", name=re.compile(question))
            group.get_by_label(answer).first.check()
        page.get_by_role("button", name="Gửi đánh giá").click()
        page.wait_for_url(f"**/my/dossiers/{dossier.code}/#rating")
        expect(page.get_by_text("Cảm ơn bạn đã đánh giá dịch vụ này.")).to_be_visible()

    dossier.refresh_from_db()
    assert dossier.status == "returned"
    assert dossier.timeliness == "late"
    assert dossier.due_on == new_date
    rating = dossier.rating
    assert (rating.time_taken, rating.desk_contacts, rating.complaint_handling) == (0, 1, None)
