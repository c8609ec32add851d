#!/usr/bin/env bash
# Runs every test of the project: the Python tools (models/tools, pytest) and the Java build (mvn verify:
# engine, schedulers, CLI, plugin, service). Both always run; the exit status fails if either failed.
set -uo pipefail
cd "$(dirname "$0")"
status=0
models/tools/test.sh || status=1
mvn -B verify || status=1
update-site/test.sh || status=1
exit $status
