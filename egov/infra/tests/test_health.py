from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from egov.infra.models import PeriodicJob, WorkerHeartbeat
from egov.infra.periodic import SCHEDULE, enqueue_due_jobs

pytestmark = pytest.mark.django_db


def test_ping_is_a_bare_public_answer(api) -> None:  # type: ignore[no-untyped-def]
    assert api.get("/api/v1/ping").json() == {"ok": True}


def test_health_is_degraded_without_a_live_worker(api) -> None:  # type: ignore[no-untyped-def]
    body = api.get("/api/v1/health").json()
    assert body["database"] == "ok"
    assert body["status"] == "degraded"
    assert body["worker"]["status"] == "absent"


def test_health_is_ok_with_a_recent_heartbeat_and_ignores_stale_ones(api) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="stale",
        hostname="h",
        pid=1,
        started_at=now,
        last_seen_at=now - dt.timedelta(minutes=5),
    )
    assert api.get("/api/v1/health").json()["status"] == "degraded"
    WorkerHeartbeat.objects.create(
        worker_id="w1", hostname="h", pid=2, started_at=now, last_seen_at=now
    )
    body = api.get("/api/v1/health").json()
    assert body["status"] == "ok"
    assert body["worker"]["workers"] == 1


def test_periodic_jobs_are_enqueued_once_per_interval() -> None:
    assert SCHEDULE
    now = timezone.now()
    first = enqueue_due_jobs(now)
    assert set(first) == set(SCHEDULE)
    assert enqueue_due_jobs(now + dt.timedelta(seconds=1)) == []
    longest = max(interval for _task, interval in SCHEDULE.values())
    assert set(enqueue_due_jobs(now + longest)) == set(SCHEDULE)
    assert PeriodicJob.objects.count() == len(SCHEDULE)
