"""Ratings (DOMAIN.md §4): after return, the applicant rates the service once on the listed
criteria, each 2/1/0; through the API and the web page; staff see it; statistics read it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from egov.audit.models import AuditEvent
from egov.dossiers import actions
from egov.dossiers.models import DossierRating
from egov.dossiers.selectors import rating_summary
from egov.dossiers.tests.factories import dossier_in, local, make_permit
from egov.lib.problems import Conflict, InvalidInput, PermissionDenied
from egov.testing.world import World

GOOD = {
    "time_taken": 2,
    "bodies_contacted": 2,
    "desk_contacts": 1,
    "published_info": 2,
    "staff_attitude": 2,
    "lawfulness": 2,
    "complaint_handling": None,
}


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _post(client: Client, code: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/v1/dossiers/{code}/rating", body, content_type="application/json")


def test_the_applicant_rates_a_returned_dossier_once(world: World, permit: Any) -> None:
    dossier = dossier_in("returned", world, permit)
    client = _client(world.citizen)
    response = _post(client, dossier.code, {**GOOD, "comment": "Cán bộ nhiệt tình"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["desk_contacts"] == 1
    assert body["complaint_handling"] is None and body["online_service"] is None
    assert body["average"] == round(11 / 6, 1)
    assert client.get(f"/api/v1/dossiers/{dossier.code}/rating").json() == body
    rating = DossierRating.objects.get(dossier=dossier)
    assert rating.rated_by == world.citizen and rating.comment == "Cán bộ nhiệt tình"
    assert AuditEvent.objects.filter(verb="dossiers.rate", object_id=str(dossier.pk)).count() == 1
    again = _post(client, dossier.code, GOOD)
    assert again.status_code == 409
    assert again.json()["code"] == "already_rated"


@pytest.mark.parametrize("state", ["submitted", "in_processing", "result_ready", "refused"])
def test_a_dossier_not_returned_yet_cannot_be_rated(world: World, permit: Any, state: str) -> None:
    dossier = dossier_in(state, world, permit)
    response = _post(_client(world.citizen), dossier.code, GOOD)
    assert response.status_code == 409
    assert response.json()["code"] == "not_returned"
    assert not DossierRating.objects.exists()


def test_someone_elses_dossier_is_404_and_staff_may_read_but_not_rate(
    world: World, permit: Any
) -> None:
    dossier = dossier_in("returned", world, permit)
    assert _post(_client(world.citizen2), dossier.code, GOOD).status_code == 404
    assert _post(_client(world.outsider), dossier.code, GOOD).status_code == 404
    assert _post(_client(world.clerk), dossier.code, GOOD).status_code == 403
    assert _post(_client(), dossier.code, GOOD).status_code == 401
    clerk = _client(world.clerk)
    assert clerk.get(f"/api/v1/dossiers/{dossier.code}/rating").status_code == 404  # not yet
    _post(_client(world.citizen), dossier.code, GOOD)
    assert clerk.get(f"/api/v1/dossiers/{dossier.code}/rating").json()["time_taken"] == 2
    assert _client(world.citizen2).get(f"/api/v1/dossiers/{dossier.code}/rating").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_taken": 3}, "time_taken"),
        ({"staff_attitude": -1}, "staff_attitude"),
        ({"lawfulness": None}, "lawfulness"),
        ({"published_info": "tốt"}, "published_info"),
        ({"online_service": 2}, "online_service"),  # a desk dossier has no online service
        ({"comment": "x" * 2001}, "comment"),
    ],
)
def test_bad_values_are_422_naming_the_field(
    world: World, permit: Any, change: dict[str, Any], field: str
) -> None:
    dossier = dossier_in("returned", world, permit)
    response = _post(_client(world.citizen), dossier.code, {**GOOD, **change})
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not DossierRating.objects.exists()


def test_a_missing_criterion_is_named(world: World, permit: Any) -> None:
    dossier = dossier_in("returned", world, permit)
    body = {k: v for k, v in GOOD.items() if k != "bodies_contacted"}
    response = _post(_client(world.citizen), dossier.code, body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "bodies_contacted"


def test_online_dossiers_also_rate_the_online_service(world: World, permit: Any) -> None:
    dossier = dossier_in("returned", world, permit)
    type(dossier).objects.filter(pk=dossier.pk).update(channel="online")
    with pytest.raises(InvalidInput) as missing:
        actions.rate_dossier(acting_user=world.citizen, dossier=dossier.code, scores=GOOD)
    assert set(missing.value.errors) == {"online_service"}
    rating = actions.rate_dossier(
        acting_user=world.citizen, dossier=dossier.code, scores={**GOOD, "online_service": 0}
    )
    assert rating.online_service == 0
    assert rating.average == round(11 / 7, 1)


def test_only_the_applicants_account_may_rate(world: World, permit: Any) -> None:
    dossier = dossier_in("returned", world, permit)
    with pytest.raises(PermissionDenied):
        actions.rate_dossier(acting_user=world.clerk, dossier=dossier.code, scores=GOOD)
    with pytest.raises(InvalidInput) as unknown:
        actions.rate_dossier(
            acting_user=world.citizen, dossier=dossier.code, scores={**GOOD, "speed": 2}
        )
    assert set(unknown.value.errors) == {"speed"}


def test_a_second_rating_loses_even_without_the_lock(world: World, permit: Any) -> None:
    """The unique constraint is the last line: a rating row that appears between the check and
    the insert turns into 409, not a 500."""
    dossier = dossier_in("returned", world, permit)
    actions.rate_dossier(acting_user=world.citizen, dossier=dossier.code, scores=GOOD)
    original = DossierRating.objects.filter

    class _Blind:
        def exists(self) -> bool:
            return False

    try:
        DossierRating.objects.filter = lambda *a, **k: _Blind()  # type: ignore[method-assign]
        with pytest.raises(Conflict):
            actions.rate_dossier(acting_user=world.citizen, dossier=dossier.code, scores=GOOD)
    finally:
        DossierRating.objects.filter = original  # type: ignore[method-assign]
    assert DossierRating.objects.count() == 1


# ------------------------------------------------------------------------------------------
# The web page


def test_the_rating_page_takes_the_answers_and_the_portal_shows_them(
    world: World, permit: Any
) -> None:
    dossier = dossier_in("returned", world, permit)
    client = _client(world.citizen)
    portal = client.get(f"/my/dossiers/{dossier.code}/").content.decode()
    assert f'href="/dossiers/{dossier.code}/rating/"' in portal
    page = client.get(f"/dossiers/{dossier.code}/rating/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Thời gian giải quyết hồ sơ" in text and "Sớm hơn ngày hẹn trả (2)" in text
    assert "Chất lượng dịch vụ công trực tuyến" not in text  # a desk dossier
    answers = {k: "" if v is None else str(v) for k, v in GOOD.items()}
    answers["staff_attitude"] = "0"
    response = client.post(f"/dossiers/{dossier.code}/rating/", answers)
    assert response.status_code == 302
    assert response["Location"] == f"/my/dossiers/{dossier.code}/#rating"
    assert DossierRating.objects.get(dossier=dossier).staff_attitude == 0
    portal = client.get(f"/my/dossiers/{dossier.code}/").content.decode()
    assert "Cảm ơn bạn đã đánh giá dịch vụ này." in portal
    assert "Không chấp nhận được" in portal
    assert "Tôi không có phản ánh, kiến nghị" in portal
    staff_page = _client(world.clerk).get(f"/dossiers/{dossier.code}/").content.decode()
    assert "Đánh giá của người nộp hồ sơ" in staff_page
    assert "Không chấp nhận được" in staff_page
    # Afterwards the page shows the rating instead of the form.
    again = client.get(f"/dossiers/{dossier.code}/rating/").content.decode()
    assert "Đánh giá của bạn" in again and 'name="time_taken"' not in again


def test_an_unanswered_question_is_named_next_to_it(world: World, permit: Any) -> None:
    dossier = dossier_in("returned", world, permit)
    answers = {k: str(v) for k, v in GOOD.items() if v is not None and k != "time_taken"}
    response = _client(world.citizen).post(f"/dossiers/{dossier.code}/rating/", answers)
    assert response.status_code == 422
    text = response.content.decode()
    assert 'id="id_time_taken_error"' in text
    assert not DossierRating.objects.exists()


def test_the_rating_page_is_for_the_applicant_only(world: World, permit: Any) -> None:
    dossier = dossier_in("returned", world, permit)
    for user in (world.citizen2, world.clerk, world.outsider):
        assert _client(user).get(f"/dossiers/{dossier.code}/rating/").status_code == 404
    early = dossier_in("in_processing", world, permit)
    response = _client(world.citizen).get(f"/dossiers/{early.code}/rating/")
    assert response.status_code == 409
    assert 'name="time_taken"' not in response.content.decode()


# ------------------------------------------------------------------------------------------
# Aggregates for statistics


def _rated(world: World, procedure: Any, when: dt.datetime, **scores: int) -> Any:
    dossier = dossier_in("returned", world, procedure)
    with time_machine.travel(when, tick=False):
        actions.rate_dossier(
            acting_user=world.citizen, dossier=dossier.code, scores={**GOOD, **scores}
        )
    return dossier


def test_rating_summary_per_agency_procedure_and_month(world: World, permit: Any) -> None:
    other = make_permit(world, code="T.000009")
    _rated(world, permit, local(2026, 3, 31, 23, 30), time_taken=0)  # still March in Vietnam
    _rated(world, permit, local(2026, 4, 2, 9), time_taken=2, complaint_handling=1)
    _rated(world, other, local(2026, 4, 3, 9), time_taken=1)

    [everything] = rating_summary()
    assert everything["count"] == 3
    assert everything["time_taken"] == 1.0
    assert everything["complaint_handling"] == 1.0  # only the one who answered it
    assert everything["online_service"] is None

    by_month = rating_summary(group_by="month")
    assert [(r["month"], r["count"]) for r in by_month] == [
        (dt.date(2026, 3, 1), 1),
        (dt.date(2026, 4, 1), 2),
    ]
    by_procedure = {r["procedure_code"]: r for r in rating_summary(group_by="procedure")}
    assert by_procedure["T.000001"]["count"] == 2
    assert by_procedure["T.000009"]["time_taken"] == 1.0
    [agency] = rating_summary(group_by="agency")
    assert agency["agency_id"] == world.centre.pk and agency["count"] == 3

    april = rating_summary(date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 4, 2))
    assert april[0]["count"] == 1
    assert rating_summary(procedure="T.000009")[0]["count"] == 1
    assert rating_summary(agency=world.justice.pk) == []
    with pytest.raises(ValueError, match="group_by"):
        rating_summary(group_by="colour")
