#!/usr/bin/env bash
# Start gunicorn and the task worker together; Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
.venv/bin/python manage.py run_worker &
WORKER=$!
.venv/bin/gunicorn egov.wsgi --bind "127.0.0.1:${PORT}" --workers "${WEB_WORKERS:-2}" --threads 4 \
  --access-logfile - --error-logfile - &
WEB=$!
trap 'kill $WEB $WORKER 2>/dev/null; wait' INT TERM EXIT
sleep 2
echo
echo "egov is running at http://127.0.0.1:${PORT}/  (API docs: http://127.0.0.1:${PORT}/api/v1/docs)"
echo "Log in with the demo accounts listed above. Press Ctrl+C to stop."
wait -n $WEB $WORKER
