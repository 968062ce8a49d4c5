#!/usr/bin/env bash
# CPU time per peer record read (tracker-service's PeerRecord), the working tree's against the
# one at BASE_REV, in one JVM, alternating in ROUNDS rounds after a warm-up round.
#
#   e2e/bench/record-ab.sh BASE_REV      e.g. HEAD~1;  ROUNDS (15)
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -eq 1 ] || { echo "usage: $0 BASE_REV" >&2; exit 2; }
ROUNDS=${ROUNDS:-15}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -d core/target/classes ] || mvn -B -q -ntp -DskipTests -pl core install
pkg=io/rackswarm/tracker/swarm
mkdir -p "$work/src/$pkg"
cp "tracker-service/src/main/java/$pkg/PeerRecord.java" "$work/src/$pkg/"
git show "$1:tracker-service/src/main/java/$pkg/PeerRecord.java" \
  | sed 's/\bPeerRecord\b/BasePeerRecord/g' > "$work/src/$pkg/BasePeerRecord.java"
cp e2e/bench/record/RecordBench.java "$work/src/$pkg/"
javac -nowarn -d "$work/out" -cp core/target/classes "$work/src/$pkg"/*.java
echo "peer record reads: $1 (base) against the working tree (new), $ROUNDS rounds"
java -Xmx512m -cp "$work/out:core/target/classes" io.rackswarm.tracker.swarm.RecordBench "$ROUNDS" \
  | awk '/ base / {b+=$4; nb++} / new / {n+=$4; nn++} /^round/ {print}
    END {printf "mean   base %.1f ns/record, new %.1f ns/record, new/base %.2fx\n", b/nb, n/nn, (n/nn)/(b/nb)}'
