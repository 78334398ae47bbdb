from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.lib.problems import Problem
from egov.procedures.actions import import_catalog
from egov.procedures.catalog import CatalogError, parse_file


class Command(BaseCommand):
    help = (
        "Import the procedure catalog from a JSON or XLSX file (as export_procedures writes it). "
        "All or nothing: any error aborts the import and every error is listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path of a .json or .xlsx catalog file.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        try:
            parsed = parse_file(path.name, data)
            result = import_catalog(acting_user=None, parsed=parsed, source=path.name)
        except CatalogError as error:
            raise CommandError(self._errors(error.errors)) from None
        except Problem as problem:
            raise CommandError(
                f"{problem.detail}\n{self._errors({k: str(v) for k, v in problem.errors.items()})}"
            ) from None
        self.stdout.write(
            f"{len(result.created)} created, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged, {result.sectors_written} sectors written."
        )

    @staticmethod
    def _errors(errors: dict[str, str]) -> str:
        return "\n".join(f"  {where}: {message}" for where, message in errors.items())
