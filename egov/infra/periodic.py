"""Periodic jobs: tasks that the worker enqueues on a fixed interval.

Register with ``@every(timedelta(minutes=5))`` above a ``@task``-decorated function in an app's
``tasks.py``. Every worker runs the scheduler; the row lock on ``PeriodicJob`` makes sure that
only one of them enqueues a given job per interval.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from egov.infra.models import PeriodicJob

logger = logging.getLogger(__name__)

T = TypeVar("T")

# job name -> (task object, interval)
SCHEDULE: dict[str, tuple[Any, dt.timedelta]] = {}


def every(interval: dt.timedelta) -> Callable[[T], T]:
    def register(task: T) -> T:
        name = f"{task.module_path}" if hasattr(task, "module_path") else repr(task)
        SCHEDULE[name] = (task, interval)
        return task

    return register


def enqueue_due_jobs(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every registered job whose interval has passed; returns their names."""
    now = now or timezone.now()
    enqueued = []
    for name, (task, interval) in sorted(SCHEDULE.items()):
        PeriodicJob.objects.get_or_create(name=name)
        with transaction.atomic():
            job = PeriodicJob.objects.select_for_update().get(name=name)
            if job.last_enqueued_at is not None and now - job.last_enqueued_at < interval:
                continue
            task.enqueue()
            job.last_enqueued_at = now
            job.save(update_fields=["last_enqueued_at"])
        enqueued.append(name)
        logger.info("enqueued periodic job %s", name)
    return enqueued
