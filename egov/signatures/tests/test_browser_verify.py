"""A citizen checks a signed document in Debian's chromium (360 px wide), without logging in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from egov.signatures.services import sign_pdf
from egov.signatures.tests.conftest import build_pki, make_pdf
from egov.testing.browser import accessibility_violations
from egov.testing.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_uploads_a_signed_pdf_and_reads_the_result(
    live_server: Any, page: Any, signing_settings: Any, tmp_path: Path, calendar: None
) -> None:
    pki = build_pki(build_world())
    signed = tmp_path / "quyet-dinh.pdf"
    signed.write_bytes(
        sign_pdf(make_pdf(), signer=pki.world.leader, agency=pki.world.construction, reason="Ký")
    )

    page.goto(live_server.url + "/signatures/verify/")
    assert accessibility_violations(page) == []
    page.get_by_label("Văn bản PDF đã ký số").set_input_files(str(signed))
    page.get_by_role("button", name="Kiểm tra").click()
    page.wait_for_load_state()

    expect(page.get_by_role("heading", name="Kết quả")).to_be_visible()
    assert "Mọi chữ ký đều hợp lệ" in page.content()
    assert "Võ Thị Giang" in page.content()
    assert accessibility_violations(page) == []
