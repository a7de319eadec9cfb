#!/usr/bin/env bash
# The main job (README): build what is missing, start the sample DJL/PyTorch LLM service with the tokenpath agent
# attached, drive streamed load through it, and summarise the token path (agent side vs client side) and where to
# scrape; then write an activation capture and summarise it with the CLI and the Python reader.
# Env: TOKENPATH_OUT (default out), REQUESTS (default 48), CONCURRENCY (default 4), MODEL (tiny|small, default tiny).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

OUT=${TOKENPATH_OUT:-out}
REQUESTS=${REQUESTS:-48}
CONCURRENCY=${CONCURRENCY:-4}
MODEL=${MODEL:-tiny}
AGENT=agent/target/tokenpath-agent.jar
SAMPLES=samples/target/tokenpath-samples.jar
CLI_JAR=capture-runtime/target/tokenpath-stream.jar
stale() { [ ! -f "$1" ] || [ -n "$(find "$2" -newer "$1" -type f 2>/dev/null | head -1)" ]; }
if stale "$AGENT" agent/src || stale "$SAMPLES" samples/src || stale "$CLI_JAR" capture-runtime/src; then
  echo "== building capture-runtime, samples, agent"
  mvn -B -q -ntp -DskipTests package -pl capture-runtime,samples,agent
fi
mkdir -p "$OUT"
METRICS_PORT=${METRICS_PORT:-9464}

echo "== starting the sample LLM service (DJL + PyTorch, model $MODEL, 1 worker) with -javaagent:$AGENT"
java -javaagent:"$AGENT"=metrics.host=127.0.0.1,metrics.port=$METRICS_PORT,service.name=tokenpath-sample \
    -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -Dai.djl.pytorch.num_threads=1 \
    -jar "$SAMPLES" server --port 0 --models "$MODEL" --workers 1 --queue 256 \
    > "$OUT/server.out" 2> "$OUT/server.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
  grep -q '^LISTENING ' "$OUT/server.out" 2>/dev/null && break
  kill -0 $SERVER 2>/dev/null || { echo "the service died:"; cat "$OUT/server.log"; exit 1; }
  sleep 0.5
done
PORT=$(awk '/^LISTENING /{print $2}' "$OUT/server.out")
[ -n "$PORT" ] || { echo "the service did not start in 120 s:"; cat "$OUT/server.log"; exit 1; }
grep '\[tokenpath\]' "$OUT/server.log" || true

echo
echo "== driving $REQUESTS streamed requests at concurrency $CONCURRENCY from clients alice, bob, carol"
java -jar "$SAMPLES" load --url "http://127.0.0.1:$PORT" --model "$MODEL" --num-prompts "$REQUESTS" \
    --prompt-len 32 --max-tokens 32 --concurrency "$CONCURRENCY" --clients alice,bob,carol --json "$OUT/load.json"
curl -s "http://127.0.0.1:$METRICS_PORT/metrics" > "$OUT/metrics.txt"

echo
echo "== token path: agent (server side, /metrics) vs load generator (client side)"
/usr/bin/python3 scripts/token-path-summary.py "http://127.0.0.1:$METRICS_PORT/metrics" "$OUT/load.json"
echo "scrape: http://127.0.0.1:$METRICS_PORT/metrics  (saved to $OUT/metrics.txt; series in docs/metrics.md)"
kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true
trap - EXIT

echo
STREAM="$OUT/demo.stream"
cli() { java -Djava.awt.headless=true -jar "$CLI_JAR" "$@"; }
echo "== activation capture: 4 concurrent requests, 16-token prompts, 48 new tokens, 6 layers x 512 hidden"
echo "   (synthetic activations until the agent's DJL block tap lands; the stream, CLI and reader are the real ones)"
cli demo "$STREAM" --preset "${TOKENPATH_PRESET:-balanced}" --requests 4 --prompt 16 --tokens 48 --layers 6 --hidden 512
cli verify "$STREAM"
cli inspect "$STREAM" | sed -n '1,8p'
cli stats "$STREAM" --request 1 | head -8
cli plot "$STREAM" --out "$OUT/demo-l2.png" --stat l2 --request 1
/usr/bin/python3 docs/examples/read_stream.py "$STREAM" > "$OUT/demo-python.txt" && head -3 "$OUT/demo-python.txt"
echo
echo "== outputs in $OUT/: load.json, metrics.txt, server.log, demo.stream (+ _tokens.json), demo-l2.png, demo-python.txt"
