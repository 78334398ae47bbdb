"""Demo data: a fee notice for the demo citizen, payable through the stand-in VNPay gateway."""

from egov.accounts.models import User
from egov.demo.base import DemoLogin
from egov.org.demo import agency
from egov.payments.actions import issue_fee_notice
from egov.payments.models import FeeNotice


def load() -> list[DemoLogin]:
    citizen = User.objects.filter(username="congdan").first()
    if citizen is None or FeeNotice.objects.filter(payer=citizen).exists():
        return []
    issue_fee_notice(
        acting_user=None,
        payer=citizen,
        agency=agency("000.01.01"),
        description="Phí cung cấp thông tin quy hoạch xây dựng",
        amount=150_000,
    )
    return []
