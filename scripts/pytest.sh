#!/usr/bin/env bash
# Run pytest with the test environment (the settings read everything from the environment).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG=0 SECURE=0 SECRET_KEY="${SECRET_KEY:-test-only-secret-key-not-for-production}"
export FAST_PASSWORD_HASHER=1 EMAIL_URL="${EMAIL_URL:-locmem:}"
export EGOV_VAR_DIR="${EGOV_VAR_DIR:-$PWD/var/test}"
export PYTHONHASHSEED=0
mkdir -p "$EGOV_VAR_DIR"
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
