"""Fixed-window rate limits counted in the database, so every app node and worker shares them."""

from __future__ import annotations

import time

from django.db import connection

from egov.infra.models import RateLimitBucket


def _window_start(window: int, now: float | None = None) -> int:
    current = int(now if now is not None else time.time())
    return current - current % window


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one hit of ``key``; True while the window holds at most ``limit`` hits."""
    table = connection.ops.quote_name(RateLimitBucket._meta.db_table)
    # One statement, atomic on both PostgreSQL and SQLite: no read-modify-write race.
    sql = (
        f"INSERT INTO {table} ({connection.ops.quote_name('key')}, window_start, hits) "  # noqa: S608
        f"VALUES (%s, %s, 1) ON CONFLICT ({connection.ops.quote_name('key')}, window_start) "
        f"DO UPDATE SET hits = {table}.hits + 1 RETURNING hits"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key[:200], _window_start(window)])
        (hits,) = cursor.fetchone()
    return int(hits) <= limit


def is_limited(key: str, *, limit: int, window: int) -> bool:
    """True when ``key`` has used up its hits in the current window (counts nothing)."""
    hits = (
        RateLimitBucket.objects.filter(key=key[:200], window_start=_window_start(window))
        .values_list("hits", flat=True)
        .first()
    )
    return hits is not None and hits >= limit


def reset(key: str) -> None:
    RateLimitBucket.objects.filter(key=key[:200]).delete()


def prune(older_than_seconds: int = 86400) -> int:
    deleted, _ = RateLimitBucket.objects.filter(
        window_start__lt=int(time.time()) - older_than_seconds
    ).delete()
    return deleted
