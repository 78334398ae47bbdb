"""Dossier writes over the API: registration (POST /api/v1/dossiers with an Idempotency-Key)
and one transition (POST …/actions/accept on dossiers waiting at the desk). Targets: ≥ 300/s each.

`prepare` builds, in the bench database, the test personas, a procedure with a four-step
workflow, an API token for the one-stop clerk and enough dossiers waiting for acceptance; the
token and the codes go to files the wrk scripts read.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.harness import ROOT, Measurement, Report, Server, run_wrk

WORK = ROOT / "bench" / "results" / "dossiers"
# Dossiers waiting at the desk for the transition run (more than one run can accept).
WAITING = 6000

SETUP = r"""
import json
from pathlib import Path
from django.utils import timezone
from egov.accounts.auth import make_token
from egov.accounts.models import ApiToken, User
from egov.dossiers import actions
from egov.dossiers.models import Dossier
from egov.dossiers.tests.factories import make_permit, walk_in
from egov.procedures.models import Procedure
from egov.testing.world import build_world
from egov.workdays.actions import seed_calendar_year
from egov.workdays.models import CalendarYear

work = Path(WORK_DIR)
year = timezone.localdate().year
for y in (year, year + 1):
    if not CalendarYear.objects.filter(year=y).exists():
        seed_calendar_year(acting_user=None, year=y)
if not User.objects.filter(username="cuc").exists():
    world = build_world()
    make_permit(world, days=10, code="B.000001")
clerk = User.objects.get(username="cuc")
procedure = Procedure.objects.get(code="B.000001")
ApiToken.objects.filter(user=clerk, name="bench").delete()
plain, prefix, secret_hash = make_token()
ApiToken.objects.create(user=clerk, name="bench", prefix=prefix, secret_hash=secret_hash)
waiting = list(
    Dossier.objects.filter(status="submitted", procedure=procedure).values_list("code", flat=True)
)
for index in range(max(0, WAITING - len(waiting))):
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
    waiting.append(dossier.code)
work.mkdir(parents=True, exist_ok=True)
(work / "token").write_text(plain)
(work / "codes.lua").write_text(
    "codes = {" + ",".join(json.dumps(code) for code in waiting) + "}\n"
)
(work / "body.json").write_text(json.dumps({
    "procedure": procedure.code,
    "channel": "desk",
    "applicant": {
        "kind": "citizen",
        "name": "Nguyễn Văn An",
        "personal_id": "082090001234",
        "address": "12 Ấp Bắc, Phường 4, TP. Mỹ Tho",
        "phone": "0901234567",
    },
    "documents": [
        {"required_document": d.pk, "sets": 1}
        for d in procedure.documents.filter(mandatory=True)
    ],
}, ensure_ascii=False))
print(f"{len(waiting)} dossiers wait at the desk")
"""

REGISTER_LUA = r"""
local token = io.open("{work}/token"):read("*a")
local body = io.open("{work}/body.json"):read("*a")
local counter = 0
local thread_id = 0
function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end
function request()
  counter = counter + 1
  local headers = {{}}
  headers["Authorization"] = "Bearer " .. token
  headers["Content-Type"] = "application/json"
  headers["Idempotency-Key"] = "bench-" .. os.time() .. "-" .. tid .. "-" .. counter
  return wrk.format("POST", "/api/v1/dossiers", headers, body)
end
"""

ACCEPT_LUA = r"""
dofile("{work}/codes.lua")
local token = io.open("{work}/token"):read("*a")
local threads = {{}}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function init(args)
  index = tid
end
function request()
  local code = codes[index]
  index = index + {threads}
  if code == nil then
    code = "none"
  end
  local headers = {{}}
  headers["Authorization"] = "Bearer " .. token
  headers["Content-Type"] = "application/json"
  return wrk.format("POST", "/api/v1/dossiers/" .. code .. "/actions/accept", headers, "{{}}")
end
"""

THREADS = 2


def prepare(server: Server) -> None:
    script = SETUP.replace("WORK_DIR", repr(str(WORK))).replace("WAITING", str(WAITING))
    server.manage("shell", "-c", script)


def _script(name: str, template: str) -> Path:
    path = WORK / f"{name}.lua"
    path.write_text(template.format(work=WORK, threads=THREADS), encoding="utf-8")
    return path


def run(server: Server, report: Report, *, duration: int, connections: int) -> None:
    registration = run_wrk(
        "dossier registration (POST /dossiers, Idempotency-Key)",
        server.url,
        connections=connections,
        duration=duration,
        threads=THREADS,
        script=_script("register", REGISTER_LUA),
    )
    report.wrk.append(registration)
    accept = run_wrk(
        "dossier transition (POST …/actions/accept)",
        server.url,
        connections=connections,
        duration=duration,
        threads=THREADS,
        script=_script("accept", ACCEPT_LUA),
    )
    report.wrk.append(accept)
    baseline = report.baseline("bare single-row ORM select")
    for result in (registration, accept):
        report.measurements.append(
            Measurement(
                name=result.name,
                value=result.requests_per_second,
                unit="req/s",
                target="≥ 300/s",
                notes=(
                    f"{result.requests_per_second / baseline.requests_per_second:.2f} of the "
                    "single-row baseline"
                    if baseline
                    else ""
                ),
            )
        )
    (WORK / "last.json").write_text(
        json.dumps({r.name: r.requests_per_second for r in (registration, accept)}),
        encoding="utf-8",
    )
