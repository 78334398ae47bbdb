"""Make a development signing key for edXML, or show the configured certificate.

Production keys come from the signatures app (certificate from the CA, key in a PKCS#11 token);
see docs/apps/exchange.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.exchange import signing


class Command(BaseCommand):
    help = "Create a self-signed edXML signing key and certificate, or show the configured one."
    # The key files may be configured before they exist: this is the command that makes them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="command", required=True)
        create = sub.add_parser("create", help="write key.pem and cert.pem into a directory")
        create.add_argument("--dir", required=True, help="where to write key.pem and cert.pem")
        create.add_argument("--name", required=True, help="common name, e.g. the agency's name")
        create.add_argument("--organ", default="", help="organ code to put in the certificate")
        create.add_argument("--days", type=int, default=365)
        create.add_argument("--kind", choices=["rsa", "ec"], default="rsa")
        create.add_argument("--force", action="store_true", help="overwrite existing files")
        show = sub.add_parser("show", help="print the certificate that signs for an organ")
        show.add_argument("--organ", default=settings.EGOV_PROVINCE_ORGAN_CODE)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["command"] == "create":
            self._create(options)
        else:
            material = signing.key_provider().material_for(options["organ"])
            for key, value in signing.certificate_summary(material.certificate).items():
                self.stdout.write(f"{key}: {value}")
            pem = material.certificate.public_bytes(serialization.Encoding.PEM)
            self.stdout.write(pem.decode("ascii"))

    def _create(self, options: dict[str, Any]) -> None:
        directory = Path(options["dir"])
        key_path, cert_path = directory / "key.pem", directory / "cert.pem"
        if not options["force"] and (key_path.exists() or cert_path.exists()):
            raise CommandError(f"{key_path} or {cert_path} exists; use --force to replace them.")
        directory.mkdir(parents=True, exist_ok=True)
        material = signing.generate_material(
            options["name"], organ_code=options["organ"], days=options["days"], kind=options["kind"]
        )
        key_pem, cert_pem = signing.material_to_pem(material)
        key_path.write_bytes(key_pem)
        os.chmod(key_path, 0o600)
        cert_path.write_bytes(cert_pem)
        self.stdout.write(f"EXCHANGE_SIGNING_KEY_FILE={key_path.resolve()}")
        self.stdout.write(f"EXCHANGE_SIGNING_CERT_FILE={cert_path.resolve()}")
