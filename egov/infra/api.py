from __future__ import annotations

import datetime as dt

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from egov.api import public
from egov.infra.models import WorkerHeartbeat
from egov.workdays.models import CalendarYear

PREFIX = ""
router = Router(tags=["platform"])
# A worker beats every 10 s; after this long without a beat we call it gone.
WORKER_STALE_AFTER = dt.timedelta(seconds=60)


class PingOut(Schema):
    ok: bool


@router.get("/ping", response=PingOut, auth=None, summary="Bare endpoint (benchmark baseline)")
def ping(request: HttpRequest) -> PingOut:
    """Does nothing but answer: the baseline the benchmarks measure other endpoints against."""
    return PingOut(ok=True)


public("GET", "/ping")


class PingDbOut(Schema):
    ok: bool
    year: int | None


@router.get("/ping/db", response=PingDbOut, auth=None, summary="Single-row query (baseline)")
def ping_db(request: HttpRequest) -> PingDbOut:
    """Reads one row by primary key: the database round trip every other endpoint pays, used as
    the second benchmark baseline and as a database liveness probe."""
    row = CalendarYear.objects.filter(pk=timezone.localdate().year).values_list("year", flat=True)
    return PingDbOut(ok=True, year=row.first())


public("GET", "/ping/db")


class WorkerStatus(Schema):
    status: str
    workers: int
    last_seen_at: dt.datetime | None


class HealthOut(Schema):
    status: str
    database: str
    worker: WorkerStatus
    time: dt.datetime


@router.get(
    "/health", response={200: HealthOut, 503: HealthOut}, auth=None, summary="Service health"
)
def health(request: HttpRequest) -> Status[HealthOut]:
    """``ok`` when the database answers and a task worker beat recently; ``degraded`` when no
    worker is alive (requests still work, background delivery waits); 503 when the database
    is down."""
    now = timezone.now()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
        alive = WorkerHeartbeat.objects.filter(last_seen_at__gte=now - WORKER_STALE_AFTER)
        workers = alive.count()
        last_seen = (
            WorkerHeartbeat.objects.order_by("-last_seen_at")
            .values_list("last_seen_at", flat=True)
            .first()
        )
    except Exception:
        body = HealthOut(
            status="down",
            database="unavailable",
            worker=WorkerStatus(status="unknown", workers=0, last_seen_at=None),
            time=now,
        )
        return Status(503, body)
    worker = WorkerStatus(
        status="ok" if workers else "absent", workers=workers, last_seen_at=last_seen
    )
    return Status(
        200,
        HealthOut(
            status="ok" if workers else "degraded", database=database, worker=worker, time=now
        ),
    )


public("GET", "/health")
