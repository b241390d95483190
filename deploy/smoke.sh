#!/usr/bin/env bash
# make prod-smoke: the production path of the README, end to end, on this machine.
# Production settings, a fresh PostgreSQL database (dropped after), Redis, migrate, collectstatic,
# seed_demo, gunicorn with deploy/gunicorn.conf.py on a free local port and a Celery worker; then
# deploy/smoke.py fetches public and staff pages (logged in through the login form). Fails on any
# page that is not 200 and on any ERROR or traceback in the logs. gunicorn and the worker are
# always stopped and the database always dropped.
#
# Environment: PY (default .venv/bin/python), SMOKE_PG_HOST/PORT/USER (127.0.0.1, 5432, postgres),
# SMOKE_DB_NAME (default mithaq_smoke_<pid>), SMOKE_REDIS_URL (default redis://127.0.0.1:6379/14).
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PY:-.venv/bin/python}"
BIN="$(dirname "$PY")"
PG_HOST="${SMOKE_PG_HOST:-127.0.0.1}"
PG_PORT="${SMOKE_PG_PORT:-5432}"
PG_USER="${SMOKE_PG_USER:-postgres}"
DB_NAME="${SMOKE_DB_NAME:-mithaq_smoke_$$}"
REDIS_URL_SMOKE="${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/14}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/mithaq-smoke.XXXXXX")"
GUNICORN_PID=""
WORKER_PID=""

log() { printf '\n--- prod-smoke: %s\n' "$*"; }

stop() {
  local pid="$1"
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  stop "$GUNICORN_PID"
  stop "$WORKER_PID"
  dropdb --if-exists -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$DB_NAME" 2>/dev/null || true
  redis-cli -u "$REDIS_URL_SMOKE" flushdb >/dev/null 2>&1 || true
  if [ "$rc" -ne 0 ]; then
    for f in "$WORK"/*.log; do [ -f "$f" ] && { echo "=== $f (last 60 lines)"; tail -n 60 "$f"; }; done
    echo "prod-smoke FAILED" >&2
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v createdb >/dev/null || { echo "createdb not found: install postgresql-client" >&2; exit 1; }
pg_isready -h "$PG_HOST" -p "$PG_PORT" -q || { echo "PostgreSQL at $PG_HOST:$PG_PORT is unreachable" >&2; exit 1; }
redis-cli -u "$REDIS_URL_SMOKE" ping >/dev/null || { echo "Redis at $REDIS_URL_SMOKE is unreachable" >&2; exit 1; }

# The production environment of deploy/mithaq.env.example, with throwaway secrets.
random_key() { "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))'; }
PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export DJANGO_SETTINGS_MODULE=config.settings.production
SECRET_KEY="$(random_key)"; export SECRET_KEY
MITHAQ_PERSONAL_DATA_KEY="$(random_key)"; export MITHAQ_PERSONAL_DATA_KEY
# A throwaway Ed25519 signing key for the audit digests (production refuses the development key).
MITHAQ_AUDIT_SIGNING_KEY="$("$PY" -c 'import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())')"
export MITHAQ_AUDIT_SIGNING_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
export CSRF_TRUSTED_ORIGINS="https://127.0.0.1:$PORT"
export MITHAQ_SITE_URL="https://127.0.0.1:$PORT"
export DATABASE_URL="postgres://${PG_USER}@${PG_HOST}:${PG_PORT}/${DB_NAME}"
export DB_CONN_MAX_AGE=60 DB_CONN_HEALTH_CHECKS=true
# The read replica's code path (core.dbrouting): a second connection to the same database.
export DATABASE_REPLICA_URL="${SMOKE_REPLICA_URL:-$DATABASE_URL}"
export CELERY_BROKER_URL="$REDIS_URL_SMOKE" CACHE_URL="$REDIS_URL_SMOKE"
export EMAIL_URL=consolemail://
export STATIC_ROOT="$WORK/static" MEDIA_ROOT="$WORK/media"
# gunicorn stands where nginx would forward to it: TLS is "terminated" by the smoke client,
# which sends X-Forwarded-Proto: https. SECURE_SSL_REDIRECT and secure cookies stay on.
export MITHAQ_BEHIND_PROXY=true
export MITHAQ_ACCEL_REDIRECT=/protected-media/
export GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS=2
export LOG_LEVEL=INFO
mkdir -p "$MEDIA_ROOT"

log "database $DB_NAME, redis $REDIS_URL_SMOKE, port $PORT"
dropdb --if-exists -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$DB_NAME"
createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$DB_NAME"
redis-cli -u "$REDIS_URL_SMOKE" flushdb >/dev/null

log "check --deploy"
"$PY" manage.py check --deploy --fail-level WARNING
log "migrate"
"$PY" manage.py migrate --noinput -v 0
log "collectstatic"
"$PY" manage.py collectstatic --noinput -v 0
log "seed_demo"
"$PY" manage.py seed_demo > "$WORK/seed.log"
grep -m1 "^Seeded" "$WORK/seed.log"

log "gunicorn -c deploy/gunicorn.conf.py on 127.0.0.1:$PORT, celery worker"
"$BIN/gunicorn" -c deploy/gunicorn.conf.py > "$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
"$BIN/celery" -A config worker --loglevel=INFO --pool=solo --without-heartbeat --without-gossip \
  --without-mingle > "$WORK/worker.log" 2>&1 &
WORKER_PID=$!
for _ in $(seq 1 120); do
  if "$PY" -c "import socket, sys; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null; then break; fi
  kill -0 "$GUNICORN_PID" 2>/dev/null || { echo "gunicorn exited" >&2; exit 1; }
  sleep 0.5
done

log "pages"
"$PY" deploy/smoke.py "http://127.0.0.1:$PORT" --password demo --min-pages 20

# Let the worker deliver what seed_demo queued before judging its log.
sleep 3
stop "$GUNICORN_PID"; GUNICORN_PID=""
stop "$WORKER_PID"; WORKER_PID=""

log "logs"
status=0
for f in gunicorn worker; do
  if grep -nE 'ERROR|CRITICAL|Traceback' "$WORK/$f.log"; then
    echo "errors in the $f log" >&2
    status=1
  fi
done
grep -q "Booting worker" "$WORK/gunicorn.log" || { echo "gunicorn did not boot its workers" >&2; status=1; }
grep -q "ready\." "$WORK/worker.log" || { echo "the Celery worker never became ready" >&2; status=1; }
[ "$status" -eq 0 ] || exit "$status"
log "passed"
