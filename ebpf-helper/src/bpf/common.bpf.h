/* What every tokenpath BPF object shares: the set of monitored processes (filled by user space, one map reused
 * by all objects), the loss counters, pid-namespace translation and log2 histograms. */
#ifndef TP_COMMON_BPF_H
#define TP_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tp_shared.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* The helper's pid namespace: pids from user space (SO_PEERCRED, --pid) are in it, and BPF sees host ones.
 * Level 0 means the helper runs in the initial namespace and no translation is needed (the cheap, common case). */
const volatile __u32 pidns_level = 0;
const volatile __u64 pidns_ino = 0;

/* Monitored processes: tgid (as the helper sees it) -> 1. Shared by every object through bpf_map__reuse_fd. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u32);
} targets SEC(".maps");

/* Kernel-side losses (enum tp_lost_reason), shared too. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TP_LOST_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

static __always_inline void count_lost(__u32 reason)
{
	__u64 *v = bpf_map_lookup_elem(&lost, &reason);
	if (v)
		__sync_fetch_and_add(v, 1);
}

/* The tgid of an arbitrary task as the helper's pid namespace numbers it, or 0 when it is not visible there. */
static __always_inline __u32 task_tgid_seen(struct task_struct *t)
{
	if (pidns_level == 0)
		return BPF_CORE_READ(t, tgid);
	struct pid *p = BPF_CORE_READ(t, group_leader, thread_pid);
	if (!p || BPF_CORE_READ(p, level) < pidns_level)
		return 0;
	struct upid up = {};
	bpf_core_read(&up, sizeof(up), &p->numbers[pidns_level]);
	if (!up.ns || BPF_CORE_READ(up.ns, ns.inum) != pidns_ino)
		return 0;
	return up.nr;
}

/* The same, cheaper in tp_btf programs: their task pointers are typed and the verifier lets them be read directly
 * (one load instead of a bpf_probe_read_kernel call); raw_tp programs must use the helper. `btf` is a constant in
 * each inlined copy, so the other branch is compiled away. */
static __always_inline __u32 task_tgid_seen_in(struct task_struct *t, bool btf)
{
	if (btf && pidns_level == 0)
		return t->tgid;
	return task_tgid_seen(t);
}

/* The current task's tgid as the helper sees it (0 when not visible in its namespace). */
static __always_inline __u32 current_tgid_seen(void)
{
	if (pidns_level == 0)
		return bpf_get_current_pid_tgid() >> 32;
	return task_tgid_seen((struct task_struct *)bpf_get_current_task());
}

/* A filter in front of the targets hash, set by user space: bit (tgid mod 65536). Every handler runs for every
 * task on the node; for nearly all of them this one load of a global says "not monitored" without a hash lookup. */
__u64 target_bits[1024];

/* The bitmap alone: false means surely not monitored; true means maybe (another tgid may share the bit). */
static __always_inline bool maybe_target(__u32 tgid)
{
	return tgid && (target_bits[(tgid >> 6) & 1023] & (1ULL << (tgid & 63)));
}

static __always_inline bool is_target(__u32 tgid)
{
	return maybe_target(tgid) && bpf_map_lookup_elem(&targets, &tgid) != NULL;
}

static __always_inline __u32 log2_slot(__u64 v)
{
	__u32 slot = 0;
	/* unrolled binary search for the highest set bit */
	if (v >> 32) { v >>= 32; slot += 32; }
	if (v >> 16) { v >>= 16; slot += 16; }
	if (v >> 8) { v >>= 8; slot += 8; }
	if (v >> 4) { v >>= 4; slot += 4; }
	if (v >> 2) { v >>= 2; slot += 2; }
	if (v >> 1) { slot += 1; }
	return slot >= TP_HIST_SLOTS ? TP_HIST_SLOTS - 1 : slot;
}

static __always_inline void hist_add(struct tp_hist *h, __u64 ns)
{
	__u32 slot = log2_slot(ns);
	if (slot < TP_HIST_SLOTS)
		__sync_fetch_and_add(&h->slots[slot], 1);
	__sync_fetch_and_add(&h->sum_ns, ns);
	__sync_fetch_and_add(&h->count, 1);
}

/* A zeroed histogram to insert from: too big for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tp_hist);
} zero_hist SEC(".maps");

/* Looks a key up, inserting a zeroed value first when missing; counts a full map instead of failing silently. */
static __always_inline void *lookup_or_init(void *map, const void *key, const void *zero)
{
	void *v = bpf_map_lookup_elem(map, key);
	if (v)
		return v;
	if (bpf_map_update_elem(map, key, zero, BPF_NOEXIST) && bpf_map_lookup_elem(map, key) == NULL) {
		count_lost(TP_LOST_MAP_FULL);
		return NULL;
	}
	return bpf_map_lookup_elem(map, key);
}

/* The histogram of `key` in a map of struct tp_hist values, created on first use. */
static __always_inline struct tp_hist *hist_for(void *map, const void *key)
{
	struct tp_hist *h = bpf_map_lookup_elem(map, key);
	if (h)
		return h;
	__u32 zero = 0;
	struct tp_hist *z = bpf_map_lookup_elem(&zero_hist, &zero);
	return z ? lookup_or_init(map, key, z) : NULL;
}

#endif
