# Shared by the bench/ scripts (sourced, not run). Sets ROOT and JAR, builds the harness jar when it is missing or
# older than the sources, and prints the machine facts every benchmark table needs.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/bench/harness/target/tokenpath-bench.jar"
# Heap is small (the data lives off-heap); direct memory must hold the 512 MiB ring, encoder scratch and pools.
JAVA_OPTS="${JAVA_OPTS:--Xms1g -Xmx1g -XX:MaxDirectMemorySize=1g}"

bench_build() {
  local stale=""
  if [ -f "$JAR" ]; then
    stale="$(find "$ROOT/pom.xml" "$ROOT/capture-runtime/pom.xml" "$ROOT/capture-runtime/src/main" \
      "$ROOT/bench/harness/pom.xml" "$ROOT/bench/harness/src" -newer "$JAR" -type f 2>/dev/null | head -n 1)"
  fi
  if [ ! -f "$JAR" ] || [ -n "$stale" ]; then
    echo "building $JAR${stale:+ ($stale is newer)}" >&2
    # Offline first (CI and the dev machines have the local repository); online once if something is missing.
    (cd "$ROOT" && { mvn -o -q package -DskipTests -pl capture-runtime,bench/harness \
      || mvn -q package -DskipTests -pl capture-runtime,bench/harness; }) >&2 || { echo "build failed" >&2; exit 1; }
  fi
}

bench_machine() {
  local dir="$1"
  echo "machine: $(nproc) cpus ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), $(free -g | awk '/^Mem:/{print $2}') GiB RAM, kernel $(uname -r)"
  echo "jdk: $(java -version 2>&1 | head -n 1)"
  if [ -n "$dir" ]; then
    local dev fs
    dev="$(df -P "$dir" | awk 'NR==2{print $1}')"
    fs="$(df -PT "$dir" 2>/dev/null | awk 'NR==2{print $2}')"
    local base; base="$(basename "$dev")"
    local rot="?"; [ -r "/sys/block/$base/queue/rotational" ] && rot="$(cat "/sys/block/$base/queue/rotational")"
    local sched="?"; [ -r "/sys/block/$base/queue/scheduler" ] && sched="$(cat "/sys/block/$base/queue/scheduler")"
    echo "disk: $dir on $dev ($fs, rotational=$rot, scheduler $sched), $(df -Ph "$dir" | awk 'NR==2{print $4" free of "$2}')"
  fi
  echo "commit: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$ROOT" && [ -n "$(git status --porcelain 2>/dev/null)" ] && echo ' (dirty tree)')"
  echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min; other work on the machine skews every number below)"
}
