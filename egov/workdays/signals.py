from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from egov.workdays.models import CalendarDay, CalendarYear
from egov.workdays.selectors import forget_calendar


@receiver([post_save, post_delete], sender=CalendarDay)
@receiver([post_save, post_delete], sender=CalendarYear)
def _calendar_changed(**kwargs: Any) -> None:
    forget_calendar()
