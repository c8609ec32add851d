#!/usr/bin/env bash
# Creates (or reuses) the Python environment for models/tools outside the clone, keyed by the
# requirements' hash, and prints its path. Usage: models/tools/install.sh  ->  prints VENV dir.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
key=$(cat "$here/requirements.txt" "$here/requirements-nodeps.txt" | sha256sum | cut -c1-16)
venv="${UNCLIP_VENV_ROOT:-$HOME/.cache/unclip-venv}/$key"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.complete" ]; then
  rm -rf "$venv"
  python3.11 -m venv "$venv" 1>&2 || python3 -m venv "$venv" 1>&2
  "$venv/bin/pip" install -q --upgrade pip 1>&2
  "$venv/bin/pip" install -q -r "$here/requirements.txt" 1>&2
  "$venv/bin/pip" install -q --no-deps -r "$here/requirements-nodeps.txt" 1>&2
  touch "$venv/.complete"
fi
echo "$venv"
