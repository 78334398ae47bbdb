from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from egov.demo.base import DEMO_PASSWORD, DemoLogin


class Command(BaseCommand):
    help = "Load the Tiền Giang demo data (idempotent). Refuses to run when DEBUG is off."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even with DEBUG off (for a throw-away staging database only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "Refusing to load demo data (with well-known passwords) while DEBUG is off."
            )
        logins: list[DemoLogin] = []
        with translation.override("vi"):
            for app in settings.INSTALLED_APPS:
                module_name = f"{app}.demo"
                if not app.startswith("egov.") or importlib.util.find_spec(module_name) is None:
                    continue
                module = importlib.import_module(module_name)
                logins.extend(module.load())
                self.stdout.write(f"  demo data: {app} done")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<16} {login.description}")
