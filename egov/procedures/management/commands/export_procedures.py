from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.procedures.catalog import CatalogError, export_json, export_xlsx


class Command(BaseCommand):
    help = "Export the procedure catalog as JSON or XLSX (to a file, or JSON to standard output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--output", "-o", help="File to write (required for xlsx).")
        parser.add_argument(
            "--code", action="append", help="Export only this procedure (repeatable)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        exporter = export_xlsx if options["format"] == "xlsx" else export_json
        try:
            content = exporter(options["code"])
        except CatalogError as error:
            raise CommandError("; ".join(f"{k}: {v}" for k, v in error.errors.items())) from None
        if options["output"]:
            Path(options["output"]).write_bytes(content)
            self.stdout.write(f"Wrote {options['output']}.")
        elif options["format"] == "xlsx":
            raise CommandError("An XLSX export needs --output FILE.")
        else:
            sys.stdout.buffer.write(content + b"\n")
            sys.stdout.flush()
