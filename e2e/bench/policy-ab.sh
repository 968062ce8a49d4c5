#!/usr/bin/env bash
# CPU time per handout of the topology-aware policy, two builds of core/ side by side in
# interleaved rounds (e2e/bench/policy/PolicyBench.java: the views of tracker-announce.sh's
# swarms, single-threaded, after a warm-up). Judges a change to the policy without the noise of
# the whole tracker, Redis and wrk sharing two cores.
#
#   e2e/bench/policy-ab.sh BASE_CORE NEW_CORE     each a core classes directory or jar, e.g. a
#                                                 copy of core/target/classes
#   ROUNDS (5), RUN_SECONDS (10) per build and round
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -eq 2 ] || { echo "usage: $0 BASE_CORE NEW_CORE" >&2; exit 2; }
ROUNDS=${ROUNDS:-5}
SECONDS_PER_RUN=${RUN_SECONDS:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
javac -nowarn -d "$work" -cp "$2" e2e/bench/policy/PolicyBench.java
echo "handout policy A/B: $ROUNDS rounds of ${SECONDS_PER_RUN}s per build, one thread"
printf '%-6s %-6s %14s\n' round build ns/handout
declare -A sum=([base]=0 [new]=0)
for r in $(seq 1 "$ROUNDS"); do
  for build in base new; do
    core=$1
    [ $build = new ] && core=$2
    ns=$(java -Xms256m -Xmx256m -cp "$core:$work" PolicyBench "$SECONDS_PER_RUN" \
      | sed -n 's/^RESULT ns_per_handout=\([0-9]*\).*/\1/p')
    [ -n "$ns" ] || { echo "PolicyBench printed no result" >&2; exit 1; }
    printf '%-6s %-6s %14s\n' "$r" "$build" "$ns"
    sum[$build]=$((sum[$build] + ns))
  done
done
printf '%-6s %-6s %14s\n' mean base $((sum[base] / ROUNDS))
printf '%-6s %-6s %14s\n' mean new $((sum[new] / ROUNDS))
python3 -c "print('new/base %17.2fx' % (${sum[new]} / ${sum[base]}))"
