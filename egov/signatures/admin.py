from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from egov.accounts.selectors import request_user
from egov.audit.admin import AuditedModelAdmin, ReadOnlyAdmin
from egov.lib.problems import Problem
from egov.signatures import ca
from egov.signatures.actions import publish_crl, revoke_certificate
from egov.signatures.models import (
    Authority,
    Certificate,
    CertificateStatusChange,
    RevocationReason,
    SignatureRecord,
    TrustedRoot,
)


@admin.register(Authority)
class AuthorityAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "parent", "not_after", "crl_number", "crl_next_update"]
    actions = ["publish_crls"]

    @admin.action(description=_("Publish a fresh CRL"))
    def publish_crls(self, request: HttpRequest, queryset: QuerySet[Authority]) -> None:
        for authority in queryset:
            publish_crl(acting_user=request_user(request), authority=authority)
        messages.success(request, _("The CRLs were published."))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # the list's action needs change permission; the form itself stays read-only
        return obj is None and admin.ModelAdmin.has_change_permission(self, request, obj)


class StatusChangeInline(admin.TabularInline):
    model = CertificateStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "reason", "at", "by"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _revoke_with(reason: str, label: Any) -> Any:
    def revoke(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Certificate]) -> None:
        for certificate in queryset:
            try:
                revoke_certificate(
                    acting_user=request_user(request), certificate=certificate, reason=reason
                )
            except Problem as problem:
                messages.error(request, f"{certificate}: {problem.detail}")
        messages.success(request, _("The certificates were revoked and the CRL republished."))

    revoke.__name__ = f"revoke_{reason}"
    return admin.action(description=label)(revoke)


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = [
        "common_name",
        "kind",
        "agency",
        "user",
        "status",
        "not_after",
        "key_storage",
        "serial_number",
    ]
    list_filter = ["kind", "status", "key_storage", "authority"]
    search_fields = ["common_name", "serial_number", "subject", "user__username", "agency__name"]
    readonly_fields = ["subject_details"]
    inlines = [StatusChangeInline]
    actions = [
        _revoke_with(RevocationReason.KEY_COMPROMISE, _("Revoke: key compromised")),
        _revoke_with(RevocationReason.AFFILIATION_CHANGED, _("Revoke: affiliation changed")),
        _revoke_with(RevocationReason.SUPERSEDED, _("Revoke: superseded")),
        _revoke_with(RevocationReason.CESSATION_OF_OPERATION, _("Revoke: cessation of operation")),
    ]

    @admin.display(description=_("certificate"))
    def subject_details(self, obj: Certificate) -> str:
        certificate = ca.from_pem(obj.certificate_pem)
        return f"{certificate.subject.rfc4514_string()} / {certificate.issuer.rfc4514_string()}"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and admin.ModelAdmin.has_change_permission(self, request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin.ModelAdmin.has_view_permission(self, request, obj)


class TrustedRootForm(forms.ModelForm):
    class Meta:
        model = TrustedRoot
        fields = ["name", "certificate_pem", "is_active"]

    def clean_certificate_pem(self) -> str:
        pem = str(self.cleaned_data["certificate_pem"]).strip()
        try:
            certificate = ca.from_pem(pem)
        except ValueError as exc:
            raise forms.ValidationError(_("Paste a certificate in PEM format.")) from exc
        duplicate = TrustedRoot.objects.filter(fingerprint=ca.fingerprint(certificate))
        if duplicate.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This root is already in the list."))
        return pem + "\n"


@admin.register(TrustedRoot)
class TrustedRootAdmin(AuditedModelAdmin):
    """Imported roots (e.g. the national root CA) are added here; ours are created with the CA."""

    form = TrustedRootForm
    list_display = ["name", "fingerprint", "is_active", "authority"]
    readonly_fields = ["fingerprint", "authority", "added_at"]
    fields = ["name", "certificate_pem", "is_active", "fingerprint", "authority", "added_at"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.fingerprint = ca.fingerprint(ca.from_pem(obj.certificate_pem))
        super().save_model(request, obj, form, change)


@admin.register(SignatureRecord)
class SignatureRecordAdmin(ReadOnlyAdmin):
    list_display = ["signed_at", "kind", "agency", "signed_by", "reason", "output_sha256"]
    list_filter = ["kind", "timestamped"]
    search_fields = ["output_sha256", "input_sha256", "reason"]
