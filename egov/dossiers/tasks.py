"""Periodic work on dossiers: deadline warnings."""

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
