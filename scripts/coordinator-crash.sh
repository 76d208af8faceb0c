#!/usr/bin/env bash
# Kills a real coordinator process with kill -9 ROUNDS times (default 200) while three agent processes work and
# a client submits, restarting it from its journal each time; fails unless every accepted task finished with
# exactly one result and no task ran twice. The same test runs 20 rounds in `mvn verify`.
#
#   scripts/coordinator-crash.sh [ROUNDS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-200}"
SEED_ARG=()
if [ $# -ge 2 ]; then SEED_ARG=("-Dfleet.crash.seed=$2"); fi
exec mvn -B -q -pl fleet-cli -am test -Dtest=CoordinatorKillTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfleet.crash.rounds="$ROUNDS" "${SEED_ARG[@]}" -Dsurefire.timeout=0
