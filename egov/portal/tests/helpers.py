"""Steps the portal tests share: opening a draft, sending the form, paying."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from egov.portal.models import Application
from egov.portal.tests.conftest import GOOD_ANSWERS, PDF


def start(client: Any, procedure: Any, **data: str) -> Application:
    response = client.post(f"/apply/{procedure.code}/start/", data)
    assert response.status_code == 302, response.content
    public_id = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    return Application.objects.get(public_id=public_id)


def url(application: Application, suffix: str = "") -> str:
    return f"/my/applications/{application.public_id}/{suffix}"


def pdf(name: str = "ban-ve.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def send(client: Any, application: Application, button: str = "save", **fields: Any) -> Any:
    data = {button: "1", "return_method": "online", **fields}
    return client.post(url(application), data)


def complete(client: Any, application: Application, **extra: Any) -> Any:
    """Fill every answer, attach the drawing and go to the review."""
    fields = {**GOOD_ANSWERS, "upload__field__design": pdf(), **extra}
    return send(client, application, "continue", **fields)


def run_ready_tasks(path: str = "egov.portal.") -> int:
    """Run the queued background tasks of the portal, as the worker would; returns how many."""
    from django_tasks_db.models import DBTaskResult

    ran = 0
    for result in DBTaskResult.objects.ready().filter(task_path__startswith=path):
        task = result.task
        task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        result.delete()
        ran += 1
    return ran


def submit_online(world: Any, procedure: Any, user: Any = None) -> Any:
    """A citizen's online application of ``procedure``, submitted through the actions."""
    from egov.portal import actions

    user = user or world.citizen
    application = actions.start_application(acting_user=user, procedure=procedure)
    actions.save_application(
        acting_user=user,
        application=application,
        answers={**application.form_data, **GOOD_ANSWERS},
        return_method="online",
        uploads={"field:design": [pdf()]},
    )
    return actions.submit_application(acting_user=user, application=application)


def bring_to_result_ready(world: Any, dossier: Any) -> Any:
    """The desk accepts, the specialist, the director and the văn thư do their steps."""
    from egov.dossiers import actions
    from egov.dossiers.models import Dossier

    actions.accept_dossier(acting_user=world.clerk, dossier=dossier.code)
    actions.complete_step(acting_user=world.specialist, dossier=dossier.code)
    actions.approve_dossier(acting_user=world.leader, dossier=dossier.code)
    actions.complete_step(acting_user=world.document_clerk, dossier=dossier.code)
    actions.record_result(
        acting_user=world.specialist,
        dossier=dossier.code,
        summary="Giấy phép xây dựng số 12/GPXD",
        number="12/GPXD",
    )
    return Dossier.objects.get(pk=dossier.pk)
