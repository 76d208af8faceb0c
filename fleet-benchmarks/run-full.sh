#!/usr/bin/env bash
# The full suite (about 15 minutes on 2 cores): two forks, three 1 s warmup and five 1 s measurement
# iterations each, the GC and CPU-time profilers on, then the memory measurement, the table and the plot. Writes
# results/full.json, results/memory.json, results/full.md and results/decision-cost.png: the files the
# README quotes. Set SKIP_BUILD=1 to reuse target/benchmarks.jar; extra arguments go to JMH.
set -euo pipefail
cd "$(dirname "$0")"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  (cd .. && mvn -B -q package -pl fleet-benchmarks -am -DskipTests)
fi
jar=target/benchmarks.jar
mkdir -p results
java -jar "$jar" -f 2 -wi 3 -w 1s -i 5 -r 1s -prof gc -prof dev.fleet.bench.CpuTimeProfiler -rf json -rff results/full.json "$@"
java -Djdk.attach.allowAttachSelf=true -Xms4g -Xmx4g -cp "$jar" dev.fleet.bench.MemoryFootprint 100000 \
  results/memory.json
java -Djava.awt.headless=true -cp "$jar" dev.fleet.bench.report.Report --results results/full.json \
  --memory results/memory.json --markdown results/full.md --png results/decision-cost.png \
  --command "fleet-benchmarks/run-full.sh $*"
