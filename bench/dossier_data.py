"""The data the dossier scenarios share: the demo catalog and organisation, BENCH_DOSSIERS
generated dossiers (default 1,000,000, with histories, over the last year), bearer tokens and
session cookies of demo personas, and a pool of dossiers waiting at the centre's desk for the
acceptance run. Prepared once per database: a rerun adds only what is missing (``--fresh``
starts over).
"""

from __future__ import annotations

import json
import os
import subprocess

from bench.harness import PYTHON, ROOT, Server

COUNT = int(os.environ.get("BENCH_DOSSIERS", "1000000"))
WORK = ROOT / "bench" / "results" / "dossiers"
# What the transition run accepts: more than 300/s × a long run.
# The registration run adds to it (same procedure, desk and source), and the codes are read
# again just before the acceptance run (``write_waiting_codes``).
WAITING = int(os.environ.get("BENCH_DOSSIERS_WAITING", "1500"))
# A provincial procedure received at the Public Administration Service Centre (Sở Xây dựng,
# 20 working days, five workflow steps, four mandatory documents).
PROCEDURE = "1.009942"
CLERK = "motcua"
SPECIALIST = "chuyenvien"
ADMIN = "admin"
SOURCE_REF = "bench"

SETUP = r"""
import json
from pathlib import Path
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from egov.accounts.actions import issue_api_token
from egov.accounts.models import User
from egov.dossiers import actions
from egov.dossiers.models import Dossier
from egov.procedures.models import Procedure

work = Path(WORK_DIR)
work.mkdir(parents=True, exist_ok=True)
procedure = Procedure.objects.get(code=PROCEDURE_CODE)
documents = list(procedure.documents.filter(mandatory=True).order_by("order", "id"))
clerk = User.objects.get(username=CLERK_NAME)
secrets = {}
for name in (CLERK_NAME, SPECIALIST_NAME, ADMIN_NAME):
    user = User.objects.get(username=name)
    user.api_tokens.filter(name="bench").delete()
    token = issue_api_token(acting_user=None, user=user, name="bench")[1]
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    secrets[name] = {
        "token": token,
        "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
    }
waiting = Dossier.objects.filter(
    status="submitted", procedure_code=PROCEDURE_CODE, source_ref=SOURCE_REF
)
missing = max(0, WAITING_COUNT - waiting.count())
for index in range(missing):
    actions.register_dossier(
        acting_user=clerk,
        procedure=procedure,
        channel="desk",
        applicant=actions.ApplicantInput(
            kind="citizen",
            name=f"Người nộp {index}",
            personal_id="082090%06d" % index,
            address="12 Ấp Bắc, Phường 4, TP. Mỹ Tho",
        ),
        documents=[actions.DocumentInput(required_document_id=d.pk) for d in documents],
        source_ref=SOURCE_REF,
    )
codes = list(waiting.order_by("id").values_list("code", flat=True))
(work / "codes.lua").write_text("codes = {" + ",".join(json.dumps(c) for c in codes) + "}\n")
(work / "secrets.json").write_text(json.dumps(secrets))
(work / "register.json").write_text(json.dumps({
    "procedure": PROCEDURE_CODE,
    "channel": "desk",
    "source_ref": SOURCE_REF,
    "applicant": {
        "kind": "citizen",
        "name": "Trần Thị Mai",
        "personal_id": "082190004567",
        "address": "25 Lý Thường Kiệt, Phường 2, TP. Mỹ Tho",
        "phone": "0907111222",
    },
    "documents": [{"required_document": d.pk, "sets": 1} for d in documents],
}, ensure_ascii=False))
generated = Dossier.objects.filter(source_ref="generated").order_by("?")
sample = list(generated.values_list("code", flat=True)[:2000])
(work / "lookup.lua").write_text("codes = {" + ",".join(json.dumps(c) for c in sample) + "}\n")
print(f"{len(codes)} dossiers wait at the desk; {Dossier.objects.count():,} dossiers in all")
"""


def prepare(server: Server) -> None:
    """Idempotent: run by each dossier scenario's prepare, does the slow part once."""
    if (WORK / ".prepared").exists() and (WORK / ".prepared").read_text() == server.database:
        return
    server.manage("load_demo", "--allow-production")
    server.manage("generate_dossiers", "--count", str(COUNT), "--until", "--allow-production")
    script = (
        SETUP.replace("WORK_DIR", repr(str(WORK)))
        .replace("PROCEDURE_CODE", repr(PROCEDURE))
        .replace("CLERK_NAME", repr(CLERK))
        .replace("SPECIALIST_NAME", repr(SPECIALIST))
        .replace("ADMIN_NAME", repr(ADMIN))
        .replace("WAITING_COUNT", str(WAITING))
        .replace("SOURCE_REF", repr(SOURCE_REF))
    )
    subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script], cwd=ROOT, env=server.env, check=True
    )
    (WORK / ".prepared").write_text(server.database)


CODES = r"""
import json
from pathlib import Path
from egov.dossiers.models import Dossier
codes = Dossier.objects.filter(
    status="submitted", procedure_code=PROCEDURE_CODE, source_ref=SOURCE_REF
).order_by("id").values_list("code", flat=True)
Path(FILE).write_text("codes = {" + ",".join(json.dumps(c) for c in codes) + "}\n")
print(f"{len(codes)} dossiers wait at the desk")
"""


def write_waiting_codes(server: Server) -> None:
    """codes.lua: every bench dossier waiting at the desk now (the pool plus registrations)."""
    script = (
        CODES.replace("PROCEDURE_CODE", repr(PROCEDURE))
        .replace("SOURCE_REF", repr(SOURCE_REF))
        .replace("FILE", repr(str(WORK / "codes.lua")))
    )
    subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script], cwd=ROOT, env=server.env, check=True
    )


def secrets() -> dict[str, dict[str, str]]:
    return json.loads((WORK / "secrets.json").read_text(encoding="utf-8"))


def forget() -> None:
    """The next prepare runs again (e.g. after a run used the waiting dossiers up)."""
    (WORK / ".prepared").unlink(missing_ok=True)
