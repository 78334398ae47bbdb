"""The applicant hears of every status change of their dossier, of supplement requests (with
what is missing) and of results ready (with how to get them): by e-mail through a real local
SMTP server, by SMS through the stand-in gateway and in the app, as their preferences say;
desk applicants without an account at the dossier's own e-mail address and phone."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from egov.accounts.tests.helpers import deliver_outbox
from egov.dossiers import actions
from egov.dossiers.tests.factories import dossier_in, register, walk_in
from egov.notifications.models import Notification, NotificationPreference, OutboxMessage
from egov.testing.world import World

SITE = "https://dichvucong.example.vn"
EMAIL = "an@example.vn"
PHONE = "0912345678"


@pytest.fixture
def reachable(world: World, settings: Any, smtp_server: Any, sms_gateway: Any) -> Any:
    """The citizen with a verified e-mail address and phone; generous delivery limits."""
    settings.SITE_URL = SITE
    settings.SMS_RATE_LIMIT = settings.EMAIL_RATE_LIMIT = 100
    citizen = world.citizen
    citizen.email, citizen.phone = EMAIL, PHONE
    citizen.email_verified_at = citizen.phone_verified_at = timezone.now()
    citizen.save()
    return citizen


def _mails(smtp_server: Any, address: str) -> list[Any]:
    deliver_outbox()
    return [m for m in smtp_server.received if m["To"] == address]


def _texts(sms_gateway: Any, phone: str) -> list[str]:
    deliver_outbox()
    international = "84" + phone[1:]
    return [m["text"] for m in sms_gateway.messages() if m["to"] == international]


def test_every_status_change_reaches_the_applicant_in_the_app(world: World, permit: Any) -> None:
    dossier = dossier_in("returned", world, permit)
    events = list(
        Notification.objects.filter(recipient=world.citizen, object_id=str(dossier.pk))
        .order_by("id")
        .values_list("event", flat=True)
    )
    assert events == [
        "dossiers.submitted",
        "dossiers.in_processing",
        "dossiers.approved",
        "dossiers.result_ready",
        "dossiers.returned",
    ]
    last = Notification.objects.filter(recipient=world.citizen).order_by("id").last()
    assert last.url == f"/my/dossiers/{dossier.code}/"  # the applicant's page in the portal
    assert last.title == f"Hồ sơ {dossier.code}: đã trả kết quả"


def test_the_acceptance_goes_by_email_and_sms_with_the_appointment(
    world: World, permit: Any, reachable: Any, smtp_server: Any, sms_gateway: Any
) -> None:
    dossier = dossier_in("in_processing", world, permit)
    due = dossier.due_on.strftime("%d/%m/%Y")
    mails = {m["Subject"]: m for m in _mails(smtp_server, EMAIL)}
    assert set(mails) == {
        f"Hồ sơ {dossier.code}: đã được nhận",
        f"Hồ sơ {dossier.code}: Đang xử lý",
    }
    text = mails[f"Hồ sơ {dossier.code}: Đang xử lý"].get_content()
    assert "Kính gửi Nguyễn Văn An" in text
    assert f"Ngày hẹn trả kết quả: {due}" in text
    assert f"{SITE}/my/dossiers/{dossier.code}/" in text
    texts = _texts(sms_gateway, PHONE)
    # The receipt goes by e-mail only; the acceptance by SMS too (without diacritics).
    assert texts == [f"Ho so {dossier.code} dang duoc xu ly, hen tra ket qua ngay {due}."]


def test_a_supplement_request_lists_what_is_missing(
    world: World, permit: Any, reachable: Any, smtp_server: Any, sms_gateway: Any
) -> None:
    dossier = dossier_in("in_processing", world, permit)
    actions.request_supplement(
        acting_user=world.specialist,
        dossier=dossier.code,
        other_items=["Bản vẽ mặt cắt", "Văn bản thẩm duyệt PCCC"],
        reason="Thiếu hồ sơ thiết kế",
    )
    [mail] = [m for m in _mails(smtp_server, EMAIL) if "cần bổ sung" in m["Subject"]]
    assert "Bản vẽ mặt cắt; Văn bản thẩm duyệt PCCC" in mail.get_content()
    assert "tính lại từ đầu" in mail.get_content()
    assert texts_with(sms_gateway, "Ban ve mat cat; Van ban tham duyet PCCC")


def texts_with(sms_gateway: Any, fragment: str) -> list[str]:
    return [t for t in _texts(sms_gateway, PHONE) if fragment in t]


def test_a_result_ready_at_the_desk_says_where_to_collect_it(
    world: World, permit: Any, reachable: Any, smtp_server: Any, sms_gateway: Any
) -> None:
    world.centre.address = "377 Hùng Vương, Phường 7, TP. Mỹ Tho"
    world.centre.save()
    dossier = dossier_in("result_ready", world, permit)
    [mail] = [m for m in _mails(smtp_server, EMAIL) if "đã có kết quả" in m["Subject"]]
    text = mail.get_content()
    assert "Giấy phép xây dựng số 12/GPXD" in text
    assert "Đề nghị Ông/Bà đến nhận tại" in text
    assert "377 Hùng Vương, Phường 7, TP. Mỹ Tho" in text
    assert "mẫu 01" in text
    assert texts_with(sms_gateway, f"Ho so {dossier.code} da co ket qua. Moi nhan tai")


def test_a_result_posted_names_the_address(
    world: World, permit: Any, reachable: Any, smtp_server: Any
) -> None:
    from egov.dossiers.models import Dossier

    dossier = dossier_in("approved", world, permit)
    Dossier.objects.filter(pk=dossier.pk).update(return_method="post", return_address="5 Lê Lợi")
    actions.complete_step(acting_user=world.document_clerk, dossier=dossier.code)
    actions.record_result(acting_user=world.specialist, dossier=dossier.code, summary="Giấy phép")
    [mail] = [m for m in _mails(smtp_server, EMAIL) if "đã có kết quả" in m["Subject"]]
    assert "bưu chính công ích đến: 5 Lê Lợi" in mail.get_content()


def test_the_return_invites_the_applicant_to_rate(
    world: World, permit: Any, reachable: Any, smtp_server: Any
) -> None:
    dossier = dossier_in("returned", world, permit)
    [mail] = [m for m in _mails(smtp_server, EMAIL) if "đã trả kết quả" in m["Subject"]]
    assert f"{SITE}/dossiers/{dossier.code}/rating/" in mail.get_content()


def test_the_applicants_preferences_decide_the_channels(
    world: World, permit: Any, reachable: Any, smtp_server: Any, sms_gateway: Any
) -> None:
    NotificationPreference.objects.create(
        user=world.citizen, language="en", channels={"dossier": ["sms"]}
    )
    dossier = dossier_in("in_processing", world, permit)
    assert _mails(smtp_server, EMAIL) == []
    texts = _texts(sms_gateway, PHONE)
    assert sorted(texts) == [
        f"Dossier {dossier.code} is being processed, result due "
        f"{dossier.due_on.strftime('%d/%m/%Y')}.",
        f"Dossier {dossier.code} received by Trung tam Phuc vu hanh chinh cong tinh Tien Giang; "
        "the desk will check it.",
    ]
    # In the app every event is kept, in the chosen language.
    assert Notification.objects.filter(recipient=world.citizen).count() == 2
    assert (
        Notification.objects.filter(recipient=world.citizen).order_by("id").last().title
        == f"Dossier {dossier.code}: In processing"
    )


def test_a_desk_applicant_without_an_account_is_reached_at_the_dossiers_contacts(
    world: World, permit: Any, settings: Any, smtp_server: Any, sms_gateway: Any
) -> None:
    settings.SITE_URL = SITE
    applicant = walk_in(
        name="Lê Thị Hồng", personal_id="082195007777", email="hong@example.vn", phone="0987654321"
    )
    dossier = register(world, permit, applicant=applicant)
    assert dossier.applicant_id is None
    actions.request_supplement(
        acting_user=world.clerk, dossier=dossier.code, other_items=["Bản sao sổ đỏ"]
    )
    mails = {m["Subject"]: m for m in _mails(smtp_server, "hong@example.vn")}
    assert set(mails) == {
        f"Hồ sơ {dossier.code}: đã được nhận",
        f"Hồ sơ {dossier.code}: cần bổ sung, hoàn thiện",
    }
    text = mails[f"Hồ sơ {dossier.code}: cần bổ sung, hoàn thiện"].get_content()
    assert "Kính gửi Lê Thị Hồng" in text
    assert "Bản sao sổ đỏ" in text
    # No account: the link is the public lookup, not a page behind a login.
    assert f"{SITE}/lookup/{dossier.code}/" in text
    texts = _texts(sms_gateway, "0987654321")
    assert texts == [f"Ho so {dossier.code} can bo sung: Ban sao so do."]
    assert not Notification.objects.filter(object_id=str(dossier.pk)).exists()
    assert OutboxMessage.objects.filter(address="hong@example.vn").count() == 2
