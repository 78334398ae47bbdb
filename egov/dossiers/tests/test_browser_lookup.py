"""In Debian's chromium at 360 px: anyone looks a dossier up by its code (as the QR code on form
01 leads them to), and the citizen, once the result is returned, rates the service. Every page
passes axe (no serious or critical violation) and nothing scrolls sideways."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from egov.dossiers import actions
from egov.dossiers.models import DossierRating
from egov.dossiers.tests.factories import dossier_in, make_permit
from egov.testing.browser import accessibility_violations
from egov.testing.world import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(page: Any) -> None:
    assert accessibility_violations(page) == [], page.url
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_citizen_looks_up_a_dossier_and_rates_it_after_return(
    live_server: Any, page: Any, calendar: None
) -> None:
    world = build_world()
    dossier = dossier_in("result_ready", world, make_permit(world))
    site = live_server.url

    # Anyone, not logged in, types the code (lower case, spaces around: forgiven).
    page.goto(site + "/lookup/")
    _check(page)
    page.get_by_label("Mã hồ sơ").fill(f"  {dossier.code.lower()} ")
    page.get_by_role("button", name="Tra cứu").click()
    page.wait_for_url(f"**/lookup/{dossier.code}/")
    expect(page.get_by_text("Có kết quả, chờ trả")).to_be_visible()
    expect(page.get_by_text("N. V. An")).to_be_visible()
    expect(page.get_by_text("Nguyễn Văn An")).to_have_count(0)
    _check(page)

    # A code that does not exist.
    page.get_by_label("Mã hồ sơ").fill(dossier.code[:-4] + "9999")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("alert")).to_contain_text("Không có hồ sơ nào mang mã")
    _check(page)

    # The desk returns the result; the public page shows the date.
    actions.return_result(acting_user=world.clerk, dossier=dossier.code)
    page.goto(f"{site}/lookup/{dossier.code}/")
    expect(page.get_by_text("Đã trả kết quả")).to_be_visible()

    # The citizen logs in, opens the dossier and rates the service.
    page.goto(site + "/accounts/login/")
    page.get_by_label("Tên đăng nhập, e-mail hoặc số điện thoại").fill("an")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{site}/my/dossiers/{dossier.code}/")
    page.get_by_role("link", name="Đánh giá dịch vụ").click()
    page.wait_for_url(f"**/dossiers/{dossier.code}/rating/")
    _check(page)
    # Sending with a question unanswered names it next to the question.
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.locator("#id_time_taken_error")).to_be_visible()
    _check(page)
    page.get_by_role("group", name=re.compile("Thời gian giải quyết")).get_by_label(
        "Sớm hơn ngày hẹn trả (2)"
    ).check()
    for question, answer in [
        ("Số cơ quan, đơn vị phải liên hệ", "Chỉ bộ phận một cửa (2)"),
        ("Số lần phải liên hệ", "Không lần nào (2)"),
        ("Tính chính xác của thông tin", "Chính xác, đầy đủ (2)"),
        ("Thái độ của cán bộ", "Lịch sự, tận tình (2)"),
        ("Tính đúng quy định", "Còn băn khoăn về kết quả hoặc chi phí (1)"),
        ("Việc tiếp nhận, xử lý phản ánh", "Tôi không có phản ánh, kiến nghị"),
    ]:
        page.get_by_role("group", name=re.compile(question)).get_by_label(answer).check()
    page.get_by_label("Ý kiến khác (không bắt buộc)").fill("Cán bộ hướng dẫn tận tình.")
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_url(f"**/my/dossiers/{dossier.code}/#rating")
    expect(page.get_by_text("Cảm ơn bạn đã đánh giá dịch vụ này.")).to_be_visible()
    expect(page.locator("#rating")).to_contain_text("Cán bộ hướng dẫn tận tình.")
    _check(page)
    rating = DossierRating.objects.get(dossier=dossier)
    assert (rating.time_taken, rating.lawfulness, rating.complaint_handling) == (2, 1, None)
