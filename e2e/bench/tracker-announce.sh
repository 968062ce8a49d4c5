#!/usr/bin/env bash
# Announce throughput of the rackswarm tracker against Debian's opentracker, side by side in one
# run on this machine (tracker, Redis and wrk share its cores). Both see the same requests:
# SWARMS whitelisted/registered info-hashes, PEERS peers per swarm over ZONES zones and RACKS
# racks, a quarter of them seeds, numwant 50, compact answers.
#
# Two more rows show the floor of the tracker's design on this machine (e2e/bench/floor): the
# same Vert.x HTTP server and Redis client answering a fixed body, over HTTP alone and with one
# EVALSHA per announce of e2e/bench/minimal-announce.lua (the registration check and one HSET,
# with the keys and arguments the tracker sends). What rackswarm loses against them is the cost
# of its own announce script and per-announce work.
#
#   e2e/bench/tracker-announce.sh            full run (DURATION=30s per row)
#   e2e/bench/tracker-announce.sh --smoke    a few seconds per row; fails on any failed answer
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-20s}
SWARMS=${SWARMS:-1000}
PEERS=${PEERS:-100}
ZONES=${ZONES:-2}
RACKS=${RACKS:-10}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
smoke=false
if [ "${1:-}" = "--smoke" ]; then
  smoke=true DURATION=3s WARMUP=3s SWARMS=50 CONNECTIONS=16
fi

bin/install-deps wrk opentracker python3
[ -f tracker-service/target/quarkus-app/quarkus-run.jar ] \
  || mvn -B -q -ntp -DskipTests -pl tracker-service -am install

. e2e/bench/lib.sh
REDIS_PORT=$(free_port); TRACKER_PORT=$(free_port); OT_PORT=$(free_port)
FLOOR_HTTP_PORT=$(free_port); FLOOR_SCRIPT_PORT=$(free_port)
SECRET=bench-announce-secret-0123456789
ADMIN=bench-admin-token-0123456789

redis-server k8s/redis/rackswarm-redis.conf --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
  --logfile "$work/redis.log" &
pids+=($!)
RACKSWARM_TRACKER_ANNOUNCE_SECRETS=$SECRET RACKSWARM_TRACKER_ADMIN_TOKEN=$ADMIN \
  QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$REDIS_PORT" QUARKUS_HTTP_HOST=127.0.0.1 \
  PORT=$TRACKER_PORT java @k8s/tracker/jvm.options -jar tracker-service/target/quarkus-app/quarkus-run.jar \
  > "$work/tracker.log" 2>&1 &
pids+=($!)

# Info-hashes: the whitelist for opentracker, registrations for rackswarm, the wrk config.
write_swarms "$SWARMS" "$PEERS" "$ZONES" "$RACKS"
mkdir -p "$work/ot"
cp "$work/hashes" "$work/ot/whitelist"
# The floor's registrations, keyed by the info-hash as it travels in the query.
sed 's/.*/HSET floor:{&}:torrent size 1048576/' "$work/query-hashes" \
  > "$work/floor-registrations.txt"
opentracker -i 127.0.0.1 -p "$OT_PORT" -P "$OT_PORT" -d "$work/ot" -w /whitelist \
  > "$work/opentracker.log" 2>&1 &
pids+=($!)

wait_http "http://127.0.0.1:$TRACKER_PORT/q/health/ready" "$work/tracker.log"

libs=$(ls tracker-service/target/quarkus-app/lib/main/*.jar | tr '\n' ':')
javac -nowarn -d "$work/floor" -cp "$libs" e2e/bench/floor/FloorTracker.java
redis-cli -p "$REDIS_PORT" < "$work/floor-registrations.txt" > /dev/null
java @k8s/tracker/jvm.options -cp "$work/floor:$libs" FloorTracker http "$FLOOR_HTTP_PORT" > "$work/floor-http.log" 2>&1 &
pids+=($!)
java @k8s/tracker/jvm.options -cp "$work/floor:$libs" FloorTracker script "$FLOOR_SCRIPT_PORT" "$REDIS_PORT" \
  e2e/bench/minimal-announce.lua > "$work/floor-script.log" 2>&1 &
pids+=($!)
for log in floor-http floor-script; do
  for _ in $(seq 1 60); do grep -q listening "$work/$log.log" && break; sleep 0.5; done
  grep -q listening "$work/$log.log" || { echo "floor did not start" >&2; cat "$work/$log.log" >&2; exit 1; }
done

register_swarms "$work/hashes" "$TRACKER_PORT" "$ADMIN"
export BENCH_TOKEN
BENCH_TOKEN=$(RACKSWARM_ANNOUNCE_SECRET=$SECRET java -cp core/target/classes \
  io.rackswarm.core.token.AnnounceToken bench-node)

run() { # name port extra-wrk-args...
  local name=$1 port=$2; shift 2
  (cd "$work" && wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$root/e2e/bench/announce.lua" \
    "$@" "http://127.0.0.1:$port" >/dev/null 2>&1 || true)
  local out
  out=$(cd "$work" && wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
    -s "$root/e2e/bench/announce.lua" "$@" "http://127.0.0.1:$port" 2>&1 | grep '^RESULT')
  echo "$name ${out#RESULT }"
}

echo "tracker announce benchmark: $SWARMS swarms x $PEERS peers, $ZONES zones, $RACKS racks," \
  "wrk -t$THREADS -c$CONNECTIONS -d$DURATION (after $WARMUP warm-up), $(nproc) cores shared"
results=$( {
  run opentracker "$OT_PORT"
  run rackswarm-keepalive "$TRACKER_PORT"
  run rackswarm-close "$TRACKER_PORT" -H "Connection: close"
  run floor-http "$FLOOR_HTTP_PORT"
  run floor-script "$FLOOR_SCRIPT_PORT"
} )
echo "$results" > "$work/results"
[ -n "${BENCH_RAW:-}" ] && echo "$results"
base=$(echo "$results" | awk '$1=="opentracker"{split($2,a,"=");print a[2]}')
printf '%-22s %12s %10s %10s %10s %10s %8s\n' tracker announces/s p50_ms p99_ms ok failed vs_ot
echo "$results" | while read -r name r p50 p99 ok failed errs; do
  rps=${r#rps=}
  printf '%-22s %12s %10s %10s %10s %10s %7.2fx\n' "$name" "$rps" "${p50#p50_ms=}" \
    "${p99#p99_ms=}" "${ok#ok=}" "${failed#failed=}" \
    "$(python3 -c "print($rps/max($base,1))")"
done
swarms_seen=$(curl -s "http://127.0.0.1:$TRACKER_PORT/q/metrics" \
  | awk '/^rackswarm_tracker_announces_total/ {s+=$2} END {print s+0}')
echo "rackswarm announces counted by its metrics: $swarms_seen"
# The floor's script must have stored peers: a script that found no registration is no floor.
floor_swarms=$(redis-cli -p "$REDIS_PORT" --scan --pattern 'floor:{*}:peers' | wc -l)
echo "swarms the floor's script stored peers in: $floor_swarms"
if [ "$floor_swarms" -eq 0 ]; then
  echo "the floor's script stored nothing: its registrations do not match" >&2
  exit 1
fi

if [ "$smoke" = true ]; then
  failed=$(echo "$results" | awk '$1 ~ /^(rackswarm|floor)/ {split($6,a,"="); s+=a[2]} END {print s+0}')
  okc=$(echo "$results" | awk '$1 ~ /^(rackswarm|floor)/ {split($5,a,"="); s+=a[2]} END {print s+0}')
  if [ "$failed" -ne 0 ] || [ "$okc" -eq 0 ]; then
    echo "smoke run failed: $okc ok, $failed failed answers" >&2
    tail -20 "$work/tracker.log" >&2
    exit 1
  fi
fi
