from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from egov.org.actions import import_administrative_units


class Command(BaseCommand):
    help = (
        "Load administrative units: every province of both structures, and the districts and "
        "communes of the provinces given (all of them with --all)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", type=int, action="append", default=None)
        parser.add_argument("--all", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        provinces = None if options["all"] else (options["province"] or [82])
        created, updated = import_administrative_units(acting_user=None, province_codes=provinces)
        self.stdout.write(f"Administrative units: {created} created, {updated} updated.")
