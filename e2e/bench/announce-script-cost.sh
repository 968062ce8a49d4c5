#!/usr/bin/env bash
# Redis work per announce, counted in CPU instructions by valgrind (callgrind): the same numbers
# on every run, whatever else the machine is doing, so a change to the announce script can be
# judged without the noise of a shared machine. A deterministic workload (SWARMS swarms x 100
# peers, 10 racks, a quarter of the announces from seeds; each announce is the script plus the
# plain HVALS of the peer's rack (never larger than the sample here) and, for a peer the tracker
# expects to be a representative candidate, the plain HVALS of "seniors", then the plain SCARD
# and HLEN of the counts, as the tracker sends them) runs against
#   - tracker-service's announce.lua, and
#   - e2e/bench/minimal-announce.lua, the floor: registration check and one HSET, no topology,
# side by side, each in a fresh redis-server under callgrind.
#
#   e2e/bench/announce-script-cost.sh [announces]     (default 20000 after 20000 to fill Redis)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
N=${1:-20000}
SWARMS=${SWARMS:-200}
bin/install-deps valgrind python3
. e2e/bench/lib.sh

workload() { # call ("FCALL name" or "EVALSHA sha") file count seed hints(1|0)
  python3 - "$@" "$SWARMS" <<'PY'
import hashlib, random, sys
call, path, n, seed, hints, swarms = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1", int(sys.argv[6])
peers, racks, zones = 100, 10, 2
rnd = random.Random(seed)
def cmd(*a):
    out = ["*%d\r\n" % len(a)]
    for x in a:
        x = str(x)
        out.append("$%d\r\n%s\r\n" % (len(x.encode()), x))
    return "".join(out)
hashes = [hashlib.sha1(b"cost-%d" % i).hexdigest() for i in range(swarms)]
# The tracker's candidate hints (HintBits): a peer that was one of its rack's 3 most senior
# members (representatives + 1) at its last announce reads "seniors" beside the script. Join
# order is replayed from the fill's seed, so both files agree; purges are not modelled (a
# wrong hint costs the script its fallback, as in the tracker).
order, seen = {}, set()
replay = random.Random(1)
def joins(rnd, count):
    for _ in range(count):
        hh = hashes[rnd.randrange(swarms)]
        pp = rnd.randrange(1, peers + 1)
        rnd.randrange(4)
        yield hh, pp
if seed == 2:
    for hh, pp in joins(replay, n):
        r = order.setdefault((hh, pp % racks), [])
        if pp not in r:
            r.append(pp)
        seen.add((hh, pp))
with open(path, "w") as f:
    if seed == 1:
        for h in hashes:
            f.write(cmd("HSET", "rs:{%s}:torrent" % h, "size", 1048576, "digest", "sha256:0"))
    now = 1763880000000 + (seed - 1) * n
    for _ in range(n):
        now += 1
        h = hashes[rnd.randrange(swarms)]
        p = rnd.randrange(1, peers + 1)
        left = 0 if rnd.randrange(4) == 0 else 1048576
        k = lambda s: "rs:{%s}:%s" % (h, s)
        zone, rack = "z%d" % (p % zones), "r%d" % (p % racks)
        rk = k("rack:") + "eu/%s/%s" % (zone, rack)
        members = order.setdefault((h, p % racks), [])
        beside = hints and (h, p) in seen and p in members[:3]
        f.write(cmd(*call.split(" "), 7, k("torrent"), k("peers"), k("seeds"), k("seniors"),
                    k("racks"), rk + ":records", rk, now, "none", "%040x" % (p * 1000003),
                    left, "0", "%d,127.0.0.1,eu,%s,%s" % (10000 + p, zone, rack), 51,
                    ("1" if beside else "0") + "1"))
        f.write(cmd("HVALS", rk + ":records"))
        if beside:
            f.write(cmd("HVALS", k("seniors")))
        if hints:
            # The tracker's plain counts after the script; the minimal script is no tracker.
            f.write(cmd("SCARD", k("seeds")))
            f.write(cmd("HLEN", k("peers")))
        if p not in members:
            members.append(p)
        seen.add((h, p))
PY
}

cost() { # script -> instructions per announce of the measured part
  local script=$1 port out
  port=$(free_port)
  out="$work/callgrind.$(basename "$script")"
  valgrind --tool=callgrind --callgrind-out-file="$out" --instr-atstart=no \
    redis-server "$root/k8s/redis/rackswarm-redis.conf" --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
    --latency-tracking no > "$work/valgrind.log" 2>&1 &
  local vg=$!
  for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.3; done
  local call settings
  # The tracker's settings as it puts them in front of announce.lua (AnnounceScript), for the
  # tracker's defaults; the minimal script ignores them. The tracker loads announce.lua as a
  # Redis Function (RedisFunction); the minimal script runs as FloorTracker runs it, by EVALSHA.
  settings="local PEER_TTL, KEY_TTL, MAINTAIN_EVERY, CANDIDATES, LAST_CANDIDATE, MOST_SENIORS,"
  settings+=" RANDOM = 45000, '150', 15000, 3, '2', 3136, false"
  # The tracker's announce.lua reads records through the codec it is loaded after.
  local codec=$root/tracker-service/src/main/resources/redis/peer-record.lua
  if grep -q '^local function announce(KEYS, ARGV)' "$script"; then
    (echo "#!lua name=rackswarm_cost"; echo "$settings"; cat "$codec" "$script"
      echo "redis.register_function('rackswarm_announce_cost', announce)") > "$work/library.lua"
    redis-cli -p "$port" -x function load replace < "$work/library.lua" > /dev/null
    call="FCALL rackswarm_announce_cost"
  else
    call="EVALSHA $( (echo "$settings"; cat "$script") | redis-cli -p "$port" -x script load)"
  fi
  # The minimal script is no tracker: it gets no hints and no plain read of "seniors".
  local hints=1
  [ "$(basename "$script")" = minimal-announce.lua ] && hints=0
  workload "$call" "$work/fill.resp" "$N" 1 "$hints"
  workload "$call" "$work/measure.resp" "$N" 2 "$hints"
  redis-cli -p "$port" --pipe < "$work/fill.resp" > "$work/fill.log" 2>&1
  callgrind_control -i on "$vg" > /dev/null 2>&1
  redis-cli -p "$port" --pipe < "$work/measure.resp" > "$work/measure.log" 2>&1
  callgrind_control -i off "$vg" > /dev/null 2>&1
  grep -q "errors: 0," "$work/fill.log" && grep -q "errors: 0," "$work/measure.log" \
    || { echo "$script: Redis answered with errors" >&2; cat "$work/measure.log" >&2; exit 1; }
  redis-cli -p "$port" shutdown nosave > /dev/null 2>&1 || true
  wait "$vg" 2>/dev/null || true
  local ir
  ir=$(awk '/^totals:/ {print $2; exit}' "$out"*)
  python3 -c "print(round($ir / $N))"
}

echo "Redis instructions per announce (callgrind; $N announces over $SWARMS swarms x 100 peers" \
  "after as many to fill Redis)"
full=$(cost "${SCRIPT:-tracker-service/src/main/resources/redis/announce.lua}")
floor=$(cost e2e/bench/minimal-announce.lua)
printf '%-40s %12s %8s\n' script instructions vs_floor
printf '%-40s %12s %7.2fx\n' "minimal (registration + HSET)" "$floor" 1
printf '%-40s %12s %7.2fx\n' "announce.lua (topology)" "$full" "$(python3 -c "print($full/$floor)")"
