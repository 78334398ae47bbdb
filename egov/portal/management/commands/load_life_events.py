from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from egov.portal import lifeevents
from egov.portal.actions import import_life_events


class Command(BaseCommand):
    help = "Create or update the life events of the service finder from a JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(lifeevents.DEFAULT_FILE))

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        created, updated = import_life_events(acting_user=None, items=lifeevents.read(Path(path)))
        self.stdout.write(f"life events: {created} created, {updated} updated")
