"""The leader signs a document on a 360 px phone, in Debian's chromium; the pages pass axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from egov.documents.models import Document, Status
from egov.testing.browser import accessibility_violations
from egov.testing.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập, e-mail hoặc số điện thoại").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/ws/")


def _fits_the_screen(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _serious_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    return accessibility_violations(page)


def test_the_leader_signs_from_the_workspace_on_a_phone(live_server, page, calendar) -> None:  # type: ignore[no-untyped-def]
    from egov.documents.tests.factories import outgoing_in
    from egov.testing.world import build_world

    world = build_world()
    doc = outgoing_in(world, Status.APPROVED, subject="Quyết định phê duyệt quy hoạch chi tiết")
    _log_in(page, live_server, "giang")
    panel = page.get_by_role("region", name="Văn bản chờ tôi xử lý")
    panel.get_by_role("link", name="Quyết định phê duyệt quy hoạch chi tiết", exact=False).click()
    page.wait_for_url(f"**/documents/{doc.pk}/")
    assert _fits_the_screen(page)
    assert _serious_violations(page) == []
    sign = page.locator("form[action$='/actions/sign/']")
    sign.get_by_label("Thẩm quyền ký").select_option("KT.")
    sign.get_by_label("Ký thay cho (chức danh người đứng đầu hoặc tên tập thể)").fill("Giám đốc")
    sign.get_by_label("Chức vụ của anh/chị").fill("Phó Giám đốc")
    sign.get_by_role("button", name="Ký").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Đã ký, chờ ban hành").first).to_be_visible()
    assert "KT. GIÁM ĐỐC" in page.content()
    assert Document.objects.get(pk=doc.pk).status == Status.SIGNED
    # Only the clerk's step remains, and the leader is offered none.
    assert page.locator("form[action$='/actions/issue/']").count() == 0


def test_the_search_and_register_pages_fit_a_phone(live_server, page, calendar) -> None:  # type: ignore[no-untyped-def]
    from egov.documents.tests.factories import outgoing_in
    from egov.testing.world import build_world

    world = build_world()
    outgoing_in(world, Status.SENT, subject="Kế hoạch kiểm tra trật tự xây dựng đô thị")
    _log_in(page, live_server, "hoa")
    page.goto(live_server.url + "/documents/")
    page.get_by_role("searchbox", name="Tìm kiếm").fill("trat tu xay dung")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.wait_for_load_state()
    expect(
        page.get_by_role("link", name="Kế hoạch kiểm tra trật tự xây dựng đô thị", exact=False)
    ).to_be_visible()
    assert _fits_the_screen(page)
    assert _serious_violations(page) == []
    page.goto(live_server.url + "/documents/registers/")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="In sổ (PDF)")).to_be_visible()
    assert _fits_the_screen(page)
    assert _serious_violations(page) == []
