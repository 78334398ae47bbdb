from __future__ import annotations

import pytest

from egov.lib.problems import InvalidInput, PermissionDenied
from egov.notifications.models import Notification
from egov.payments.actions import issue_fee_notice

pytestmark = pytest.mark.django_db


def test_a_clerk_issues_a_fee_notice_and_the_payer_is_told(world) -> None:  # type: ignore[no-untyped-def]
    notice = issue_fee_notice(
        acting_user=world.clerk,
        payer=world.citizen,
        agency=world.centre,
        description="Phí sao y bản chính",
        amount=20_000,
    )
    note = Notification.objects.get(event="payments.fee_notice")
    assert note.recipient == world.citizen
    assert note.url == f"/payments/pay/fee-notice/{notice.code}/"
    assert notice.code in note.title


def test_only_staff_of_the_agency_issue_fee_notices(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        issue_fee_notice(
            acting_user=world.outsider,
            payer=world.citizen,
            agency=world.centre,
            description="x",
            amount=20_000,
        )


def test_a_fee_notice_names_its_bad_fields(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as error:
        issue_fee_notice(
            acting_user=world.clerk,
            payer=world.citizen,
            agency=world.centre,
            description=" ",
            amount=10,
        )
    assert set(error.value.errors) == {"description", "amount"}


def test_an_administrator_issues_a_fee_notice_in_admin(client, world) -> None:  # type: ignore[no-untyped-def]
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    response = client.post(
        "/admin/payments/feenotice/add/",
        {
            "payer": world.citizen.pk,
            "agency": world.justice.pk,
            "description": "Phí chứng thực",
            "amount": 30000,
        },
    )
    assert response.status_code == 302
    assert world.citizen.fee_notices.get().description == "Phí chứng thực"
