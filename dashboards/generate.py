#!/usr/bin/env python3
"""Writes the Grafana dashboards (dashboards/*.json) from the panel lists below.

Why generated: four dashboards share one datasource variable, the same job/instance/model/client variables, the
same selector on every query and a 24-column grid; a panel here is a title, a size and its queries. The JSON is
committed (Grafana provisions it; people import it); `--check` fails when it differs from what this script writes,
and the Maven tests run that check. Edit here, run `dashboards/generate.py`, commit both.

Token-path panels query only the recorded series tokenpath:* (compose/prometheus/rules/), which the JVM agent,
vLLM and TGI all feed, so the same panel shows each kind of server. Kernel, GPU and capture panels query the
agent's raw series (the helper's series arrive through the agent; for vLLM/TGI through `tokenpath-agent.jar watch`).
"""
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DS = {"type": "prometheus", "uid": "${datasource}"}

# Selectors every query of a dashboard filters on (Grafana substitutes the variables; "All" is ".*").
SEL = 'job=~"$job",instance=~"$instance"'
SEL_M = SEL + ',model=~"$model"'
SEL_MC = SEL_M + ',client=~"$client"'
SEL_GPU = SEL + ',tokenpath_gpu_index=~"$gpu"'


def target(expr, legend="", ref="A", fmt=None, instant=False):
    t = {"datasource": DS, "expr": expr, "legendFormat": legend, "refId": ref, "range": not instant,
         "instant": instant}
    if fmt:
        t["format"] = fmt
    return t


def targets(*pairs):
    return [target(e, l, chr(ord("A") + i)) for i, (e, l) in enumerate(pairs)]


def timeseries(title, ts, unit="short", desc="", stack=False, right=None, thresholds=None, minv=None, maxv=None,
               axis_label=""):
    """A time series panel. right: {refId: (unit, axis label)} puts those queries on a right axis."""
    custom = {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 18 if stack else 8, "showPoints": "never",
              "spanNulls": False, "axisLabel": axis_label,
              "stacking": {"mode": "normal" if stack else "none", "group": "A"}}
    defaults = {"unit": unit, "custom": custom}
    if minv is not None:
        defaults["min"] = minv
    if maxv is not None:
        defaults["max"] = maxv
    if thresholds:
        custom["thresholdsStyle"] = {"mode": "dashed"}
        defaults["thresholds"] = {"mode": "absolute", "steps": [{"color": "green", "value": None}] + [
            {"color": c, "value": v} for v, c in thresholds]}
    overrides = []
    for ref, (runit, label) in (right or {}).items():
        overrides.append({"matcher": {"id": "byFrameRefID", "options": ref}, "properties": [
            {"id": "unit", "value": runit},
            {"id": "custom.axisPlacement", "value": "right"},
            {"id": "custom.axisLabel", "value": label},
            {"id": "custom.lineStyle", "value": {"fill": "dash", "dash": [6, 4]}},
            {"id": "custom.stacking", "value": {"mode": "none", "group": "B"}},
            {"id": "custom.fillOpacity", "value": 0}]})
    return {"type": "timeseries", "title": title, "description": desc, "targets": ts,
            "fieldConfig": {"defaults": defaults, "overrides": overrides},
            "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
                        "tooltip": {"mode": "multi", "sort": "desc"}}}


def per_job(panel):
    """One copy of the panel per selected job: buckets of different servers (vLLM's, TGI's, the agent's bounds)
    cannot be summed into one histogram, so a bucket panel never mixes jobs."""
    return dict(panel, repeat="job", repeatDirection="h", maxPerRow=3)


def heatmap(title, expr, unit="s", desc=""):
    """Cumulative le buckets per interval; Grafana de-accumulates them (format heatmap, calculate off)."""
    return per_job({"type": "heatmap", "title": title, "description": desc,
            "targets": [target(expr, "{{le}}", "A", fmt="heatmap")],
            "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
            "options": {"calculate": False, "cellGap": 1, "color": {"mode": "scheme", "scheme": "Oranges",
                                                                     "steps": 64, "scale": "exponential",
                                                                     "exponent": 0.5},
                        "yAxis": {"unit": unit, "axisPlacement": "left"}, "rowsFrame": {"layout": "auto"},
                        "legend": {"show": True}, "tooltip": {"mode": "single", "yHistogram": True},
                        "filterValues": {"le": 1e-9}}})


def histogram_bars(title, expr, unit="short", desc=""):
    """One bar per bucket over the dashboard's range (an instant query; format heatmap de-accumulates)."""
    return per_job({"type": "bargauge", "title": title, "description": desc,
            "targets": [target(expr, "{{le}}", "A", fmt="heatmap", instant=True)],
            "fieldConfig": {"defaults": {"unit": unit, "min": 0, "color": {"mode": "continuous-GrYlRd"}},
                            "overrides": []},
            "options": {"orientation": "vertical", "displayMode": "gradient", "showUnfilled": True,
                        "reduceOptions": {"calcs": ["lastNotNull"], "values": False}, "valueMode": "color",
                        "namePlacement": "auto", "sizing": "auto"}})


def stat(title, expr, unit="short", thresholds=None, desc="", legend="", decimals=None):
    steps = [{"color": "green", "value": None}] + [{"color": c, "value": v} for v, c in (thresholds or [])]
    defaults = {"unit": unit, "thresholds": {"mode": "absolute", "steps": steps}, "color": {"mode": "thresholds"}}
    if decimals is not None:
        defaults["decimals"] = decimals
    return {"type": "stat", "title": title, "description": desc, "targets": [target(expr, legend, "A")],
            "fieldConfig": {"defaults": defaults, "overrides": []},
            "options": {"reduceOptions": {"calcs": ["lastNotNull"], "values": False, "fields": ""},
                        "colorMode": "value", "graphMode": "area", "textMode": "auto", "justifyMode": "auto",
                        "orientation": "auto"}}


def row(title):
    return {"type": "row", "title": title, "collapsed": False, "panels": []}


def layout(items):
    """items: row dicts, or (width, height, panel). Panels fill 24 columns left to right, wrapping."""
    out, x, y, line_h, pid = [], 0, 0, 0, 1
    for item in items:
        if isinstance(item, dict):  # a row header
            if x:
                y += line_h
            x, line_h = 0, 0
            item = dict(item, id=pid, gridPos={"h": 1, "w": 24, "x": 0, "y": y})
            out.append(item)
            y += 1
            pid += 1
            continue
        w, h, panel = item
        if x + w > 24:
            y += line_h
            x, line_h = 0, 0
        panel = dict(panel, id=pid, datasource=DS, gridPos={"h": h, "w": w, "x": x, "y": y})
        out.append(panel)
        pid += 1
        x += w
        line_h = max(line_h, h)
    return out


def query_var(name, label, query, multi=True):
    return {"type": "query", "name": name, "label": label, "datasource": DS, "query": query,
            "definition": query, "refresh": 2, "includeAll": True, "multi": multi, "allValue": ".*",
            "current": {"selected": True, "text": ["All"], "value": ["$__all"]}, "sort": 1, "options": []}


def datasource_var():
    return {"type": "datasource", "name": "datasource", "label": "Data source", "query": "prometheus",
            "current": {}, "hide": 0, "refresh": 1, "regex": "", "options": []}


def dashboard(uid, title, desc, panels, variables, tags):
    return {"uid": uid, "title": title, "description": desc, "tags": ["tokenpath"] + tags, "schemaVersion": 39,
            "version": 1, "editable": True, "graphTooltip": 1, "timezone": "", "refresh": "30s",
            "time": {"from": "now-1h", "to": "now"}, "fiscalYearStartMonth": 0, "liveNow": False,
            "annotations": {"list": [{"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
                                      "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
                                      "name": "Annotations & Alerts", "type": "dashboard"}]},
            "links": [{"title": "tokenpath dashboards", "type": "dashboards", "tags": ["tokenpath"],
                       "asDropdown": True, "includeVars": True, "keepTime": True}],
            "templating": {"list": [datasource_var()] + variables}, "panels": layout(panels)}


def q(fam, quantile, sel=SEL_MC, by="job, model"):
    return f"histogram_quantile({quantile}, sum by ({by}, le) (tokenpath:{fam}_bucket:rate1m{{{sel}}}))"


def token_path():
    jobs = query_var("job", "Job", "label_values(tokenpath:requests:rate1m, job)")
    inst = query_var("instance", "Instance", 'label_values(tokenpath:requests:rate1m{job=~"$job"}, instance)')
    model = query_var("model", "Model", 'label_values(tokenpath:tokens:rate1m{job=~"$job",instance=~"$instance"}, model)')
    client = query_var("client", "Client", 'label_values(tokenpath:tokens:rate1m{job=~"$job",instance=~"$instance",model=~"$model"}, client)')
    panels = [
        row("Now"),
        (4, 4, stat("Requests / s", f"sum(tokenpath:requests:rate1m{{{SEL_MC}}})", "reqps")),
        (4, 4, stat("Output tokens / s", f'sum(tokenpath:tokens:rate1m{{{SEL_MC},type="output"}})', "short")),
        (4, 4, stat("TTFT p99 (5m)", f"max(tokenpath:ttft_seconds:p99_5m{{{SEL_M}}})", "s", [(5, "orange"), (10, "red")],
                    "Worst model's p99 time to first token over 5 minutes: what HighTTFT (5 s) and CriticalTTFT (10 s) alert on.")),
        (4, 4, stat("ITL p99 (5m)", f"max(tokenpath:itl_seconds:p99_5m{{{SEL_M}}})", "s", [(0.1, "orange")],
                    "Worst model's p99 gap between two tokens over 5 minutes: what HighITL (100 ms) alerts on.")),
        (4, 4, stat("Running", f"sum(tokenpath:requests_running{{{SEL_M}}})", "short")),
        (4, 4, stat("Waiting", f"sum(tokenpath:requests_waiting{{{SEL}}})", "short", [(1, "orange")],
                    "Requests queued and not started. The JVM agent counts them before their model is known (model \"unknown\").")),
        row("Latency"),
        (12, 8, timeseries("Time to first token p50 / p90 / p99", targets(
            (q("ttft_seconds", 0.5), "p50 {{job}} {{model}}"), (q("ttft_seconds", 0.9), "p90 {{job}} {{model}}"),
            (q("ttft_seconds", 0.99), "p99 {{job}} {{model}}")), "s", thresholds=[(5, "orange"), (10, "red")],
            desc="Request arrival (queue included) to the first output token, 1-minute windows. Dashed: the alert thresholds.")),
        (12, 8, heatmap("Inter-token latency heat map", f"sum by (le) (tokenpath:itl_seconds_bucket:rate1m{{{SEL_MC}}})",
                        desc="Every gap between two decode steps of a request, per 1-minute window (darker: more gaps).")),
        (8, 8, histogram_bars("Inter-token latency distribution (gaps over the range)",
                              f"sum by (le) (avg_over_time(tokenpath:itl_seconds_bucket:rate1m{{{SEL_MC}}}[$__range])) * $__range_s",
                              "short", "Number of gaps per latency bucket over the dashboard's time range (upper bound of each bucket on the axis).")),
        (8, 8, timeseries("Inter-token latency p50 / p99", targets(
            (q("itl_seconds", 0.5), "p50 {{job}} {{model}}"), (q("itl_seconds", 0.99), "p99 {{job}} {{model}}")),
            "s", thresholds=[(0.1, "orange")])),
        (8, 8, timeseries("Time per output token (per-request mean) p50 / p99", targets(
            (q("tpot_seconds", 0.5), "p50 {{job}} {{model}}"), (q("tpot_seconds", 0.99), "p99 {{job}} {{model}}")), "s",
            desc="Per request: decode time / (output tokens - 1). TGI's is inference time / generated tokens.")),
        (12, 8, heatmap("Request latency heat map", f"sum by (le) (tokenpath:request_duration_seconds_bucket:rate1m{{{SEL_MC}}})",
                        desc="Arrival to last token, per 1-minute window.")),
        (12, 8, timeseries("Prefill vs decode: time spent per second", targets(
            (f"sum by (job, model) (tokenpath:queue_time_seconds_sum:rate1m{{{SEL_MC}}})", "queue {{job}} {{model}}"),
            (f"sum by (job, model) (tokenpath:prefill_time_seconds_sum:rate1m{{{SEL_MC}}})", "prefill {{job}} {{model}}"),
            (f"sum by (job, model) (tokenpath:decode_time_seconds_sum:rate1m{{{SEL_MC}}})", "decode {{job}} {{model}}")),
            "s", stack=True, axis_label="seconds per second",
            desc="Seconds of request time per wall-clock second, by phase, summed over requests (1 = one request in that phase all the time).")),
        row("Throughput and load"),
        (12, 8, timeseries("Tokens / s with batch size", targets(
            (f'sum by (job, model) (tokenpath:tokens:rate1m{{{SEL_MC},type="output"}})', "output tok/s {{job}} {{model}}"),
            (f'sum by (job, model) (tokenpath:tokens:rate1m{{{SEL_MC},type="input"}})', "prompt tok/s {{job}} {{model}}"),
            (f"avg by (job, model) (tokenpath:batch_size:mean1m{{{SEL_M}}})", "batch {{job}} {{model}}")),
            "short", axis_label="tokens / s", right={"C": ("short", "sequences per step")},
            desc="Generated and prompt tokens per second; dashed, right axis: mean sequences per decode step.")),
        (12, 8, timeseries("Queue and running", targets(
            (f"sum by (job, model) (tokenpath:requests_running{{{SEL_M}}})", "running {{job}} {{model}}"),
            (f"sum by (job, model) (tokenpath:requests_waiting{{{SEL}}})", "waiting {{job}} {{model}}"),
            (q("queue_time_seconds", 0.9), "queue time p90 {{job}} {{model}}")),
            "short", axis_label="requests", right={"C": ("s", "queue time")})),
        (12, 8, timeseries("Output tokens / s by client and model", targets(
            (f'sum by (client, model) (tokenpath:tokens:rate1m{{{SEL_MC},type="output"}})', "{{client}} · {{model}}")),
            "short", stack=True, axis_label="tokens / s")),
        (12, 8, timeseries("Prompt tokens / s by client and model", targets(
            (f'sum by (client, model) (tokenpath:tokens:rate1m{{{SEL_MC},type="input"}})', "{{client}} · {{model}}")),
            "short", stack=True, axis_label="tokens / s")),
        (12, 7, timeseries("Requests / s by outcome", targets(
            (f"sum by (job, model, outcome) (tokenpath:requests:rate1m{{{SEL_MC}}})", "{{outcome}} {{job}} {{model}}")),
            "reqps", stack=True)),
        (12, 7, timeseries("JVM agent: model forward and translator time p50 / p99", targets(
            (f"histogram_quantile(0.5, sum by (job, tokenpath_component, le) (rate(tokenpath_model_call_duration_seconds_bucket{{{SEL}}}[$__rate_interval])))",
             "p50 {{tokenpath_component}} {{job}}"),
            (f"histogram_quantile(0.99, sum by (job, tokenpath_component, le) (rate(tokenpath_model_call_duration_seconds_bucket{{{SEL}}}[$__rate_interval])))",
             "p99 {{tokenpath_component}} {{job}}")), "s",
            desc="Each Predictor.batchPredict of a DJL service: the block forward and the translator around it (JVM agent only).")),
    ]
    return dashboard("tokenpath-token-path", "tokenpath / Token path",
                     "Time to first token, inter-token latency, throughput, queue and clients of every LLM server "
                     "(JVM agent, vLLM, TGI) through the tokenpath:* recorded series.",
                     panels, [jobs, inst, model, client], ["llm", "token-path"])


def gpu():
    jobs = query_var("job", "Job", "label_values(hw_gpu_memory_limit_bytes, job)")
    inst = query_var("instance", "Instance", 'label_values(hw_gpu_memory_limit_bytes{job=~"$job"}, instance)')
    gpus = query_var("gpu", "GPU", 'label_values(hw_gpu_memory_limit_bytes{job=~"$job",instance=~"$instance"}, tokenpath_gpu_index)')
    # Every agent on a node reports the node's GPUs: max by GPU shows each GPU once.
    by = "tokenpath_gpu_index, hw_name"
    panels = [
        row("Now"),
        (4, 4, stat("GPUs", f"count(max by (hw_id) (hw_gpu_memory_limit_bytes{{{SEL_GPU}}}))", "short")),
        (5, 4, stat("VRAM in use (max)", f"max(tokenpath:gpu_memory_used:ratio{{{SEL_GPU}}})", "percentunit",
                    [(0.9, "orange"), (0.95, "red")], "Capacity. GPUMemoryExhaustion fires above 95 %.")),
        (5, 4, stat("Compute (mean)", f"avg(hw_gpu_utilization{{{SEL_GPU}}})", "percentunit")),
        (5, 4, stat("Memory controller (mean)", f"avg(hw_gpu_memory_utilization{{{SEL_GPU}}})", "percentunit")),
        (5, 4, stat("Power (sum)", f"sum(max by (hw_id) (tokenpath_gpu_power_usage_watts{{{SEL_GPU}}}))", "watt")),
        row("Memory and utilisation"),
        (12, 8, timeseries("VRAM used / total", targets(
            (f"max by ({by}) (hw_gpu_memory_usage_bytes{{{SEL_GPU}}})", "used GPU {{tokenpath_gpu_index}}"),
            (f"max by ({by}) (hw_gpu_memory_limit_bytes{{{SEL_GPU}}})", "total GPU {{tokenpath_gpu_index}}")), "bytes", minv=0)),
        (12, 8, timeseries("The JVM's own GPU memory", targets(
            (f"sum by (job, instance, tokenpath_gpu_index) (tokenpath_gpu_process_memory_usage_bytes{{{SEL_GPU}}})",
             "{{job}} {{instance}} GPU {{tokenpath_gpu_index}}")), "bytes", minv=0,
            desc="Device memory the monitored process holds (NVML's process list), per agent.")),
        (8, 8, timeseries("Compute utilisation", targets(
            (f"max by ({by}) (hw_gpu_utilization{{{SEL_GPU}}})", "GPU {{tokenpath_gpu_index}}")), "percentunit", minv=0, maxv=1,
            desc="Fraction of the sample period during which a kernel ran (NVML utilization.gpu).")),
        (8, 8, timeseries("Memory-bandwidth utilisation (memory controller)", targets(
            (f"max by ({by}) (hw_gpu_memory_utilization{{{SEL_GPU}}})", "GPU {{tokenpath_gpu_index}}")), "percentunit", minv=0, maxv=1,
            desc="Fraction of the period device memory was read or written (NVML utilization.memory): bandwidth, not capacity.")),
        (8, 8, timeseries("Memory-bound detection", targets(
            (f"max by ({by}) (tokenpath:gpu_memory_boundness:ratio{{{SEL_GPU}}})", "memory busy / kernel time GPU {{tokenpath_gpu_index}}")),
            "percentunit", minv=0, thresholds=[(0.7, "orange")],
            desc="Memory-controller busy time as a share of kernel-active time, while the GPU is busy (> 30 %). "
                 "Above the dashed 70 % line (MemoryBound, with the controller > 50 % busy, for 10 min) the kernels wait on DRAM.")),
        row("Thermals, power, clocks, bus"),
        (6, 8, timeseries("Temperature", targets(
            (f"max by ({by}) (tokenpath_gpu_temperature_celsius{{{SEL_GPU}}})", "GPU {{tokenpath_gpu_index}}")), "celsius")),
        (6, 8, timeseries("Power draw and limit", targets(
            (f"max by ({by}) (tokenpath_gpu_power_usage_watts{{{SEL_GPU}}})", "draw GPU {{tokenpath_gpu_index}}"),
            (f"max by ({by}) (tokenpath_gpu_power_limit_watts{{{SEL_GPU}}})", "limit GPU {{tokenpath_gpu_index}}")), "watt", minv=0)),
        (6, 8, timeseries("Clocks", targets(
            (f"max by ({by}) (tokenpath_gpu_clock_sm_hertz{{{SEL_GPU}}})", "SM GPU {{tokenpath_gpu_index}}"),
            (f"max by ({by}) (tokenpath_gpu_clock_memory_hertz{{{SEL_GPU}}})", "memory GPU {{tokenpath_gpu_index}}")), "hertz")),
        (6, 8, timeseries("PCIe throughput", targets(
            (f"max by ({by}, tokenpath_direction) (tokenpath_gpu_pcie_throughput_bytes_per_second{{{SEL_GPU}}})",
             "{{tokenpath_direction}} GPU {{tokenpath_gpu_index}}")), "Bps", minv=0)),
    ]
    return dashboard("tokenpath-gpu", "tokenpath / GPU",
                     "NVML data from tokenpath-helper through the agent: memory, compute vs memory-controller "
                     "utilisation (memory-bound detection), thermals, power, clocks, PCIe, the process's own GPU memory.",
                     panels, [jobs, inst, gpus], ["gpu"])


def rate(metric, sel=SEL, extra=""):
    return f"rate({metric}{{{sel}{extra}}}[$__rate_interval])"


def kernel():
    sleeping = ',tokenpath_offcpu_state="sleeping"'
    waiting_offcpu = rate("tokenpath_process_offcpu_time_seconds_total", SEL, ',tokenpath_offcpu_state!="sleeping"')
    mapping_calls = rate("tokenpath_process_syscalls_total", SEL, ',tokenpath_syscall=~"mmap|munmap|mlock|mlock2|mlockall"')
    open_calls = rate("tokenpath_process_syscalls_total", SEL, ',tokenpath_syscall=~"open|openat|openat2"')
    jobs = query_var("job", "Job", "label_values(tokenpath_helper_connected, job)")
    inst = query_var("instance", "Instance", 'label_values(tokenpath_helper_connected{job=~"$job"}, instance)')
    panels = [
        row("Helper"),
        (4, 4, stat("Helper connected", f"min(tokenpath_helper_connected{{{SEL}}})", "short", [(1, "green")],
                    "1 while the agent receives batches from tokenpath-helper; HelperDisconnected fires after 2 min at 0.")),
        (8, 4, stat("Helper mode", f"max by (tokenpath_helper_attach, tokenpath_helper_syscall_mode, tokenpath_helper_nvml) (tokenpath_helper_running{{{SEL}}})",
                    "short", legend="{{tokenpath_helper_attach}} · syscalls {{tokenpath_helper_syscall_mode}} · nvml {{tokenpath_helper_nvml}}")),
        (4, 4, stat("Kernel events lost", f"sum(increase(tokenpath_helper_events_lost_total{{{SEL}}}[$__range]))", "short",
                    [(1, "orange")], decimals=0)),
        (4, 4, stat("Model load (mean)", f"max(tokenpath_model_load_duration_seconds_sum{{{SEL}}} / tokenpath_model_load_duration_seconds_count{{{SEL}}})",
                    "s", desc="The agent's timing of Model.load (weights read through the engine).")),
        (4, 4, stat("Large files opened", f"sum(tokenpath_process_large_file_open_bytes_total{{{SEL}}})", "bytes",
                    desc="Bytes of regular files >= --large-file (64 MiB) the process opened: model weights, native libraries.")),
        row("Scheduling"),
        (12, 8, timeseries("Off-CPU time by state", targets(
            (f"sum by (tokenpath_offcpu_state) ({waiting_offcpu})", "{{tokenpath_offcpu_state}}"),
            (f"sum({rate('tokenpath_process_offcpu_time_seconds_total', SEL, sleeping)})", "sleeping (right axis)")),
            "s", stack=True, axis_label="thread-seconds per second", right={"B": ("s", "sleeping thread-seconds / s")},
            desc="Summed over the process's threads: preempted (runnable, no CPU), blocked on I/O, other uninterruptible "
                 "waits; dashed, right axis: sleeping (waiting for work), which idle pool threads dominate.")),
        (12, 8, timeseries("Waiting off CPU by thread group (not sleeping)", targets(
            (f"topk(8, sum by (tokenpath_thread_group) ({waiting_offcpu}))",
             "{{tokenpath_thread_group}}")), "s", stack=True, axis_label="thread-seconds per second",
            desc="Preempted, I/O and uninterruptible time by thread group (top 8): threads that wanted to run.")),
        (12, 8, timeseries("On-CPU by thread group", targets(
            (f"topk(8, sum by (tokenpath_thread_group) ({rate('tokenpath_process_oncpu_time_seconds_total')}))", "{{tokenpath_thread_group}}")),
            "s", stack=True, axis_label="CPU-seconds per second")),
        (12, 8, heatmap("Run-queue latency heat map", f"sum by (le) ({rate('tokenpath_process_runqueue_latency_seconds_bucket')})",
                        desc="Wake-up or preemption to running again, for the process's threads.")),
        (12, 7, timeseries("Run-queue latency p50 / p99", targets(
            (f"histogram_quantile(0.5, sum by (le) ({rate('tokenpath_process_runqueue_latency_seconds_bucket')}))", "p50"),
            (f"histogram_quantile(0.99, sum by (le) ({rate('tokenpath_process_runqueue_latency_seconds_bucket')}))", "p99")), "s")),
        (12, 7, timeseries("Context switches and migrations", targets(
            (f"sum by (tokenpath_switch_type) ({rate('tokenpath_process_context_switches_total')})", "{{tokenpath_switch_type}} switches"),
            (f"sum by (tokenpath_numa) ({rate('tokenpath_process_migrations_total')})", "migrations {{tokenpath_numa}}")), "short",
            axis_label="per second")),
        row("Block I/O and pressure"),
        (12, 8, heatmap("Block I/O latency heat map (device)", f"sum by (le) ({rate('tokenpath_disk_io_latency_seconds_bucket')})",
                        desc="Every block request on the devices, whoever queued it.")),
        (12, 8, timeseries("Block I/O of the process", targets(
            (f"histogram_quantile(0.99, sum by (tokenpath_disk_device, tokenpath_disk_operation, le) ({rate('tokenpath_process_disk_io_latency_seconds_bucket')}))",
             "p99 {{tokenpath_disk_operation}} {{tokenpath_disk_device}}"),
            (f"sum by (tokenpath_disk_device, tokenpath_disk_operation) ({rate('tokenpath_process_disk_io_bytes_total')})",
             "bytes/s {{tokenpath_disk_operation}} {{tokenpath_disk_device}}")), "s", right={"B": ("Bps", "throughput")})),
        (12, 7, timeseries("Pressure stall (PSI)", targets(
            (f"sum by (tokenpath_pressure_resource, tokenpath_pressure_kind, tokenpath_pressure_scope) ({rate('tokenpath_pressure_stall_time_seconds_total')})",
             "{{tokenpath_pressure_resource}} {{tokenpath_pressure_kind}} ({{tokenpath_pressure_scope}})")), "percentunit", minv=0,
            desc="Share of time some (or all) tasks stalled on CPU, memory or I/O, for the process's cgroup and the system.")),
        (12, 7, timeseries("Devices in flight", targets(
            (f"max by (tokenpath_disk_device) (tokenpath_disk_io_inflight{{{SEL}}})", "{{tokenpath_disk_device}}")), "short",
            axis_label="requests")),
        row("Memory mapping, faults, opens"),
        (8, 8, timeseries("Page faults", targets(
            (f"sum by (tokenpath_fault_type) ({rate('tokenpath_process_page_faults_total')})", "{{tokenpath_fault_type}}")), "short",
            axis_label="faults per second")),
        (8, 8, timeseries("mmap / munmap / mlock", targets(
            (f"sum by (tokenpath_syscall, tokenpath_result) ({mapping_calls})",
             "{{tokenpath_syscall}} {{tokenpath_result}}"),
            (f"sum by (tokenpath_syscall) ({rate('tokenpath_process_syscall_bytes_total')})", "{{tokenpath_syscall}} bytes/s")),
            "short", axis_label="calls per second", right={"B": ("Bps", "bytes mapped / s")})),
        (8, 8, timeseries("Opens: files and GPU devices", targets(
            (f"sum by (tokenpath_syscall, tokenpath_result) ({open_calls})",
             "{{tokenpath_syscall}} {{tokenpath_result}}"),
            (f"sum by (tokenpath_device, tokenpath_result) ({rate('tokenpath_process_device_opens_total')})", "/dev/{{tokenpath_device}} {{tokenpath_result}}")),
            "short", axis_label="per second")),
        row("Model load and JVM"),
        (12, 8, timeseries("Model load phase", targets(
            ("max by (job, instance, model) (label_replace(tokenpath_model_load_duration_seconds_sum{" + SEL + '}, "model", "$1", "gen_ai_request_model", "(.*)"))',
             "load time {{model}} ({{instance}})"),
            (f"sum by (job, instance) (tokenpath_process_large_file_opens_total{{{SEL}}})", "large files opened ({{instance}})")),
            "s", right={"B": ("short", "files")},
            desc="Time spent in Model.load per model (agent), beside the weight-sized files the helper saw the process open.")),
        (12, 8, timeseries("GC and safepoints", targets(
            (f"sum by (tokenpath_gc_kind) ({rate('tokenpath_jvm_gc_duration_seconds_sum')})", "GC {{tokenpath_gc_kind}}"),
            (f"sum({rate('tokenpath_jvm_safepoint_duration_seconds_sum')})", "safepoints")), "percentunit", minv=0,
            desc="Share of wall-clock time inside HotSpot GC and safepoints (USDT probes, when the JVM has them).")),
    ]
    return dashboard("tokenpath-kernel", "tokenpath / Kernel",
                     "What the kernel did for the served process, from tokenpath-helper (eBPF) through the agent: "
                     "scheduling, block I/O, pressure, page faults, mmap/mlock, device opens, model load, GC.",
                     panels, [jobs, inst], ["kernel", "ebpf"])


def capture():
    jobs = query_var("job", "Job", "label_values(tokenpath_capture_ring_limit_bytes, job)")
    inst = query_var("instance", "Instance", 'label_values(tokenpath_capture_ring_limit_bytes{job=~"$job"}, instance)')
    b = "tokenpath_capture_bytes_total"
    panels = [
        row("Now"),
        (6, 4, stat("Captures running", f"count(tokenpath_capture_ring_limit_bytes{{{SEL}}})", "short")),
        (6, 4, stat("Frames dropped (range)", f"sum(increase(tokenpath_capture_dropped_total{{{SEL}}}[$__range]))", "short",
                    [(1, "red")], "Any drop fires CaptureFramesDropped. 0 with policy block: nothing is lost.", decimals=0)),
        (6, 4, stat("Compression (source / encoded)",
                    f'sum(increase({b}{{{SEL},tokenpath_capture_stage="source"}}[$__range])) / sum(increase({b}{{{SEL},tokenpath_capture_stage="encoded"}}[$__range]))',
                    "none", decimals=2)),
        (6, 4, stat("Ring in use (max)", f"max(tokenpath_capture_ring_usage_bytes{{{SEL}}} / tokenpath_capture_ring_limit_bytes{{{SEL}}})",
                    "percentunit", [(0.8, "orange")])),
        row("Pipeline"),
        (12, 8, timeseries("Frames written / s", targets(
            (f"sum by (job, tokenpath_frame_kind) ({rate('tokenpath_capture_frames_total')})", "{{tokenpath_frame_kind}} {{job}}")), "short",
            axis_label="frames per second")),
        (12, 8, timeseries("Bytes / s by stage", targets(
            (f"sum by (tokenpath_capture_stage) ({rate(b)})", "{{tokenpath_capture_stage}}")), "Bps",
            desc="source: copied from the model; encoded: after transform and codec; written: to the file.")),
        (8, 8, timeseries("Frames dropped / s by reason", targets(
            (f"sum by (tokenpath_drop_reason) ({rate('tokenpath_capture_dropped_total')})", "{{tokenpath_drop_reason}}")), "short",
            minv=0, desc="Nothing is lost silently: every frame not written is counted here by reason.")),
        (8, 8, timeseries("Ring usage and limit", targets(
            (f"sum by (job, instance) (tokenpath_capture_ring_usage_bytes{{{SEL}}})", "in use {{instance}}"),
            (f"sum by (job, instance) (tokenpath_capture_ring_limit_bytes{{{SEL}}})", "limit {{instance}}")), "bytes", minv=0)),
        (8, 8, timeseries("Producer wait (policy block)", targets(
            (f"sum by (job, instance) ({rate('tokenpath_capture_producer_wait_seconds_total')})", "{{instance}}")),
            "percentunit", minv=0,
            desc="Share of time application threads waited for ring space; CaptureBackpressure fires above 10 % for 5 min.")),
    ]
    return dashboard("tokenpath-capture", "tokenpath / Capture pipeline",
                     "Health of the activation capture: frames and bytes through each stage, compression, drops by "
                     "reason, ring memory, backpressure.", panels, [jobs, inst], ["capture"])


DASHBOARDS = {"token-path.json": token_path, "gpu.json": gpu, "kernel.json": kernel, "capture.json": capture}


def main(argv):
    check = "--check" in argv
    stale = []
    for name, build in DASHBOARDS.items():
        text = json.dumps(build(), indent=2, ensure_ascii=False) + "\n"
        path = HERE / name
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print("out of date (run dashboards/generate.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
