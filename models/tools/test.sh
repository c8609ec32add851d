#!/usr/bin/env bash
# Installs (or reuses) the models/tools environment and runs its tests against the committed bundle.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv=$("$here/install.sh")
cd "$here"
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider tests "$@"
