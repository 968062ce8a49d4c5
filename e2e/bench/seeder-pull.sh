#!/usr/bin/env bash
# Seeder throughput, side by side in one run on this machine: a blob of SIZE_MB read
#   1. directly from docker-registry (the baseline),
#   2. through the seeder with a cold cache (pull-through: fetch, verify, store, serve),
#   3. through the seeder again (cache hit),
#   4. over BitTorrent from the seeders by aria2c through the tracker (seeding upload),
# after checking that a second seeder replica, started separately, derives the same info-hash
# and joins the same swarm.
#
#   e2e/bench/seeder-pull.sh            SIZE_MB=256
#   e2e/bench/seeder-pull.sh --smoke    SIZE_MB=16; fails if any step fails
#   BASE_SEEDER_APP=DIR                 also a cold pull through another build of the seeder (a
#                                       copy of seeder-service/target/quarkus-app), in the same run
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE_MB=${SIZE_MB:-256}
[ "${1:-}" = "--smoke" ] && SIZE_MB=16

bin/install-deps python3
if [ ! -f seeder-service/target/quarkus-app/quarkus-run.jar ] \
   || [ ! -f tracker-service/target/quarkus-app/quarkus-run.jar ]; then
  mvn -B -q -ntp -DskipTests install
fi

. e2e/bench/lib.sh
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
REG=$(free_port); REDIS=$(free_port); TRACKER=$(free_port); SEEDER=$(free_port); PEER=$(free_port)
SEEDER1=$(free_port); PEER1=$(free_port)
NODE_SECRET=bench-node-secret-0123456789
ORIGIN_SECRET=bench-origin-secret-0123456789
ADMIN=bench-admin-token-0123456789

start_upstream "$REG" "$REDIS" "$TRACKER" "$ORIGIN_SECRET" "$NODE_SECRET" "$ADMIN"
start_seeder() { # name http-port peer-port [app-dir]
  LD_PRELOAD="$java_home/lib/libjsig.so" RACKSWARM_SEEDER_CACHE_DIR="$work/cache-$1" \
    RACKSWARM_SEEDER_REPLICA_NAME="$1" RACKSWARM_SEEDER_DEFAULT_REGISTRY="127.0.0.1:$REG" \
    RACKSWARM_SEEDER_PLAIN_HTTP_REGISTRIES="127.0.0.1:$REG" \
    RACKSWARM_SEEDER_TRACKER_URL="http://127.0.0.1:$TRACKER" \
    RACKSWARM_SEEDER_TRACKER_ADMIN_TOKEN=$ADMIN RACKSWARM_SEEDER_ORIGIN_SECRET=$ORIGIN_SECRET \
    RACKSWARM_SEEDER_PEER_PORT=$3 QUARKUS_HTTP_HOST=127.0.0.1 PORT=$2 \
    java -jar "${4:-seeder-service/target/quarkus-app}/quarkus-run.jar" > "$work/$1.log" 2>&1 &
  pids+=($!)
}
start_seeder seeder-0 "$SEEDER" "$PEER"
start_seeder seeder-1 "$SEEDER1" "$PEER1"
wait_http "http://127.0.0.1:$REG/v2/"
wait_http "http://127.0.0.1:$TRACKER/q/health/ready"
wait_http "http://127.0.0.1:$SEEDER/q/health/ready" "$work/seeder-0.log"
wait_http "http://127.0.0.1:$SEEDER1/q/health/ready" "$work/seeder-1.log"
if [ -n "${BASE_SEEDER_APP:-}" ]; then
  SEEDER_BASE=$(free_port)
  start_seeder seeder-base "$SEEDER_BASE" "$(free_port)" "$BASE_SEEDER_APP"
  wait_http "http://127.0.0.1:$SEEDER_BASE/q/health/ready" "$work/seeder-base.log"
fi

# The blob, uploaded monolithically through the registry API.
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$work/blob"
digest="sha256:$(sha256sum "$work/blob" | cut -d' ' -f1)"
location=$(curl -fsS -X POST -D - -o /dev/null "http://127.0.0.1:$REG/v2/bench/blob/blobs/uploads/" \
  | awk -F': ' 'tolower($1)=="location" {print $2}' | tr -d '\r')
case "$location" in http*) ;; *) location="http://127.0.0.1:$REG$location" ;; esac
curl -fsS -X PUT -H 'Content-Type: application/octet-stream' --data-binary @"$work/blob" \
  "$location&digest=$digest" -o /dev/null

timed_get() { # label url -> prints "label seconds MB/s" and checks the digest
  local start end
  start=$(date +%s.%N)
  curl -fsS -o "$work/out" "$2"
  end=$(date +%s.%N)
  [ "sha256:$(sha256sum "$work/out" | cut -d' ' -f1)" = "$digest" ] || { echo "$1: wrong bytes" >&2; exit 1; }
  python3 -c "d=$end-$start; print('%-34s %8.2f s %9.1f MB/s' % ('$1', d, $SIZE_MB/d))"
}

echo "seeder throughput, $SIZE_MB MiB blob, $(nproc) cores shared by every process"
direct=$(timed_get "registry direct (baseline)" "http://127.0.0.1:$REG/v2/bench/blob/blobs/$digest")
echo "$direct"
if [ -n "${BASE_SEEDER_APP:-}" ]; then
  timed_get "base build, cold cache" "http://127.0.0.1:$SEEDER_BASE/v2/bench/blob/blobs/$digest?ns=127.0.0.1:$REG"
fi
timed_get "seeder, cold cache (pull-through)" "http://127.0.0.1:$SEEDER/v2/bench/blob/blobs/$digest?ns=127.0.0.1:$REG"
timed_get "seeder, cache hit" "http://127.0.0.1:$SEEDER/v2/bench/blob/blobs/$digest"

# A second replica, started separately, must derive the same torrent and join the swarm.
ih0=$(curl -fsS -D - -o "$work/blob.torrent" \
  "http://127.0.0.1:$SEEDER/api/v1/metainfo/$digest?repository=bench/blob" \
  | awk -F': ' 'tolower($1)=="x-rackswarm-info-hash" {print $2}' | tr -d '\r')
ih1=$(curl -fsS -D - -o "$work/blob-1.torrent" \
  "http://127.0.0.1:$SEEDER1/api/v1/metainfo/$digest?repository=bench/blob" \
  | awk -F': ' 'tolower($1)=="x-rackswarm-info-hash" {print $2}' | tr -d '\r')
cmp -s "$work/blob.torrent" "$work/blob-1.torrent" && [ -n "$ih0" ] && [ "$ih0" = "$ih1" ] \
  || { echo "replicas disagree: $ih0 vs $ih1" >&2; exit 1; }
seeders=0
for _ in $(seq 1 60); do
  seeders=$(curl -fsS -H "Authorization: Bearer $ADMIN" \
    "http://127.0.0.1:$TRACKER/api/v1/torrents/$ih0" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seeders"])')
  [ "$seeders" -ge 2 ] && break
  sleep 0.5
done
[ "$seeders" -ge 2 ] || { echo "tracker sees $seeders seeders, expected 2" >&2; exit 1; }
echo "two replicas started separately: same info-hash $ih0, one swarm with $seeders seeders"

# Seeding upload: aria2c fetches the blob over BitTorrent from the seeders via the tracker.
token=$(RACKSWARM_TOKEN_SECRET=$NODE_SECRET java -cp core/target/classes \
  io.rackswarm.core.token.AnnounceToken bench-node)
python3 - "$work/blob.torrent" "http://127.0.0.1:$TRACKER/announce?token=$token&zone=z1&rack=r1" <<'PY'
import sys
path, url = sys.argv[1], sys.argv[2].encode()
t = open(path, "rb").read()
prefix = b"d8:announce"
assert t.startswith(prefix)
n, rest = t[len(prefix):].split(b":", 1)
open(path, "wb").write(prefix + str(len(url)).encode() + b":" + url + rest[int(n):])
PY
mkdir -p "$work/aria2"
start=$(date +%s.%N)
aria2c --dir="$work/aria2" --listen-port="$(free_port)" --enable-dht=false --enable-dht6=false \
  --bt-enable-lpd=false --enable-peer-exchange=false --seed-time=0 --bt-tracker-interval=1 \
  --file-allocation=none --summary-interval=0 --console-log-level=warn --quiet=true \
  "$work/blob.torrent"
end=$(date +%s.%N)
[ "sha256:$(sha256sum "$work/aria2/${digest#sha256:}" | cut -d' ' -f1)" = "$digest" ] \
  || { echo "BitTorrent download: wrong bytes" >&2; exit 1; }
python3 -c "d=$end-$start; print('%-34s %8.2f s %9.1f MB/s' % ('seeders -> aria2c over BitTorrent', d, $SIZE_MB/d))"
echo "seeder-0 metrics:"
curl -fsS "http://127.0.0.1:$SEEDER/q/metrics" | grep -E '^rackswarm_seeder_(cache_hits|cache_misses|upstream_pulled|peers_uploaded|torrents_seeded)' | sed 's/^/  /'
