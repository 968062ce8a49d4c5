# Shared by the benchmark scripts: processes they start are stopped on exit, ports are free
# loopback ports, services are awaited over HTTP. Source it; it sets $work.
work=$(mktemp -d -t rackswarm-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

free_port() { # [limit]: a free port below limit (default 65536)
  python3 - "${1:-65536}" <<'PY'
import socket, sys
for _ in range(1000):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    if port < int(sys.argv[1]):
        print(port); break
else:
    sys.exit("no free port below " + sys.argv[1])
PY
}

wait_http() { # url [log file to show on failure]
  for _ in $(seq 1 120); do curl -fs -o /dev/null "$1" && return 0; sleep 0.5; done
  echo "not up: $1" >&2
  [ -n "${2:-}" ] && tail -30 "$2" >&2
  return 1
}

write_swarms() { # swarms peers zones racks: the benchmarks' info-hashes and wrk's config
  # $work/hashes: one info-hash in hex per line; $work/query-hashes: the same as they travel in
  # an announce's query; $work/bench-config.lua: what e2e/bench/announce.lua reads.
  python3 - "$work" "$@" <<'PY'
import hashlib, os, sys, urllib.parse
work, swarms, peers, zones, racks = sys.argv[1], *map(int, sys.argv[2:])
hashes = [hashlib.sha1(b"rackswarm-bench-%d" % i).digest() for i in range(swarms)]
quoted = [urllib.parse.quote(h, safe="") for h in hashes]
with open(os.path.join(work, "hashes"), "w") as f:
    f.writelines(h.hex() + "\n" for h in hashes)
with open(os.path.join(work, "query-hashes"), "w") as f:
    f.writelines(q + "\n" for q in quoted)
with open(os.path.join(work, "bench-config.lua"), "w") as f:
    f.write("hashes = {\n")
    f.writelines('  "%s",\n' % q for q in quoted)
    f.write("}\npeers_per_swarm = %d\nzones = %d\nracks = %d\n" % (peers, zones, racks))
    f.write('token = os.getenv("BENCH_TOKEN") or ""\n')
PY
}

register_swarms() { # hashes-file tracker-port admin-token: registers every info-hash (1 MiB blob)
  python3 - "$1" "$2" "$3" <<'PY'
import hashlib, json, sys, urllib.request
path, port, admin = sys.argv[1], sys.argv[2], sys.argv[3]
for line in open(path):
    ih = line.strip()
    body = json.dumps({"digest": "sha256:" + hashlib.sha256(ih.encode()).hexdigest(),
                       "size": 1048576}).encode()
    req = urllib.request.Request("http://127.0.0.1:%s/api/v1/torrents/%s" % (port, ih), body,
                                 method="PUT", headers={"Authorization": "Bearer " + admin,
                                                        "Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
PY
}

start_upstream() { # registry-port redis-port tracker-port origin-secret node-secret admin-token
  # docker-registry, Redis with rackswarm's settings and the tracker, as the seeder and agent
  # benchmarks need them; logs in $work.
  cat > "$work/registry.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: 127.0.0.1:$1
YML
  docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 & pids+=($!)
  redis-server k8s/redis/rackswarm-redis.conf --port "$2" --bind 127.0.0.1 --save "" \
    --appendonly no --dir "$work" --logfile "$work/redis.log" & pids+=($!)
  RACKSWARM_TRACKER_ORIGIN_SECRETS=$4 RACKSWARM_TRACKER_NODE_SECRETS=$5 \
    RACKSWARM_TRACKER_ADMIN_TOKEN=$6 \
    QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$2" QUARKUS_HTTP_HOST=127.0.0.1 PORT=$3 \
    java @tracker-service/src/main/jib/etc/rackswarm/jvm.options -jar tracker-service/target/quarkus-app/quarkus-run.jar \
    > "$work/tracker.log" 2>&1 & pids+=($!)
}
