"""One-stop statistics: counts, rates, averages, the Circular 01/2018 indices and grade, filters,
who sees what, the page with its charts and exports, and the API."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.db import connection
from openpyxl import load_workbook

from egov.dossiers import actions
from egov.dossiers.models import Dossier, DossierStep
from egov.dossiers.stats import COLUMNS, SUPPORTED, Selection, dossier_stats, grade_of
from egov.dossiers.tests.factories import all_documents, local, make_permit, register, walk_in
from egov.org.models import Membership, Role
from egov.testing.world import World
from egov.workdays.selectors import get_calendar

URL = "/api/v1/stats/dossiers"
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


@dataclass
class Scenario:
    permit: Any
    other: Any  # a Sở Tư pháp procedure, outside Sở Xây dựng's statistics


def _finish(world: World, dossier: Any, traveller: Any, when: Any) -> None:
    traveller.move_to(when)
    actions.complete_step(acting_user=world.specialist, dossier=dossier)
    actions.approve_dossier(acting_user=world.leader, dossier=dossier)
    actions.complete_step(acting_user=world.document_clerk, dossier=dossier)
    actions.record_result(acting_user=world.specialist, dossier=dossier, summary="Giấy phép số 1")


def _online(world: World, procedure: Any) -> Any:
    return actions.register_dossier(
        acting_user=world.citizen,
        procedure=procedure,
        channel="online",
        applicant=walk_in(),
        documents=all_documents(procedure),
    )


@pytest.fixture
def scenario(world: World) -> Iterator[Scenario]:
    """Eight permit dossiers registered in the week of Monday 2 March 2026 (10 working days,
    appointment Monday 16 March for those accepted on the 2nd) and one of Sở Tư pháp:

    A desk, finished 4/3 (early)          B online, finished 16/3 (on time)
    C desk, rejected 18/3 (late)          D desk, in progress
    E desk, refused at receipt            F desk, awaiting the desk's check
    G desk, one supplement, finished 6/3 (early)
    H online, awaiting the desk's check
    """
    permit = make_permit(world)
    other = make_permit(world, code="T.000009")
    other.agency = world.justice
    other.save()
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False) as traveller:
        accept = actions.accept_dossier
        a = accept(acting_user=world.clerk, dossier=register(world, permit))
        b = accept(acting_user=world.clerk, dossier=_online(world, permit))
        c = accept(acting_user=world.clerk, dossier=register(world, permit))
        accept(acting_user=world.clerk, dossier=register(world, permit))  # D
        actions.refuse_dossier(
            acting_user=world.clerk, dossier=register(world, permit), reason="Sai thẩm quyền"
        )  # E
        register(world, permit)  # F
        g = register(world, permit, documents=[])
        actions.request_supplement(acting_user=world.clerk, dossier=g, other_items=["Đơn"])
        actions.submit_supplement(
            acting_user=world.clerk, dossier=g, documents=all_documents(permit)
        )
        g = accept(acting_user=world.clerk, dossier=g)
        _online(world, permit)  # H
        accept(acting_user=world.clerk, dossier=register(world, other))  # Sở Tư pháp's
        _finish(world, a, traveller, local(2026, 3, 4, 9, 0))
        _finish(world, g, traveller, local(2026, 3, 6, 9, 0))
        _finish(world, b, traveller, local(2026, 3, 16, 9, 0))
        traveller.move_to(local(2026, 3, 18, 9, 0))
        actions.reject_on_merits(acting_user=world.leader, dossier=c, reason="Không đủ điều kiện")
        traveller.move_to(local(2026, 4, 1, 9, 0))
        yield Scenario(permit=permit, other=other)


def _march(**kwargs: Any) -> Any:
    import datetime as dt

    return Selection(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31), **kwargs)


def _step_index(world: World) -> float:
    """Index 2 by hand: Sở Xây dựng's steps completed in March, early 2 / on time 1 / late 0."""
    scores = {"early": 2, "on_time": 1, "late": 0}
    steps = [
        scores[s.timeliness]
        for s in DossierStep.objects.filter(agency=world.construction).exclude(timeliness="")
        if s.completed_at and s.completed_at.month == 3
    ]
    assert steps
    from decimal import ROUND_HALF_UP, Decimal

    mean = Decimal(sum(steps)) / Decimal(len(steps))
    return float(mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def test_counts_rates_and_averages_of_an_agency(world: World, scenario: Scenario) -> None:
    result = dossier_stats(_march(agency_ids=frozenset({world.construction.pk})), get_calendar())
    [agency] = result.agencies
    assert agency.key == world.construction.organ_code
    assert (agency.registered, agency.received, agency.awaiting_receipt) == (8, 5, 2)
    assert (agency.refused, agency.withdrawn, agency.in_progress) == (1, 0, 1)
    assert (agency.finished, agency.early, agency.on_time, agency.late) == (4, 2, 1, 1)
    assert agency.on_time_rate == 0.6  # (2 early + 1 on time) ÷ 5 received
    assert agency.finished_on_time_rate == 0.75
    assert agency.online_share == 0.25  # B and H of 8
    # A 2 days, G 4, B 14, C 16 (calendar days from acceptance to the result)
    assert agency.average_days == 9.0
    # (2/3, 4/3] 2, (2/3, 6/3] 4, (2/3, 16/3] 10, (2/3, 18/3] 12 working days
    assert result.average_working_days == 7.0
    assert result.total.registered == 8
    [unit] = result.units
    assert unit.key == world.desk.code and unit.registered == 8
    [procedure] = result.procedures
    assert procedure.key == scenario.permit.code
    assert {c.key: c.registered for c in result.channels} == {"desk": 6, "online": 2}
    assert [(m.key, m.registered) for m in result.months] == [("2026-03", 8)]


def test_circular_indices_and_the_grade(world: World, scenario: Scenario) -> None:
    [agency] = dossier_stats(_march(agency_ids=frozenset({world.construction.pk}))).agencies
    assert agency.indices[1] == 1.3  # (2·2 early + 1 on time + 0 late) ÷ 4 = 1.25
    assert agency.indices[2] == _step_index(world)
    assert agency.indices[3] == 1.8  # 3 without a supplement (2), G with one (1): 7 ÷ 4
    assert agency.indices[7] == 1.3  # nobody complained: early 2, on time 1, late 0, as index 1
    assert agency.indices[9] == 1.0  # all procedures at level 4, 25% online, one late
    total = 1.3 + _step_index(world) + 1.8 + 1.3 + 1.0
    scaled = total * 9 / 5
    assert agency.scaled_sum == pytest.approx(scaled, abs=0.05)
    expected = (
        "excellent"
        if scaled >= 15
        else "good"
        if scaled >= 12
        else "fair"
        if scaled >= 9
        else "average"
        if scaled >= 6
        else "poor"
    )
    assert agency.grade == expected


def test_a_complaint_about_the_staff_in_a_rating_lowers_index_7(
    world: World, scenario: Scenario
) -> None:
    early = (
        Dossier.objects.filter(procedure=scenario.permit, timeliness="early").order_by("id").first()
    )
    assert early is not None
    actions.return_result(acting_user=world.clerk, dossier=early.code)
    scores = dict.fromkeys(
        ["time_taken", "bodies_contacted", "desk_contacts", "published_info", "lawfulness"], 2
    )
    actions.rate_dossier(
        acting_user=world.citizen,
        dossier=early.code,
        scores={**scores, "staff_attitude": 0, "complaint_handling": None, "online_service": None},
    )
    [agency] = dossier_stats(_march(agency_ids=frozenset({world.construction.pk}))).agencies
    # The complained-of early dossier scores 0: (2 early − 1) · 2 + 1 on time + 0 late = 3 ÷ 4
    assert agency.indices[7] == 0.8
    assert agency.indices[1] == 1.3  # the time index does not change


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (18, "excellent"),
        (15, "excellent"),
        (14.9, "good"),
        (12, "good"),
        (11.9, "fair"),
        (9, "fair"),
        (8.9, "average"),
        (6, "average"),
        (5.9, "poor"),
        (0, "poor"),
    ],
)
def test_grade_thresholds_follow_the_circular(total: float, grade: str) -> None:
    assert grade_of(total)[0] == grade


def test_filters_by_procedure_and_period(world: World, scenario: Scenario) -> None:
    import datetime as dt

    other = dossier_stats(_march(procedure_id=scenario.other.pk))
    assert other.total.registered == 1
    assert [a.key for a in other.agencies] == [world.justice.organ_code]
    april = dossier_stats(Selection(date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 4, 30)))
    assert april.total.registered == 0 and april.agencies == []
    everything = dossier_stats(_march())
    assert everything.total.registered == 9
    assert {a.key: a.registered for a in everything.agencies} == {
        world.construction.organ_code: 8,
        world.justice.organ_code: 1,
    }


def test_the_api_returns_the_statistics_of_the_agencies_the_user_may_see(
    api: Any, world: World, scenario: Scenario
) -> None:
    body = api.login(world.leader).get(URL, **MARCH).json()
    assert body["total"]["registered"] == 8  # not Sở Tư pháp's dossier
    [agency] = body["agencies"]
    assert agency["key"] == world.construction.organ_code
    assert agency["on_time_rate"] == 0.6
    assert {i["number"]: i["value"] for i in agency["indices"]}[1] == 1.3
    assert [i["number"] for i in body["indices"] if not i["supported"]] == [4, 5, 6, 8]
    admin = api.login(world.admin).get(URL, **MARCH).json()
    assert admin["total"]["registered"] == 9
    one = api.login(world.admin).get(URL, agency=world.justice.organ_code, **MARCH).json()
    assert one["total"]["registered"] == 1 and one["agency"] == world.justice.organ_code
    by_procedure = api.login(world.admin).get(URL, procedure=scenario.permit.code, **MARCH)
    assert by_procedure.json()["total"]["registered"] == 8


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()  # type: ignore[no-any-return]


def test_the_api_refuses_bad_parameters_naming_them(api: Any, world: World) -> None:
    client = api.login(world.leader)
    assert _problem(client.get(URL, **{"from": "2026-13-01"}), 422)["errors"][0]["field"] == "from"
    assert _problem(client.get(URL, to="yesterday"), 422)["errors"][0]["field"] == "to"
    reversed_period = client.get(URL, **{"from": "2026-03-31", "to": "2026-03-01"})
    assert _problem(reversed_period, 422)["errors"][0]["field"] == "to"
    unknown = client.get(URL, procedure="KHONG.CO")
    assert _problem(unknown, 422)["errors"][0]["field"] == "procedure"


def test_an_agency_the_user_may_not_see_is_not_found(api: Any, world: World) -> None:
    _problem(api.login(world.leader).get(URL, agency=world.justice.organ_code), 404)
    _problem(api.login(world.leader).get(URL, agency="000.00.99.H58"), 404)
    # A specialist has no statistics at all.
    _problem(api.login(world.specialist).get(URL), 404)


def test_province_leaders_see_every_agency(api: Any, world: World, scenario: Scenario) -> None:
    Membership.objects.create(user=world.specialist, agency=world.province, role=Role.LEADER)
    body = api.login(world.specialist).get(URL, **MARCH).json()
    assert body["total"]["registered"] == 9


def test_the_page_shows_tables_and_accessible_charts(
    client: Any, world: World, scenario: Scenario, django_assert_num_queries: Any
) -> None:
    client.force_login(world.leader)
    # On PostgreSQL the statistics run in a transaction (a savepoint here) with session
    # settings: three more queries.
    with django_assert_num_queries(14 + (3 if connection.vendor == "postgresql" else 0)):
        response = client.get(
            "/dossiers/stats/", {"date_from": "2026-03-01", "date_to": "2026-03-31"}
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<svg class="chart" role="img"') == 2
    assert "<title id=" in html and "<desc id=" in html
    assert world.construction.name in html
    assert "Tư pháp" not in html.split("<h1>")[1]  # not in the leader's statistics


def test_the_page_is_not_found_for_staff_without_statistics(client: Any, world: World) -> None:
    client.force_login(world.specialist)
    assert client.get("/dossiers/stats/").status_code == 404
    client.force_login(world.leader)
    bad = client.get("/dossiers/stats/", {"date_from": "2026-03-31", "date_to": "2026-03-01"})
    assert bad.status_code == 200
    assert "errorlist" in bad.content.decode() or "field-error" in bad.content.decode()


def _column(name: str) -> int:
    """Position in the export: table, code, name, then the columns in their order."""
    return 3 + [n for n, _label in COLUMNS].index(name)


def test_csv_and_xlsx_exports_carry_the_same_numbers(
    client: Any, world: World, scenario: Scenario
) -> None:
    client.force_login(world.leader)
    period = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    response = client.get("/dossiers/stats/", {**period, "format": "csv"})
    assert response.status_code == 200
    assert 'filename="thong-ke-ho-so-20260301-20260331.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows[0]) == 3 + len(COLUMNS) + len(SUPPORTED) + 3
    agency = next(r for r in rows if r[0] == "agency")
    assert agency[1:3] == [world.construction.organ_code, world.construction.name]
    assert agency[_column("registered")] == "8"
    assert agency[_column("late")] == "1"
    assert agency[_column("on_time_rate")] == "0.6"
    assert next(r for r in rows if r[0] == "total")[_column("registered")] == "8"
    xlsx = client.get("/dossiers/stats/", {**period, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    agency_row = next(r for r in values if r and r[0] == "agency")
    assert agency_row[_column("received")] == 5
    assert agency_row[_column("online_share")] == 0.25


def test_the_workspace_links_to_the_statistics(client: Any, world: World) -> None:
    client.force_login(world.leader)
    assert "/dossiers/stats/" in client.get("/ws/").content.decode()
    client.force_login(world.specialist)
    assert "/dossiers/stats/" not in client.get("/ws/").content.decode()
