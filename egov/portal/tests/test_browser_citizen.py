"""The whole journey of a citizen of Mỹ Tho on a 360-pixel phone (Debian chromium): register,
verify with the code mailed to a real local SMTP server, find the procedure, apply with a
draft and an upload, pay through the VNPay stand-in, answer the desk's supplement request,
receive the result online and rate the service. axe-core finds no serious or critical
violation on the citizen pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from egov.accounts.tests.helpers import code_in, deliver_outbox
from egov.testing.browser import accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Cay-xoai-Cat-2026"
EMAIL = "cuong.tran@example.vn"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RESULT = b"%PDF-1.7\n% giay phep xay dung 12/GPXD\n%%EOF\n"


def _clean(page) -> None:  # type: ignore[no-untyped-def]
    assert accessibility_violations(page) == [], page.url


def test_a_citizen_does_a_level_4_procedure_end_to_end_on_a_phone(
    live_server, page, world, service, smtp_server, vnpay_gateway, settings
) -> None:  # type: ignore[no-untyped-def]
    from egov.dossiers import actions as desk
    from egov.dossiers.models import Dossier
    from egov.org.actions import import_administrative_units
    from egov.portal.actions import attach_result_file
    from egov.portal.tests.helpers import run_ready_tasks

    settings.SITE_URL = live_server.url
    import_administrative_units(acting_user=None, province_codes=[82])
    vnpay_gateway.deliver_ipns(f"{live_server.url}/api/v1/payments/vnpay/ipn")
    vnpay_gateway.hold_ipns()
    site = live_server.url

    # 1. Register with an e-mail address; the code comes through the SMTP server.
    page.goto(site + "/")
    _clean(page)
    page.get_by_role("link", name="Tạo tài khoản").first.click()
    page.get_by_label("Họ và tên (hoặc người đại diện doanh nghiệp)").fill("Trần Văn Cường")
    page.get_by_label("Thư điện tử hoặc số điện thoại di động").fill(EMAIL)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    _clean(page)
    page.get_by_role("button", name="Gửi mã cho tôi").click()
    page.wait_for_url("**/accounts/register/verify/")
    _clean(page)
    deliver_outbox()  # the worker sends the e-mail
    [mail] = [m for m in smtp_server.received if m["To"] == EMAIL]
    page.get_by_label("Mã xác thực").fill(
        "000000" if code_in(mail.get_content()) != "000000" else "111111"
    )
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_text("Mã không đúng")).to_be_visible()
    page.get_by_label("Mã xác thực").fill(code_in(mail.get_content()))
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url("**/accounts/profile/")

    # 2. The profile: personal ID and an address picked from today's units (the script
    #    fills the communes of the chosen province).
    page.get_by_label("Số định danh cá nhân (CCCD, 12 chữ số)").fill("082090005678")
    page.get_by_label("Tỉnh, thành phố").select_option(label="Đồng Tháp")
    commune = page.get_by_label("Xã, phường")
    commune.locator("option", has_text="Phường Mỹ Tho").wait_for(state="attached")
    commune.select_option(label="Phường Mỹ Tho")
    page.get_by_label("Số nhà, đường, ấp (khu phố)").fill("12 Ấp Bắc")
    _clean(page)
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu thông tin cá nhân.")).to_be_visible()

    # 3. Find the procedure without diacritics.
    page.get_by_role("link", name="Dịch vụ công").first.click()
    page.get_by_label("Bạn cần làm thủ tục gì?").fill("giay phep xay dung")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.wait_for_url(re.compile(r"[?&]q=giay"))
    _clean(page)
    page.get_by_role("link", name="Cấp giấy phép xây dựng công trình").click()
    expect(page.get_by_text("Thực hiện hoàn toàn trực tuyến")).to_be_visible()
    _clean(page)
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()

    # 4. The form, prefilled; a draft with an upload, saved and resumed.
    page.wait_for_url("**/my/applications/**")
    assert page.get_by_label("Số định danh cá nhân").input_value() == "082090005678"
    expect(page.get_by_label("Họ tên người được ủy quyền")).to_be_hidden()
    page.get_by_label("Nộp thay người khác").check()
    expect(page.get_by_label("Họ tên người được ủy quyền")).to_be_visible()
    page.get_by_label("Nộp thay người khác").uncheck()
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_label("Số tầng").fill("9")
    page.locator("#up-field__design").set_input_files(
        files=[{"name": "ban-ve.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    _clean(page)
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.get_by_text("Đã lưu bản nháp")).to_be_visible()
    expect(page.get_by_role("link", name="Bản vẽ thiết kế")).to_be_visible()

    page.get_by_role("link", name="Hồ sơ của tôi").first.click()
    _clean(page)
    page.get_by_role("link", name="Cấp giấy phép xây dựng công trình").click()
    page.get_by_label("Tôi cam đoan").check()
    page.get_by_role("button", name="Tiếp tục để kiểm tra").click()
    # Bad input: the server names the field, in Vietnamese, next to it.
    error = page.locator("#f-floors-error")
    expect(error).to_be_visible()
    assert "7" in error.inner_text()
    _clean(page)
    page.get_by_label("Số tầng").fill("3")
    page.get_by_role("button", name="Tiếp tục để kiểm tra").click()
    page.wait_for_url("**/review/")
    _clean(page)

    # 5. Pay through the stand-in gateway; the draft waits.
    page.get_by_role("link", name="Nộp phí, lệ phí").click()
    _clean(page)
    page.get_by_role("button", name="Thanh toán qua VNPAY").click()
    page.wait_for_url(vnpay_gateway.url + "/paymentv2/**")
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.wait_for_url("**/payments/vnpay/return/**")
    from egov.payments.models import Payment

    [payment] = Payment.objects.all()
    assert vnpay_gateway.send_ipn(payment.reference)["RspCode"] == "00"
    run_ready_tasks()  # the receipt goes to the document store

    page.goto(site + "/my/")
    page.get_by_role("link", name="Cấp giấy phép xây dựng công trình").click()
    page.get_by_role("button", name="Tiếp tục để kiểm tra").click()
    page.wait_for_url("**/review/")
    expect(page.get_by_text("Đã nộp 150.000")).to_be_visible()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url("**/my/dossiers/**")
    dossier = Dossier.objects.get()
    expect(page.get_by_text(dossier.code).first).to_be_visible()
    _clean(page)

    # 6. The desk asks for one more document; the citizen sends it from the phone.
    desk.request_supplement(
        acting_user=world.clerk,
        dossier=dossier.code,
        other_items=["Văn bản thẩm duyệt PCCC"],
        reason="Công trình trên 5 tầng cần thẩm duyệt phòng cháy",
    )
    page.reload()
    expect(
        page.get_by_role("listitem").filter(has_text="Văn bản thẩm duyệt PCCC").first
    ).to_be_visible()
    _clean(page)
    page.locator("#sup-title-0").fill("Văn bản thẩm duyệt PCCC")
    page.locator("#sup-file-0").set_input_files(
        files=[{"name": "pccc.pdf", "mimeType": "application/pdf", "buffer": PDF + b"pccc"}]
    )
    page.get_by_role("button", name="Gửi hồ sơ bổ sung").click()
    expect(page.get_by_text("Đã gửi hồ sơ bổ sung")).to_be_visible()

    # 7. The agency decides and returns the signed result online.
    desk.accept_dossier(acting_user=world.clerk, dossier=dossier.code)
    desk.complete_step(acting_user=world.specialist, dossier=dossier.code)
    desk.approve_dossier(acting_user=world.leader, dossier=dossier.code)
    desk.complete_step(acting_user=world.document_clerk, dossier=dossier.code)
    desk.record_result(
        acting_user=world.specialist,
        dossier=dossier.code,
        summary="Giấy phép xây dựng",
        number="12/GPXD",
    )
    attach_result_file(
        acting_user=world.specialist, dossier=dossier.code, content=RESULT, filename="gpxd.pdf"
    )
    desk.return_result(acting_user=world.clerk, dossier=dossier.code, method="online")

    page.reload()
    href = page.get_by_role("link", name="Tải kết quả (PDF)").get_attribute("href")
    assert page.request.get(site + href).body() == RESULT
    expect(page.locator("#rating")).to_be_visible()
    _clean(page)

    # 8. The citizen rates the service (online dossier: the online service is rated too).
    page.locator("#rating").get_by_role("link", name="Đánh giá dịch vụ").click()
    page.wait_for_url(f"**/dossiers/{dossier.code}/rating/")
    _clean(page)
    for question, answer in [
        ("Thời gian giải quyết hồ sơ", "Đúng ngày hẹn trả (1)"),
        ("Số cơ quan, đơn vị phải liên hệ", "Chỉ bộ phận một cửa (2)"),
        ("Số lần phải liên hệ", "Một lần (1)"),
        ("Tính chính xác của thông tin", "Chính xác, đầy đủ (2)"),
        ("Thái độ của cán bộ", "Lịch sự, tận tình (2)"),
        ("Tính đúng quy định", "Kết quả đúng quy định; chỉ nộp phí, lệ phí đã công khai (2)"),
        ("Việc tiếp nhận, xử lý phản ánh", "Tôi không có phản ánh, kiến nghị"),
        ("Chất lượng dịch vụ công trực tuyến", "Dễ sử dụng, hoạt động tốt (2)"),
    ]:
        page.get_by_role("group", name=re.compile(question)).get_by_label(answer).check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_url(f"**/my/dossiers/{dossier.code}/#rating")
    expect(page.get_by_text("Cảm ơn bạn đã đánh giá dịch vụ này.")).to_be_visible()
    expect(page.locator("#rating")).to_contain_text("Dễ sử dụng, hoạt động tốt")
    _clean(page)
    page.get_by_role("link", name="Kho giấy tờ của tôi").first.click()
    expect(page.get_by_text(re.compile("Kết quả hồ sơ")).first).to_be_visible()
    expect(page.get_by_text(re.compile("Biên lai")).first).to_be_visible()
    _clean(page)

    # The e-mails went through the local SMTP server: the code, the payment's receipt, and
    # the dossier's news (the supplement request, the result ready, the return).
    deliver_outbox()
    subjects = [m["Subject"] for m in smtp_server.received if m["To"] == EMAIL]
    assert any("Mã đăng ký tài khoản" in s for s in subjects), subjects
    assert any(payment.reference in s for s in subjects), subjects
    for news in ("cần bổ sung, hoàn thiện", "đã có kết quả", "đã trả kết quả"):
        assert f"Hồ sơ {dossier.code}: {news}" in subjects, subjects
