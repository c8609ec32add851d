#!/usr/bin/env bash
# Scale-out fault check on loopback: two service instances behind nginx (Debian package), one killed with
# kill -9 while 100 requests run through the proxy. Passes when the client (RemoteGenerator, retrying)
# completes all 100, each seed exactly once, and each seed's image is the same whichever instance made it
# (within one 8-bit level: batches round differently).
#
#   scripts/service/nginx-failover.sh            # real engine, bundled model (needs the engine in the build)
#   GENERATOR=pattern scripts/service/nginx-failover.sh   # service over the test pattern generator
#
# Needs: nginx (apt-get install nginx-light), a JDK, Maven with ~/.m2 filled.
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${COUNT:-100}
KILL_AFTER=${KILL_AFTER:-30}
GENERATOR=${GENERATOR:-engine}
WORK=$(mktemp -d /tmp/unclip-failover.XXXXXX)
PORT_A=${PORT_A:-18081}; PORT_B=${PORT_B:-18082}; PORT_PROXY=${PORT_PROXY:-18080}
command -v nginx >/dev/null || { echo "nginx is not installed: apt-get install nginx-light" >&2; exit 2; }

mvn -q -B -o test-compile
mvn -q -B -o dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP="target/classes:target/test-classes:$(cat "$WORK/cp.txt")"
JAVA=(java -Xmx1g -Dai.djl.offline=true -DOPT_OUT_TRACKING=true --add-opens jdk.httpserver/sun.net.httpserver=ALL-UNNAMED -cp "$CP")

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT

start_instance() {
  local port=$1
  if [ "$GENERATOR" = pattern ]; then
    "${JAVA[@]}" sc.fiji.unclip.service.PatternServe "$port" 10 >"$WORK/instance-$port.log" 2>&1 &
  else
    "${JAVA[@]}" sc.fiji.unclip.service.ServeCommand --port "$port" >"$WORK/instance-$port.log" 2>&1 &
  fi
  pids+=($!)
  echo $! >"$WORK/instance-$port.pid"
}
start_instance "$PORT_A"
start_instance "$PORT_B"
for port in "$PORT_A" "$PORT_B"; do
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:$port/health" >/dev/null || { echo "instance $port did not start:"; cat "$WORK/instance-$port.log"; exit 1; }
done

cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 256; }
http {
  access_log $WORK/nginx-access.log;
  client_body_temp_path $WORK/body; proxy_temp_path $WORK/proxy;
  fastcgi_temp_path $WORK/fcgi; uwsgi_temp_path $WORK/uwsgi; scgi_temp_path $WORK/scgi;
  upstream unclip {
    server 127.0.0.1:$PORT_A max_fails=1 fail_timeout=10s;
    server 127.0.0.1:$PORT_B max_fails=1 fail_timeout=10s;
  }
  server {
    listen 127.0.0.1:$PORT_PROXY;
    client_max_body_size 32m;
    location / {
      proxy_pass http://unclip;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;              # server-sent progress events pass through at once
      proxy_read_timeout 300s;
      # a generation with a fixed seed is idempotent, so a request whose instance died may be re-sent
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
    }
  }
}
CONF
nginx -c "$WORK/nginx.conf"
for _ in $(seq 1 20); do curl -sf "http://127.0.0.1:$PORT_PROXY/health" >/dev/null && break; sleep 0.2; done

VICTIM=$(cat "$WORK/instance-$PORT_A.pid")
echo "running $COUNT requests through nginx on :$PORT_PROXY; kill -9 $VICTIM (port $PORT_A) after $KILL_AFTER"
"${JAVA[@]}" sc.fiji.unclip.client.FailoverCheck "http://127.0.0.1:$PORT_PROXY" "$COUNT" "$VICTIM" \
  "$KILL_AFTER" "$WORK/results.txt"

lines=$(wc -l <"$WORK/results.txt")
unique=$(cut -d' ' -f1 "$WORK/results.txt" | sort -u | wc -l)
expected=$(seq 0 $((COUNT - 1)) | sort)
missing=$(comm -23 <(echo "$expected") <(cut -d' ' -f1 "$WORK/results.txt" | sort))
served_b=$(curl -sf "http://127.0.0.1:$PORT_B/health" | sed 's/.*"served":\([0-9]*\).*/\1/')
upstream_errors=$(grep -c "upstream" "$WORK/nginx-error.log" || true)
echo "results: $lines lines, $unique distinct seeds; survivor served $served_b; nginx upstream errors logged: $upstream_errors"
if kill -0 "$VICTIM" 2>/dev/null; then echo "FAIL: the instance was not killed"; exit 1; fi
if [ "$lines" -ne "$COUNT" ] || [ "$unique" -ne "$COUNT" ] || [ -n "$missing" ]; then
  echo "FAIL: lost or duplicated requests (missing: $missing)"; exit 1
fi
# same seed, same image on either instance: re-run 5 seeds on the survivor and compare (within one 8-bit
# level: the service batches waiting requests, and batched kernels round differently)
"${JAVA[@]}" sc.fiji.unclip.client.FailoverCheck "http://127.0.0.1:$PORT_B" 5 0 0 "$WORK/again.txt" >/dev/null
if ! "${JAVA[@]}" sc.fiji.unclip.client.FailoverCheck compare "$WORK/results.txt" "$WORK/again.txt"; then
  echo "FAIL: an image differs between instances for the same seed"; exit 1
fi
echo "PASS: all $COUNT requests completed once each through the failover (logs in $WORK)"
