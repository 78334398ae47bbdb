"""The public status lookup (GET /api/v1/public/dossiers/{code}), for known and for unknown
codes. Targets (issue 3 §6): ≥ 0.8 of the bare single-row ORM select, p99 < 50 ms at 32
connections; unknown codes should cost about the same as known ones.

Every request comes from its own client address (a random ``X-Forwarded-For`` behind one
trusted proxy), as lookups from the public do, and the per-client limit is set out of reach:
each request still pays its rate-limit statement.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.harness import ROOT, Measurement, Report, Server, run_wrk

WORK = ROOT / "bench" / "results" / "lookup"
DOSSIERS = 500

SETUP = r"""
import json
from pathlib import Path
from django.utils import timezone
from egov.accounts.models import User
from egov.dossiers import actions
from egov.dossiers.models import Dossier
from egov.dossiers.tests.factories import make_permit, walk_in
from egov.procedures.models import Procedure
from egov.testing.world import build_world
from egov.workdays.actions import seed_calendar_year
from egov.workdays.models import CalendarYear

year = timezone.localdate().year
for y in (year, year + 1):
    if not CalendarYear.objects.filter(year=y).exists():
        seed_calendar_year(acting_user=None, year=y)
if not User.objects.filter(username="cuc").exists():
    world = build_world()
    make_permit(world, days=10, code="B.000001")
clerk = User.objects.get(username="cuc")
procedure = Procedure.objects.get(code="B.000001")
codes = list(Dossier.objects.values_list("code", flat=True)[:DOSSIERS])
for index in range(max(0, DOSSIERS - len(codes))):
    dossier = actions.register_dossier(
        acting_user=clerk,
        procedure=procedure,
        channel="desk",
        applicant=walk_in(name=f"Người nộp {index}"),
        documents=[
            actions.DocumentInput(required_document_id=d.pk)
            for d in procedure.documents.filter(mandatory=True)
        ],
    )
    if index % 2 == 0:
        actions.accept_dossier(acting_user=clerk, dossier=dossier.code)
    codes.append(dossier.code)
work = Path(WORK_DIR)
work.mkdir(parents=True, exist_ok=True)
(work / "known.lua").write_text("codes = {" + ",".join(json.dumps(c) for c in codes) + "}\n")
(work / "unknown.lua").write_text(
    "codes = {" + ",".join(json.dumps(c[:-4] + "X" + c[-3:]) for c in codes) + "}\n"
)
print(f"{len(codes)} dossiers to look up")
"""

LOOKUP_LUA = r"""
dofile("{work}/{codes}.lua")
math.randomseed(os.time())
function request()
  local code = codes[math.random(#codes)]
  local headers = {{}}
  headers["X-Forwarded-For"] = "10." .. math.random(0, 255) .. "." .. math.random(0, 255)
    .. "." .. math.random(1, 254)
  return wrk.format("GET", "/api/v1/public/dossiers/" .. code, headers)
end
"""


def prepare(server: Server) -> None:
    script = SETUP.replace("WORK_DIR", repr(str(WORK))).replace("DOSSIERS", str(DOSSIERS))
    server.manage("shell", "-c", script)
    # Public clients each have their own address (behind the one trusted proxy); the limit
    # itself is out of reach so that every request does the full work.
    server.env["TRUSTED_PROXY_COUNT"] = "1"
    server.env["DOSSIER_LOOKUP_RATE_LIMIT"] = "1000000000"


def _script(codes: str) -> Path:
    path = WORK / f"lookup-{codes}.lua"
    path.write_text(LOOKUP_LUA.format(work=WORK, codes=codes), encoding="utf-8")
    return path


def run(server: Server, report: Report, *, duration: int, connections: int) -> None:
    results = {}
    for codes, label in (("known", "known codes"), ("unknown", "unknown codes (404)")):
        result = run_wrk(
            f"public lookup, {label}",
            server.url,
            connections=connections,
            duration=duration,
            script=_script(codes),
        )
        report.wrk.append(result)
        results[codes] = result
    baseline = report.baseline("bare single-row ORM select")
    known, unknown = results["known"], results["unknown"]
    report.measurements.append(
        Measurement(
            name="public lookup (known codes)",
            value=known.requests_per_second / baseline.requests_per_second if baseline else 0,
            unit="× single-row baseline",
            target="≥ 0.8, p99 < 50 ms",
            notes=f"p99 {known.p99_ms:.1f} ms",
        )
    )
    report.measurements.append(
        Measurement(
            name="unknown ÷ known codes (req/s)",
            value=unknown.requests_per_second / known.requests_per_second,
            unit="ratio",
            target="≈ 1",
            notes=f"p99 {unknown.p99_ms:.1f} ms vs {known.p99_ms:.1f} ms",
        )
    )
    (WORK / "last.json").write_text(
        json.dumps({k: r.requests_per_second for k, r in results.items()}), encoding="utf-8"
    )
