from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from egov.lib.problems import Problem
from egov.signatures.actions import create_authority
from egov.signatures.models import Authority


class Command(BaseCommand):
    help = "Create the provincial test root CA, and optionally an issuing CA below it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--name", default="Tiền Giang Test Root CA")
        parser.add_argument("--slug", default="root")
        parser.add_argument("--issuing", metavar="NAME", help="also create an issuing CA")
        parser.add_argument("--issuing-slug", default="issuing")
        parser.add_argument("--years", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            root = Authority.objects.filter(slug=options["slug"]).first()
            if root is None:
                root = create_authority(
                    acting_user=None,
                    name=options["name"],
                    slug=options["slug"],
                    years=options["years"],
                )
                self.stdout.write(f"created root CA {root.slug}: {root.name}")
            else:
                self.stdout.write(f"root CA {root.slug} exists")
            if options["issuing"]:
                issuing = create_authority(
                    acting_user=None,
                    name=options["issuing"],
                    slug=options["issuing_slug"],
                    parent=root,
                )
                self.stdout.write(f"created issuing CA {issuing.slug}: {issuing.name}")
        except Problem as problem:
            raise CommandError(str(problem.detail)) from problem
