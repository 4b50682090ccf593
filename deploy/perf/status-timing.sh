#!/usr/bin/env bash
# Wall time of `jobwatch status` (issue 11.4) for each jar given, three ways: no JVM flags, C1 only
# with the serial GC, and those flags with a class data sharing archive trained on `status` first.
# The runs are interleaved so that a change in the machine's speed hits every variant alike.
# With JAVA25 set to a JDK 25 or later `java`, a fourth: that JDK with an ahead-of-time cache
# trained on `status` (JEP 483/514/515: classes loaded and linked, method profiles), C1 only and the
# serial collector.
#
#   JOBWATCH_DB_URL=jdbc:postgresql://localhost:55432/jobwatch JOBWATCH_DB_USER=postgres \
#     [JAVA25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java] deploy/perf/status-timing.sh [-n RUNS] JAR...
#
# Prints min / median / max milliseconds per variant, and the same for `java -version`.
set -euo pipefail
runs=11
if [[ "${1:-}" == "-n" ]]; then runs=$2; shift 2; fi
(( $# > 0 )) || { echo "usage: $0 [-n RUNS] JAR..." >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
quiet="-Xlog:cds=off -Xlog:cds+dynamic=off"
c1="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
names=("java -version")
commands=("java -version")
for i in $(seq 0 $(($# - 1))); do
  jar=$(realpath "${@:$((i + 1)):1}")
  java -XX:ArchiveClassesAtExit="$work/$i.jsa" $quiet -jar "$jar" status > /dev/null
  names+=("$jar plain" "$jar c1" "$jar archive+c1")
  commands+=("java -jar $jar status"
    "java $c1 -jar $jar status"
    "java -XX:SharedArchiveFile=$work/$i.jsa $quiet $c1 -jar $jar status")
  if [[ -n "${JAVA25:-}" ]]; then
    # AOTMode=on: fail rather than run without the cache if it cannot be used.
    "$JAVA25" -XX:AOTCacheOutput="$work/$i.aot" -Xlog:aot=off -Xlog:cds=off -jar "$jar" status \
      > /dev/null 2>&1
    names+=("$jar jdk25 aot-cache+c1")
    commands+=("$JAVA25 -XX:AOTCache=$work/$i.aot -XX:AOTMode=on $c1 -jar $jar status")
  fi
done
for run in $(seq "$runs"); do
  for k in "${!commands[@]}"; do
    start=$(date +%s%N)
    # A variant that fails would look fast: stop instead.
    ${commands[$k]} > /dev/null 2>&1 || { echo "failed: ${commands[$k]}" >&2; exit 1; }
    end=$(date +%s%N)
    echo $(((end - start) / 1000000)) >> "$work/times.$k"
  done
done
for k in "${!commands[@]}"; do
  sort -n "$work/times.$k" | awk -v name="${names[$k]}" \
    '{ t[NR] = $1 } END { printf "%s: min %d median %d max %d ms (n=%d)\n", name, t[1], t[int((NR + 1) / 2)], t[NR], NR }'
done
