# Finds the PostgreSQL and Redis the tests run against, or installs and starts private ones.
# Sourced by test.sh after lib.sh; exports DATABASE_URL and REDIS_URL.

PRIVATE_DIR=""

free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop_private_services() {
  [[ -n "$PRIVATE_DIR" ]] || return 0
  if [[ -f "$PRIVATE_DIR/redis.pid" ]]; then kill "$(cat "$PRIVATE_DIR/redis.pid")" 2>/dev/null || true; fi
  if [[ -d "$PRIVATE_DIR/pg" ]]; then
    su postgres -c "$(pg_bin)/pg_ctl -D '$PRIVATE_DIR/pg' -m fast stop" >/dev/null 2>&1 || true
  fi
  rm -rf "$PRIVATE_DIR"
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

private_dir() {
  if [[ -z "$PRIVATE_DIR" ]]; then
    PRIVATE_DIR="$(mktemp -d -t legato-services.XXXXXX)"
    chmod 755 "$PRIVATE_DIR"
    trap stop_private_services EXIT
  fi
}

url_host_port() {  # prints "host port" of a URL, with the scheme's default port
  "$PY" - "$1" "$2" <<'PY'
import sys
from urllib.parse import urlsplit
u = urlsplit(sys.argv[1])
print(u.hostname or "127.0.0.1", u.port or int(sys.argv[2]))
PY
}

start_postgres() {
  step "PostgreSQL"
  if [[ -n "${DATABASE_URL:-}" ]]; then
    case "$DATABASE_URL" in postgres*) ;; *) echo "make test runs on PostgreSQL; DATABASE_URL=$DATABASE_URL is not" >&2; false;; esac
    read -r host port < <(url_host_port "$DATABASE_URL" 5432)
    pg_isready -q -h "$host" -p "$port" || { echo "DATABASE_URL names $host:$port, where no PostgreSQL answers" >&2; false; }
  elif command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/legato"
  else
    echo "no PostgreSQL on 127.0.0.1:5432: installing one and starting a private instance"
    apt_install postgresql
    private_dir
    local port; port="$(free_port)"
    mkdir -p "$PRIVATE_DIR/pg" && chown postgres "$PRIVATE_DIR/pg"
    # initdb and postgres refuse to run as root.
    su postgres -c "$(pg_bin)/initdb -D '$PRIVATE_DIR/pg' -U postgres --auth=trust" >/dev/null
    su postgres -c "$(pg_bin)/pg_ctl -D '$PRIVATE_DIR/pg' -w -l '$PRIVATE_DIR/pg.log' -o '-p $port -k $PRIVATE_DIR -c listen_addresses=127.0.0.1 -c fsync=off' start" >/dev/null
    export DATABASE_URL="postgres://postgres@127.0.0.1:$port/legato"
  fi
  echo "    DATABASE_URL=$DATABASE_URL"
}

start_redis() {
  step "Redis"
  if [[ -n "${REDIS_URL:-}" ]]; then
    read -r host port < <(url_host_port "$REDIS_URL" 6379)
    redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1 || { echo "REDIS_URL names $host:$port, where no Redis answers" >&2; false; }
  elif command -v redis-cli >/dev/null && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    # Database 15 keeps the test run away from a developer's data in database 0.
    export REDIS_URL="redis://127.0.0.1:6379/15"
  else
    echo "no Redis on 127.0.0.1:6379: installing one and starting a private instance"
    apt_install redis-server
    private_dir
    local port; port="$(free_port)"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
      --pidfile "$PRIVATE_DIR/redis.pid" --logfile "$PRIVATE_DIR/redis.log" --dir "$PRIVATE_DIR"
    for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    export REDIS_URL="redis://127.0.0.1:$port/0"
  fi
  echo "    REDIS_URL=$REDIS_URL"
}
