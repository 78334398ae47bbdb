"""What the documents app tells civil servants about (see egov/notifications/events.py).

Every event is in the app; the assignment of an incoming document and its deadline reminders
also go by e-mail unless the person turned that off.
"""

from django.utils.translation import gettext_lazy as _

from egov.notifications.events import Channel, EventSpec, register_event, register_kind

register_kind("document", _("Official documents"))

SAMPLE = {
    "number": "58/KH-SXD",
    "type_name": "Kế hoạch",
    "subject": "Kế hoạch kiểm tra trật tự xây dựng năm 2026",
    "organ_name": "Sở Xây dựng tỉnh Tiền Giang",
    "due_date": "20/03/2026",
    "reason": "Bổ sung số liệu quý IV",
}


def _event(key: str, label: object, subject: object, body: object, email: bool = False) -> None:
    register_event(
        EventSpec(
            key=f"documents.{key}",
            kind="document",
            label=label,  # type: ignore[arg-type]
            subject=subject,  # type: ignore[arg-type]
            body=body,  # type: ignore[arg-type]
            channels=frozenset({Channel.EMAIL}) if email else frozenset(),
            sample=SAMPLE,
        )
    )


_event(
    "submitted",
    _("A draft to approve"),
    _("Draft to approve: {{ subject }}"),
    _("The draft “{{ type_name }}: {{ subject }}” is waiting for your approval: {{ url }}"),
)
_event(
    "approved",
    _("A document to sign"),
    _("Document to sign: {{ subject }}"),
    _("“{{ type_name }}: {{ subject }}” was approved and is waiting for your signature: {{ url }}"),
)
_event(
    "returned",
    _("A draft returned"),
    _("Draft returned: {{ subject }}"),
    _("Your draft “{{ subject }}” was returned for revision: {{ reason }}. {{ url }}"),
)
_event(
    "signed",
    _("A document to issue"),
    _("Document to issue: {{ subject }}"),
    _("“{{ type_name }}: {{ subject }}” was signed and is waiting to be numbered and issued: "
      "{{ url }}"),
)  # fmt: skip
_event(
    "issued",
    _("A document issued"),
    _("Issued as {{ number }}: {{ subject }}"),
    _("Your document “{{ subject }}” was issued as {{ number }}: {{ url }}"),
)
_event(
    "arrived",
    _("An incoming document arrived"),
    _("Incoming document {{ number }} from {{ organ_name }}"),
    _("{{ type_name }} {{ number }} of {{ organ_name }} arrived: {{ subject }}. {{ url }}"),
)
_event(
    "assigned",
    _("An incoming document assigned to me"),
    _("To handle by {{ due_date }}: {{ subject }}"),
    _("{{ type_name }} {{ number }} of {{ organ_name }} was assigned to you, to handle by "
      "{{ due_date }}: {{ subject }}. {{ url }}"),
    email=True,
)  # fmt: skip
_event(
    "completed",
    _("An incoming document completed"),
    _("Completed: {{ subject }}"),
    _("{{ type_name }} {{ number }} of {{ organ_name }} has been dealt with: {{ url }}"),
)
_event(
    "due_soon",
    _("An incoming document due soon"),
    _("Due {{ due_date }}: {{ subject }}"),
    _("{{ type_name }} {{ number }} of {{ organ_name }} must be dealt with by {{ due_date }}: "
      "{{ subject }}. {{ url }}"),
    email=True,
)  # fmt: skip
_event(
    "overdue",
    _("An incoming document past its deadline"),
    _("Past its deadline ({{ due_date }}): {{ subject }}"),
    _("{{ type_name }} {{ number }} of {{ organ_name }} was due on {{ due_date }} and is not "
      "dealt with yet: {{ subject }}. {{ url }}"),
    email=True,
)  # fmt: skip
_event(
    "marker",
    _("A document revoked, updated or replaced by its sender"),
    _("Notice from the sender about {{ number }}"),
    _("{{ organ_name }} revoked, updated or replaced {{ type_name }} {{ number }}: "
      "{{ reason }}. {{ url }}"),
)  # fmt: skip
