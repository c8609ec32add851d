#!/usr/bin/env bash
# Builds the Fiji update site into target/update-site/ (usable as a file: URL, uploadable as is).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SKIP_MVN:-}" = 1 ] || mvn -q -B package -DskipTests
python3 update-site/build_site.py "$@"
