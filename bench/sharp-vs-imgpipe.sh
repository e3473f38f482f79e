#!/usr/bin/env bash
# Side-by-side benchmark: sharp 0.35 and imgpipe's default compressor, alternating pass by pass on
# the benchmark corpus, one core (taskset -c 1), same quality (50). Prints per approach: MP/s, the
# ratio, output bytes, mean PSNR against the decoded source, and which compression path ran.
#
#   bench/sharp-vs-imgpipe.sh [corpusDir [measuredRounds [warmupRounds]]]
#
# Installs sharp with npm into a temporary folder, removed on exit. Exits with status 2, saying so,
# if npm or node is missing. Not part of the Maven build.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=$(cd "${1:-$ROOT/../shared/corpus}" && pwd)
ROUNDS=${2:-7}
WARMUP=${3:-2}

for tool in npm node; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "sharp-vs-imgpipe: $tool is not installed, so sharp cannot be installed or run; stopping." >&2
    exit 2
  fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sharp-vs-imgpipe.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

echo "installing sharp@0.35 into $WORK (removed on exit)"
(cd "$WORK" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error sharp@0.35 >/dev/null)

echo "building imgpipe core test classes"
(cd "$ROOT" && mvn -B -q -pl core test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt)

CLASSPATH="$ROOT/core/target/test-classes:$ROOT/core/target/classes:$(cat "$ROOT/core/target/cp.txt")"
mkdir -p "$WORK/sharp-out"
export UV_THREADPOOL_SIZE=1
taskset -c 1 java -cp "$CLASSPATH" io.imgpipe.image.SharpComparison \
  "$CORPUS" "$ROUNDS" "$WARMUP" "$WORK/node_modules/sharp" "$ROOT/bench/sharp-side.js" "$WORK/sharp-out"
