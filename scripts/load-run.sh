#!/usr/bin/env bash
# The HTTP load run (docs/http.md), from a fresh clone: builds the reactor's classes and runs LoadRun on them,
# never on dev.fleet jars that may sit in ~/.m2. Arguments go to LoadRun: seconds per phase, then optionally
# "heartbeats" or "tasks". JVM properties (e.g. -Dloadrun.taskRates=4000) go in LOADRUN_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
# One invocation compiles the modules and resolves the classpath, so the dev.fleet modules resolve to this
# reactor's target/classes; the last module written (fleet-transport-http) leaves its classpath in the file.
mvn -B -q -pl fleet-transport-http -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"
exec java ${LOADRUN_OPTS:-} \
    -cp "fleet-transport-http/target/test-classes:fleet-transport-http/target/classes:$(cat "$cp_file")" \
    dev.fleet.transport.http.LoadRun "${@:-15}"
