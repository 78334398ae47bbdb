import pytest

from egov.documents.tests.factories import incoming_in, outgoing_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "status",
    [
        "draft",
        "in_review",
        "approved",
        "signed",
        "issued",
        "sent",
        "returned",
        "cancelled",
        "revoked",
    ],
)
def test_out(world, status):
    doc = outgoing_in(world, status)
    assert doc.status == status


@pytest.mark.parametrize(
    "status", ["registered", "assigned", "in_progress", "completed", "revoked"]
)
def test_in(world, status):
    doc = incoming_in(world, status)
    assert doc.status == status
