"""A citizen pays a fee on a 360-pixel screen through the stand-in VNPay gateway (chromium)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from egov.testing.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _serious_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def test_a_citizen_pays_a_fee_and_downloads_the_receipt(
    live_server, page, world, vnpay_gateway, settings
) -> None:  # type: ignore[no-untyped-def]
    from egov.payments.actions import issue_fee_notice

    settings.SITE_URL = live_server.url
    # The IPN goes to the live server, but only when the test says so: on the test's in-memory
    # SQLite two writers at the same moment would clash (a file database just waits).
    vnpay_gateway.deliver_ipns(f"{live_server.url}/api/v1/payments/vnpay/ipn")
    vnpay_gateway.hold_ipns()
    notice = issue_fee_notice(
        acting_user=world.clerk,
        payer=world.citizen,
        agency=world.centre,
        description="Phí cung cấp thông tin quy hoạch xây dựng",
        amount=150_000,
    )

    page.goto(live_server.url + "/accounts/login/?next=/payments/")
    page.get_by_label("Tên đăng nhập, e-mail hoặc số điện thoại").fill("an")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/payments/")
    assert _serious_violations(page) == []

    page.get_by_role("link", name="Nộp tiền").first.click()
    page.wait_for_url(f"**/payments/pay/fee-notice/{notice.code}/")
    expect(page.get_by_text("150.000 ₫")).to_be_visible()
    assert _serious_violations(page) == []
    page.get_by_role("button", name="Thanh toán qua VNPAY").click()

    page.wait_for_url(vnpay_gateway.url + "/paymentv2/**")
    assert "150.000 VND" in page.content()
    page.get_by_role("button", name="Thanh toán", exact=True).click()

    page.wait_for_url("**/payments/vnpay/return/**")
    expect(page.get_by_role("heading", name="Kết quả thanh toán")).to_be_visible()
    assert _serious_violations(page) == []
    expect(page.get_by_text("đang xác nhận với cổng thanh toán")).to_be_visible()

    [payment] = world.citizen.payments.all()
    assert vnpay_gateway.send_ipn(payment.reference)["RspCode"] == "00"
    page.get_by_role("link", name="Xem giao dịch").click()
    expect(page.get_by_text("Đã thanh toán").first).to_be_visible()
    href = page.get_by_role("link", name="Tải biên lai (PDF)").get_attribute("href")
    receipt = page.request.get(live_server.url + href)
    assert receipt.headers["content-type"] == "application/pdf"
    assert receipt.body().startswith(b"%PDF")

    # The payment's notice waits in the notifications list.
    page.goto(live_server.url + "/notifications/")
    expect(
        page.get_by_role("heading", name=f"Đã nhận thanh toán {payment.reference}")
    ).to_be_visible()
    assert _serious_violations(page) == []
    page.get_by_role("button", name="Đánh dấu tất cả là đã đọc").click()
    page.wait_for_url("**/notifications/")
    expect(page.get_by_text("Bạn có 0 thông báo chưa đọc.")).to_be_visible()
