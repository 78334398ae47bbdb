from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.accounts.selectors import request_user
from egov.lib.problems import Problem
from egov.payments.actions import issue_fee_notice, refund_payment, retry_refund
from egov.payments.models import FeeNotice, Payment, PaymentTransition, Refund, RefundStatus
from egov.payments.services import reconcile


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]


class PaymentTransitionInline(admin.TabularInline):
    model = PaymentTransition
    extra = 0
    can_delete = False
    fields = ("at", "from_status", "to_status", "source", "actor", "note")
    readonly_fields = ("at", "from_status", "to_status", "source", "actor", "note")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "created_at",
        "payer",
        "description",
        "amount",
        "status",
        "gateway_transaction_no",
        "receipt_number",
    ]
    list_filter = ["status", "payable_kind", "gateway"]
    search_fields = ["=reference", "=gateway_transaction_no", "=receipt_number", "payable_ref"]
    date_hierarchy = "created_at"
    inlines = [PaymentTransitionInline]
    actions = ["ask_gateway", "refund"]

    @admin.action(description=gettext_lazy("Ask the gateway about the selected payments now"))
    def ask_gateway(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        for payment in queryset:
            outcome = reconcile(payment)
            messages.info(request, f"{payment.reference}: {outcome}")

    @admin.action(description=gettext_lazy("Refund the selected paid payments"))
    def refund(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        for payment in queryset:
            try:
                refund_payment(
                    acting_user=request_user(request),
                    reference=payment.reference,
                    reason=_("Refunded by an administrator"),
                )
            except Problem as problem:
                messages.error(request, f"{payment.reference}: {problem.detail}")
            else:
                messages.success(
                    request, _("%(ref)s: refund requested.") % {"ref": payment.reference}
                )


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["payment", "status", "reason", "requested_at", "attempts", "response_code"]
    list_filter = ["status"]
    actions = ["retry"]

    @admin.action(description=gettext_lazy("Ask the gateway again for the selected refunds"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Refund]) -> None:
        for refund in queryset.filter(status=RefundStatus.FAILED):
            retry_refund(acting_user=request_user(request), refund_id=refund.pk)


@admin.register(FeeNotice)
class FeeNoticeAdmin(admin.ModelAdmin):
    """Issuing a fee notice here notifies the payer, who then pays online."""

    list_display = ["code", "payer", "agency", "description", "amount", "issued_at", "paid_at"]
    list_filter = ["agency"]
    search_fields = ["=code", "payer__username", "payer__full_name", "description"]
    raw_id_fields = ["payer"]
    fields = ["payer", "agency", "description", "amount"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: FeeNotice, form: Any, change: bool) -> None:
        notice = issue_fee_notice(
            acting_user=request_user(request),
            payer=obj.payer,
            agency=obj.agency,
            description=obj.description,
            amount=obj.amount,
        )
        obj.pk = notice.pk
