#!/usr/bin/env bash
# `make run`: install what is missing, migrate, create the demo data and serve on 127.0.0.1:$PORT.
source "$(dirname "$0")/lib.sh"

ensure_python requirements.txt
ensure_npm

step "database migrations"
"$PY" manage.py migrate --noinput -v0

step "demo data (LEGATO_DEMO=${LEGATO_DEMO:-1})"
"$PY" manage.py setup_demo

PORT="${PORT:-8000}"
step "serving Legato on http://127.0.0.1:$PORT (log in as demo/demo; Ctrl-C stops)"
trap - ERR
exec "$VENV/bin/daphne" -b 127.0.0.1 -p "$PORT" config.asgi:application
