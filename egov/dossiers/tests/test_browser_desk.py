"""In Debian's chromium at 360 px: a clerk receives a walk-in applicant at the desk (finds the
procedure without diacritics, enters the applicant, ticks and scans the documents, accepts and
opens form 01); then the specialist completes the processing step from the workspace. The
pages pass axe's accessibility rules and do not scroll sideways."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from egov.dossiers.models import Dossier
from egov.dossiers.tests.factories import PDF, make_permit
from egov.testing.browser import accessibility_violations
from egov.testing.world import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Tên đăng nhập, e-mail hoặc số điện thoại").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/ws/")


def _log_out(page: Any) -> None:
    page.get_by_role("button", name=re.compile("^Đăng xuất")).click()
    page.wait_for_url("**/")


def _check_page(page: Any) -> None:
    """No serious accessibility violation, and nothing wider than the phone."""
    assert accessibility_violations(page) == [], page.url
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_walk_in_dossier_is_received_accepted_and_processed(
    live_server: Any, page: Any, calendar: None
) -> None:
    world = build_world()
    permit = make_permit(world)
    base = live_server.url

    _log_in(page, base, "cuc")
    page.get_by_role("link", name="Tiếp nhận hồ sơ tại quầy").click()
    page.get_by_label("Tìm thủ tục (tên hoặc mã, có dấu hoặc không dấu)").fill("giay phep xay dung")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.get_by_role("link", name=re.compile("^Tiếp nhận hồ sơ thủ tục này")).first.click()

    page.get_by_label("Họ tên hoặc tên doanh nghiệp").fill("Võ Văn Tám")
    page.get_by_label("Số định danh cá nhân (12 chữ số)").fill("082080003333")
    page.get_by_label("Địa chỉ", exact=True).fill("10 Nguyễn Huệ, Phường 1, TP. Mỹ Tho")
    page.get_by_label("Điện thoại").fill("0903000333")
    for document in permit.documents.filter(mandatory=True):
        page.locator(f"#id_doc_{document.pk}").check()
        page.locator(f"#id_file_{document.pk}").set_input_files(
            {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
    _check_page(page)
    page.get_by_role("button", name="Đăng ký hồ sơ").click()

    page.wait_for_url(re.compile(r"/dossiers/000\.01\.01\.H58-\d{6}-0001/$"))
    expect(page.get_by_text("Đã nộp đủ các thành phần hồ sơ bắt buộc.")).to_be_visible()
    _check_page(page)
    page.locator("details:has(form[action$='/actions/accept/']) > summary").click()
    page.locator("form[action$='/actions/accept/'] button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Tiếp nhận: đã thực hiện.")).to_be_visible()
    expect(page.get_by_text("Đang xử lý").first).to_be_visible()

    page.get_by_role("link", name="Mẫu 01").click()
    expect(
        page.get_by_role("heading", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    ).to_be_visible()
    dossier = Dossier.objects.get()
    assert dossier.due_on is not None
    expect(page.get_by_text(dossier.due_on.strftime("%d/%m/%Y"), exact=True)).to_be_visible()
    _log_out(page)

    _log_in(page, base, "dung")
    page.get_by_role("link", name="Hồ sơ cần tôi xử lý").first.click()
    _check_page(page)
    page.get_by_role("link", name=dossier.code).click()
    page.locator("details:has(form[action$='/actions/complete_step/']) > summary").click()
    form = page.locator("form[action$='/actions/complete_step/']")
    form.get_by_label("Ghi chú").fill("Hồ sơ đủ điều kiện.")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Hoàn thành bước: đã thực hiện.")).to_be_visible()
    _check_page(page)

    dossier.refresh_from_db()
    steps = list(dossier.steps.order_by("order").values_list("name", "status"))
    assert steps[:3] == [
        ("Tiếp nhận", "completed"),
        ("Thẩm định", "completed"),
        ("Phê duyệt", "open"),
    ]
