"""What the payments app tells people about (see egov/notifications/events.py)."""

from django.utils.translation import gettext_lazy as _

from egov.notifications.events import Channel, EventSpec, register_event, register_kind

register_kind("payment", _("Fees and payments"))

SAMPLE = {
    "reference": "260213K7F3Q9XA",
    "description": "Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ",
    "amount": "150.000 đồng",
    "receipt_number": "BL26-000123",
    "paid_at": "09:30 13/02/2026",
}

register_event(
    EventSpec(
        key="payments.succeeded",
        kind="payment",
        label=_("Payment received"),
        subject=_("Payment {{ reference }} received"),
        body=_(
            "Dear {{ recipient_name }},\n\n"
            "We have received your payment of {{ amount }} for: {{ description }}.\n"
            "Payment reference: {{ reference }}. Receipt number: {{ receipt_number }}, "
            "paid at {{ paid_at }}.\n\n"
            "Your electronic receipt: {{ url }}"
        ),
        sms=_("Paid {{ amount }}, ref. {{ reference }}, receipt {{ receipt_number }}."),
        inapp_body=_("{{ amount }} paid for {{ description }}. Receipt {{ receipt_number }}."),
        channels=frozenset({Channel.EMAIL}),
        sample=SAMPLE,
    )
)

register_event(
    EventSpec(
        key="payments.failed",
        kind="payment",
        label=_("Payment failed"),
        subject=_("Payment {{ reference }} did not go through"),
        body=_(
            "Dear {{ recipient_name }},\n\n"
            "Your payment of {{ amount }} for {{ description }} did not go through and "
            "nothing was charged. You can try again: {{ url }}"
        ),
        channels=frozenset(),
        sample=SAMPLE,
    )
)

register_event(
    EventSpec(
        key="payments.refunded",
        kind="payment",
        label=_("Payment refunded"),
        subject=_("Payment {{ reference }} has been refunded"),
        body=_(
            "Dear {{ recipient_name }},\n\n"
            "Your payment of {{ amount }} for {{ description }} (reference {{ reference }}) "
            "has been refunded. Reason: {{ reason }}.\n"
            "The bank usually credits the money within a few working days. Details: {{ url }}"
        ),
        sms=_("Payment {{ reference }} of {{ amount }} has been refunded."),
        channels=frozenset({Channel.EMAIL, Channel.SMS}),
        sample={**SAMPLE, "reason": "Hồ sơ bị từ chối tiếp nhận"},
    )
)

register_event(
    EventSpec(
        key="payments.fee_notice",
        kind="payment",
        label=_("Fee to pay"),
        subject=_("Fee notice {{ code }}: {{ amount }} to pay online"),
        body=_(
            "Dear {{ recipient_name }},\n\n"
            "{{ agency }} asks you to pay {{ amount }} for: {{ description }} "
            "(notice {{ code }}).\nYou can pay online: {{ url }}"
        ),
        sms=_("Fee notice {{ code }}: please pay {{ amount }} online."),
        channels=frozenset({Channel.EMAIL}),
        sample={
            "code": "TB260213ABC123",
            "description": "Phí sao y bản chính",
            "amount": "20.000 đồng",
            "agency": "Sở Tư pháp tỉnh Tiền Giang",
        },
    )
)
