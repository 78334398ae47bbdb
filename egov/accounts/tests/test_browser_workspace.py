"""A clerk logs in with Debian's chromium, sees the workspace, switches to English and back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from egov.testing.browser import accessibility_violations
from egov.testing.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_logs_in_sees_the_workspace_and_switches_language(
    live_server, page, calendar
) -> None:  # type: ignore[no-untyped-def]
    from egov.testing.world import build_world

    build_world()
    page.goto(live_server.url + "/")
    assert accessibility_violations(page) == []
    page.get_by_role("link", name="Đăng nhập").first.click()
    assert accessibility_violations(page) == []
    page.get_by_label("Tên đăng nhập, e-mail hoặc số điện thoại").fill("cuc")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/ws/")
    expect(page.get_by_role("heading", name="Bàn làm việc", level=1)).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "vi"
    assert "Cán bộ một cửa" in page.content()
    assert accessibility_violations(page) == []

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Workspace", level=1)).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "One-stop clerk" in page.content()

    page.get_by_role("button", name="Tiếng Việt").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Bàn làm việc", level=1)).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "vi"
