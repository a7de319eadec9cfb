#!/usr/bin/env python3
"""Token-path summary of a run: agent-side percentiles (from the agent's /metrics histograms, interpolated within
buckets as Prometheus' histogram_quantile does) next to the client-side ones (exact, from the load generator's JSON).

usage: token-path-summary.py METRICS_URL LOAD_JSON
"""
import json
import sys
import urllib.request


def parse(text):
    samples = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        head, value = line.rsplit(" ", 1)
        labels = {}
        name = head
        if "{" in head:
            name, body = head.split("{", 1)
            for part in body.rstrip("}").split('",'):
                if "=" in part:
                    k, v = part.split("=", 1)
                    labels[k] = v.strip('"')
        samples.append((name, labels, float(value)))
    return samples


def total(samples, name, **match):
    return sum(v for n, l, v in samples if n == name and all(l.get(k) == w for k, w in match.items()))


def quantile(samples, family, q):
    buckets = {}
    for n, l, v in samples:
        if n == family + "_bucket":
            le = float("inf") if l["le"] == "+Inf" else float(l["le"])
            buckets[le] = buckets.get(le, 0) + v
    bounds = sorted(buckets)
    count = buckets.get(float("inf"), 0)
    if count == 0:
        return float("nan")
    rank = q * count
    prev_bound, prev_count = 0.0, 0.0
    for b in bounds:
        if buckets[b] >= rank:
            if b == float("inf"):
                return prev_bound
            width = buckets[b] - prev_count
            return prev_bound + (b - prev_bound) * ((rank - prev_count) / width if width else 1)
        prev_bound, prev_count = b, buckets[b]
    return prev_bound


def main():
    url, load_json = sys.argv[1], sys.argv[2]
    samples = parse(urllib.request.urlopen(url, timeout=10).read().decode())
    client = json.load(open(load_json))
    rows = [("TTFT", "gen_ai_server_time_to_first_token_seconds", "ttft_ms"),
            ("ITL", "tokenpath_inter_token_latency_seconds", "itl_ms"),
            ("TPOT", "gen_ai_server_time_per_output_token_seconds", "tpot_ms"),
            ("E2E", "gen_ai_server_request_duration_seconds", "e2el_ms"),
            ("queue", "tokenpath_request_queue_time_seconds", None)]
    print(f"{'ms':8}{'agent p50':>11}{'p90':>9}{'p99':>9}   {'client p50':>11}{'p90':>9}{'p99':>9}")
    for label, family, key in rows:
        a = [quantile(samples, family, q) * 1000 for q in (0.5, 0.9, 0.99)]
        c = [client[key][p] for p in ("p50", "p90", "p99")] if key else [float("nan")] * 3
        print(f"{label:8}{a[0]:>11.2f}{a[1]:>9.2f}{a[2]:>9.2f}   {c[0]:>11.2f}{c[1]:>9.2f}{c[2]:>9.2f}")
    out_agent = total(samples, "tokenpath_tokens_total", gen_ai_token_type="output")
    in_agent = total(samples, "tokenpath_tokens_total", gen_ai_token_type="input")
    print(f"tokens   agent input/output {in_agent:.0f}/{out_agent:.0f}   client input/output "
          f"{client['total_input_tokens']}/{client['total_output_tokens']}")
    for name, c in sorted(client.get("per_client", {}).items()):
        a = total(samples, "tokenpath_tokens_total", gen_ai_token_type="output", tokenpath_client=name)
        print(f"client {name:10} output tokens agent {a:.0f}, client {c['output_tokens']}")
    print(f"requests agent {total(samples, 'tokenpath_requests_total'):.0f}, client {client['completed']} completed,"
          f" {client['failed']} failed")
    print("agent percentiles are bucket-interpolated (as histogram_quantile); the agent measures from arrival at the "
          "server, the client adds connection, transfer and SSE delivery")


if __name__ == "__main__":
    main()
