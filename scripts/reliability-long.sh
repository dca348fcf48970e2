#!/usr/bin/env bash
# The long form of the reliability suite (docs/RELIABILITY.md): every test of
# io.litecomm.reliability with its long counts (Maven profile reliability-long), then the Java 25
# virtual-thread step in its long form. About 30 minutes on a 2-core machine; the figures of each
# test are printed on lines starting with "RELIABILITY" and collected at the end.
#
#   scripts/reliability-long.sh            # everything
#   scripts/reliability-long.sh -Dtest=RandomKillUnderLoadTest   # extra Maven arguments
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
mvn -B verify -Preliability-long "$@"
bash scripts/reliability-java25.sh --long
echo "== figures of the long run =="
grep -h "^RELIABILITY" "${LITECOMM_BUILD_DIR:-target}"/surefire-reports/*-output.txt 2>/dev/null || true
echo "long reliability run passed in $(( $(date +%s) - start )) s"
