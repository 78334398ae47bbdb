"""pytest plugin loaded with ``-p`` (see pyproject.toml) before Django reads its settings.

The settings come from the environment only; this gives the test run safe defaults so that a
plain ``pytest`` works as well as ``make test``.
"""

import os

_DEFAULTS = {
    "DEBUG": "0",
    "SECURE": "0",
    "SECRET_KEY": "test-only-secret-key-not-for-production",
    "FAST_PASSWORD_HASHER": "1",
    "EMAIL_URL": "locmem:",
    "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "LOG_LEVEL": "WARNING",
    "STATIC_MANIFEST": "0",
    # Tests that sign documents plug in a signer (and its certificates) themselves.
    "EGOV_DOCUMENT_SIGNER": "none",
    "EGOV_DOSSIER_FORM_SIGNER": "none",
}

for _name, _value in _DEFAULTS.items():
    os.environ.setdefault(_name, _value)
os.environ.setdefault(
    "EGOV_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "var", "test")
)
# whitenoise warns about a missing static root; the test run serves files from the finders.
os.makedirs(os.path.join(os.environ["EGOV_VAR_DIR"], "static"), exist_ok=True)
