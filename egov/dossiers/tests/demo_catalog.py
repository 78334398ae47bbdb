"""The demo catalog for the end-to-end paths: the organisation, staff, citizen and procedures of
`make run` (not its demo dossiers), loaded with the demo modules themselves."""

from __future__ import annotations

from django.utils import translation

# Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ BHYT cho trẻ em dưới 6 tuổi:
# ward desk → civil status → chairwoman's signature → ward police (lead) ∥ city social insurance.
BUNDLE = "1.012628"


def load_demo_catalog() -> None:
    from egov.accounts import demo as accounts_demo
    from egov.org import demo as org_demo
    from egov.procedures import demo as procedures_demo

    with translation.override("vi"):
        org_demo.load()
        accounts_demo.load()
        procedures_demo.load()
