#!/bin/sh
# The project's commands on a fresh Debian machine with Python 3.11+.
#   ./dev.sh run    set everything up, load the demo data once, serve on http://127.0.0.1:8080/
#   ./dev.sh test   set everything up (packages, headless Chromium), lint, run the whole test suite
#   ./dev.sh i18n   extract the strings, update every catalog, compile them
set -eu
cd "$(dirname "$0")"
VENV=.venv
PY=$VENV/bin/python
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

apt_install() {  # apt_install PACKAGE... : install Debian packages that are missing
  missing=""
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  [ -z "$missing" ] && return 0
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
}

setup() {  # setup EXTRAS : the virtualenv with kissi (and EXTRAS) installed, catalogs compiled
  python3 -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
  [ -x "$PY" ] || python3 -m venv "$VENV"
  "$PY" -m pip install -q --disable-pip-version-check -e ".$1"
  "$PY" -m kissi.catalogs compile
}

case "${1:-}" in
  run)
    setup ""
    "$VENV/bin/kissi" init
    "$VENV/bin/kissi" demo --if-empty
    exec "$VENV/bin/kissi" serve --host "${KISSI_HOST:-0.0.0.0}" --port "${KISSI_PORT:-8080}"
    ;;
  test)
    setup "[test]"
    apt_install chromium chromium-driver fonts-noto-color-emoji poppler-utils
    shift
    "$VENV/bin/ruff" check --quiet .
    exec "$PY" -m pytest "$@"
    ;;
  i18n)
    setup ""
    "$VENV/bin/pybabel" extract --no-location --sort-output -F babel.cfg -k lazy_gettext -k _l \
      -k DomainError:2 -k Invalid:2 -k Conflict:2 -k Forbidden:2 -k TooMany:2 -k AudioError:2 \
      -k WrongPin:2 -k Unauthorized:2 -k N_plural:1,2 \
      -o locales/messages.pot . >/dev/null
    "$PY" -m kissi.catalogs update
    "$PY" -m kissi.catalogs compile
    ;;
  *)
    echo "usage: ./dev.sh run | test | i18n" >&2
    exit 2
    ;;
esac
