"""What the accounts app sends: one-time codes (see egov/notifications/events.py)."""

from django.utils.translation import gettext_lazy as _

from egov.notifications.events import Channel, EventSpec, register_event

SAMPLE = {"code": "482913", "minutes": 10}

register_event(
    EventSpec(
        key="accounts.registration_code",
        kind="account",
        label=_("Registration code"),
        subject=_("Your registration code: {{ code }}"),
        body=_(
            "Dear {{ recipient_name }},\n\n"
            "Your code to finish creating your account on the public service portal is "
            "{{ code }}. It is valid for {{ minutes }} minutes and can be used once.\n\n"
            "If you did not ask for it, ignore this message: no account is created without "
            "the code."
        ),
        sms=_("{{ code }} is your registration code, valid for {{ minutes }} minutes."),
        channels=frozenset({Channel.EMAIL, Channel.SMS}),
        mandatory=True,
        sample=SAMPLE,
    )
)

register_event(
    EventSpec(
        key="accounts.already_registered",
        kind="account",
        label=_("Registration with an address already in use"),
        subject=_("You already have an account"),
        body=_(
            "Dear {{ recipient_name }},\n\n"
            "Someone tried to create an account with this address, but it already belongs to "
            "an account. If this was you, log in or reset your password: {{ url }}\n\n"
            "If it was not you, you need not do anything."
        ),
        sms=_("This number already has an account. Log in or reset your password."),
        channels=frozenset({Channel.EMAIL, Channel.SMS}),
        mandatory=True,
        sample={},
    )
)

register_event(
    EventSpec(
        key="accounts.contact_code",
        kind="account",
        label=_("Code confirming a new e-mail address or mobile number"),
        subject=_("Confirm your new contact address: {{ code }}"),
        body=_(
            "Dear {{ recipient_name }},\n\n"
            "Enter the code {{ code }} to confirm this address for your account. It is valid for "
            "{{ minutes }} minutes. Your account keeps its old address until you do.\n\n"
            "If you did not ask for this change, ignore this message."
        ),
        sms=_("{{ code }} confirms this number for your account ({{ minutes }} minutes)."),
        channels=frozenset({Channel.EMAIL, Channel.SMS}),
        mandatory=True,
        sample=SAMPLE,
    )
)

register_event(
    EventSpec(
        key="accounts.password_reset_code",
        kind="account",
        label=_("Password reset code"),
        subject=_("Your password reset code: {{ code }}"),
        body=_(
            "Dear {{ recipient_name }},\n\n"
            "Enter the code {{ code }} to choose a new password. It is valid for {{ minutes }} "
            "minutes.\n\nIf you did not ask for it, ignore this message: your password stays "
            "as it is."
        ),
        sms=_("{{ code }} is your password reset code, valid for {{ minutes }} minutes."),
        channels=frozenset({Channel.EMAIL, Channel.SMS}),
        mandatory=True,
        sample=SAMPLE,
    )
)

register_event(
    EventSpec(
        key="accounts.business_member_added",
        kind="account",
        label=_("Added to a business account"),
        subject=_("You can now act for {{ business }}"),
        body=_(
            "Dear {{ recipient_name }},\n\n"
            "{{ owner }} added you as a member of the business account of {{ business }}. You "
            "can now apply online for the business and follow its dossiers: {{ url }}"
        ),
        channels=frozenset({Channel.EMAIL}),
        sample={"business": "Công ty TNHH Mỹ Tho Xanh", "owner": "Nguyễn Văn An"},
    )
)
