#!/usr/bin/env bash
# schemathesis over the whole OpenAPI schema (/api/v1/schema/) against a live gunicorn on a free
# local port, with a seeded SQLite database: anonymous, with the demo bureau's token, and with the
# follow-up team's (the only role that reads the response-time audit). Fails on any 5xx or any
# answer that does not match the schema. About three minutes in all (FUZZ_SECONDS per run).
# Run by .ci/run; by hand: tests/fuzz/run_schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
FUZZ_SECONDS="${FUZZ_SECONDS:-50}"
WORK="$(mktemp -d /tmp/mithaq-fuzz.XXXXXX)"
PORT="$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:${PORT}"

export DJANGO_SETTINGS_MODULE=config.settings.local
export DEBUG=false
export DATABASE_URL="sqlite:///${WORK}/fuzz.sqlite3"
export MEDIA_ROOT="${WORK}/media"
export SECRET_KEY="fuzz-only-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ALLOWED_HOSTS=127.0.0.1
export CELERY_BROKER_URL=
# The fuzzer asks for tokens far more often than a person: the endpoint's limits stay on but wide.
export MITHAQ_API_TOKEN_RATE=100000/minute
export AXES_FAILURE_LIMIT=100000

GUNICORN_PID=""
cleanup() {
  if [ -n "$GUNICORN_PID" ]; then kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

$PY manage.py migrate --noinput -v 0
$PY manage.py seed_demo >/dev/null
.venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:${PORT}" --workers 2 --timeout 60 \
  --error-logfile "${WORK}/gunicorn.log" --capture-output &
GUNICORN_PID=$!

for _ in $(seq 1 60); do
  if curl -fsS "${BASE}/api/v1/schema/" -o /dev/null 2>/dev/null; then break; fi
  sleep 1
done

token_for() {
  curl -fsS -X POST -H 'Content-Type: application/json' \
    -d "{\"username\": \"$1\", \"password\": \"demo\"}" "${BASE}/api/v1/auth/token/" \
    | $PY -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}
BUREAU_TOKEN="$(token_for bureau)"
FOLLOWUP_TOKEN="$(token_for followup)"

# One worker: hypothesis describes strategies by parsing source, which is not thread-safe (an
# "AST constructor recursion depth mismatch" error of the tool, not of the API, with several).
run() {
  .venv/bin/st run "${BASE}/api/v1/schema/" \
    --checks not_a_server_error,response_schema_conformance \
    --max-time "$FUZZ_SECONDS" --workers 1 --request-timeout 30 \
    --suppress-health-check all --warnings off "$@"
}

status=0
echo "--- schemathesis: anonymous"
run || status=1
echo "--- schemathesis: bureau token"
run -H "Authorization: Token ${BUREAU_TOKEN}" || status=1
echo "--- schemathesis: follow-up team token"
run -H "Authorization: Token ${FOLLOWUP_TOKEN}" || status=1

if grep -q "Traceback\|Internal Server Error" "${WORK}/gunicorn.log"; then
  echo "--- server errors in the gunicorn log:"
  grep -B2 -A30 "Traceback" "${WORK}/gunicorn.log" | head -200
  status=1
fi
exit "$status"
