#!/usr/bin/env bash
# Runs every test of the project: the Python tools (models/tools, pytest) and the Java build (mvn verify:
# engine, schedulers, CLI, plugin, service). Both always run; the exit status fails if either failed.
set -uo pipefail
cd "$(dirname "$0")"
status=0
models/tools/test.sh || status=1
# the Python reference's parity cases, made on this machine's CPU (see engine.Fixture) for the Java tests
fixtures="$PWD/target/fixtures-here"
venv=$(models/tools/install.sh) && (cd models/tools && "$venv/bin/python" -m unclip_tools fixtures --out "$fixtures" \
	>/dev/null) && export UNCLIP_FIXTURES="$fixtures" || status=1
# the Java tests include ImageJ windows (ROI Manager, the launcher's GUI): give them a virtual display
if [ -z "${DISPLAY:-}" ] && command -v xvfb-run >/dev/null; then
	xvfb-run -a -s "-screen 0 1280x1024x24" mvn -B verify || status=1
else
	mvn -B verify || status=1
fi
# the official openai Python client against the real service process (the jar mvn verify built)
venv=$(models/tools/install.sh) && UNCLIP_JAR=target/unclip.jar "$venv/bin/python" -m pytest -q -p no:cacheprovider \
	src/test/python || status=1
update-site/test.sh || status=1
exit $status
