#!/usr/bin/env bash
# agriremed: one-command set-up and run.
#
#   bash run.sh plan [agriremed plan arguments]   set up, then plan the bundled sample plots
#   bash run.sh test [pytest arguments]           set up, then run the whole test suite
#   bash run.sh env                               only set up the environment
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

cmd=${1:-plan}
shift || true
case "$cmd" in
  plan)
    setup
    if [ $# -eq 0 ]; then set -- data/samples/plots.csv --out out/; fi
    exec agriremed plan "$@"
    ;;
  test)
    setup
    export TQDM_DISABLE=1 MPLBACKEND=Agg
    exec python -m pytest "$@"
    ;;
  env)
    setup
    echo "[agriremed] environment ready: $VENV"
    ;;
  *)
    echo "usage: bash run.sh {plan|test|env} [arguments]" >&2
    exit 2
    ;;
esac
