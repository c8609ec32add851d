#!/usr/bin/env bash
# Service benchmarks (figures, not tests):
#   scripts/service/benchmark.sh batching [--requests 32] [--steps 2] [--generator engine|pattern]
#   scripts/service/benchmark.sh soak     [--requests 1000] [--steps 2] [--generator engine|pattern]
# batching: images/s at concurrency 1, 4, 16 with dynamic batching off and on, and the ratio.
# soak: requests with ~30% random cancellations; RSS after the first 100 vs at the end, thread counts.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -q -B -o test-compile
CPFILE=$(mktemp)
mvn -q -B -o dependency:build-classpath -Dmdep.outputFile="$CPFILE" >/dev/null
exec java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -Dai.djl.offline=true -DOPT_OUT_TRACKING=true --add-opens jdk.httpserver/sun.net.httpserver=ALL-UNNAMED \
  -cp "target/classes:target/test-classes:$(cat "$CPFILE")" sc.fiji.unclip.service.ServiceBenchmark "$@"
