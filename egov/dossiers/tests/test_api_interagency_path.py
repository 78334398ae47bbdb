"""The "done when" path through the API only, on the demo catalog's inter-agency bundle
(1.012628): the ward's desk registers a walk-in dossier (with an Idempotency-Key) and accepts
it (form 01 PDF); the civil-status officer requests a supplement (form 02) that the citizen
hands in; the ward signs; the ward police (lead) and the city's social insurance work in
parallel; the ward's leader apologises and reschedules (form 04); the police finish after the
new date, so the dossier is late; the desk records and returns the result (form 05). Forbidden
moves on the way get 409/403/404 problems."""

from __future__ import annotations

import base64
import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from pypdf import PdfReader

from egov.accounts.models import User
from egov.dossiers.tests.demo_catalog import BUNDLE, load_demo_catalog
from egov.dossiers.tests.factories import PDF, local
from egov.org.models import Membership, Role
from egov.procedures.models import Procedure
from egov.workdays.selectors import get_calendar

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

START = local(2026, 3, 2, 9, 0)  # Monday
SCAN = base64.b64encode(PDF).decode()


def who(username: str) -> User:
    return User.objects.get(username=username)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def dmy(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


class Path:
    """The API as each persona calls it."""

    def __init__(self, api: Any, code: str = "") -> None:
        self.api = api
        self.code = code

    def as_(self, username: str) -> Path:
        self.api.login(who(username))
        return self

    def act(self, action: str, body: dict[str, Any] | None = None, status: int = 200) -> Any:
        response = self.api.post(f"/api/v1/dossiers/{self.code}/actions/{action}", body or {})
        assert response.status_code == status, response.content
        return response.json()

    def dossier(self) -> Any:
        response = self.api.get(f"/api/v1/dossiers/{self.code}")
        assert response.status_code == 200, response.content
        return response.json()

    def form_pdf(self, number: str) -> str:
        body = self.dossier()
        (form,) = [f for f in body["forms"] if f["number"] == number]
        response = self.api.get(form["pdf"])
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        return pdf_text(response.content)


def test_an_inter_agency_dossier_through_the_api_from_registration_to_late_return(
    calendar: None, api: Any
) -> None:
    load_demo_catalog()
    bundle = Procedure.objects.get(code=BUNDLE)
    ward = Membership.objects.get(user__username="motcua.p1", role=Role.ONE_STOP_CLERK).agency
    work = get_calendar()
    path = Path(api)

    with time_machine.travel(START, tick=False) as traveller:
        # 1. Registration at the ward's desk; a repeated request creates nothing.
        body = {
            "procedure": BUNDLE,
            "channel": "desk",
            "receiving_agency": ward.organ_code,
            "applicant": {
                "name": "Nguyễn Văn An",
                "personal_id": "082090001234",
                "address": "12 Ấp Bắc, Phường 4, TP. Mỹ Tho",
                "phone": "0901234567",
            },
            "documents": [
                {
                    "required_document": document.pk,
                    "file": {"name": "scan.pdf", "content_base64": SCAN},
                }
                for document in bundle.documents.filter(mandatory=True)
            ],
        }
        path.as_("motcua.p1")
        first = api.post("/api/v1/dossiers", body, HTTP_IDEMPOTENCY_KEY="desk-p1-0001")
        assert first.status_code == 201, first.content
        again = api.post("/api/v1/dossiers", body, HTTP_IDEMPOTENCY_KEY="desk-p1-0001")
        assert again.status_code == 200
        path.code = first.json()["code"]
        assert again.json()["code"] == path.code
        assert path.code.startswith(f"{ward.organ_code}-260302-")

        # Nobody else may see it; the citizen may not accept it.
        assert path.as_("bhxh.mytho").api.get(f"/api/v1/dossiers/{path.code}").status_code == 404
        path.as_("congdan").act("accept", status=403)

        # 2. Accepted: form 01 with the appointment computed from the working-day calendar.
        path.as_("motcua.p1").act("accept")
        appointment = work.due_date(START, bundle.processing_days)
        receipt = path.form_pdf("01")
        assert path.code in receipt
        assert f"ngày {dmy(appointment)}" in receipt
        assert "Nguyễn Văn An" in receipt

        # 3. A supplement during processing (form 02), handed in by the citizen an hour later.
        path.act(
            "request_supplement",
            {"other_items": ["Bản sao Giấy chứng nhận kết hôn của cha mẹ"], "reason": "Ghi cha."},
        )
        assert "Bản sao Giấy chứng nhận kết hôn của cha mẹ" in path.form_pdf("02")
        traveller.move_to(local(2026, 3, 2, 10, 0))
        path.as_("congdan").act(
            "submit_supplement",
            {
                "documents": [
                    {
                        "name": "Bản sao Giấy chứng nhận kết hôn",
                        "file": {"name": "ket-hon.pdf", "content_base64": SCAN},
                    }
                ]
            },
        )
        due = work.due_date(local(2026, 3, 2, 10, 0), bundle.processing_days)
        assert path.dossier()["due_on"] == due.isoformat()

        # 4. Civil status and the chairwoman's signature; then two agencies at once.
        path.as_("motcua.p1").act("complete_step", {"note": "Đã đăng ký khai sinh."})
        path.as_("lanhdao.p1").act("complete_step")
        opened = [s for s in path.dossier()["steps"] if s["status"] == "open"]
        assert len(opened) == 2
        traveller.move_to(local(2026, 3, 4, 14, 0))
        path.as_("bhxh.mytho").act("complete_step", {"note": "Đã cấp thẻ BHYT."})

        # 5. Form 04, once, no later than one working day before the due date.
        traveller.move_to(local(2026, 3, 5, 9, 0))
        new_date = work.add_working_days(due, 2)
        path.as_("lanhdao.p1").act(
            "apologise_and_reschedule",
            {"reason": "Chờ xác minh chỗ ở hợp pháp.", "new_due_on": new_date.isoformat()},
        )
        apology = path.form_pdf("04")
        assert f"ngày {dmy(due)}" in apology
        assert f"ngày {dmy(new_date)}" in apology
        path.act(
            "apologise_and_reschedule",
            {"reason": "Lần nữa.", "new_due_on": work.add_working_days(new_date, 1).isoformat()},
            status=409,
        )

        # 6. The police finish a working day after the new date: late.
        late_day = work.add_working_days(new_date, 1)
        traveller.move_to(dt.datetime.combine(late_day, dt.time(9, 0), tzinfo=START.tzinfo))
        path.as_("congan.p1").act("complete_step", {"note": "Đã đăng ký thường trú."})
        assert path.dossier()["status"] == "approved"

        # 7. Result recorded and returned at the desk; form 05 shows the late step.
        path.as_("motcua.p1").act(
            "record_result",
            {"number": "125/2026/TLKS", "summary": "Giấy khai sinh, thường trú và thẻ BHYT."},
        )
        done = path.act("return_result", {"method": "desk"})
        assert done["status"] == "returned"
        assert done["timeliness"] == "late"
        slip = path.form_pdf("05")
        assert "Đăng ký thường trú cho trẻ" in slip
        assert "Quá hạn" in slip
        # Nothing more can happen to a returned dossier.
        path.act("withdraw", {"reason": "Thôi."}, status=409)

        # 8. The citizen rates the service once; staff may not rate in their place.
        scores = {
            "time_taken": 0,
            "bodies_contacted": 1,
            "desk_contacts": 1,
            "published_info": 2,
            "staff_attitude": 2,
            "lawfulness": 2,
            "complaint_handling": None,
            "online_service": None,
            "comment": "Trả kết quả trễ hẹn nhưng có thư xin lỗi.",
        }
        rating_url = f"/api/v1/dossiers/{path.code}/rating"
        assert path.as_("motcua.p1").api.post(rating_url, scores).status_code == 403
        rated = path.as_("congdan").api.post(rating_url, scores)
        assert rated.status_code == 201, rated.content
        assert rated.json()["time_taken"] == 0
        assert path.api.post(rating_url, scores).status_code == 409

    numbers = [f["number"] for f in path.as_("congdan").dossier()["forms"]]
    assert numbers == ["01", "02", "04", "05"]
    history = api.get(f"/api/v1/dossiers/{path.code}/history").json()
    assert [e["action"] for e in history][-1] == "return_result"
