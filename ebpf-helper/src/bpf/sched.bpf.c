// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Scheduler view of the monitored processes: off-CPU time by thread group and state, on-CPU time, run-queue
 * latency, context switches and migrations. Everything is aggregated in the kernel; user space reads the maps.
 *
 * Every handler runs for every task on the node, so the target check comes first and the clock is read only
 * after it: for other processes the cost is one or two hash lookups (see docs/performance.md). */
#include "common.bpf.h"

#define TASK_RUNNING 0x0000
#define TASK_INTERRUPTIBLE 0x0001
#define TASK_UNINTERRUPTIBLE 0x0002
#define TASK_DEAD 0x0080

#define thread_times tp_thread_times

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct thread_times);
} threads SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct tp_cpu_key);
	__type(value, struct tp_cpu_val);
} cpu_time SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct tp_sched_counts);
} sched_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct tp_hist);
} runq_hist SEC(".maps");

/* CPU -> NUMA node, filled by user space from /sys/devices/system/node. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u32);
} cpu_node SEC(".maps");

/* Scratch zero values (the stack is small, and BPF_NOEXIST needs a value). */
static const struct thread_times zero_times;
static const struct tp_cpu_val zero_cpu;
static const struct tp_sched_counts zero_counts;


static __always_inline __u32 offcpu_state(bool preempt, struct task_struct *prev, __u32 prev_state)
{
	if (preempt || prev_state == TASK_RUNNING)
		return TP_STATE_PREEMPTED;
	if (prev_state & TASK_UNINTERRUPTIBLE) {
		if (BPF_CORE_READ_BITFIELD_PROBED(prev, in_iowait))
			return TP_STATE_IO;
		return TP_STATE_UNINT;
	}
	return TP_STATE_SLEEPING;
}

/* Kernels before 5.18 do not pass prev_state: read it from the task (renamed __state in 5.14). */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

static __always_inline __u32 task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___pre514 *)t, state);
}

static __always_inline int on_switch(bool preempt, struct task_struct *prev, struct task_struct *next, bool btf)
{
	__u64 now = 0;
	__u32 prev_tgid = task_tgid_seen_in(prev, btf);
	if (is_target(prev_tgid)) {
		now = bpf_ktime_get_ns();
		__u32 tid = BPF_CORE_READ(prev, pid);
		__u32 prev_state = task_state(prev);
		if (prev_state & TASK_DEAD) {
			/* the thread's last switch: sched_process_exit has already folded its totals */
			bpf_map_delete_elem(&threads, &tid);
		} else {
			struct thread_times *tt = lookup_or_init(&threads, &tid, &zero_times);
			if (tt) {
				if (!tt->tgid) {
					/* a new entry: who it is (the name is refreshed at every switch out, for a thread that renames itself) */
					tt->tgid = prev_tgid;
					/* the host's tgid, for NVML (which reports host pids) when the helper runs in a pid namespace */
					__u32 *host = bpf_map_lookup_elem(&targets, &prev_tgid);
					if (host && !*host)
						*host = BPF_CORE_READ(prev, tgid);
				}
				bpf_core_read_str(tt->comm, sizeof(tt->comm), &prev->comm);
				if (tt->on_ts)
					tt->ns[TP_STATE_ONCPU] += now - tt->on_ts;
				__u32 st = offcpu_state(preempt, prev, prev_state);
				tt->on_ts = 0;
				tt->off_ts = now;
				tt->off_state = st;
				/* a preempted thread waits on the run queue from now on */
				tt->runnable_ts = st == TP_STATE_PREEMPTED ? now : 0;
				/* the kernel's own rule (nvcsw / nivcsw): voluntary when the task chose to sleep */
				if (!preempt && prev_state != TASK_RUNNING)
					tt->voluntary++;
				else
					tt->involuntary++;
			}
		}
	}
	__u32 next_tgid = task_tgid_seen_in(next, btf);
	if (is_target(next_tgid)) {
		if (!now)
			now = bpf_ktime_get_ns();
		__u32 tid = BPF_CORE_READ(next, pid);
		struct thread_times *tt = lookup_or_init(&threads, &tid, &zero_times);
		if (!tt)
			return 0;
		if (!tt->tgid) {
			tt->tgid = next_tgid;
			bpf_core_read_str(tt->comm, sizeof(tt->comm), &next->comm);
		}
		__u32 st = tt->off_state;
		if (tt->off_ts && st < TP_STATE_COUNT)
			tt->ns[st] += now - tt->off_ts;
		if (tt->runnable_ts) {
			struct tp_hist *h = hist_for(&runq_hist, &next_tgid);
			if (h)
				hist_add(h, now - tt->runnable_ts);
		}
		tt->off_ts = 0;
		tt->runnable_ts = 0;
		tt->on_ts = now;
	}
	return 0;
}

static __always_inline int on_wakeup(struct task_struct *p, bool btf)
{
	__u32 tgid = task_tgid_seen_in(p, btf);
	if (!is_target(tgid))
		return 0;
	__u32 tid = BPF_CORE_READ(p, pid);
	struct thread_times *tt = lookup_or_init(&threads, &tid, &zero_times);
	if (tt && !tt->runnable_ts) {
		if (!tt->tgid) {
			tt->tgid = tgid;
			bpf_core_read_str(tt->comm, sizeof(tt->comm), &p->comm);
		}
		tt->runnable_ts = bpf_ktime_get_ns();
	}
	return 0;
}

struct task_struct___pre516 {
	int cpu;
} __attribute__((preserve_access_index));

static __always_inline __u32 task_cpu(struct task_struct *p)
{
	if (bpf_core_field_exists(p->thread_info.cpu))
		return BPF_CORE_READ(p, thread_info.cpu);
	return BPF_CORE_READ((struct task_struct___pre516 *)p, cpu);
}

static __always_inline int on_migrate(struct task_struct *p, int dest_cpu)
{
	__u32 tgid = task_tgid_seen(p);
	if (!is_target(tgid))
		return 0;
	__u32 from = task_cpu(p), to = dest_cpu;
	__u32 *nf = bpf_map_lookup_elem(&cpu_node, &from);
	__u32 *nt = bpf_map_lookup_elem(&cpu_node, &to);
	struct tp_sched_counts *c = lookup_or_init(&sched_counts, &tgid, &zero_counts);
	if (!c)
		return 0;
	if (nf && nt && *nf != *nt)
		__sync_fetch_and_add(&c->migrations_cross_node, 1);
	else
		__sync_fetch_and_add(&c->migrations_same_node, 1);
	return 0;
}

/* A thread exits: fold its totals (and its on-CPU time up to now) into the per-name maps and forget it: threads
 * come and go, no entry may leak, no time may be lost. */
static __always_inline void fold(struct thread_times *tt, __u32 state)
{
	if (state >= TP_STATE_COUNT || !tt->ns[state])
		return;
	struct tp_cpu_key key = { .tgid = tt->tgid, .state = state };
	__builtin_memcpy(key.comm, tt->comm, TP_COMM_LEN);
	struct tp_cpu_val *v = lookup_or_init(&cpu_time, &key, &zero_cpu);
	if (!v)
		return;
	__sync_fetch_and_add(&v->ns, tt->ns[state]);
	__sync_fetch_and_add(&v->count, 1);
}

static __always_inline int on_exit(struct task_struct *p)
{
	__u32 tid = BPF_CORE_READ(p, pid);
	struct thread_times *tt = bpf_map_lookup_elem(&threads, &tid);
	if (!tt)
		return 0;
	if (is_target(tt->tgid)) {
		if (tt->on_ts)
			tt->ns[TP_STATE_ONCPU] += bpf_ktime_get_ns() - tt->on_ts;
		fold(tt, TP_STATE_PREEMPTED);
		fold(tt, TP_STATE_SLEEPING);
		fold(tt, TP_STATE_IO);
		fold(tt, TP_STATE_UNINT);
		fold(tt, TP_STATE_ONCPU);
		struct tp_sched_counts *c = lookup_or_init(&sched_counts, &tt->tgid, &zero_counts);
		if (c) {
			__sync_fetch_and_add(&c->voluntary, tt->voluntary);
			__sync_fetch_and_add(&c->involuntary, tt->involuntary);
		}
	}
	bpf_map_delete_elem(&threads, &tid);
	return 0;
}

/* The state is read from the task rather than taken from the tracepoint's prev_state argument, which kernels
 * before 5.18 do not pass: at this point __state still holds what the task left the CPU in. */
SEC("tp_btf/sched_switch")
int BPF_PROG(btf_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return on_switch(preempt, prev, next, true);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(raw_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return on_switch(preempt, prev, next, false);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(btf_sched_wakeup, struct task_struct *p) { return on_wakeup(p, true); }
SEC("raw_tp/sched_wakeup")
int BPF_PROG(raw_sched_wakeup, struct task_struct *p) { return on_wakeup(p, false); }
SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(btf_sched_wakeup_new, struct task_struct *p) { return on_wakeup(p, true); }
SEC("raw_tp/sched_wakeup_new")
int BPF_PROG(raw_sched_wakeup_new, struct task_struct *p) { return on_wakeup(p, false); }
SEC("tp_btf/sched_migrate_task")
int BPF_PROG(btf_sched_migrate_task, struct task_struct *p, int dest_cpu) { return on_migrate(p, dest_cpu); }
SEC("raw_tp/sched_migrate_task")
int BPF_PROG(raw_sched_migrate_task, struct task_struct *p, int dest_cpu) { return on_migrate(p, dest_cpu); }
SEC("tp_btf/sched_process_exit")
int BPF_PROG(btf_sched_process_exit, struct task_struct *p) { return on_exit(p); }
SEC("raw_tp/sched_process_exit")
int BPF_PROG(raw_sched_process_exit, struct task_struct *p) { return on_exit(p); }
