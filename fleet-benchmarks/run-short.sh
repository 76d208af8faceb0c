#!/usr/bin/env bash
# Short run of every benchmark, for a quick look (about 5 minutes on 2 cores): one fork, one 0.5 s warmup
# and three 0.5 s measurement iterations each, the GC and CPU-time profilers on, then the memory measurement, then the
# table. Writes results/short.json, results/memory-short.json and results/short.md.
# Set SKIP_BUILD=1 to reuse target/benchmarks.jar; extra arguments go to JMH (e.g. a benchmark regex).
set -euo pipefail
cd "$(dirname "$0")"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  (cd .. && mvn -B -q package -pl fleet-benchmarks -am -DskipTests)
fi
jar=target/benchmarks.jar
mkdir -p results
java -jar "$jar" -f 1 -wi 1 -w 500ms -i 3 -r 500ms -prof gc -prof dev.fleet.bench.CpuTimeProfiler -rf json -rff results/short.json "$@"
java -Djdk.attach.allowAttachSelf=true -Xms4g -Xmx4g -cp "$jar" dev.fleet.bench.MemoryFootprint 100000 \
  results/memory-short.json
java -Djava.awt.headless=true -cp "$jar" dev.fleet.bench.report.Report --results results/short.json \
  --memory results/memory-short.json --markdown results/short.md \
  --command "fleet-benchmarks/run-short.sh $*"
