#!/usr/bin/env bash
# agriremed: one-command set-up and run.
#
#   bash run.sh plan [agriremed plan arguments]   set up, then plan the bundled sample plots
#                                                 (or FILE; outputs in out/ unless --out is given)
#   bash run.sh test [pytest arguments]           set up, then run the whole test suite
#   bash run.sh dash [--port N] [--no-browser]    set up, then serve the dashboards offline on localhost
#   bash run.sh env                               only set up the environment
#   bash run.sh bundle                            build dist/agriremed-offline-<version>.zip: wheels of
#                                                 agriremed and its pinned dependencies, install steps
#
# Without bash (Windows): python run.py ... or run.ps1 ... take the same commands.
#
# Set-up creates a virtual environment in .venv (Python >= 3.11, pip, venv) if it is
# absent and installs agriremed with all extras at the tested versions pinned in
# constraints.txt. It is skipped when nothing it depends on has changed.
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv
EXTRAS=all

setup() {
  if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    echo "agriremed needs Python >= 3.11 (found: $("$PYTHON" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
    exit 2
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    echo "[agriremed] creating virtual environment in $VENV"
    "$PYTHON" -m venv "$VENV"
  fi
  local stamp
  stamp=$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)-$EXTRAS
  if [ "$(cat "$VENV/.agriremed-installed" 2>/dev/null)" != "$stamp" ]; then
    echo "[agriremed] installing agriremed[$EXTRAS] with pinned versions (first run: about a minute)"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -c constraints.txt -e ".[$EXTRAS]"
    echo "$stamp" > "$VENV/.agriremed-installed"
  fi
  export PATH="$PWD/$VENV/bin:$PATH"
}

browser() {
  # The browser tests (tests/e2e) drive Debian's Chromium through Playwright (Playwright cannot
  # download its own browser here). Install it, with fonts for Chinese screenshots, when it is
  # missing and we may (root + apt-get); otherwise those tests are skipped with a message.
  local pkgs=()
  if [ -z "${AGRIREMED_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
    pkgs+=(chromium fonts-liberation)
  fi
  if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
    pkgs+=(fonts-wqy-zenhei)
  elif ! command -v fc-list >/dev/null 2>&1 && [ ${#pkgs[@]} -gt 0 ]; then
    pkgs+=(fonts-wqy-zenhei)
  fi
  [ ${#pkgs[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[agriremed] installing ${pkgs[*]} for the browser tests (apt-get)"
    if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
           DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}"; } >/dev/null; then
      echo "[agriremed] apt-get could not install ${pkgs[*]}: browser tests may be skipped" >&2
    fi
  else
    echo "[agriremed] ${pkgs[*]} missing and not root: browser tests may be skipped (apt-get install ${pkgs[*]})" >&2
  fi
}

cmd=${1:-plan}
shift || true
case "$cmd" in
  plan)
    setup
    if [ $# -eq 0 ]; then set -- data/samples/plots.csv --out out/; fi
    case " $* " in
      *" --out "*|*" --out="*|*" -h "*|*" --help "*) ;;
      *) set -- "$@" --out out/ ;;  # bash run.sh plan FILE writes to out/
    esac
    exec agriremed plan "$@"
    ;;
  test)
    setup
    browser
    export TQDM_DISABLE=1 MPLBACKEND=Agg
    exec python -m pytest "$@"
    ;;
  dash)
    setup
    exec python -m agriremed.apps.dashboards "$@"
    ;;
  env)
    setup
    echo "[agriremed] environment ready: $VENV"
    ;;
  bundle)
    setup
    exec python run.py bundle
    ;;
  *)
    echo "usage: bash run.sh {plan|test|dash|env|bundle} [arguments]" >&2
    exit 2
    ;;
esac
