# Shared steps of the Makefile scripts: each step says what it does and which step failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
CURRENT_STEP=""

step() {
  CURRENT_STEP="$1"
  printf '==> %s\n' "$1"
}

on_error() {
  local code=$?
  printf '\n*** %s failed at step: %s (exit %s)\n' "$(basename "$0")" "$CURRENT_STEP" "$code" >&2
  exit "$code"
}
trap on_error ERR

# Re-run an install only when its input file changed: a second `make run` reuses what exists.
stamp_ok() {
  local stamp="$1"; shift
  [[ -f "$stamp" ]] && [[ "$(cat "$stamp")" == "$(cat "$@" | sha256sum)" ]]
}
write_stamp() {
  local stamp="$1"; shift
  cat "$@" | sha256sum >"$stamp"
}

ensure_python() {
  local reqs=("$@")
  step "Python virtual environment (.venv) with ${reqs[*]}"
  if [[ ! -x "$PY" ]]; then
    python3 -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
    python3 -m venv "$VENV"
  fi
  local stamp="$VENV/.legato-$(basename "${reqs[-1]}").sha"
  if ! stamp_ok "$stamp" "${reqs[@]}"; then
    "$PY" -m pip install -qq --disable-pip-version-check -r "${reqs[-1]}"
    write_stamp "$stamp" "${reqs[@]}"
  fi
}

ensure_npm() {
  step "npm packages (npm ci from package-lock.json)"
  command -v npm >/dev/null || { echo "npm is not installed: install Node.js 20+" >&2; false; }
  if ! stamp_ok node_modules/.legato.sha package-lock.json; then
    # --ignore-scripts: form-js install scripts start telemetry processes that outlive npm.
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    write_stamp node_modules/.legato.sha package-lock.json
  fi
}

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  local sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
