#!/usr/bin/env bash
# Prepare the embedded SQLite demo and serve it: web server and background worker together.
# Called by `make run` after the virtual environment and front-end libraries are installed.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.base}
export DEMO_MODE=${DEMO_MODE:-1}
PORT=${PORT:-8000}
export SITE_URL=${SITE_URL:-http://127.0.0.1:${PORT}}
PY=.venv/bin/python

if (exec 3<>"/dev/tcp/127.0.0.1/${PORT}") 2>/dev/null; then
  echo "Port ${PORT} is already in use: stop what runs there, or choose another port, e.g. PORT=8001 make run" >&2
  exit 1
fi

$PY manage.py compile_catalogues
$PY manage.py prepare_demo

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "MediJourney stopped."
}
trap cleanup INT TERM EXIT

$PY manage.py db_worker --interval 1 -v 0 &
pids+=($!)
.venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:${PORT}" --workers "${WEB_WORKERS:-3}" \
  --threads 4 --timeout 60 --graceful-timeout 5 --log-level warning --error-logfile - --no-control-socket &
pids+=($!)

for _ in $(seq 1 50); do
  if curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/healthz" 2>/dev/null; then break; fi
  sleep 0.2
done
cat <<EOF

MediJourney is running at http://127.0.0.1:${PORT}/  (health: /healthz, API docs: /api/v1/docs)
Demo logins (password for all: medijourney-demo):
  patient@demo.medijourney.test        case_manager@demo.medijourney.test
  partner@demo.medijourney.test        quality_lead@demo.medijourney.test
  specialist@demo.medijourney.test     admin@demo.medijourney.test
Emails are printed here (console email backend). Press Ctrl-C to stop.
EOF
wait -n "${pids[@]}"
