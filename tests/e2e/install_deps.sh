#!/usr/bin/env bash
# What the browser tests need, installed idempotently (fast when everything is there):
#   Debian's chromium (never a browser downloaded by Playwright), Debian's flite (the
#   captcha's spoken letters), the Playwright Python package in the project's .venv, and
#   axe-core from npm into tests/e2e/node_modules.
# Usage: tests/e2e/install_deps.sh [VENV]   (VENV defaults to .venv in the project root)
# A step that cannot be done is reported loudly and the script goes on: the tests then skip
# themselves with the reason. Under CI=true the script exits non-zero instead.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${1:-$ROOT/.venv}"
PLAYWRIGHT_VERSION="1.65.2"
AXE_VERSION="4.14.1"
status=0

warn() { printf '\n*** e2e deps: %s ***\n\n' "$*" >&2; }

# 1. Chromium from Debian.
if [ -x /usr/bin/chromium ]; then
  :
elif command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "e2e deps: installing Debian's chromium (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; }; then
    warn "could not install chromium with apt-get; the browser tests will be skipped"
    status=1
  fi
else
  warn "/usr/bin/chromium is missing and apt-get is unavailable (or not root); browser tests will be skipped"
  status=1
fi

# 1b. flite from Debian: django-simple-captcha speaks the letters with it (the audio captcha).
if command -v flite >/dev/null 2>&1; then
  :
elif command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "e2e deps: installing Debian's flite (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends flite >/dev/null; }; then
    warn "could not install flite with apt-get; the audio captcha test will be skipped"
    status=1
  fi
else
  warn "flite is missing and apt-get is unavailable (or not root); the audio captcha test will be skipped"
  status=1
fi

# 2. Playwright for Python (the client library only: `playwright install` is never run).
if ! "$VENV/bin/python" - "$PLAYWRIGHT_VERSION" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
sys.exit(0 if version("playwright") == sys.argv[1] else 1)
PY
then
  echo "e2e deps: installing playwright==$PLAYWRIGHT_VERSION into $VENV" >&2
  "$VENV/bin/pip" install --quiet "playwright==$PLAYWRIGHT_VERSION" || { warn "pip install playwright failed"; status=1; }
fi

# 3. axe-core, pinned by package-lock.json.
if [ -f "$HERE/node_modules/axe-core/axe.min.js" ] \
  && grep -q "\"version\": \"$AXE_VERSION\"" "$HERE/node_modules/axe-core/package.json" 2>/dev/null; then
  :
elif command -v npm >/dev/null 2>&1; then
  echo "e2e deps: installing axe-core $AXE_VERSION (npm ci)" >&2
  (cd "$HERE" && npm ci --no-audit --no-fund --silent) || { warn "npm ci failed"; status=1; }
else
  warn "npm is missing: the accessibility checks will be skipped"
  status=1
fi

# Outside CI a missing piece only skips the browser tests (conftest.py says so loudly);
# under CI=true it is an error.
if [ -n "${CI:-}" ]; then exit $status; fi
exit 0
