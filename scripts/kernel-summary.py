#!/usr/bin/env python3
"""What the machine did for the service during a run, from the helper's series on the agent's /metrics: on/off
CPU by thread group and state, run-queue latency, switches, faults, mmap/open counts, pressure, GPUs.

usage: kernel-summary.py METRICS_FILE
"""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from importlib import import_module

summary = import_module("token-path-summary")  # parse(), total(), quantile()


def main():
    samples = summary.parse(open(sys.argv[1]).read())
    if summary.total(samples, "tokenpath_helper_connected") != 1:
        print("no helper connected: kernel and GPU metrics are off (see docs/helper.md)")
        return
    on = {}
    off = {}
    for n, l, v in samples:
        if n == "tokenpath_process_oncpu_time_seconds_total":
            on[l["tokenpath_thread_group"]] = on.get(l["tokenpath_thread_group"], 0) + v
        if n == "tokenpath_process_offcpu_time_seconds_total":
            key = (l["tokenpath_thread_group"], l["tokenpath_offcpu_state"])
            off[key] = off.get(key, 0) + v
    print(f"{'thread group':18}{'on CPU s':>10}{'preempted':>11}{'sleeping':>10}{'io':>8}{'uninterr.':>10}")
    for g in sorted(on, key=lambda k: -on[k])[:8]:
        print(f"{g:18}{on[g]:>10.2f}" + "".join(f"{off.get((g, s), 0):>{w}.2f}" for s, w in
              (("preempted", 11), ("sleeping", 10), ("io", 8), ("uninterruptible", 10))))
    rq = [summary.quantile(samples, "tokenpath_process_runqueue_latency_seconds", q) * 1e6 for q in (0.5, 0.99)]
    print(f"run-queue latency p50 {rq[0]:.0f} us, p99 {rq[1]:.0f} us; context switches voluntary "
          f"{summary.total(samples, 'tokenpath_process_context_switches_total', tokenpath_switch_type='voluntary'):.0f}, involuntary "
          f"{summary.total(samples, 'tokenpath_process_context_switches_total', tokenpath_switch_type='involuntary'):.0f}")
    print(f"page faults minor {summary.total(samples, 'tokenpath_process_page_faults_total', tokenpath_fault_type='minor'):.0f}, "
          f"major {summary.total(samples, 'tokenpath_process_page_faults_total', tokenpath_fault_type='major'):.0f}; mmap "
          f"{summary.total(samples, 'tokenpath_process_syscalls_total', tokenpath_syscall='mmap'):.0f} calls, "
          f"{summary.total(samples, 'tokenpath_process_syscall_bytes_total', tokenpath_syscall='mmap') / 2**20:.0f} MiB; openat "
          f"{summary.total(samples, 'tokenpath_process_syscalls_total', tokenpath_syscall='openat'):.0f}; /dev/nvidia* opens "
          f"{summary.total(samples, 'tokenpath_process_device_opens_total'):.0f}")
    cpu = summary.total(samples, "tokenpath_pressure_stall_time_seconds_total", tokenpath_pressure_resource="cpu",
                        tokenpath_pressure_kind="some", tokenpath_pressure_scope="system")
    print(f"system CPU pressure (some) since boot: {cpu:.1f} s")
    gpus = [l for n, l, v in samples if n == "hw_gpu_memory_limit_bytes"]
    if not gpus:
        nvml = [l.get("tokenpath_helper_nvml") for n, l, v in samples if n == "tokenpath_helper_running"]
        print(f"GPUs: none reported (NVML: {nvml[0] if nvml else 'unknown'})")
    for l in gpus:
        idx = l["tokenpath_gpu_index"]
        util = summary.total(samples, "hw_gpu_utilization", tokenpath_gpu_index=idx)
        used = summary.total(samples, "hw_gpu_memory_usage_bytes", tokenpath_gpu_index=idx)
        mine = summary.total(samples, "tokenpath_gpu_process_memory_usage_bytes", tokenpath_gpu_index=idx)
        print(f"GPU {idx} {l['hw_name']}: compute {util * 100:.0f} %, memory {used / 2**30:.1f} GiB used, this JVM {mine / 2**30:.2f} GiB")


if __name__ == "__main__":
    main()
