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

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_http() { # url [log file to show on failure]
  for _ in $(seq 1 120); do curl -fs -o /dev/null "$1" && return 0; sleep 0.5; done
  echo "not up: $1" >&2
  [ -n "${2:-}" ] && tail -30 "$2" >&2
  return 1
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
