#!/usr/bin/env bash
# Issue #13's long failover run (docs/ha.md): three `fleet coordinator --peers` processes, three `fleet agent`
# processes and a client submitting all the time on 127.0.0.1; the leader is killed with kill -9 N times (100 by
# default), then every acknowledged task must have succeeded, given to a machine once and run once. It is
# ReplicatedKillRoundsTest's first test with more rounds, run by Maven on this reactor's classes (never on dev.fleet
# jars in ~/.m2). Prints the test's figures: failover median, p99 and max, tasks, re-elections.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-100}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! mvn -B -q -pl fleet-cli -am test -Dsurefire.failIfNoSpecifiedTests=false \
    -Dtest='ReplicatedKillRoundsTest#everyAcknowledgedTaskRuns*' -Dfleet.ha.rounds="$rounds" > "$log" 2>&1; then
  tail -60 "$log"
  echo "ha-kill-rounds: FAILED (the log above)" >&2
  exit 1
fi
grep -h "kill -9 rounds" "$log"
