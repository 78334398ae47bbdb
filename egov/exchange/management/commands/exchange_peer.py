"""Manage the peer directory from the command line (the admin site does the same)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.exchange.actions import save_peer
from egov.exchange.models import Peer, PeerStatus
from egov.lib.problems import Problem


class Command(BaseCommand):
    help = "Add or change a peer installation (organ code, address, certificate), or list them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="command", required=True)
        add = sub.add_parser("add", help="add a peer, or change the one with this organ code")
        add.add_argument("organ_code")
        add.add_argument("--name", required=True)
        add.add_argument("--url", required=True, help="base address, e.g. https://egov.example.vn")
        add.add_argument("--certificate", default="", help="PEM file of its signing certificate")
        add.add_argument(
            "--roots",
            default="",
            help="PEM file of the certificate authorities (roots) its seals are issued under",
        )
        add.add_argument(
            "--subordinates", action="store_true", help="also reach the organs below this code"
        )
        add.add_argument("--suspended", action="store_true")
        sub.add_parser("list", help="list the peer directory")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["command"] == "list":
            for peer in Peer.objects.order_by("organ_code"):
                below = " (+ subordinates)" if peer.includes_subordinates else ""
                self.stdout.write(
                    f"{peer.organ_code}{below}\t{peer.status}\t{peer.endpoint_url}\t{peer.name}"
                )
            return
        if not options["certificate"] and not options["roots"]:
            raise CommandError("Give --certificate or --roots (or both).")
        try:
            certificate, roots = (
                Path(options[name]).read_text(encoding="ascii") if options[name] else ""
                for name in ("certificate", "roots")
            )
        except OSError as exc:
            raise CommandError(f"Cannot read the certificate: {exc}") from exc
        try:
            peer = save_peer(
                acting_user=None,
                organ_code=options["organ_code"],
                name=options["name"],
                endpoint_url=options["url"],
                certificate=certificate,
                trusted_roots=roots,
                includes_subordinates=options["subordinates"],
                status=PeerStatus.SUSPENDED if options["suspended"] else PeerStatus.ACTIVE,
            )
        except Problem as problem:
            raise CommandError(
                "; ".join(f"{field}: {message}" for field, message in problem.errors.items())
                or str(problem.detail)
            ) from problem
        self.stdout.write(f"peer {peer.organ_code} → {peer.endpoint_url}")
