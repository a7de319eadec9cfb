// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* HotSpot's own USDT probes, attached per monitored JVM to its libjvm.so: GC cycles (hotspot:gc__begin/gc__end,
 * the begin probe says whether it is a full collection) and safepoints (hs_private:safepoint__begin/end). */
#include "common.bpf.h"
#include <bpf/usdt.bpf.h>

struct pause_start {
	__u64 ts;
	__u32 kind;
	__u32 pad;
};

/* keyed by host tid << 1 | (0 gc, 1 safepoint): a GC runs inside a safepoint on the same VM thread */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct pause_start);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct tp_jvm_key);
	__type(value, struct tp_hist);
} jvm_hist SEC(".maps");


static __always_inline void begin(__u32 which, __u32 kind)
{
	__u64 key = ((__u64)(__u32)bpf_get_current_pid_tgid() << 1) | which;
	struct pause_start s = { .ts = bpf_ktime_get_ns(), .kind = kind };
	if (bpf_map_update_elem(&starts, &key, &s, BPF_ANY))
		count_lost(TP_LOST_MAP_FULL);
}

static __always_inline void end(__u32 which)
{
	__u64 key = ((__u64)(__u32)bpf_get_current_pid_tgid() << 1) | which;
	struct pause_start *s = bpf_map_lookup_elem(&starts, &key);
	if (!s)
		return;
	__u64 ns = bpf_ktime_get_ns() - s->ts;
	struct tp_jvm_key k = { .tgid = current_tgid_seen(), .kind = s->kind };
	bpf_map_delete_elem(&starts, &key);
	struct tp_hist *h = hist_for(&jvm_hist, &k);
	if (h)
		hist_add(h, ns);
}

SEC("usdt")
int BPF_USDT(gc_begin, long full)
{
	begin(0, full ? TP_JVM_GC_FULL : TP_JVM_GC_OTHER);
	return 0;
}

SEC("usdt")
int BPF_USDT(gc_end)
{
	end(0);
	return 0;
}

SEC("usdt")
int BPF_USDT(safepoint_begin)
{
	begin(1, TP_JVM_SAFEPOINT);
	return 0;
}

SEC("usdt")
int BPF_USDT(safepoint_end)
{
	end(1);
	return 0;
}
