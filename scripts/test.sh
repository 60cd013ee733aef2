#!/usr/bin/env bash
# `make test`: install everything, find or start PostgreSQL and Redis, lint, run the whole suite.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/services.sh"

ensure_python requirements.txt requirements-dev.txt
ensure_npm

step "npm: Camunda's JavaScript external-task client for tests/rest/test_clients.py"
(cd tests/clients/js && npm ci --ignore-scripts --no-audit --no-fund)

step "system packages (chromium, PostgreSQL and Redis clients)"
apt_install chromium postgresql-client redis-tools
test -x /usr/bin/chromium

start_postgres
start_redis

step "lint (ruff)"
"$VENV/bin/ruff" check --quiet .

step "pytest: engine, REST, channels, Celery (PostgreSQL, Redis)"
"$VENV/bin/pytest" -m "not browser" "$@"

step "pytest: engine and conformance on SQLite (the embedded default's store)"
SQLITE_DIR="$(mktemp -d -t legato-sqlite.XXXXXX)"
DATABASE_URL="sqlite:///$SQLITE_DIR/legato.sqlite3" "$VENV/bin/pytest" -m "not browser" \
  tests/engine tests/conformance "$@"
rm -rf "$SQLITE_DIR"

step "pytest: browser tests (Playwright driving /usr/bin/chromium)"
"$VENV/bin/pytest" -m browser "$@"

step "all tests passed"
