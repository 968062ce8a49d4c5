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
# The rows are measured in ROUNDS interleaved rounds (each row once per round, after one warm-up
# per row), and each row's ratio to opentracker is taken within a round: this machine's speed
# drifts by more than a tenth within minutes, which rows measured one after the other in a
# single pass would show as a difference between trackers. Each round starts one row later than
# the one before, so that no row always follows the same one (opentracker closes every
# connection: the row after it shares the machine with tens of thousands of closing sockets).
#
# Both trackers keep a silent peer for the same time, opentracker's compiled-in 30 minutes
# (OT_CLIENT_TIMEOUT; PEER_TTL sets rackswarm's). With rackswarm's default of 45 s the other
# rows of a round (a minute or more) expired every peer, so each rackswarm row started by
# purging and re-adding the whole population, work opentracker never does here: two runs of the
# same build gave a p99 of 94 ms (0.34x opentracker) with 45 s and 17 ms (0.50x) with 30 min.
# Maintenance runs every third of the TTL, so with 30 min it leaves the measurement; at the
# default it is a few per cent of Redis's work per announce (announce-script-cost.sh).
#
#   e2e/bench/tracker-announce.sh            full run (ROUNDS=5 rounds of DURATION=15s per row)
#   e2e/bench/tracker-announce.sh --smoke    one short round; fails on any failed answer
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

DURATION=${DURATION:-15s}
ROUNDS=${ROUNDS:-5}
WARMUP=${WARMUP:-20s}
SWARMS=${SWARMS:-1000}
PEERS=${PEERS:-100}
ZONES=${ZONES:-2}
RACKS=${RACKS:-10}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
smoke=false
if [ "${1:-}" = "--smoke" ]; then
  smoke=true DURATION=3s WARMUP=3s SWARMS=50 CONNECTIONS=16 ROUNDS=1
fi

bin/install-deps wrk opentracker python3
[ -f tracker-service/target/quarkus-app/quarkus-run.jar ] \
  || mvn -B -q -ntp -DskipTests -pl tracker-service -am install

. e2e/bench/lib.sh
REDIS_PORT=$(free_port); TRACKER_PORT=$(free_port); OT_PORT=$(free_port)
FLOOR_HTTP_PORT=$(free_port); FLOOR_SCRIPT_PORT=$(free_port)
NODE_SECRET=bench-node-secret-0123456789
ORIGIN_SECRET=bench-origin-secret-0123456789
ADMIN=bench-admin-token-0123456789

redis-server k8s/redis/rackswarm-redis.conf --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
  --logfile "$work/redis.log" &
pids+=($!)
RACKSWARM_TRACKER_ORIGIN_SECRETS=$ORIGIN_SECRET RACKSWARM_TRACKER_NODE_SECRETS=$NODE_SECRET \
  RACKSWARM_TRACKER_ADMIN_TOKEN=$ADMIN \
  RACKSWARM_TRACKER_PEER_TTL=${PEER_TTL:-30m} QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$REDIS_PORT" \
  QUARKUS_HTTP_HOST=127.0.0.1 \
  PORT=$TRACKER_PORT java @tracker-service/src/main/jib/etc/rackswarm/jvm.options -jar tracker-service/target/quarkus-app/quarkus-run.jar \
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
java @tracker-service/src/main/jib/etc/rackswarm/jvm.options -cp "$work/floor:$libs" FloorTracker http "$FLOOR_HTTP_PORT" > "$work/floor-http.log" 2>&1 &
pids+=($!)
java @tracker-service/src/main/jib/etc/rackswarm/jvm.options -cp "$work/floor:$libs" FloorTracker script "$FLOOR_SCRIPT_PORT" "$REDIS_PORT" \
  e2e/bench/minimal-announce.lua > "$work/floor-script.log" 2>&1 &
pids+=($!)
for log in floor-http floor-script; do
  for _ in $(seq 1 60); do grep -q listening "$work/$log.log" && break; sleep 0.5; done
  grep -q listening "$work/$log.log" || { echo "floor did not start" >&2; cat "$work/$log.log" >&2; exit 1; }
done

register_swarms "$work/hashes" "$TRACKER_PORT" "$ADMIN"
export BENCH_TOKEN
BENCH_TOKEN=$(RACKSWARM_TOKEN_SECRET=$NODE_SECRET java -cp core/target/classes \
  io.rackswarm.core.token.AnnounceToken bench-node)

# The rows: name|port|request header ("Name: value", the space is wrk's syntax; or empty).
rows=("opentracker|$OT_PORT|" "rackswarm-keepalive|$TRACKER_PORT|"
  "rackswarm-close|$TRACKER_PORT|Connection: close" "floor-http|$FLOOR_HTTP_PORT|"
  "floor-script|$FLOOR_SCRIPT_PORT|")

wrk_row() { # duration row
  local duration=$1 name port header
  IFS='|' read -r name port header <<< "$2"
  local extra=()
  [ -n "$header" ] && extra=(-H "$header")
  (cd "$work" && wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency \
    -s "$root/e2e/bench/announce.lua" "${extra[@]}" "http://127.0.0.1:$port" 2>&1)
}

echo "tracker announce benchmark: $SWARMS swarms x $PEERS peers, $ZONES zones, $RACKS racks," \
  "wrk -t$THREADS -c$CONNECTIONS, $ROUNDS interleaved rounds of $DURATION per row (after a" \
  "$WARMUP warm-up per row), $(nproc) cores shared"
for row in "${rows[@]}"; do
  wrk_row "$WARMUP" "$row" > /dev/null || true
done
: > "$work/results"
for round in $(seq 1 "$ROUNDS"); do
  for i in $(seq 0 $((${#rows[@]} - 1))); do
    row=${rows[$(( (i + round - 1) % ${#rows[@]} ))]}
    out=$(wrk_row "$DURATION" "$row" | grep '^RESULT')
    echo "$round ${row%%|*} ${out#RESULT }" >> "$work/results"
  done
  echo "round $round of $ROUNDS: $(awk -v r="$round" '$1 == r {split($3, a, "="); printf "%s %s  ", $2, a[2]}' "$work/results")" >&2
done
results=$(cut -d' ' -f2- "$work/results")
# Per row: medians over the rounds; vs_ot is the median of the row's ratio to opentracker within
# each round, with the lowest and highest of those ratios.
python3 - "$work/results" <<'PY'
import statistics, sys
rows, order = {}, []
for line in open(sys.argv[1]):
    rnd, name, *fields = line.split()
    kv = dict(f.split("=") for f in fields)
    if name not in rows:
        rows[name] = {}
        order.append(name)
    rows[name][rnd] = kv
print("%-22s %12s %10s %10s %10s %10s %8s %14s" % ("tracker", "announces/s", "p50_ms", "p99_ms",
      "ok", "failed", "vs_ot", "vs_ot_rounds"))
base = rows["opentracker"]
for name in order:
    r = rows[name]
    med = lambda k: statistics.median(float(v[k]) for v in r.values())
    ratios = [float(v["rps"]) / max(float(base[k]["rps"]), 1) for k, v in r.items()]
    print("%-22s %12.0f %10.2f %10.2f %10d %10d %7.2fx %14s" % (name, med("rps"), med("p50_ms"),
          med("p99_ms"), sum(int(v["ok"]) for v in r.values()),
          sum(int(v["failed"]) for v in r.values()), statistics.median(ratios),
          "%.2f-%.2fx" % (min(ratios), max(ratios))))
PY
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
