"""The personal document store (kho dữ liệu cá nhân): what a citizen or business uploaded, the
results they received and their payment receipts, kept to be attached to later applications
without uploading again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


class DocumentKind(models.TextChoices):
    UPLOAD = "upload", _("Uploaded by me")
    RESULT = "result", _("Result of a dossier")
    RECEIPT = "receipt", _("Payment receipt")


def stored_upload_to(instance: StoredDocument, filename: str) -> str:
    # Named by owner and checksum, never by what the client called it.
    return (
        f"docstore/{instance.owner_id}/{instance.sha256[:2]}/{instance.sha256}.{instance.extension}"
    )


class StoredDocument(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="stored_documents",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(_("file"), upload_to=stored_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    source = models.CharField(
        _("from"),
        max_length=100,
        blank=True,
        help_text=_("The dossier code of a result, the payment reference of a receipt."),
    )
    created_at = models.DateTimeField(_("kept since"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored document")
        verbose_name_plural = _("stored documents")
        ordering = ["-created_at", "-id"]
        constraints = [
            # The same file kept twice would be two names for one thing.
            models.UniqueConstraint(fields=["owner", "sha256"], name="docstore_one_copy_per_owner")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.content_type, "bin")

    @property
    def download_name(self) -> str:
        return f"{self.sha256[:12]}.{self.extension}"


class DocumentUse(models.Model):
    """A stored document handed in with a dossier: it stays while that dossier is in progress."""

    document = models.ForeignKey(StoredDocument, on_delete=models.CASCADE, related_name="uses")
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(_("used"), auto_now_add=True)

    class Meta:
        verbose_name = _("use of a stored document")
        verbose_name_plural = _("uses of stored documents")
        constraints = [
            models.UniqueConstraint(fields=["document", "dossier"], name="docstore_use_once")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.dossier_id}"
