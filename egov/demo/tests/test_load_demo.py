from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from egov.accounts.models import User
from egov.audit.chain import verify_chain
from egov.audit.models import AuditEvent
from egov.org.models import Agency, Membership, Role, Unit

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "agencies": Agency.objects.count(),
        "units": Unit.objects.count(),
        "memberships": Membership.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


@override_settings(DEBUG=True)
def test_the_demo_loads_every_role_and_a_second_run_changes_nothing(capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("load_demo")
    output = capsys.readouterr().out
    assert "demo-Egov-2026" in output
    assert "motcua" in output
    first = _counts()
    assert first["agencies"] >= 10
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    names = set(Agency.objects.values_list("name", flat=True))
    for required in [
        "Ủy ban nhân dân tỉnh Tiền Giang",
        "Sở Tư pháp tỉnh Tiền Giang",
        "Sở Kế hoạch và Đầu tư tỉnh Tiền Giang",
        "Sở Xây dựng tỉnh Tiền Giang",
        "Sở Tài nguyên và Môi trường tỉnh Tiền Giang",
        "Sở Thông tin và Truyền thông tỉnh Tiền Giang",
        "Sở Nội vụ tỉnh Tiền Giang",
        "Trung tâm Phục vụ hành chính công tỉnh Tiền Giang",
        "Ủy ban nhân dân thành phố Mỹ Tho",
        "Ủy ban nhân dân Phường 1, thành phố Mỹ Tho",
        "Ủy ban nhân dân Phường 4, thành phố Mỹ Tho",
    ]:
        assert required in names
    call_command("load_demo")
    assert _counts() == first
    assert verify_chain()[1] is None


def test_the_demo_refuses_to_run_with_debug_off() -> None:
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")
    assert not User.objects.filter(username="motcua").exists()
