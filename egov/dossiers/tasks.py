"""Background work on dossiers: deadline warnings, the PDFs of issued forms."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from egov.dossiers.actions import send_deadline_warnings
from egov.dossiers.selectors import has_warnings_due
from egov.infra.periodic import every
from egov.lib.tasks import task
from egov.lib.workdays import CalendarMissing
from egov.workdays.selectors import get_calendar

logger = logging.getLogger(__name__)


@every(dt.timedelta(minutes=30))
@task(queue_name="periodic")
def warn_about_deadlines() -> dict[str, int]:
    """Send the deadline warnings that are due (each one once)."""
    try:
        if not has_warnings_due(get_calendar(), timezone.localdate()):
            return {}
        return send_deadline_warnings(acting_user=None)
    except CalendarMissing as exc:
        logger.error("deadline warnings skipped: %s", exc)
        return {}


@task(queue_name="default")
def render_form_file(form_id: int) -> str:
    """Render, seal and store the PDF of an issued form (enqueued after the issuing action
    commits; a download that comes first has done it already)."""
    from egov.dossiers.rendering import ensure_form_file

    form, _pdf = ensure_form_file(form_id)
    return form.file.name or ""
