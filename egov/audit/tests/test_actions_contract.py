"""The action contract (STYLE.md §3): one transaction and exactly one audit event per action."""

from __future__ import annotations

import pytest

from egov.audit.actions import record_event
from egov.lib.actions import REGISTRY, ActionContractError, action
from egov.org.models import Position

pytestmark = pytest.mark.django_db


def test_an_action_without_an_audit_event_is_rolled_back_and_reported() -> None:
    @action
    def forgetful(*, acting_user: object) -> None:
        Position.objects.create(name="Không ghi nhật ký")

    with pytest.raises(ActionContractError, match="0 audit events"):
        forgetful(acting_user=None)
    assert not Position.objects.filter(name="Không ghi nhật ký").exists()


def test_an_action_with_two_audit_events_is_rolled_back_and_reported() -> None:
    @action
    def chatty(*, acting_user: object) -> None:
        Position.objects.create(name="Ghi hai lần")
        record_event(actor=None, verb="test.one", object_type="t")
        record_event(actor=None, verb="test.two", object_type="t")

    with pytest.raises(ActionContractError, match="2 audit events"):
        chatty(acting_user=None)
    assert not Position.objects.filter(name="Ghi hai lần").exists()


def test_an_action_needs_an_acting_user_argument() -> None:
    @action
    def anonymous(*, acting_user: object = None) -> None:
        record_event(actor=None, verb="test.x", object_type="t")

    with pytest.raises(TypeError, match="acting_user"):
        anonymous()


def test_a_failing_action_leaves_no_half_written_record() -> None:
    @action
    def half(*, acting_user: object) -> None:
        Position.objects.create(name="Nửa chừng")
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        half(acting_user=None)
    assert not Position.objects.filter(name="Nửa chừng").exists()


def test_every_project_action_is_registered_under_its_app() -> None:
    names = [name for name in REGISTRY if not name.startswith("audit.tests")]
    assert "workdays.seed_calendar_year" in names
    assert "org.grant_role" in names
    assert all("." in name for name in names)
