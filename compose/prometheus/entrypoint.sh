#!/bin/sh
# Entrypoint of the compose stack's Prometheus container. Prometheus does not read environment variables in its
# configuration, so this turns the stack's settings into files before starting it:
#   SCRAPE_INTERVAL  -> global scrape_interval (and evaluation_interval) of a copy of prometheus.yml
#   VLLM_ENDPOINT    -> targets/vllm.json (file_sd; scheme and path of the URL kept; unset or empty: no target)
#   TGI_ENDPOINT     -> targets/tgi.json, with the label model="$TGI_MODEL" when set (TGI's /metrics names no model)
# An empty endpoint means "not scraped" rather than a default address: a target that does not exist would keep
# TargetDown firing. `entrypoint.sh --render-only` writes the files and stops (ComposeEntrypointTest runs it so).
set -eu

CONFIG_IN=${CONFIG_IN:-/etc/prometheus/prometheus.yml}
RULES_DIR=${RULES_DIR:-/etc/prometheus/rules}
RUN_DIR=${RUN_DIR:-/tmp/prometheus-run}
SCRAPE_INTERVAL=${SCRAPE_INTERVAL:-15s}

case "$SCRAPE_INTERVAL" in
  *[!0-9smhd]*|'') echo "entrypoint: SCRAPE_INTERVAL='$SCRAPE_INTERVAL' is not a duration like 15s or 1m" >&2; exit 64 ;;
esac

mkdir -p "$RUN_DIR/targets"

# One file_sd entry for URL $2 (e.g. http://vllm:8000 or https://host/prefix/metrics) with optional model $3.
write_target() {
  file=$1 url=$2 model=${3:-}
  if [ -z "$url" ]; then
    echo '[]' > "$file"
    return
  fi
  scheme=http
  case "$url" in
    https://*) scheme=https ;;
    http://*) ;;
    *://*) echo "entrypoint: unsupported scheme in '$url' (http or https)" >&2; exit 64 ;;
  esac
  rest=${url#*://}
  hostport=${rest%%/*}
  path=/metrics
  if [ "$rest" != "$hostport" ] && [ -n "${rest#*/}" ]; then path=/${rest#*/}; fi
  case "$hostport" in
    *:*) ;;
    *) if [ $scheme = https ]; then hostport=$hostport:443; else hostport=$hostport:80; fi ;;
  esac
  labels="\"__scheme__\": \"$scheme\", \"__metrics_path__\": \"$path\""
  if [ -n "$model" ]; then labels="$labels, \"model\": \"$model\""; fi
  printf '[{"targets": ["%s"], "labels": {%s}}]\n' "$hostport" "$labels" > "$file"
}

write_target "$RUN_DIR/targets/vllm.json" "${VLLM_ENDPOINT:-}"
write_target "$RUN_DIR/targets/tgi.json" "${TGI_ENDPOINT:-}" "${TGI_MODEL:-}"

# The copy: intervals from SCRAPE_INTERVAL, rule files and targets at absolute paths (the copy lives elsewhere).
sed -e "s|^  scrape_interval: .*|  scrape_interval: $SCRAPE_INTERVAL|" \
    -e "s|^  evaluation_interval: .*|  evaluation_interval: $SCRAPE_INTERVAL|" \
    -e "s|^  - rules/\*.yml|  - $RULES_DIR/*.yml|" \
    -e "s|\"targets/|\"$RUN_DIR/targets/|" \
    "$CONFIG_IN" > "$RUN_DIR/prometheus.yml"

if [ "${1:-}" = "--render-only" ]; then
  exit 0
fi
exec /bin/prometheus --config.file="$RUN_DIR/prometheus.yml" "$@"
