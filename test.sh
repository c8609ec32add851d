#!/usr/bin/env bash
# Runs every test of the project: the Python reference's parity fixtures for this CPU, the Java build (mvn verify:
# engine, schedulers, CLI, plugin, service), then the Python tools (models/tools, pytest; their Kandinsky 2.2
# end-to-end check runs the jar mvn just built, passed as UNCLIP_JAR), the official openai client against the
# service, then the update-site tests. All always run; the exit status fails if any failed.
set -uo pipefail
cd "$(dirname "$0")"
status=0
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
UNCLIP_JAR="$PWD/target/unclip.jar" models/tools/test.sh || status=1
# the official openai Python client against the real service process (the jar mvn verify built)
UNCLIP_JAR="$PWD/target/unclip.jar" "$venv/bin/python" -m pytest -q -p no:cacheprovider src/test/python || status=1
update-site/test.sh || status=1
exit $status
