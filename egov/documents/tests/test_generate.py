"""The benchmark's generator makes documents that are numbered, searchable and consistent."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Max

from egov.documents.models import Direction, Document, Register
from egov.documents.selectors import DocumentFilter, search_documents
from egov.org.models import Membership, Role

pytestmark = pytest.mark.django_db


def test_generated_documents_are_numbered_from_their_registers_and_found_by_search(world) -> None:  # type: ignore[no-untyped-def]
    call_command("generate_documents", count=300, batch=70, allow_production=True, no_progress=True)
    assert Document.objects.count() == 300
    assert set(Document.objects.values_list("direction", flat=True)) == {
        Direction.OUTGOING,
        Direction.INCOMING,
    }
    for register in Register.objects.annotate(
        n=Count("documents"), top=Max("documents__register_number")
    ):
        assert register.last_number == register.n == register.top
    Membership.objects.create(user=world.specialist, agency=world.justice, role=Role.SPECIALIST)
    sample = Document.objects.filter(agency=world.construction).first()
    words = sample.subject.split()[-4:]
    found = search_documents(world.specialist, DocumentFilter(q=" ".join(words)))
    assert sample in found
    call_command(
        "generate_documents", count=300, until=True, allow_production=True, no_progress=True
    )
    assert Document.objects.count() == 300


def test_the_generator_refuses_to_run_with_debug_off(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("generate_documents", count=10)
