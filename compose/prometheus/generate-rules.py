#!/usr/bin/env python3
"""Writes the recording rules in rules/ from one table of sources.

Why generated: the same eleven token-path series are fed by three sources (the tokenpath JVM agent, vLLM, TGI),
and each histogram needs its bucket, sum and count rates. Written by hand, fifty near-identical rules drift apart;
here each mapping is one line of the tables below. The YAML is committed (Prometheus and promtool read it, people
review it); `--check` fails when it differs from what this script writes, and the Maven tests run that check.

Every recorded series carries exactly the labels job, instance, model, client (plus le for buckets, type for
tokens, outcome for requests): the dashboards and alerts query only these recorded series, so a panel shows a
JVM service, a vLLM server and a TGI server side by side.
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RULES = HERE / "rules"

# Histogram families of the token path: recorded name -> {source: native histogram name}.
# A source missing from a family does not publish anything equivalent (TGI has no TTFT, no per-step ITL and no
# prefill/decode split per request); the dashboards then simply show nothing for it there.
HISTOGRAMS = {
    "ttft_seconds": {
        "jvm": ["gen_ai_server_time_to_first_token_seconds"],
        "vllm": ["vllm:time_to_first_token_seconds"],
    },
    # vLLM renamed its per-step histogram in 0.11 (time_per_output_token_seconds -> inter_token_latency_seconds);
    # the old name is read only where the new one is absent (`or`), so a server that shows both is not counted twice.
    "itl_seconds": {
        "jvm": ["tokenpath_inter_token_latency_seconds"],
        "vllm": ["vllm:inter_token_latency_seconds", "vllm:time_per_output_token_seconds"],
    },
    # Per-request mean time per output token. TGI's is inference time / generated tokens (prefill included).
    "tpot_seconds": {
        "jvm": ["gen_ai_server_time_per_output_token_seconds"],
        "vllm": ["vllm:request_time_per_output_token_seconds"],
        "tgi": ["tgi_request_mean_time_per_token_duration"],
    },
    "request_duration_seconds": {
        "jvm": ["gen_ai_server_request_duration_seconds"],
        "vllm": ["vllm:e2e_request_latency_seconds"],
        "tgi": ["tgi_request_duration"],
    },
    "queue_time_seconds": {
        "jvm": ["tokenpath_request_queue_time_seconds"],
        "vllm": ["vllm:request_queue_time_seconds"],
        "tgi": ["tgi_request_queue_duration"],
    },
    "prefill_time_seconds": {
        "jvm": ["tokenpath_request_prefill_time_seconds"],
        "vllm": ["vllm:request_prefill_time_seconds"],
    },
    "decode_time_seconds": {
        "jvm": ["tokenpath_request_decode_time_seconds"],
        "vllm": ["vllm:request_decode_time_seconds"],
    },
}

# Families whose p50/p90/p99 over 5 minutes are recorded (alerts and the stat panels read these).
PERCENTILES = ["ttft_seconds", "itl_seconds", "tpot_seconds", "request_duration_seconds", "queue_time_seconds"]


def relabel(source, expr):
    """Wraps expr so that its series carry model and client under the common names."""
    if source == "jvm":
        expr = f'label_replace({expr}, "model", "$1", "gen_ai_request_model", "(.*)")'
        return f'label_replace({expr}, "client", "$1", "tokenpath_client", "(.*)")'
    if source == "vllm":
        # vLLM knows no client; "unknown" is what the agent reports for a request without a client header.
        expr = f'label_replace({expr}, "model", "$1", "model_name", "(.+)")'
        return f'label_replace({expr}, "client", "unknown", "client", "")'
    if source == "tgi":
        # TGI serves one model and names it nowhere in /metrics: the scrape config sets a `model` target label
        # (compose/prometheus/prometheus.yml); without it the model reads "unknown".
        expr = f'label_replace({expr}, "model", "unknown", "model", "")'
        return f'label_replace({expr}, "client", "unknown", "client", "")'
    raise ValueError(source)


def summed(source, expr, by):
    return f"sum by ({by}) ({relabel(source, expr)})"


def either(exprs):
    """The first expression where it has series, the next ones only for label sets the first lacks."""
    return "\n  or\n".join(exprs)


def histogram_rules(source):
    rules = []
    for family, sources in HISTOGRAMS.items():
        names = sources.get(source)
        if not names:
            continue
        for part, by in (("bucket", "job, instance, model, client, le"), ("sum", "job, instance, model, client"),
                         ("count", "job, instance, model, client")):
            exprs = [summed(source, f"rate({n}_{part}[1m])", by) for n in names]
            rules.append((f"tokenpath:{family}_{part}:rate1m", either(exprs)))
    return rules


def jvm_rules():
    r = histogram_rules("jvm")
    r.append(("tokenpath:tokens:rate1m", summed("jvm", 'label_replace(rate(tokenpath_tokens_total[1m]), '
                                                '"type", "$1", "gen_ai_token_type", "(.*)")',
                                                "job, instance, model, client, type")))
    r.append(("tokenpath:requests:rate1m", summed("jvm", 'label_replace(rate(tokenpath_requests_total[1m]), '
                                                  '"outcome", "$1", "tokenpath_outcome", "(.*)")',
                                                  "job, instance, model, client, outcome")))
    r.append(("tokenpath:requests_running", summed("jvm", "tokenpath_requests_running", "job, instance, model")))
    # The agent counts a request as waiting before its model is known (the queue sits in front of the model).
    r.append(("tokenpath:requests_waiting",
              'sum by (job, instance, model) (label_replace(tokenpath_requests_waiting, "model", "unknown", "model", ""))'))
    r.append(("tokenpath:batch_size:mean1m",
              "sum by (job, instance, model) (" + relabel("jvm", "rate(tokenpath_batch_size_sum[1m])") + ")\n  /\n"
              "sum by (job, instance, model) (" + relabel("jvm", "rate(tokenpath_batch_size_count[1m])") + ")"))
    return r


def vllm_rules():
    r = histogram_rules("vllm")
    r.append(("tokenpath:tokens:rate1m", either([
        summed("vllm", 'label_replace(rate(vllm:prompt_tokens_total[1m]), "type", "input", "", "")',
               "job, instance, model, client, type"),
        summed("vllm", 'label_replace(rate(vllm:generation_tokens_total[1m]), "type", "output", "", "")',
               "job, instance, model, client, type")])))
    # vLLM counts only successes (by finished_reason: stop, length, abort); failures are not published.
    r.append(("tokenpath:requests:rate1m",
              summed("vllm", 'label_replace(rate(vllm:request_success_total[1m]), "outcome", "success", "", "")',
                     "job, instance, model, client, outcome")))
    r.append(("tokenpath:requests_running", summed("vllm", "vllm:num_requests_running", "job, instance, model")))
    r.append(("tokenpath:requests_waiting", summed("vllm", "vllm:num_requests_waiting", "job, instance, model")))
    # Continuous batching: the sequences running are the batch of each engine step.
    r.append(("tokenpath:batch_size:mean1m",
              summed("vllm", "avg_over_time(vllm:num_requests_running[1m])", "job, instance, model")))
    return r


def tgi_rules():
    r = histogram_rules("tgi")
    # Token counts per request are histograms in TGI; their _sum is the running total of tokens.
    r.append(("tokenpath:tokens:rate1m", either([
        summed("tgi", 'label_replace(rate(tgi_request_input_length_sum[1m]), "type", "input", "", "")',
               "job, instance, model, client, type"),
        summed("tgi", 'label_replace(rate(tgi_request_generated_tokens_sum[1m]), "type", "output", "", "")',
               "job, instance, model, client, type")])))
    r.append(("tokenpath:requests:rate1m", either([
        summed("tgi", 'label_replace(rate(tgi_request_success[1m]), "outcome", "success", "", "")',
               "job, instance, model, client, outcome"),
        summed("tgi", 'label_replace(rate(tgi_request_failure[1m]), "outcome", "error", "", "")',
               "job, instance, model, client, outcome")])))
    r.append(("tokenpath:requests_running", summed("tgi", "tgi_batch_current_size", "job, instance, model")))
    r.append(("tokenpath:requests_waiting", summed("tgi", "tgi_queue_size", "job, instance, model")))
    r.append(("tokenpath:batch_size:mean1m", summed("tgi", "avg_over_time(tgi_batch_current_size[1m])",
                                                   "job, instance, model")))
    return r


def percentile_rules():
    r = []
    for family in PERCENTILES:
        for q, name in ((0.5, "p50"), (0.9, "p90"), (0.99, "p99")):
            # avg_over_time of the 1-minute bucket rates is their rate over ~5 minutes: steady enough to alert on,
            # and defined for a server that answers only a few requests a minute.
            r.append((f"tokenpath:{family}:{name}_5m",
                      f"histogram_quantile({q}, sum by (job, instance, model, le) "
                      f"(avg_over_time(tokenpath:{family}_bucket:rate1m[5m])))"))
    return r


def gpu_rules():
    return [
        # VRAM capacity in use. Not a performance signal: vLLM reserves 90 % of it at start by design.
        ("tokenpath:gpu_memory_used:ratio", "hw_gpu_memory_usage_bytes / hw_gpu_memory_limit_bytes"),
        # Fraction of the kernel-active time during which the memory controller was busy, defined only while
        # the GPU is busy (> 30 % of the period). High (> 0.7) = the running kernels wait on DRAM bandwidth
        # (decode of a large model); low = they compute (prefill, large batches). See docs/dashboards.md.
        ("tokenpath:gpu_memory_boundness:ratio", "hw_gpu_memory_utilization / (hw_gpu_utilization > 0.3)"),
    ]


def render(groups, title):
    out = [f"# {title}", "# Generated by compose/prometheus/generate-rules.py: edit the script, run it, commit both.",
           "groups:"]
    for name, rules in groups:
        out.append(f"  - name: {name}")
        out.append("    rules:")
        for record, expr in rules:
            out.append(f"      - record: {record}")
            lines = expr.split("\n")
            if len(lines) == 1:
                out.append(f"        expr: {quote(expr)}")
            else:
                out.append("        expr: |-")
                out.extend("          " + line for line in lines)
    return "\n".join(out) + "\n"


def quote(expr):
    # Single-quoted YAML scalar: PromQL double quotes and $1 pass unchanged; a single quote doubles.
    return "'" + expr.replace("'", "''") + "'"


FILES = {
    "tokenpath-jvm.rules.yml": ([("tokenpath-jvm-agent", jvm_rules())],
                                "The tokenpath JVM agent's series as the common token-path series."),
    "vllm.rules.yml": ([("tokenpath-vllm", vllm_rules())],
                       "vLLM's native /metrics (0.10 and 0.11+ names) as the common token-path series."),
    "tgi.rules.yml": ([("tokenpath-tgi", tgi_rules())],
                      "Text Generation Inference's native /metrics as the common token-path series."),
    "tokenpath-derived.rules.yml": ([("tokenpath-percentiles", percentile_rules()), ("tokenpath-gpu", gpu_rules())],
                                    "Percentiles of the common series, and GPU ratios the alerts use."),
}


def main(argv):
    check = "--check" in argv
    stale = []
    for name, (groups, title) in FILES.items():
        text = render(groups, title)
        path = RULES / name
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path))
        else:
            path.write_text(text)
    if stale:
        print("out of date (run compose/prometheus/generate-rules.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
