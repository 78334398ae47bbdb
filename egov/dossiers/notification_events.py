"""What the applicant of a dossier is told (see egov/notifications/events.py): every change of
the dossier's status, with what is missing when a supplement is requested, the reason of a
refusal or rejection, and how to get the result when it is ready.

One event per status (``dossiers.<status>``), in the kind "My dossiers", so a person can choose
e-mail and SMS for them in their preferences; in-app is always kept. Where the applicant must
act or the result is decided, SMS is on by default; otherwise e-mail only. Desk applicants
without an account are reached at the dossier's e-mail address and phone with the same
defaults (``actions._notify_applicant``).
"""

from django.utils.translation import gettext_lazy as _

from egov.notifications.events import Channel, EventSpec, register_event, register_kind

register_kind("dossier", _("My dossiers"))

EMAIL = frozenset({Channel.EMAIL})
EMAIL_AND_SMS = frozenset({Channel.EMAIL, Channel.SMS})

SAMPLE = {
    "code": "000.00.09.H58-260302-0001",
    "procedure": "Cấp giấy phép xây dựng nhà ở riêng lẻ",
    "agency": "Trung tâm Phục vụ hành chính công tỉnh Tiền Giang",
    "due_date": "16/03/2026",
    "note": "Đã bổ sung bản vẽ mặt cắt",
    "missing": "Văn bản thẩm duyệt PCCC; Bản vẽ mặt cắt",
    "reason": "Công trình trên 5 tầng cần thẩm duyệt phòng cháy",
    "result": "Giấy phép xây dựng số 12/GPXD",
    "return_method": "desk",
    # Where the result goes: the desk (unit, agency, address), or the address it is posted to.
    "return_to": "Bộ phận Tiếp nhận và Trả kết quả, Trung tâm Phục vụ hành chính công, "
    "377 Hùng Vương, Phường 7, TP. Mỹ Tho",
    "rating_url": "https://dichvucong.tiengiang.gov.vn/dossiers/000.00.09.H58-260302-0001/rating/",
}


def _event(status: str, label: object, subject: object, body: object, sms: object = "",
           channels: frozenset[str] = EMAIL) -> None:  # fmt: skip
    register_event(
        EventSpec(
            key=f"dossiers.{status}",
            kind="dossier",
            label=label,  # type: ignore[arg-type]
            subject=subject,  # type: ignore[arg-type]
            body=body,  # type: ignore[arg-type]
            sms=sms,  # type: ignore[arg-type]
            inapp_body=sms,  # type: ignore[arg-type]  # the short text suits the inbox
            channels=channels,
            sample=SAMPLE,
        )
    )


_event(
    "submitted",
    _("Dossier received"),
    _("Dossier {{ code }}: received"),
    _("Dear {{ recipient_name }},\n\n"
      "{{ agency }} has received your dossier {{ code }} ({{ procedure }}). The desk will "
      "check that it is complete and tell you the appointment date.\n\n"
      "Follow your dossier: {{ url }}"),
    _("Dossier {{ code }} received by {{ agency }}; the desk will check it."),
)  # fmt: skip
_event(
    "incomplete",
    _("Documents to add at receipt"),
    _("Dossier {{ code }}: documents to add"),
    _("Dear {{ recipient_name }},\n\n"
      "Your dossier {{ code }} ({{ procedure }}) is not complete yet. Please add:\n"
      "{{ missing }}\n\n"
      "The processing time starts once the complete dossier is received (form 02). "
      "Details and the supplement: {{ url }}"),
    _("Dossier {{ code }} needs: {{ missing }}. Please add them."),
    EMAIL_AND_SMS,
)  # fmt: skip
_event(
    "refused",
    _("Dossier refused at receipt"),
    _("Dossier {{ code }}: refused at receipt"),
    _("Dear {{ recipient_name }},\n\n"
      "{{ agency }} refused to receive your dossier {{ code }} ({{ procedure }}) (form 03).\n"
      "Reason: {{ reason }}\n\n"
      "Details: {{ url }}"),
    _("Dossier {{ code }} was refused at receipt: {{ reason }}"),
    EMAIL_AND_SMS,
)  # fmt: skip
_event(
    "in_processing",
    _("Dossier in processing"),
    _("Dossier {{ code }}: In processing"),
    _("Dear {{ recipient_name }},\n\n"
      "Your dossier {{ code }} ({{ procedure }}) is being processed."
      "{% if due_date %} Appointment date for the result: {{ due_date }}.{% endif %}\n"
      "{% if note %}{{ note }}\n{% endif %}\n"
      "Follow your dossier: {{ url }}"),
    _("Dossier {{ code }} is being processed"
      "{% if due_date %}, result due {{ due_date }}{% endif %}."),
    EMAIL_AND_SMS,
)  # fmt: skip
_event(
    "supplement_requested",
    _("Documents to add during processing"),
    _("Dossier {{ code }}: documents to add"),
    _("Dear {{ recipient_name }},\n\n"
      "Your dossier {{ code }} ({{ procedure }}) is not complete yet. Please add:\n"
      "{{ missing }}\n\n"
      "The processing time starts again from zero once the complete dossier is received "
      "(form 02). Details and the supplement: {{ url }}"),
    _("Dossier {{ code }} needs: {{ missing }}. Please add them."),
    EMAIL_AND_SMS,
)  # fmt: skip
_event(
    "consulting",
    _("Another agency consulted"),
    _("Dossier {{ code }}: consulting another agency"),
    _("Dear {{ recipient_name }},\n\n"
      "To settle your dossier {{ code }} ({{ procedure }}), the agency is asking another "
      "agency for its opinion."
      "{% if due_date %} The appointment date stays {{ due_date }}.{% endif %}"
      "\n\nFollow your dossier: {{ url }}"),
    _("Dossier {{ code }}: another agency is consulted."),
)  # fmt: skip
_event(
    "waiting_for_applicant",
    _("Dossier paused for you"),
    _("Dossier {{ code }}: paused, waiting for you"),
    _("Dear {{ recipient_name }},\n\n"
      "Processing of your dossier {{ code }} ({{ procedure }}) is paused until you act: "
      "{{ reason }}\n"
      "The time you take is not counted against the agency.\n\n"
      "Details: {{ url }}"),
    _("Dossier {{ code }} is paused until you act: {{ reason }}"),
    EMAIL_AND_SMS,
)  # fmt: skip
_event(
    "approved",
    _("Dossier approved"),
    _("Dossier {{ code }}: approved"),
    _("Dear {{ recipient_name }},\n\n"
      "Your dossier {{ code }} ({{ procedure }}) has been approved; the result is being "
      "prepared. We will tell you when it is ready.\n\n"
      "Follow your dossier: {{ url }}"),
    _("Dossier {{ code }} approved; the result is being prepared."),
)  # fmt: skip
_event(
    "rejected",
    _("Dossier rejected"),
    _("Dossier {{ code }}: rejected"),
    _("Dear {{ recipient_name }},\n\n"
      "Your dossier {{ code }} ({{ procedure }}) was rejected (form 03).\n"
      "Reason: {{ reason }}\n\n"
      "The desk will return the dossier to you. Details: {{ url }}"),
    _("Dossier {{ code }} was rejected: {{ reason }}"),
    EMAIL_AND_SMS,
)  # fmt: skip
_event(
    "result_ready",
    _("Result ready"),
    _("Dossier {{ code }}: result ready"),
    _("Dear {{ recipient_name }},\n\n"
      "The result of your dossier {{ code }} ({{ procedure }}) is ready: {{ result }}.\n"
      "{% if return_method == \"online\" %}It will be sent to your account online; you can "
      "then download it from your dossier page."
      "{% elif return_method == \"post\" %}It will be sent to you by public post to: "
      "{{ return_to }}."
      "{% else %}Please collect it at {{ return_to }}, bringing your receipt (form 01) "
      "and your identity card.{% endif %}\n\n"
      "Your dossier: {{ url }}"),
    _("Dossier {{ code }}: the result is ready."
      "{% if return_method == \"online\" %} It will be sent to your account online."
      "{% elif return_method == \"post\" %} It will be posted to you."
      "{% else %} Collect it at {{ return_to }}.{% endif %}"),
    EMAIL_AND_SMS,
)  # fmt: skip
_event(
    "returned",
    _("Result returned"),
    _("Dossier {{ code }}: result returned"),
    _("Dear {{ recipient_name }},\n\n"
      "The result of your dossier {{ code }} ({{ procedure }}) has been returned to you.\n"
      "{% if rating_url %}Please tell us how we did; it takes a minute: {{ rating_url }}\n"
      "{% endif %}"
      "\nYour dossier: {{ url }}"),
    _("Dossier {{ code }}: the result has been returned."),
)  # fmt: skip
_event(
    "withdrawn",
    _("Dossier withdrawn"),
    _("Dossier {{ code }}: withdrawn"),
    _("Dear {{ recipient_name }},\n\n"
      "Your dossier {{ code }} ({{ procedure }}) has been withdrawn as requested."
      "{% if note %}\n{{ note }}{% endif %}\n\n"
      "Details: {{ url }}"),
    _("Dossier {{ code }} has been withdrawn."),
)  # fmt: skip
