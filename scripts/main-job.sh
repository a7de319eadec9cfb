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
SAMPLE_EVERY=${SAMPLE_EVERY:-8} # capture one request in 8
CAPTURED=$((REQUESTS / SAMPLE_EVERY))
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

# Kernel and GPU metrics for the service: the helper daemon, when this runs as root (it loads BPF programs).
HELPER=ebpf-helper/target/tokenpath-helper
HELPER_SOCKET="$(cd "$OUT" && pwd)/helper.sock"
HELPER_ARGS=""
if [ "$(id -u)" = 0 ]; then
  [ -x "$HELPER" ] && [ -z "$(find ebpf-helper/src ebpf-helper/test -newer "$HELPER" -type f 2>/dev/null | head -1)" ] \
    || { echo "== building ebpf-helper"; mvn -B -q -ntp -DskipTests package -pl ebpf-helper; }
  echo "== starting tokenpath-helper on $HELPER_SOCKET (kernel metrics for each connecting process; GPUs through NVML)"
  "$HELPER" --socket "$HELPER_SOCKET" > "$OUT/helper.log" 2>&1 &
  HELPER_PID=$!
  for _ in $(seq 1 100); do [ -S "$HELPER_SOCKET" ] && break; sleep 0.1; done
  HELPER_ARGS=",helper.mode=socket,helper.socket=$HELPER_SOCKET"
else
  echo "== not root: no tokenpath-helper (kernel and GPU metrics need it; see docs/helper.md)"
fi

STREAM="$OUT/capture.stream"
rm -f "$STREAM" "$STREAM"_tokens.json "$STREAM".ckpt.json
# The model's tokenizer.json gives the captured tokens their text (a real model ships one; the sample writes its own).
java -jar "$SAMPLES" tokenizer "$OUT/tokenizer.json" >/dev/null
echo "== starting the sample LLM service (DJL + PyTorch, model $MODEL, 2 workers) with -javaagent:$AGENT"
echo "   token metrics on :$METRICS_PORT; activation capture of every block of the first $CAPTURED requests' first 8 steps -> $STREAM"
java -javaagent:"$AGENT"=metrics.host=127.0.0.1,metrics.port=$METRICS_PORT,service.name=tokenpath-sample,capture.output=$STREAM,capture.preset=balanced,capture.steps=first:8,capture.sample_requests=$SAMPLE_EVERY,capture.tokenizer=$OUT/tokenizer.json$HELPER_ARGS \
    -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -Dai.djl.pytorch.num_threads=1 \
    -jar "$SAMPLES" server --port 0 --models "$MODEL" --workers 2 --queue 256 \
    > "$OUT/server.out" 2> "$OUT/server.log" &
SERVER=$!
trap 'kill $SERVER ${HELPER_PID:-} 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
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
echo
echo "== the machine for this JVM meanwhile (tokenpath-helper's series on the same endpoint; docs/helper.md)"
/usr/bin/python3 scripts/kernel-summary.py "$OUT/metrics.txt"
grep -E '^tokenpath_capture_(frames|dropped)_total' "$OUT/metrics.txt" | grep -v ' 0.0$' || true
kill -TERM $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true   # the agent closes the capture cleanly on exit
[ -n "${HELPER_PID:-}" ] && { kill -TERM "$HELPER_PID" 2>/dev/null; wait "$HELPER_PID" 2>/dev/null || true; }
trap - EXIT
grep '\[tokenpath\] activation capture closed' "$OUT/server.log" || true

echo
cli() { java -Djava.awt.headless=true -jar "$CLI_JAR" "$@"; }
echo "== the capture: verify, inspect, statistics per layer and token, heat map, Python reader"
cli verify "$STREAM"
cli inspect "$STREAM" | sed -n '1,4p'
FIRST=$(/usr/bin/python3 -c "import json,sys; t=json.load(open('$STREAM'+'_tokens.json'))['tokens']; print(t[0]['request_id'] if t else 1)")
cli stats "$STREAM" --request "$FIRST" --layer 'attn$|mlp$|lm_head' | head -14
cli plot "$STREAM" --out "$OUT/capture-l2.png" --stat l2 --request "$FIRST" --steps 0..7 --layer 'attn$|mlp$|ln_f|lm_head'
/usr/bin/python3 docs/examples/read_stream.py "$STREAM" > "$OUT/capture-python.txt" && head -3 "$OUT/capture-python.txt"
echo
echo "== outputs in $OUT/: load.json, metrics.txt, server.log, capture.stream (+ _tokens.json), tokenizer.json, capture-l2.png, capture-python.txt"
echo "   synthetic demo without a model: java -jar $CLI_JAR demo $OUT/demo.stream"
