"""After `make run` the demo desk, specialist, unit head and citizen have dossiers to look at."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings

from egov.accounts.models import User
from egov.dossiers import selectors
from egov.dossiers.models import Dossier, DossierEvent


@pytest.mark.slow
@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_the_demo_fills_the_queues_and_a_second_run_writes_nothing() -> None:
    call_command("load_demo")

    def count(username: str, scope: str) -> int:
        return selectors.scoped(User.objects.get(username=username), scope).count()

    assert count("motcua", selectors.Scope.ASSIGNED) >= 2
    assert count("chuyenvien", selectors.Scope.ASSIGNED) >= 1
    assert count("truongphong", selectors.Scope.ASSIGNED) >= 1
    assert count("motcua.p1", selectors.Scope.ASSIGNED) >= 1
    assert count("congdan", selectors.Scope.MINE) >= 2
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert {"submitted", "incomplete", "in_processing", "returned"} <= statuses
    before = (Dossier.objects.count(), DossierEvent.objects.count())
    call_command("load_demo")
    assert (Dossier.objects.count(), DossierEvent.objects.count()) == before
