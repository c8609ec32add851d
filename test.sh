#!/usr/bin/env bash
# Runs every test of the project: the Java build (mvn verify: engine, schedulers, CLI, plugin, service), then the
# Python tools (models/tools, pytest; their Kandinsky 2.2 end-to-end check runs the jar mvn just built, passed as
# UNCLIP_JAR), then the update-site tests. All always run; the exit status fails if any failed.
set -uo pipefail
cd "$(dirname "$0")"
status=0
# the Java tests include ImageJ windows (ROI Manager, the launcher's GUI): give them a virtual display
if [ -z "${DISPLAY:-}" ] && command -v xvfb-run >/dev/null; then
	xvfb-run -a -s "-screen 0 1280x1024x24" mvn -B verify || status=1
else
	mvn -B verify || status=1
fi
UNCLIP_JAR="$PWD/target/unclip.jar" models/tools/test.sh || status=1
update-site/test.sh || status=1
exit $status
