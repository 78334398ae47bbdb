"""``procedure_template``: the workflow and documents of a procedure, read once per process and
procedure version, and read again as soon as either changes (in this process or another)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from egov.dossiers.tests.factories import make_permit
from egov.procedures.models import Procedure, RequiredDocument, WorkflowStep
from egov.procedures.selectors import procedure_template

pytestmark = pytest.mark.django_db


def _fresh(procedure: Procedure) -> Procedure:
    return Procedure.objects.get(pk=procedure.pk)


def test_a_second_read_of_an_unchanged_procedure_costs_no_query(world: Any) -> None:
    procedure = make_permit(world)
    first = procedure_template(_fresh(procedure))
    again = _fresh(procedure)
    with CaptureQueriesContext(connection) as queries:
        second = procedure_template(again)
    assert len(queries) == 0
    assert second is first
    assert [g.order for g in first.groups] == [1, 2, 3, 4, 5]
    assert [d.name for d in first.mandatory_documents] == ["Đơn đề nghị", "Bản vẽ thiết kế"]


def test_saving_a_step_or_a_document_touches_the_procedure_and_is_seen_at_once(
    world: Any,
) -> None:
    procedure = make_permit(world)
    before = _fresh(procedure).updated_at
    procedure_template(_fresh(procedure))
    step = WorkflowStep.objects.get(procedure=procedure, order=2)
    step.days = Decimal("7.5")
    step.save()
    RequiredDocument.objects.create(procedure=procedure, order=4, name="Giấy tờ mới")
    fresh = _fresh(procedure)
    assert fresh.updated_at >= before
    template = procedure_template(fresh)
    assert [s.days for s in template.groups[1]] == [Decimal("7.5")]
    assert "Giấy tờ mới" in [d.name for d in template.mandatory_documents]
    WorkflowStep.objects.filter(procedure=procedure, order=5).get().delete()
    assert [g.order for g in procedure_template(_fresh(procedure)).groups] == [1, 2, 3, 4]


def test_another_process_s_change_is_seen_through_the_procedure_s_updated_at(
    world: Any,
) -> None:
    procedure = make_permit(world)
    procedure_template(_fresh(procedure))
    # Another process changed the step (no signal here) and touched the procedure.
    WorkflowStep.objects.filter(procedure=procedure, order=2).update(name="Thẩm định lại")
    later = _fresh(procedure).updated_at + dt.timedelta(seconds=1)
    Procedure.objects.filter(pk=procedure.pk).update(updated_at=later)
    template = procedure_template(_fresh(procedure))
    assert [s.name for s in template.groups[1]] == ["Thẩm định lại"]
