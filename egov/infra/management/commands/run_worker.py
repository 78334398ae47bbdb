"""Run a task worker: the django-tasks-db worker loop plus a heartbeat and the periodic scheduler.

Any number of these can run, on any number of machines; they share the work through the database.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from egov.infra.models import WorkerHeartbeat
from egov.infra.periodic import enqueue_due_jobs


class Command(BaseCommand):
    help = "Run a background worker that processes every task queue and the periodic jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument("--heartbeat", type=float, default=10.0, help="seconds between beats")
        parser.add_argument("--batch", action="store_true", help="exit when no task is left")
        parser.add_argument(
            "--no-scheduler", action="store_true", help="don't enqueue periodic jobs"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(6)}"
        stop = threading.Event()
        if not options["batch"]:
            beat = threading.Thread(
                target=self._beat,
                args=(worker_id, options["heartbeat"], not options["no_scheduler"], stop),
                daemon=True,
                name="egov-heartbeat",
            )
            beat.start()
        worker = Worker(
            queue_names=["*"],
            interval=options["interval"],
            batch=options["batch"],
            backend_name="default",
            startup_delay=not options["batch"],
            max_tasks=None,
            worker_id=worker_id[:64],
            excluded_queue_names=[],
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()

    def _beat(self, worker_id: str, every: float, schedule: bool, stop: threading.Event) -> None:
        started = timezone.now()
        while not stop.is_set():
            try:
                close_old_connections()
                WorkerHeartbeat.objects.update_or_create(
                    worker_id=worker_id,
                    defaults={
                        "hostname": socket.gethostname()[:200],
                        "pid": os.getpid(),
                        "started_at": started,
                        "last_seen_at": timezone.now(),
                    },
                )
                if schedule:
                    enqueue_due_jobs()
            except Exception:
                self.stderr.write("heartbeat failed; retrying")
            finally:
                connection.close()
            time.sleep(every)
