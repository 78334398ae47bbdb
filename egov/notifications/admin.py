from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.accounts.selectors import request_user
from egov.audit.admin import AuditedModelAdmin
from egov.lib.problems import Problem
from egov.notifications.actions import (
    requeue_delivery,
    save_webhook_subscription,
    seed_notification_templates,
    webhook_subscription_errors,
)
from egov.notifications.events import EVENTS, Channel
from egov.notifications.models import (
    DeliveryStatus,
    Notification,
    NotificationPreference,
    NotificationTemplate,
    OutboxMessage,
    OutboxTransition,
    WebhookSubscription,
)
from egov.notifications.rendering import check_template, placeholders, render_text
from egov.notifications.selectors import missing_templates
from egov.notifications.webhooks import STATUSES
from egov.org.selectors import is_system_admin

# Placeholders every template may use besides the event's own context.
COMMON_PLACEHOLDERS = {"recipient_name", "url"}


def _event_choices() -> list[tuple[str, str]]:
    return [(key, f"{key} – {spec.label}") for key, spec in sorted(EVENTS.items())]


class NotificationTemplateForm(forms.ModelForm):
    event = forms.ChoiceField(label=gettext_lazy("event"), choices=_event_choices)

    class Meta:
        model = NotificationTemplate
        fields = ["event", "channel", "language", "subject", "body"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        spec = EVENTS.get(data.get("event", ""))
        channel = data.get("channel")
        if spec is None or not channel:
            return data
        if not spec.has_channel(channel):
            self.add_error("channel", _("This event is not sent by SMS."))
            return data
        allowed = set(spec.sample) | COMMON_PLACEHOLDERS
        sample = {**spec.sample, "recipient_name": "Nguyễn Văn An", "url": "https://…"}
        for field in ("subject", "body"):
            source = data.get(field) or ""
            error = check_template(source, sample)
            if error:
                self.add_error(field, _("The template has an error: %(error)s") % {"error": error})
                continue
            unknown = placeholders(source) - allowed
            if unknown:
                self.add_error(
                    field,
                    _("Unknown placeholders: %(unknown)s. Available: %(available)s.")
                    % {
                        "unknown": ", ".join(sorted(unknown)),
                        "available": ", ".join(sorted(allowed)),
                    },
                )
        if channel != Channel.SMS and not (data.get("subject") or "").strip():
            self.add_error("subject", _("E-mails and in-app notifications need a subject."))
        return data


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(AuditedModelAdmin):
    """Administrators edit the texts here; deleting a row brings back the built-in text."""

    form = NotificationTemplateForm
    list_display = ["event", "channel", "language", "subject", "updated_at"]
    list_filter = ["channel", "language", "event"]
    search_fields = ["event", "subject", "body"]
    readonly_fields = ["built_in_text", "preview"]
    change_list_template = "admin/notifications/notificationtemplate/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path(
                "seed/",
                self.admin_site.admin_view(self.seed_view),
                name="notifications_notificationtemplate_seed",
            )
        ]
        return custom + super().get_urls()

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "missing_templates": missing_templates()}
        return super().changelist_view(request, extra_context)

    def seed_view(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            try:
                count = seed_notification_templates(acting_user=request_user(request))
            except Problem as problem:
                messages.error(request, str(problem.detail))
            else:
                messages.success(
                    request, _("%(count)s templates added from the defaults.") % {"count": count}
                )
        return redirect("admin:notifications_notificationtemplate_changelist")

    @admin.display(description=gettext_lazy("built-in text"))
    def built_in_text(self, obj: NotificationTemplate) -> str:
        spec = EVENTS.get(obj.event)
        if spec is None:
            return "–"
        subject, body = spec.default_text(obj.channel)
        with translation.override(obj.language):
            return format_html("<strong>{}</strong><pre>{}</pre>", str(subject), str(body))

    @admin.display(description=gettext_lazy("preview with example data"))
    def preview(self, obj: NotificationTemplate) -> str:
        spec = EVENTS.get(obj.event)
        if spec is None:
            return "–"
        sample = {**spec.sample, "recipient_name": "Nguyễn Văn An", "url": "https://…"}
        with translation.override(obj.language):
            return format_html(
                "<strong>{}</strong><pre>{}</pre>",
                render_text(obj.subject, sample),
                render_text(obj.body, sample),
            )


class OutboxTransitionInline(admin.TabularInline):
    model = OutboxTransition
    extra = 0
    fields = ("at", "from_status", "to_status", "note")
    readonly_fields = ("at", "from_status", "to_status", "note")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """The outbox, read-only: status, attempts, provider IDs and errors of every message."""

    list_display = [
        "created_at",
        "channel",
        "event",
        "address",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["status", "channel", "event"]
    search_fields = ["address", "provider_message_id", "=uuid", "subject"]
    date_hierarchy = "created_at"
    inlines = [OutboxTransitionInline]
    actions = ["send_again"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in OutboxMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Send the selected failed messages again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = 0
        for message in queryset.filter(status=DeliveryStatus.PERMANENT_FAILURE):
            requeue_delivery(acting_user=request_user(request), message_id=message.pk)
            count += 1
        messages.info(request, _("%(count)s messages queued again.") % {"count": count})


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "event", "title", "read_at"]
    list_filter = ["event"]
    search_fields = ["title", "recipient__username", "recipient__full_name"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "language", "updated_at"]
    search_fields = ["user__username", "user__full_name"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _status_choices() -> list[tuple[str, Any]]:
    return list(STATUSES.items())


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(
        label=gettext_lazy("URL"),
        max_length=254,
        assume_scheme="https",
        help_text=gettext_lazy("HTTPS address that receives the POST requests."),
    )
    events = forms.MultipleChoiceField(
        label=gettext_lazy("statuses"),
        choices=_status_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Dossier statuses to report; none ticked: every status change."),
    )
    new_secret = forms.CharField(
        label=gettext_lazy("new signing secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy(
            "Leave empty to keep the current secret. A new subscription without one gets a "
            "random secret, shown once after saving."
        ),
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "url", "events", "agencies", "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        errors = webhook_subscription_errors(
            data.get("url") or "https://", data.get("new_secret") or ""
        )
        for field, message in errors.items():
            self.add_error(field, message)
        return data


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(AuditedModelAdmin):
    """Integrators told about dossier status changes; deliveries are in Outgoing messages."""

    form = WebhookSubscriptionForm
    list_display = ["name", "url", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    filter_horizontal = ["agencies"]

    # Only system administrators: a subscription sends dossier data out of the installation.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_system_admin(request_user(request)) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_admin(request_user(request)) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_system_admin(request_user(request)) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return is_system_admin(request_user(request)) and allowed

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return is_system_admin(request_user(request)) and allowed

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        _saved, generated = save_webhook_subscription(
            acting_user=request_user(request),
            subscription=obj,
            new_secret=form.cleaned_data.get("new_secret", ""),
        )
        if generated:
            messages.warning(
                request,
                _("Give the integrator this signing secret now; it is shown only once: %(secret)s")
                % {"secret": generated},
            )
