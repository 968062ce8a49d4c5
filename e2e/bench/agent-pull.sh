#!/usr/bin/env bash
# Agent throughput and footprint, side by side in one run on this machine:
#   1. a blob of SIZE_MB straight from docker-registry (baseline for cached serving),
#   2. the same blob from the seeder's cache over HTTP (baseline for the cold pull),
#   3. through the agent, cold: over BitTorrent from that one seeder, streamed as it arrives,
#      with the agent's peak RSS sampled meanwhile,
#   4. through the agent again, from the node's cache;
# every read is timed into /dev/null and then read again and checked against the digest;
# then a small image (manifest, config, one 1 MiB layer) pulled first through the agent, cold,
# against the same requests straight to the seeder (already warm), ROUNDS times each.
#
#   e2e/bench/agent-pull.sh            SIZE_MB=1024, ROUNDS=5
#   e2e/bench/agent-pull.sh --smoke    SIZE_MB=32, ROUNDS=1; fails if any step fails
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE_MB=${SIZE_MB:-1024}
ROUNDS=${ROUNDS:-5}
[ "${1:-}" = "--smoke" ] && SIZE_MB=32 && ROUNDS=1

bin/install-deps python3
for m in tracker-service seeder-service agent; do
  [ -f $m/target/quarkus-app/quarkus-run.jar ] || { mvn -B -q -ntp -DskipTests install; break; }
done

. e2e/bench/lib.sh
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
REG=$(free_port); REDIS=$(free_port); TRACKER=$(free_port); SEEDER=$(free_port); PEER=$(free_port)
AGENT=$(free_port); APEER=$(free_port)
NODE_SECRET=bench-node-secret-0123456789
ORIGIN_SECRET=bench-origin-secret-0123456789
ADMIN=bench-admin-token-0123456789

start_upstream "$REG" "$REDIS" "$TRACKER" "$ORIGIN_SECRET" "$NODE_SECRET" "$ADMIN"
LD_PRELOAD="$java_home/lib/libjsig.so" RACKSWARM_SEEDER_CACHE_DIR="$work/seeder-cache" \
  RACKSWARM_SEEDER_DEFAULT_REGISTRY="127.0.0.1:$REG" \
  RACKSWARM_SEEDER_PLAIN_HTTP_REGISTRIES="127.0.0.1:$REG" \
  RACKSWARM_SEEDER_TRACKER_URL="http://127.0.0.1:$TRACKER" \
  RACKSWARM_SEEDER_TRACKER_ADMIN_TOKEN=$ADMIN RACKSWARM_SEEDER_ORIGIN_SECRET=$ORIGIN_SECRET \
  RACKSWARM_SEEDER_PEER_PORT=$PEER QUARKUS_HTTP_HOST=127.0.0.1 PORT=$SEEDER \
  java -jar seeder-service/target/quarkus-app/quarkus-run.jar > "$work/seeder.log" 2>&1 &
seeder_pid=$!
pids+=($seeder_pid)
LD_PRELOAD="$java_home/lib/libjsig.so" RACKSWARM_AGENT_CACHE_DIR="$work/agent-cache" \
  RACKSWARM_AGENT_SEEDER_URL="http://127.0.0.1:$SEEDER" RACKSWARM_AGENT_NODE_NAME=bench-node \
  RACKSWARM_AGENT_NODE_SECRET=$NODE_SECRET RACKSWARM_AGENT_TOPOLOGY_SOURCE=config \
  RACKSWARM_AGENT_TOPOLOGY_ZONE=z1 RACKSWARM_AGENT_TOPOLOGY_RACK=r1 \
  RACKSWARM_AGENT_PEER_PORT=$APEER QUARKUS_HTTP_HOST=127.0.0.1 PORT=$AGENT \
  java @agent/src/main/jib/etc/rackswarm/jvm.options -jar agent/target/quarkus-app/quarkus-run.jar \
  > "$work/agent.log" 2>&1 &
agent_pid=$!
pids+=($agent_pid)
wait_http "http://127.0.0.1:$REG/v2/"
wait_http "http://127.0.0.1:$TRACKER/q/health/ready" "$work/tracker.log"
wait_http "http://127.0.0.1:$SEEDER/q/health/ready" "$work/seeder.log"
wait_http "http://127.0.0.1:$AGENT/q/health/ready" "$work/agent.log"

push_blob() { # repository file -> prints the digest
  local digest location
  digest="sha256:$(sha256sum "$2" | cut -d' ' -f1)"
  location=$(curl -fsS -X POST -D - -o /dev/null "http://127.0.0.1:$REG/v2/$1/blobs/uploads/" \
    | awk -F': ' 'tolower($1)=="location" {print $2}' | tr -d '\r')
  case "$location" in http*) ;; *) location="http://127.0.0.1:$REG$location" ;; esac
  curl -fsS -X PUT -H 'Content-Type: application/octet-stream' -T "$2" \
    "$location&digest=$digest" -o /dev/null
  echo "$digest"
}

head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$work/blob"
digest=$(push_blob bench/blob "$work/blob")

timed_get() { # label url -> prints "label seconds MB/s"; the bytes are checked afterwards
  local start end
  start=$(date +%s.%N)
  curl -fsS -o /dev/null "$2"
  end=$(date +%s.%N)
  # Checked outside the timed part: hashing 1 GB on these 2 cores would slow what it measures.
  [ "sha256:$(curl -fsS "$2" | sha256sum | cut -d' ' -f1)" = "$digest" ] \
    || { echo "$1: wrong bytes" >&2; exit 1; }
  python3 -c "d=$end-$start; print('%-40s %8.2f s %9.1f MB/s' % ('$1', d, $SIZE_MB/d))"
}
rate() { awk '{print $(NF-1)}' <<< "$1"; }

echo "agent throughput, $SIZE_MB MiB blob, $(nproc) cores shared by every process"
direct=$(timed_get "registry direct (baseline)" "http://127.0.0.1:$REG/v2/bench/blob/blobs/$digest")
echo "$direct"
# Warm the seeder, then read it from its cache: the HTTP baseline of the cold agent pull.
curl -fsS -o /dev/null "http://127.0.0.1:$SEEDER/api/v1/metainfo/$digest?repository=bench/blob&ns=127.0.0.1:$REG"
seeder_http=$(timed_get "seeder cache over HTTP (baseline)" "http://127.0.0.1:$SEEDER/v2/bench/blob/blobs/$digest")
echo "$seeder_http"

peak_rss() { # pid: prints the peak VmRSS and RssAnon in MiB until $work/stop-rss appears
  local peak=0 anon=0 rss a
  while [ ! -f "$work/stop-rss" ]; do
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0)
    a=$(awk '/RssAnon/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0)
    [ "${rss:-0}" -gt "$peak" ] && peak=$rss
    [ "${a:-0}" -gt "$anon" ] && anon=$a
    sleep 0.1
  done
  echo "$((peak / 1024)) MiB (of which anonymous, i.e. not the blob's file pages: $((anon / 1024)) MiB)"
}
cpu_ticks() { # pid, or "all": CPU ticks (user + system) the process, or the machine, has used
  if [ "$1" = all ]; then awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat
  else awk '{print $14 + $15}' "/proc/$1/stat"; fi
}
rss_before=$(( $(awk '/VmRSS/ {print $2}' "/proc/$agent_pid/status") / 1024 ))
cpu_before="$(cpu_ticks "$seeder_pid") $(cpu_ticks "$agent_pid") $(cpu_ticks all)"
peak_rss "$agent_pid" > "$work/rss" &
rss_pid=$!
cold=$(timed_get "agent cold (BitTorrent from 1 seeder)" "http://127.0.0.1:$AGENT/v2/bench/blob/blobs/$digest?ns=127.0.0.1:$REG")
cpu_after="$(cpu_ticks "$seeder_pid") $(cpu_ticks "$agent_pid") $(cpu_ticks all)"
touch "$work/stop-rss"; wait $rss_pid
echo "$cold"
hit=$(timed_get "agent cache hit" "http://127.0.0.1:$AGENT/v2/bench/blob/blobs/$digest?ns=127.0.0.1:$REG")
echo "$hit"
p2p=$(curl -fsS "http://127.0.0.1:$AGENT/q/metrics" \
  | awk -F' ' '/^rackswarm_agent_fetched_bytes_total\{source="seeder_p2p"\}/ {print $2}')
python3 - "$(rate "$direct")" "$(rate "$seeder_http")" "$(rate "$cold")" "$(rate "$hit")" \
  "$p2p" "$SIZE_MB" <<'PY'
import sys
direct, seeder, cold, hit, p2p, size = map(float, sys.argv[1:])
print("  cold over BitTorrent / seeder HTTP : %.2fx (target >= 0.8x)" % (cold / seeder))
print("  cache hit / docker-registry        : %.2fx (target >= 1.0x)" % (hit / direct))
print("  bytes that came over BitTorrent    : %.0f of %.0f MiB" % (p2p / 2**20, size))
if p2p < size * 2**20 * 0.9:
    sys.exit("the cold pull did not come over BitTorrent")
PY
# Where the cold pull's CPU went (the timed read and the digest check after it).
python3 - $cpu_before $cpu_after "$(getconf CLK_TCK)" <<'PY'
import sys
s0, a0, t0, s1, a1, t1, hz = map(float, sys.argv[1:])
print("  CPU during the cold pull and its check: seeder %.1f s, agent %.1f s, every process"
      " %.1f s" % ((s1 - s0) / hz, (a1 - a0) / hz, (t1 - t0) / hz))
PY
echo "  agent threads by CPU since start (s): $(for t in /proc/$agent_pid/task/*; do
  awk -v hz="$(getconf CLK_TCK)" '{sub(/^[0-9]+ \(/, ""); name=$0; sub(/\).*/, "", name);
    n=split($0, f, " "); printf "%s=%.1f\n", name, (f[12] + f[13]) / hz}' "$t/stat"
done | sort -t= -k2 -rn | head -12 | tr '\n' ' ')"
echo "  agent RSS: $rss_before MiB before, peak $(cat "$work/rss") during the cold pull"
echo "  agent JVM: $(grep -v '^#' agent/src/main/jib/etc/rackswarm/jvm.options | tr '\n' ' ')"

# A small image: a first pull through the agent against the same requests to the seeder.
echo "small image (manifest, config, 1 MiB layer), first pull, $ROUNDS rounds:"
small_total() { # base-url repository: seconds for manifest + config + layer, checked
  python3 - "$@" <<'PY'
import hashlib, json, sys, time, urllib.request
base, repo, ns = sys.argv[1], sys.argv[2], sys.argv[3]
accept = "application/vnd.oci.image.manifest.v1+json"
def get(path):
    r = urllib.request.urlopen(urllib.request.Request(base + path + "?ns=" + ns,
                                                      headers={"Accept": accept}))
    return r.read()
t = time.perf_counter()
m = json.loads(get("/v2/%s/manifests/v1" % repo))
for d in [m["config"]] + m["layers"]:
    body = get("/v2/%s/blobs/%s" % (repo, d["digest"]))
    assert "sha256:" + hashlib.sha256(body).hexdigest() == d["digest"], d["digest"]
print("%.4f" % (time.perf_counter() - t))
PY
}
agent_times=(); seeder_times=()
for round in $(seq 1 "$ROUNDS"); do
  repo="bench/small$round"
  head -c $((1024 * 1024)) /dev/urandom > "$work/layer"
  printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"round":%d}' \
    "$round" > "$work/config"
  layer=$(push_blob "$repo" "$work/layer")
  config=$(push_blob "$repo" "$work/config")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%d}]}' \
    "$config" "$(stat -c %s "$work/config")" "$layer" "$(stat -c %s "$work/layer")" > "$work/manifest"
  curl -fsS -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary @"$work/manifest" "http://127.0.0.1:$REG/v2/$repo/manifests/v1" -o /dev/null
  # The seeder warm (as in a rollout the seeders were warmed by populate), the agent cold.
  small_total "http://127.0.0.1:$SEEDER" "$repo" "127.0.0.1:$REG" > /dev/null
  seeder_times+=("$(small_total "http://127.0.0.1:$SEEDER" "$repo" "127.0.0.1:$REG")")
  agent_times+=("$(small_total "http://127.0.0.1:$AGENT" "$repo" "127.0.0.1:$REG")")
done
python3 - "${seeder_times[*]}" "${agent_times[*]}" <<'PY'
import statistics, sys
seeder = [float(x) for x in sys.argv[1].split()]
agent = [float(x) for x in sys.argv[2].split()]
print("  straight to the seeder : median %.1f ms  (%s)" % (1000 * statistics.median(seeder),
      " ".join("%.1f" % (1000 * x) for x in seeder)))
print("  through the agent, cold: median %.1f ms  (%s)" % (1000 * statistics.median(agent),
      " ".join("%.1f" % (1000 * x) for x in agent)))
print("  agent / seeder         : %.2fx (target <= 1.2x)" % (statistics.median(agent)
      / statistics.median(seeder)))
PY
