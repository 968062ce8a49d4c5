#!/usr/bin/env bash
# Two builds of the tracker side by side: CPU per announce of the tracker JVM and of its Redis,
# read from /proc around each run, with the runs of the two builds interleaved so that the drift
# of a shared machine hits both alike. Each build gets its own Redis and the same requests as
# e2e/bench/tracker-announce.sh. Use it to judge a change whose effect is smaller than the spread
# of announces/s between runs.
#
#   e2e/bench/tracker-ab.sh BASE_APP_DIR NEW_APP_DIR      e.g. a copy of
#                                                         tracker-service/target/quarkus-app
#   ROUNDS (3), DURATION (15s), WARMUP (20s), SWARMS (1000), CONNECTIONS (64)
#   REDIS_CLUSTER (0): with N > 0, each build gets a Redis Cluster of N primaries instead of one
#     redis-server (redis_us/ann is then the CPU of all N)
#   BASE_REDIS_CONF, NEW_REDIS_CONF: the Redis settings file of each build
#     (default k8s/redis/rackswarm-redis.conf; "none" for Redis's defaults), so that the same
#     build can be compared with itself on two Redis settings
#   BASE_JAVA_OPTS, NEW_JAVA_OPTS: JVM options of each build's tracker (default
#     @tracker-service/src/main/jib/etc/rackswarm/jvm.options, as deployed), so that the same build can be compared with itself
#     on two JVM settings
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
[ $# -eq 2 ] || { echo "usage: $0 BASE_APP_DIR NEW_APP_DIR" >&2; exit 2; }
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-20s}
SWARMS=${SWARMS:-1000}
CONNECTIONS=${CONNECTIONS:-64}
declare -A java_opts=([base]=${BASE_JAVA_OPTS-@tracker-service/src/main/jib/etc/rackswarm/jvm.options}
  [new]=${NEW_JAVA_OPTS-@tracker-service/src/main/jib/etc/rackswarm/jvm.options})
declare -A redis_conf=([base]=${BASE_REDIS_CONF:-k8s/redis/rackswarm-redis.conf}
  [new]=${NEW_REDIS_CONF:-k8s/redis/rackswarm-redis.conf})
for conf in "${redis_conf[@]}"; do
  [ "$conf" = none ] || [ -f "$conf" ] || { echo "no Redis settings file: $conf" >&2; exit 2; }
done
NODE_SECRET=bench-ab-node-secret-0123456789
ORIGIN_SECRET=bench-ab-origin-secret-0123456789
ADMIN=bench-ab-admin-0123456789

bin/install-deps wrk python3
[ -d core/target/classes ] || mvn -B -q -ntp -DskipTests -pl core install
. e2e/bench/lib.sh

write_swarms "$SWARMS" 100 2 10
export BENCH_TOKEN
BENCH_TOKEN=$(RACKSWARM_TOKEN_SECRET=$NODE_SECRET java -cp core/target/classes \
  io.rackswarm.core.token.AnnounceToken bench-node)

REDIS_CLUSTER=${REDIS_CLUSTER:-0}
declare -A tracker_pid redis_pid port
start() { # name app-dir
  local name=$1 app=$2 rp tp hosts=() urls=() client=standalone
  tp=$(free_port)
  local conf=()
  [ "${redis_conf[$name]}" = none ] || conf=("${redis_conf[$name]}")
  redis_pid[$name]=
  for i in $(seq 1 $((REDIS_CLUSTER > 0 ? REDIS_CLUSTER : 1))); do
    # A cluster node also listens on its port + 10000: Redis refuses ports above 55535 there.
    rp=$(free_port 55536)
    local cluster=() dir="$work/redis-$name-$i"
    mkdir -p "$dir"
    [ "$REDIS_CLUSTER" -gt 0 ] && cluster=(--cluster-enabled yes --cluster-config-file nodes.conf)
    redis-server "${conf[@]}" --port "$rp" --bind 127.0.0.1 --save "" --appendonly no \
      --dir "$dir" --logfile "$dir/redis.log" "${cluster[@]}" &
    redis_pid[$name]+=" $!"; pids+=($!)
    hosts+=("127.0.0.1:$rp"); urls+=("redis://127.0.0.1:$rp")
    for _ in $(seq 1 100); do redis-cli -p "$rp" ping > /dev/null 2>&1 && break; sleep 0.1; done
  done
  if [ "$REDIS_CLUSTER" -gt 0 ]; then
    redis-cli --cluster create "${hosts[@]}" --cluster-yes > "$work/cluster-$name.log" 2>&1
    for h in "${hosts[@]}"; do
      for _ in $(seq 1 100); do
        redis-cli -p "${h#*:}" cluster info | grep -q cluster_state:ok && break; sleep 0.1
      done
    done
    client=cluster
  fi
  # Builds before the origin/node split read ANNOUNCE_SECRETS; the node secret signs the bench
  # token for both.
  RACKSWARM_TRACKER_ORIGIN_SECRETS=$ORIGIN_SECRET RACKSWARM_TRACKER_NODE_SECRETS=$NODE_SECRET \
    RACKSWARM_TRACKER_ANNOUNCE_SECRETS=$NODE_SECRET RACKSWARM_TRACKER_ADMIN_TOKEN=$ADMIN \
    QUARKUS_REDIS_HOSTS="$(IFS=,; echo "${urls[*]}")" QUARKUS_REDIS_CLIENT_TYPE=$client \
    QUARKUS_HTTP_HOST=127.0.0.1 \
    PORT=$tp java ${java_opts[$name]} -jar "$app/quarkus-run.jar" > "$work/tracker-$name.log" 2>&1 &
  tracker_pid[$name]=$!; pids+=($!)
  port[$name]=$tp
  wait_http "http://127.0.0.1:$tp/q/health/ready" "$work/tracker-$name.log"
  register_swarms "$work/hashes" "$tp" "$ADMIN"
}

cpu_ticks() { # pid... -> their user + system ticks
  local sum=0 p
  for p in "$@"; do sum=$((sum + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  echo "$sum"
}

run() { # name duration -> "rps jvm_us redis_us p99_ms"
  local name=$1 t0 r0 out ok t1 r1
  # shellcheck disable=SC2086 # the Redis pids are a list
  t0=$(cpu_ticks "${tracker_pid[$name]}"); r0=$(cpu_ticks ${redis_pid[$name]})
  out=$(cd "$work" && wrk -t2 -c"$CONNECTIONS" -d"$2" -s "$root/e2e/bench/announce.lua" \
    "http://127.0.0.1:${port[$name]}" 2>&1 | grep '^RESULT')
  # shellcheck disable=SC2086
  t1=$(cpu_ticks "${tracker_pid[$name]}"); r1=$(cpu_ticks ${redis_pid[$name]})
  ok=$(echo "$out" | sed 's/.* ok=\([0-9]*\).*/\1/')
  [ "$(echo "$out" | sed 's/.* failed=\([0-9]*\).*/\1/')" = 0 ] \
    || { echo "$name: failed answers: $out" >&2; exit 1; }
  local hz
  hz=$(getconf CLK_TCK)
  python3 -c "print('%s %.1f %.1f %s' % ('$(echo "$out" | sed 's/.*rps=\([0-9]*\).*/\1/')',
    ($t1-$t0)*1e6/$hz/max($ok,1), ($r1-$r0)*1e6/$hz/max($ok,1),
    '$(echo "$out" | sed 's/.*p99_ms=\([0-9.]*\).*/\1/')'))"
}

start base "$1"
start new "$2"
echo "tracker A/B: $SWARMS swarms x 100 peers, wrk -t2 -c$CONNECTIONS, $ROUNDS rounds of" \
  "$DURATION per build after $WARMUP warm-up each, $(nproc) cores shared;" \
  "Redis: $([ "$REDIS_CLUSTER" -gt 0 ] && echo "a cluster of $REDIS_CLUSTER primaries" || echo "one server") per build;" \
  "Redis settings: base ${redis_conf[base]}, new ${redis_conf[new]};" \
  "JVM options: base [${java_opts[base]}], new [${java_opts[new]}]"
run base "$WARMUP" > /dev/null
run new "$WARMUP" > /dev/null
printf '%-6s %-6s %12s %12s %12s %10s\n' round build announces/s jvm_us/ann redis_us/ann p99_ms
: > "$work/rows"
for round in $(seq 1 "$ROUNDS"); do
  for name in base new; do
    row=$(run "$name" "$DURATION")
    echo "$name $row" >> "$work/rows"
    printf '%-6s %-6s %12s %12s %12s %10s\n' "$round" "$name" $row
  done
done
python3 - "$work/rows" <<'PY'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    name, rps, jvm, redis, p99 = line.split()
    rows.setdefault(name, []).append((float(rps), float(jvm), float(redis), float(p99)))
mean = {n: [statistics.mean(c) for c in zip(*v)] for n, v in rows.items()}
for n in ("base", "new"):
    print("mean   %-6s %12.0f %12.1f %12.1f %10.1f" % (n, *mean[n]))
b, n = mean["base"], mean["new"]
print("new/base      %11.2fx %11.2fx %11.2fx %9.2fx"
      % (n[0] / b[0], n[1] / b[1], n[2] / b[2], n[3] / b[3]))
PY
