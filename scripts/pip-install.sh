#!/usr/bin/env bash
# pip install into .venv, without the noise of this machine's pip configuration (it lists local
# package indexes that may not exist); pip's own exit status is kept.
set -uo pipefail
.venv/bin/pip install -q "$@" 2>&1 | grep -v "^WARNING: Location '.*' is ignored" >&2
exit "${PIPESTATUS[0]}"
