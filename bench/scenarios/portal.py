"""Citizen portal (issue 4 targets: citizen pages p95 < 150 ms; online submission with three
1 MB attachments >= 50/s).

``prepare`` loads the demo, adds a bench procedure (level 4, no fee) whose form asks for three
documents, keeps three 1 MB PDFs in a bench citizen's document store, and writes drafts that
attach them, one per submission the run may make. The runs read the public finder and a
procedure page, the citizen's own pages (with a session cookie), and submit the drafts through
the API with a bearer token: each submission registers a dossier and copies the three files.
"""

from __future__ import annotations

import json
import os
import textwrap

from bench.harness import ROOT, Measurement, Report, Server, run_wrk

RESULTS = ROOT / "bench" / "results"
DRAFTS = RESULTS / "portal_drafts.txt"
SECRETS = RESULTS / "portal_secrets.json"
PAGES = RESULTS / "portal_pages.lua"
SUBMIT = RESULTS / "portal_submit.lua"
PER_SECOND_BUDGET = 120  # drafts prepared per second of the run

PREPARE = textwrap.dedent(
    """
    import json, datetime as dt
    from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, BACKEND_SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.conf import settings
    from egov.accounts.actions import create_user, issue_api_token, save_citizen_profile
    from egov.accounts.models import User
    from egov.docstore.actions import store_document
    from egov.org.demo import agency
    from egov.portal import actions
    from egov.portal.models import Application
    from egov.procedures.models import Procedure, RequiredDocument, Sector

    count, drafts_path, secrets_path = COUNT, DRAFTS, SECRETS
    user = User.objects.filter(username="bench-citizen").first()
    if user is None:
        user = create_user(acting_user=None, username="bench-citizen", password=None,
                           full_name="Nguyễn Văn Bench", email="bench@example.vn")
        save_citizen_profile(acting_user=None, user=user, personal_id="082090009999",
                             address="1 Ấp Bắc, Phường Mỹ Tho")
    procedure = Procedure.objects.filter(code="B.000001").first()
    if procedure is None:
        procedure = Procedure.objects.create(
            code="B.000001", name="Thủ tục đo kiểm (ba giấy tờ)", level="province",
            sector=Sector.objects.order_by("code").first(), agency=agency("000.01.01"),
            service_level=4, category="full_online", processing_days=5, result_online=True,
            application_form={"version": 1, "fields": [
                {"name": "applicant_name", "type": "text", "label": "Họ và tên",
                 "required": True, "prefill": "full_name"},
                {"name": "applicant_id", "type": "personal_id", "label": "Số định danh",
                 "required": True, "prefill": "personal_id"},
            ] + [
                {"name": f"paper_{n}", "type": "file", "label": f"Giấy tờ đo kiểm số {n}",
                 "required": True} for n in (1, 2, 3)
            ]},
        )
        RequiredDocument.objects.create(procedure=procedure, order=1, name="Tờ khai đo kiểm")
        for n in (1, 2, 3):
            RequiredDocument.objects.create(
                procedure=procedure, order=n + 1, name=f"Giấy tờ đo kiểm số {n}")
    megabyte = 1024 * 1024
    papers = [
        store_document(acting_user=user, filename=f"paper{n}.pdf", title=f"Giấy tờ {n}",
                       content=b"%PDF-1.4\\n" + bytes([n]) * (megabyte - 9))
        for n in (1, 2, 3)
    ]
    Application.objects.filter(applicant=user, status="draft").delete()
    with open(drafts_path, "w") as out:
        for _ in range(count):
            draft = actions.start_application(acting_user=user, procedure=procedure)
            actions.save_application(
                acting_user=user, application=draft, answers=draft.form_data,
                return_method="online",
                picks={f"field:paper_{n}": [papers[n - 1].pk] for n in (1, 2, 3)},
            )
            out.write(f"/api/v1/portal/applications/{draft.public_id}/submit\\n")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    _token, plaintext = issue_api_token(acting_user=None, user=user, name="bench",
                                        expires_at=None)
    with open(secrets_path, "w") as out:
        json.dump({"cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
                   "token": plaintext}, out)
    """
)

# Shows the first unexpected answers, so a run that only measured errors says why.
REPORT_LUA = """
    local shown = 0
    function response(status, headers, body)
      if status >= 300 and shown < 2 then
        print("unexpected " .. status .. ": " .. string.sub(body, 1, 160))
        shown = shown + 1
      end
    end
"""

PAGES_LUA = textwrap.dedent(
    """
    function init(args)
      cookie = os.getenv("PORTAL_COOKIE") or ""
    end
    function request()
      if cookie ~= "" then
        return wrk.format(nil, nil, {["Cookie"] = cookie})
      end
      return wrk.format()
    end
    """
    + REPORT_LUA
)

SUBMIT_LUA = textwrap.dedent(
    """
    local counter = 1
    function setup(thread)
      thread:set("id", counter)
      counter = counter + 1
    end
    function init(args)
      paths = {}
      for line in io.lines(os.getenv("PORTAL_DRAFTS")) do table.insert(paths, line) end
      step = tonumber(os.getenv("WRK_THREADS"))
      index = id
      token = os.getenv("PORTAL_TOKEN")
    end
    function request()
      local path = paths[((index - 1) % #paths) + 1]
      index = index + step
      return wrk.format("POST", path, {["Authorization"] = "Bearer " .. token})
    end
    """
    + REPORT_LUA
)


def prepare(server: Server, duration: int = 10) -> None:
    server.manage("load_demo", "--allow-production")
    count = PER_SECOND_BUDGET * int(os.environ.get("BENCH_DURATION", duration))
    RESULTS.mkdir(parents=True, exist_ok=True)
    code = (
        PREPARE.replace("COUNT", str(count))
        .replace("DRAFTS", json.dumps(str(DRAFTS)))
        .replace("SECRETS", json.dumps(str(SECRETS)))
    )
    server.manage("shell", "-c", code)
    PAGES.write_text(PAGES_LUA, encoding="utf-8")
    SUBMIT.write_text(SUBMIT_LUA, encoding="utf-8")


def run(server: Server, report: Report, *, duration: int, connections: int) -> None:
    secrets = json.loads(SECRETS.read_text(encoding="utf-8"))
    pages = [
        ("portal: service finder, search", "/services/?q=khai+sinh", False),
        ("portal: procedure page", "/services/1.001193/", False),
        ("portal: my dossiers (logged in)", "/my/", True),
        ("portal: application form (logged in)", None, True),
    ]
    first_draft = DRAFTS.read_text(encoding="utf-8").splitlines()[-1]
    form = first_draft.replace("/api/v1/portal/applications/", "/my/applications/")
    form = form.replace("/submit", "/")
    for name, path, logged_in in pages:
        report.wrk.append(
            run_wrk(
                name,
                server.url + (path or form),
                connections=connections,
                duration=duration,
                script=PAGES,
                env={"PORTAL_COOKIE": secrets["cookie"] if logged_in else ""},
            )
        )
    submit = run_wrk(
        "portal: submit with three 1 MB attachments",
        server.url + "/",
        connections=min(connections, 8),
        duration=duration,
        script=SUBMIT,
        env={
            "PORTAL_DRAFTS": str(DRAFTS),
            "PORTAL_TOKEN": secrets["token"],
            "WRK_THREADS": "2",
        },
    )
    report.wrk.append(submit)
    report.measurements.append(
        Measurement(
            "online submissions with three 1 MB attachments",
            submit.requests_per_second,
            "per second",
            target=">= 50/s",
            notes=f"p99 {submit.p99_ms:.0f} ms; each registers a dossier and copies 3 MB",
        )
    )
