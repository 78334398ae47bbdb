"""One-stop statistics for one province-year: target < 500 ms (issue 3, §6).

prepare: the test personas, 20 departments with 40 procedures, 100 communes with a one-stop
desk and 20 commune procedures, then synthetic dossiers up to BENCH_STAT_DOSSIERS (default
1,000,000) spread over 2025–2026 (one INSERT … SELECT generate_series; a rerun adds nothing)
with every status, channel and timeliness; VACUUM ANALYZE; a bearer token for a system
administrator (who sees every agency).

run: ``GET /api/v1/stats/dossiers?from=2026-01-01&to=2026-12-31`` (the province-year, about
half of the dossiers) timed one by one, against the bare JSON endpoint and a bare single-row
ORM select timed the same way in the same run.
"""

from __future__ import annotations

import http.client
import os
import statistics
import time

from bench.harness import Measurement, Report, Server

COUNT = int(os.environ.get("BENCH_STAT_DOSSIERS", "1000000"))
ROUNDS = 15
PATH = "/api/v1/stats/dossiers?from=2026-01-01&to=2026-12-31"

SETUP = r"""
from django.db import connection
from egov.accounts.actions import issue_api_token
from egov.accounts.models import User
from egov.org.models import Agency, Unit
from egov.procedures.models import Procedure, Sector
from egov.testing.world import build_world
from egov.workdays.actions import seed_calendar_year
from egov.workdays.models import CalendarYear

for year in (2025, 2026, 2027):
    if not CalendarYear.objects.filter(year=year).exists():
        seed_calendar_year(acting_user=None, year=year)
if not User.objects.filter(username="cuc").exists():
    build_world()
sector = Sector.objects.get_or_create(code="XD", defaults={"name": "Xây dựng"})[0]
province = Agency.objects.get(organ_code="000.00.00.H58")
centre = Agency.objects.get(organ_code="000.01.01.H58")
desk = Unit.objects.get(agency=centre, code="TNTKQ")
departments = [
    Agency.objects.get_or_create(
        organ_code=f"000.00.{i:02d}.H58",
        defaults=dict(name=f"Sở {i}", short_name=f"S{i}", level="sector", parent=province),
    )[0]
    for i in range(10, 30)
]
communes = []
for i in range(1, 101):
    agency = Agency.objects.get_or_create(
        organ_code=f"000.{i:02d}.30.H58" if i < 100 else "000.99.31.H58",
        defaults=dict(name=f"UBND xã {i}", short_name="UBND", level="commune", parent=province),
    )[0]
    unit = Unit.objects.get_or_create(
        agency=agency, code="MC", defaults=dict(name="Bộ phận một cửa", is_one_stop_desk=True)
    )[0]
    communes.append((agency.pk, unit.pk))
procedures = []
for i in range(60):
    province_level = i < 40
    procedures.append(Procedure.objects.get_or_create(
        code=f"P.{i:06d}",
        defaults=dict(
            name=f"Thủ tục {i}", sector=sector, level="province" if province_level else "commune",
            agency=departments[i % 20] if province_level else None, service_level=2 + i % 3,
            category="partial", processing_days=10 if province_level else 5,
        ),
    )[0].pk)
ids = lambda values: ",".join(str(v) for v in values)
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM dossiers_dossier")
    missing = COUNT - cursor.fetchone()[0]
    if missing > 0:
        cursor.execute(f'''
INSERT INTO dossiers_dossier (code, procedure_id, procedure_code, procedure_name, processing_days,
 channel, status, source_ref, applicant_kind, applicant_name, applicant_name_folded,
 applicant_personal_id, applicant_tax_code, applicant_address, applicant_phone, applicant_email,
 receiving_agency_id, receiving_unit_id, registered_at, form_data, return_method, return_address,
 is_electronic, accepted_at, received_at, clock_started_at, extension_days, due_at, due_on,
 supplement_count, outcome, result_number, result_summary, finished_at, timeliness,
 returned_by_method, updated_at)
SELECT 'BENCH-' || g, p.pid, 'P', 'Thủ tục', 10, (ARRAY['desk','post','online'])[1 + g % 3],
 CASE WHEN g % 10 = 0 THEN 'submitted' WHEN g % 10 = 1 THEN 'in_processing'
      WHEN g % 10 = 2 THEN 'refused' ELSE 'returned' END, '',
 'citizen', 'Nguyễn Văn ' || g, 'nguyen van ' || g, '', '', '12 Ấp Bắc, Phường 4', '', '',
 CASE WHEN p.commune THEN c.aid ELSE {centre.pk} END,
 CASE WHEN p.commune THEN c.uid ELSE {desk.pk} END,
 r.t, '{{"purpose": "Nhà ở riêng lẻ", "floors": 3}}', 'desk', '', true,
 CASE WHEN g % 10 IN (0, 2) THEN NULL ELSE r.t END,
 CASE WHEN g % 10 IN (0, 2) THEN NULL ELSE r.t END,
 NULL, 0, NULL, (r.t + interval '14 days')::date, (g % 7 = 0)::int, '', '', '',
 CASE WHEN g % 10 >= 3 THEN r.t + ((g % 20) || ' days')::interval ELSE NULL END,
 CASE WHEN g % 10 >= 3 THEN (ARRAY['early','on_time','late'])[1 + g % 3] ELSE '' END, '', now()
FROM generate_series(1, {missing}) g
CROSS JOIN LATERAL (SELECT timestamptz '2025-01-01 00:00+07' + (g % 730) * interval '1 day'
                          + (g % 480) * interval '1 minute' AS t) r
CROSS JOIN LATERAL (SELECT (g % 3 <> 0) AS commune, CASE WHEN g % 3 <> 0
    THEN (ARRAY[{ids(procedures[40:])}])[1 + g % 20]
    ELSE (ARRAY[{ids(procedures[:40])}])[1 + g % 40]
    END AS pid) p
CROSS JOIN LATERAL (SELECT (ARRAY[{ids(a for a, _u in communes)}])[1 + g % 100] AS aid,
                           (ARRAY[{ids(u for _a, u in communes)}])[1 + g % 100] AS uid) c
''')
    cursor.execute("VACUUM ANALYZE dossiers_dossier")
admin = User.objects.get(username="quantri")
print(issue_api_token(acting_user=None, user=admin, name="bench-stats")[1])
"""
_token: dict[str, str] = {}


def prepare(server: Server) -> None:
    output = server.shell(f"COUNT = {COUNT}\n" + SETUP)
    _token["value"] = output.strip().splitlines()[-1]


def _median_ms(server: Server, path: str) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    headers = {"Authorization": f"Bearer {_token['value']}", "Accept": "application/json"}
    timings = []
    for _round in range(ROUNDS):
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        timings.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status}")
    connection.close()
    return statistics.median(timings)


def run(server: Server, report: Report, *, duration: int, connections: int) -> None:
    _median_ms(server, PATH)  # warm up
    bare = _median_ms(server, "/api/v1/ping")
    row = _median_ms(server, "/api/v1/ping/db")
    stats = _median_ms(server, PATH)
    notes = (
        f"median of {ROUNDS}, 1 client, {COUNT:,} dossiers; bare JSON {bare:.1f} ms, "
        f"single-row select {row:.1f} ms in the same run"
    )
    report.measurements.append(
        Measurement("statistics, one province-year (median)", stats, "ms", "< 500 ms", notes)
    )
    print(f"  statistics, province-year: {stats:.0f} ms ({notes})")
