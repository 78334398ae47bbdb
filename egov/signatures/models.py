"""Certificates, the authorities that issue them, the roots we trust, and what was signed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Authority(models.Model):
    """A certificate authority of this installation: the provincial (test) root or an issuing CA.

    Its private key is a software key file under SIGNATURES_KEY_DIR (mode 0600, never in the
    repository). It publishes a CRL, regenerated on every revocation and refreshed before its
    nextUpdate by a periodic job.
    """

    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    certificate_pem = models.TextField(_("certificate (PEM)"))
    key_file = models.CharField(_("key file"), max_length=255)
    not_after = models.DateTimeField(_("valid until"))
    crl_number = models.PositiveBigIntegerField(_("CRL number"), default=0)
    crl_der = models.BinaryField(_("CRL (DER)"), default=b"", editable=False)
    crl_published_at = models.DateTimeField(_("CRL published"), null=True, blank=True)
    crl_next_update = models.DateTimeField(_("CRL next update"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("certificate authority")
        verbose_name_plural = _("certificate authorities")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_root(self) -> bool:
        return self.parent_id is None

    def crl_path(self) -> str:
        from django.urls import reverse

        return reverse("signature_crl", kwargs={"slug": self.slug})

    def certificate_path(self) -> str:
        from django.urls import reverse

        return reverse("signature_ca_certificate", kwargs={"slug": self.slug})


class TrustedRoot(models.Model):
    """A root certificate that verification trusts: ours, or an imported one (e.g. the national
    root CA for digital signatures of state agencies)."""

    name = models.CharField(_("name"), max_length=200)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    authority = models.OneToOneField(
        Authority,
        verbose_name=_("our authority"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="trusted_root",
    )
    is_active = models.BooleanField(_("trusted"), default=True)
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("trusted root")
        verbose_name_plural = _("trusted roots")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CertificateKind(models.TextChoices):
    PERSON = "person", _("Personal signature of an official")
    ORGANISATION = "organisation", _("Organisation seal of an agency")


class CertificateStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Revoked")


# The state machine of a certificate, in one place: status -> statuses it may move to.
TRANSITIONS: dict[str, frozenset[str]] = {
    CertificateStatus.ACTIVE: frozenset({CertificateStatus.REVOKED}),
    CertificateStatus.REVOKED: frozenset(),
}


class RevocationReason(models.TextChoices):
    """RFC 5280 §5.3.1 reason codes that apply to end-entity certificates."""

    UNSPECIFIED = "unspecified", _("Unspecified")
    KEY_COMPROMISE = "key_compromise", _("Key compromised")
    AFFILIATION_CHANGED = "affiliation_changed", _("Affiliation changed")
    SUPERSEDED = "superseded", _("Superseded")
    CESSATION_OF_OPERATION = "cessation_of_operation", _("Cessation of operation")
    CERTIFICATE_HOLD = "certificate_hold", _("Certificate on hold")


class KeyStorage(models.TextChoices):
    PKCS11 = "pkcs11", _("PKCS#11 token")
    FILE = "file", _("Software key file (demo only)")


class Certificate(models.Model):
    """A signing certificate issued by one of our authorities to an official or an agency."""

    authority = models.ForeignKey(
        Authority, verbose_name=_("issuer"), on_delete=models.PROTECT, related_name="certificates"
    )
    serial_number = models.CharField(_("serial number (hex)"), max_length=64)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    subject = models.CharField(_("subject"), max_length=500)
    common_name = models.CharField(_("common name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=CertificateKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_certificates",
    )
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="signing_certificates",
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_("Position printed above the name, e.g. GIÁM ĐỐC."),
    )
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    certificate_pem = models.TextField(_("certificate (PEM)"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CertificateStatus.choices,
        default=CertificateStatus.ACTIVE,
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(
        _("revocation reason"), max_length=30, choices=RevocationReason.choices, blank=True
    )
    key_storage = models.CharField(_("key storage"), max_length=10, choices=KeyStorage.choices)
    token_label = models.CharField(_("token label"), max_length=32, blank=True)
    key_label = models.CharField(_("key label"), max_length=64, blank=True)
    key_file = models.CharField(_("key file"), max_length=255, blank=True)
    image_png = models.BinaryField(_("signature or seal image (PNG)"), default=b"", editable=False)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "serial_number"], name="certificate_serial_per_issuer"
            ),
            models.CheckConstraint(
                condition=~Q(kind="person") | Q(user__isnull=False),
                name="certificate_person_has_user",
            ),
            models.CheckConstraint(
                condition=(Q(key_storage="pkcs11") & ~Q(token_label="") & ~Q(key_label=""))
                | (Q(key_storage="file") & ~Q(key_file="")),
                name="certificate_key_location",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.common_name} ({self.serial_number})"


class CertificateStatusChange(models.Model):
    """History of a certificate's status, one row per transition (issue included)."""

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    reason = models.CharField(max_length=30, blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("certificate status change")
        verbose_name_plural = _("certificate status changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.certificate_id}: {self.from_status or '∅'} → {self.to_status}"


class SignatureKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    ATTACHMENT = "attachment", _("Attachment")


class SignatureRecord(models.Model):
    """One signing done here: which certificates signed which bytes, when and why."""

    kind = models.CharField(_("kind"), max_length=12, choices=SignatureKind.choices)
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    certificates = models.ManyToManyField(Certificate, verbose_name=_("certificates"))
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    input_sha256 = models.CharField(_("SHA-256 of the input"), max_length=64)
    output_sha256 = models.CharField(_("SHA-256 of the signed file"), max_length=64, db_index=True)
    timestamped = models.BooleanField(_("timestamped"), default=False)

    class Meta:
        verbose_name = _("signature record")
        verbose_name_plural = _("signature records")
        ordering = ["-signed_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.output_sha256[:12]}"
