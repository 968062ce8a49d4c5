#!/usr/bin/env bash
# The rollout benchmark: one image to N hosts (racks of 4) through rackswarm, through rackswarm
# with one representative per rack and a chain inside each rack (handout policy
# topology-chain; rackswarm-r1, one representative and a mesh, can be named in SYSTEMS), through
# BitTorrent with the tracker's topology policy off,
# and straight from the seeders over HTTP; each system on a fresh cluster in the same datacenter.
# Prints one table (p50/p99/max completion, ratio to the lower bound, bytes into the busiest
# rack, upstream bytes, CPU idle) and writes the plots BENCHMARKS.md shows.
#
#   e2e/bench/rollout.sh                          HOSTS="4 8 16 24", SIZE_MB=256
#   HOSTS=8 SYSTEMS=rackswarm,http e2e/bench/rollout.sh
# Rates: HOST_RATE (30mbit), UPLINK_RATE (60mbit: racks of 4 are 2:1 oversubscribed),
# SEEDER_RATE (120mbit); low enough that this machine's CPU is not the bottleneck (the table
# reports CPU idle). Needs root (network namespaces, tc).
set -euo pipefail
cd "$(dirname "$0")/../.."
HOSTS=${HOSTS:-"4 8 16 24"}
SIZE_MB=${SIZE_MB:-256}
SYSTEMS=${SYSTEMS:-rackswarm,rackswarm-chain,bt-random,http}
OUT=${OUT:-docs/bench/rollout}
mkdir -p "$OUT"
rm -f "$OUT/results.json" "$OUT/results.md"
for n in $HOSTS; do
  per_rack=4
  [ "$n" -lt 8 ] && per_rack=2
  e2e/run --racks $((n / per_rack)) --hosts-per-rack $per_rack --size-mb "$SIZE_MB" \
    --systems "$SYSTEMS" --host-rate "${HOST_RATE:-30mbit}" \
    --uplink-rate "${UPLINK_RATE:-60mbit}" --seeder-rate "${SEEDER_RATE:-120mbit}" \
    --out "$OUT" --label "N=$n" | grep -v '^  rack-[0-9]* *\[\|^ *[0-9.]* s$'
done
py=python3
python3 -c 'import matplotlib' 2>/dev/null || { [ -x /usr/bin/python3 ] && py=/usr/bin/python3; }
PYTHONPATH=e2e "$py" -m harness.summarize "$OUT"
