#!/usr/bin/env bash
# Builds the Fiji update site into target/update-site/ (usable as a file: URL, uploadable as is), or with
# --site DIR the next release into an existing site (its earlier versions kept, so Fiji offers the update).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SKIP_MVN:-}" = 1 ] || mvn -q -B package -DskipTests
update-site/fetch_natives.sh
python3 update-site/build_site.py "$@"
