#!/usr/bin/env bash
# Runs the update-site tests (needs target/unclip.jar and target/lib: mvn -B package -DskipTests first).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=$("$root/models/tools/install.sh")
cd "$root"
update-site/fetch_natives.sh
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider update-site/tests "$@"
