#!/usr/bin/env bash
# Start the web server and a Celery worker together; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
PASSWORD=${DEMO_PASSWORD:-referat-demo}

.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py loaddemo --password "$PASSWORD"

# The worker sweeps pending work itself (on start-up and every DISPATCH_SWEEP_SECONDS): no beat.
.venv/bin/celery -A referat worker --loglevel=INFO --concurrency=2 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM

cat <<INFO

  Referat kører på http://$HOST:$PORT/

  Demo-brugere (adgangskode: $PASSWORD):
    sekretaer    – sekretær for Direktionen
    direktoer    – medlem af Direktionen
    medarbejder  – medarbejder uden for Direktionen
    borgmester   – formand for Byrådet
    byraad1-4    – medlemmer af Byrådet (sekretaer er også Byrådets sekretær)

INFO
.venv/bin/python manage.py runserver "$HOST:$PORT"
