#!/usr/bin/env bash
# Start gunicorn and the task worker together; Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
# Local stand-ins for the SMS gateway (:8791) and VNPay (:8790) that the DEBUG settings use.
STANDINS=()
if [ "${DEBUG:-0}" = "1" ] && [ "${EGOV_STANDINS:-1}" = "1" ]; then
  .venv/bin/python -m egov.notifications.standin.sms_gateway --port 8791 --auto-report delivered &
  STANDINS+=($!)
  .venv/bin/python -m egov.payments.standin.vnpay_gateway --port 8790 \
    --ipn-url "http://127.0.0.1:${PORT}/api/v1/payments/vnpay/ipn" &
  STANDINS+=($!)
fi
.venv/bin/python manage.py run_worker &
WORKER=$!
.venv/bin/gunicorn egov.wsgi --bind "127.0.0.1:${PORT}" --workers "${WEB_WORKERS:-2}" --threads 4 \
  --access-logfile - --error-logfile - &
WEB=$!
trap 'kill $WEB $WORKER "${STANDINS[@]}" 2>/dev/null; wait' INT TERM EXIT
sleep 2
echo
echo "egov is running at http://127.0.0.1:${PORT}/  (API docs: http://127.0.0.1:${PORT}/api/v1/docs)"
if [ ${#STANDINS[@]} -gt 0 ]; then
  echo "Stand-ins: VNPay gateway http://127.0.0.1:8790/_standin/transactions, SMS gateway http://127.0.0.1:8791/_standin/messages"
fi
echo "E-mails the platform sends are kept as files in var/mail/."
if [ -f var/demo-logins.txt ]; then
  echo
  sed -n '/^Demo logins/,$p' var/demo-logins.txt
fi
echo
echo "egov is running at http://127.0.0.1:${PORT}/ – log in with an account above. Ctrl+C stops."
wait -n $WEB $WORKER
