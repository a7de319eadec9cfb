#!/usr/bin/env bash
# The main job (README): build if needed, write a capture, and summarise it with the CLI and the Python reader.
# Until the agent and the sample DJL service land, the capture comes from the synthetic decoder in capture-runtime
# (`tokenpath-stream demo`); everything after that is what a user runs on a real capture.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

JAR=capture-runtime/target/tokenpath-stream.jar
if [ ! -f "$JAR" ] || [ -n "$(find capture-runtime/src -newer "$JAR" -type f | head -1)" ]; then
  echo "== building capture-runtime"
  mvn -B -q -ntp -DskipTests package -pl capture-runtime
fi
OUT=${TOKENPATH_OUT:-out}
mkdir -p "$OUT"
STREAM="$OUT/demo.stream"
cli() { java -Djava.awt.headless=true -jar "$JAR" "$@"; }

echo "== writing a capture: 4 concurrent requests, 16-token prompts, 48 new tokens, 6 layers x 512 hidden"
cli demo "$STREAM" --preset "${TOKENPATH_PRESET:-balanced}" --requests 4 --prompt 16 --tokens 48 --layers 6 --hidden 512
echo
echo "== tokenpath-stream inspect"
cli inspect "$STREAM"
echo
echo "== tokenpath-stream verify"
cli verify "$STREAM"
echo
echo "== tokenpath-stream stats (request 1, first rows)"
cli stats "$STREAM" --request 1 | head -25
echo
echo "== tokenpath-stream plot (L2 norm, token x layer)"
cli plot "$STREAM" --out "$OUT/demo-l2.png" --stat l2 --request 1
echo
echo "== tokenpath-stream export (.npy per layer)"
cli export "$STREAM" --out "$OUT/npy" --format npy --layer '.*mlp'
echo
echo "== Python reader (docs/examples/read_stream.py)"
/usr/bin/python3 docs/examples/read_stream.py "$STREAM" | head -20
echo
echo "== outputs in $OUT/: demo.stream, demo.stream_tokens.json, demo-l2.png, npy/"
