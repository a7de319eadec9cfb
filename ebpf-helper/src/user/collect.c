#include "collect.h"
#include "log.h"

#include <bpf/bpf.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tp_types.h"
#include "tp_shared.h"

static const char *STATE_NAMES[TP_STATE_COUNT] = {"preempted", "sleeping", "io", "uninterruptible", "oncpu"};
static const char *SYSCALL_NAMES[TP_SC_COUNT] = {"mmap", "munmap", "mlock", "mlock2", "mlockall", "open", "openat", "openat2"};

void node_sample_take(struct node_sample *n)
{
	n->ngpus = n->nvml == NVML_STATUS_OK ? nvml_sample(n->gpus, MAX_GPUS) : 0;
	psi_system(&n->system_psi);
}

/* ---- off-CPU / on-CPU by thread group: the kernel keys by full thread name; groups are merged here ---- */
#define MAX_GROUPS 128

struct group_sum {
	char name[TP_COMM_LEN + 8];
	__u64 ns[TP_STATE_COUNT];
	bool seen[TP_STATE_COUNT];
};

static struct group_sum *group_for(struct group_sum *g, int *ng, const char *name)
{
	for (int i = 0; i < *ng; i++)
		if (strcmp(g[i].name, name) == 0)
			return &g[i];
	if (*ng == MAX_GROUPS - 1)
		name = "other"; /* the last slot takes every further group: the label stays bounded */
	for (int i = 0; i < *ng; i++)
		if (strcmp(g[i].name, name) == 0)
			return &g[i];
	struct group_sum *s = &g[(*ng)++];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	return s;
}

/* Sums exited threads (cpu_time, by name) and live ones (threads); returns the live threads' switch counts. */
static void collect_cpu_time(struct outbuf *b, struct proto_state *st, struct loader *l, __u32 tgid, __u64 *voluntary,
			     __u64 *involuntary)
{
	static struct group_sum groups[MAX_GROUPS];
	int ng = 0;
	struct tp_cpu_key key, next;
	struct tp_cpu_val v;
	void *prev = NULL;
	while (bpf_map_get_next_key(l->maps.cpu_time, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (next.tgid != tgid || next.state >= TP_STATE_COUNT || bpf_map_lookup_elem(l->maps.cpu_time, &next, &v))
			continue;
		char comm[TP_COMM_LEN + 1], group[TP_COMM_LEN + 8];
		memcpy(comm, next.comm, TP_COMM_LEN);
		comm[TP_COMM_LEN] = 0;
		thread_group_of(comm, group, sizeof(group));
		struct group_sum *g = group_for(groups, &ng, group);
		g->ns[next.state] += v.ns;
		g->seen[next.state] = true;
	}
	/* Live threads: their totals, plus the time in progress (a worker blocked for minutes, or spinning, would
	 * otherwise show nothing until it switches). In progress is counted up to now without touching the kernel's
	 * entry, so the counter stays monotonic: when the thread switches, the kernel adds at least as much. */
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts); /* the clock bpf_ktime_get_ns reads */
	__u64 now = (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	__u32 tid, tnext;
	struct tp_thread_times tt;
	void *tprev = NULL;
	while (l->maps.threads >= 0 && bpf_map_get_next_key(l->maps.threads, tprev, &tnext) == 0) {
		tid = tnext;
		tprev = &tid;
		if (bpf_map_lookup_elem(l->maps.threads, &tnext, &tt) || tt.tgid != tgid)
			continue;
		char comm[TP_COMM_LEN + 1], group[TP_COMM_LEN + 8];
		memcpy(comm, tt.comm, TP_COMM_LEN);
		comm[TP_COMM_LEN] = 0;
		thread_group_of(comm, group, sizeof(group));
		struct group_sum *g = group_for(groups, &ng, group);
		for (int st = 0; st < TP_STATE_COUNT; st++) {
			if (tt.ns[st]) {
				g->ns[st] += tt.ns[st];
				g->seen[st] = true;
			}
		}
		__u64 since = tt.off_ts ? tt.off_ts : tt.on_ts;
		__u32 state = tt.off_ts ? tt.off_state : TP_STATE_ONCPU;
		if (since && since <= now && state < TP_STATE_COUNT) {
			g->ns[state] += now - since;
			g->seen[state] = true;
		}
		*voluntary += tt.voluntary;
		*involuntary += tt.involuntary;
	}
	for (int i = 0; i < ng; i++) {
		for (int s = 0; s < TP_STATE_COUNT; s++) {
			if (!groups[i].seen[s])
				continue;
			double secs = groups[i].ns[s] * 1e-9;
			if (s == TP_STATE_ONCPU) {
				struct label lb[] = {{"tokenpath.thread_group", groups[i].name}};
				proto_counter(b, st, M_ONCPU_TIME, lb, 1, secs);
			} else {
				struct label lb[] = {{"tokenpath.thread_group", groups[i].name}, {"tokenpath.offcpu.state", STATE_NAMES[s]}};
				proto_counter(b, st, M_OFFCPU_TIME, lb, 2, secs);
			}
		}
	}
}

static void collect_sched(struct outbuf *b, struct proto_state *st, struct loader *l, __u32 tgid, __u64 live_voluntary,
			  __u64 live_involuntary)
{
	struct tp_sched_counts c = {0};
	bool exited = bpf_map_lookup_elem(l->maps.sched_counts, &tgid, &c) == 0;
	c.voluntary += live_voluntary;
	c.involuntary += live_involuntary;
	if (exited || live_voluntary || live_involuntary) {
		struct label vol[] = {{"tokenpath.switch.type", "voluntary"}};
		struct label inv[] = {{"tokenpath.switch.type", "involuntary"}};
		struct label same[] = {{"tokenpath.numa", "same_node"}};
		struct label cross[] = {{"tokenpath.numa", "cross_node"}};
		proto_counter(b, st, M_CONTEXT_SWITCHES, vol, 1, c.voluntary);
		proto_counter(b, st, M_CONTEXT_SWITCHES, inv, 1, c.involuntary);
		proto_counter(b, st, M_MIGRATIONS, same, 1, c.migrations_same_node);
		proto_counter(b, st, M_MIGRATIONS, cross, 1, c.migrations_cross_node);
	}
	struct tp_hist h;
	if (bpf_map_lookup_elem(l->maps.runq_hist, &tgid, &h) == 0)
		proto_hist(b, st, M_RUNQ_LATENCY, NULL, 0, &h);
}

static const char *op_name(__u32 op)
{
	switch (op) {
	case 0: return "read";
	case 1: return "write";
	case 2: return "flush";
	case 3: return "discard";
	default: return "other";
	}
}

/* tgid 0: the whole device (node data); otherwise the process's own requests. Operations outside
 * read/write/flush/discard are merged into "other" so the label stays bounded. */
static void collect_disk(struct outbuf *b, struct proto_state *st, struct loader *l, __u32 tgid)
{
	if (l->maps.disk_io < 0)
		return;
	struct {
		__u32 dev, op;
		struct tp_disk_val v;
	} merged[64];
	int nm = 0;
	struct tp_disk_key key, next;
	struct tp_disk_val v;
	void *prev = NULL;
	while (bpf_map_get_next_key(l->maps.disk_io, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (next.tgid != tgid || bpf_map_lookup_elem(l->maps.disk_io, &next, &v))
			continue;
		__u32 op = next.op <= 3 ? next.op : 4;
		int i;
		for (i = 0; i < nm; i++)
			if (merged[i].dev == next.dev && merged[i].op == op)
				break;
		if (i == nm) {
			if (nm == 64)
				continue;
			memset(&merged[nm], 0, sizeof(merged[nm]));
			merged[nm].dev = next.dev;
			merged[nm].op = op;
			nm++;
		}
		for (int s = 0; s < TP_HIST_SLOTS; s++)
			merged[i].v.hist.slots[s] += v.hist.slots[s];
		merged[i].v.hist.sum_ns += v.hist.sum_ns;
		merged[i].v.hist.count += v.hist.count;
		merged[i].v.bytes += v.bytes;
	}
	for (int i = 0; i < nm; i++) {
		char dev[32];
		block_dev_name(merged[i].dev, dev, sizeof(dev));
		struct label lb[] = {{"tokenpath.disk.device", dev}, {"tokenpath.disk.operation", op_name(merged[i].op)}};
		if (tgid) {
			proto_hist(b, st, M_PROC_DISK_LATENCY, lb, 2, &merged[i].v.hist);
			proto_counter(b, st, M_PROC_DISK_BYTES, lb, 2, merged[i].v.bytes);
		} else {
			proto_hist(b, st, M_DISK_LATENCY, lb, 2, &merged[i].v.hist);
		}
	}
}

static void collect_inflight(struct outbuf *b, struct proto_state *st, struct loader *l)
{
	if (l->maps.inflight < 0)
		return;
	__u32 key, next;
	__s64 v;
	void *prev = NULL;
	while (bpf_map_get_next_key(l->maps.inflight, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(l->maps.inflight, &next, &v))
			continue;
		char dev[32];
		block_dev_name(next, dev, sizeof(dev));
		struct label lb[] = {{"tokenpath.disk.device", dev}};
		proto_gauge(b, st, M_DISK_INFLIGHT, lb, 1, v < 0 ? 0 : v);
	}
}

static void collect_syscalls(struct outbuf *b, struct proto_state *st, struct loader *l, __u32 tgid)
{
	if (!l->syscalls)
		return;
	__u64 bytes[TP_SC_COUNT] = {0};
	bool seen_ok[TP_SC_COUNT] = {0};
	struct tp_syscall_key key, next;
	struct tp_syscall_val v;
	void *prev = NULL;
	while (bpf_map_get_next_key(l->maps.syscall_counts, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (next.tgid != tgid || next.syscall >= TP_SC_COUNT || bpf_map_lookup_elem(l->maps.syscall_counts, &next, &v))
			continue;
		struct label lb[] = {{"tokenpath.syscall", SYSCALL_NAMES[next.syscall]}, {"tokenpath.result", next.error ? "error" : "ok"}};
		proto_counter(b, st, M_SYSCALLS, lb, 2, v.calls);
		if (!next.error) {
			bytes[next.syscall] += v.bytes;
			seen_ok[next.syscall] = true;
		}
	}
	for (int s = 0; s <= TP_SC_MLOCK2; s++) {
		if (!seen_ok[s] || s == TP_SC_MLOCKALL)
			continue;
		struct label lb[] = {{"tokenpath.syscall", SYSCALL_NAMES[s]}};
		proto_counter(b, st, M_SYSCALL_BYTES, lb, 1, bytes[s]);
	}

	/* device opens: names come from the paths the process used, so they are capped */
	enum { MAX_DEVS = 16 };
	struct {
		char name[TP_DEV_NAME_LEN + 1];
		__u64 n[2];
	} devs[MAX_DEVS];
	int nd = 0;
	struct tp_devopen_key dk, dnext;
	__u64 dv;
	prev = NULL;
	while (bpf_map_get_next_key(l->maps.device_opens, prev, &dnext) == 0) {
		dk = dnext;
		prev = &dk;
		if (dnext.tgid != tgid || bpf_map_lookup_elem(l->maps.device_opens, &dnext, &dv))
			continue;
		char name[TP_DEV_NAME_LEN + 1];
		memcpy(name, dnext.name, TP_DEV_NAME_LEN);
		name[TP_DEV_NAME_LEN] = 0;
		int i;
		for (i = 0; i < nd; i++)
			if (strcmp(devs[i].name, name) == 0)
				break;
		if (i == nd && nd == MAX_DEVS - 1)
			for (i = 0; i < nd; i++)
				if (strcmp(devs[i].name, "other") == 0)
					break;
		if (i == nd) {
			memset(&devs[nd], 0, sizeof(devs[nd]));
			snprintf(devs[nd].name, sizeof(devs[nd].name), "%s", nd == MAX_DEVS - 1 ? "other" : name);
			nd++;
		}
		devs[i].n[dnext.error ? 1 : 0] += dv;
	}
	for (int i = 0; i < nd; i++)
		for (int e = 0; e < 2; e++) {
			if (!devs[i].n[e])
				continue;
			struct label lb[] = {{"tokenpath.device", devs[i].name}, {"tokenpath.result", e ? "error" : "ok"}};
			proto_counter(b, st, M_DEVICE_OPENS, lb, 2, devs[i].n[e]);
		}

	struct tp_proc_counts pc;
	if (bpf_map_lookup_elem(l->maps.proc_counts, &tgid, &pc) == 0) {
		proto_counter(b, st, M_LARGE_OPENS, NULL, 0, pc.large_opens);
		proto_counter(b, st, M_LARGE_OPEN_BYTES, NULL, 0, pc.large_open_bytes);
	}
}

static void collect_faults(struct outbuf *b, struct proto_state *st, struct loader *l, int pid)
{
	__u32 tgid = pid;
	__u64 user;
	if (l->faults && bpf_map_lookup_elem(l->maps.user_faults, &tgid, &user) == 0) {
		struct label lb[] = {{"tokenpath.fault.type", "user"}};
		proto_counter(b, st, M_PAGE_FAULTS, lb, 1, user);
	}
	uint64_t minflt, majflt;
	if (proc_faults(pid, &minflt, &majflt)) {
		struct label mi[] = {{"tokenpath.fault.type", "minor"}};
		struct label ma[] = {{"tokenpath.fault.type", "major"}};
		proto_counter(b, st, M_PAGE_FAULTS, mi, 1, minflt);
		proto_counter(b, st, M_PAGE_FAULTS, ma, 1, majflt);
	}
}

static void collect_jvm(struct outbuf *b, struct proto_state *st, struct loader *l, __u32 tgid)
{
	if (!l->jvm)
		return;
	for (__u32 k = 0; k < TP_JVM_COUNT; k++) {
		struct tp_jvm_key key = {.tgid = tgid, .kind = k};
		struct tp_hist h;
		if (bpf_map_lookup_elem(l->maps.jvm_hist, &key, &h))
			continue;
		if (k == TP_JVM_SAFEPOINT) {
			proto_hist(b, st, M_SAFEPOINT_DURATION, NULL, 0, &h);
		} else {
			struct label lb[] = {{"tokenpath.gc.kind", k == TP_JVM_GC_FULL ? "full" : "other"}};
			proto_hist(b, st, M_GC_DURATION, lb, 1, &h);
		}
	}
}

static const char *PSI_KIND[2] = {"some", "full"};

static void emit_psi(struct outbuf *b, struct proto_state *st, const struct psi *p, const char *scope)
{
	for (int r = 0; r < 3; r++)
		for (int k = 0; k < 2; k++) {
			if (!p->v[r][k].present)
				continue;
			struct label lb[] = {{"tokenpath.pressure.resource", PSI_RESOURCES[r]}, {"tokenpath.pressure.kind", PSI_KIND[k]},
					     {"tokenpath.pressure.scope", scope}};
			proto_counter(b, st, M_PRESSURE, lb, 3, p->v[r][k].total_us * 1e-6);
		}
}

void collect_process(struct outbuf *b, struct proto_state *st, struct loader *l, struct target *t, const struct node_sample *n)
{
	__u32 tgid = t->pid;
	__u64 voluntary = 0, involuntary = 0;
	collect_cpu_time(b, st, l, tgid, &voluntary, &involuntary);
	collect_sched(b, st, l, tgid, voluntary, involuntary);
	collect_disk(b, st, l, tgid);
	collect_syscalls(b, st, l, tgid);
	collect_faults(b, st, l, t->pid);
	collect_jvm(b, st, l, tgid);
	struct psi cg;
	if (psi_cgroup(t->pid, &cg))
		emit_psi(b, st, &cg, "cgroup");
}

static void emit_gpu(struct outbuf *b, struct proto_state *st, const struct gpu_sample *g, uint32_t host_pid)
{
	char idx[16];
	snprintf(idx, sizeof(idx), "%d", g->index);
	struct label lb[] = {{"hw.id", g->uuid}, {"hw.name", g->name}, {"hw.vendor", "nvidia"}, {"tokenpath.gpu.index", idx}};
	if (g->has_mem) {
		proto_gauge(b, st, M_GPU_MEMORY_USAGE, lb, 4, g->mem_used);
		proto_gauge(b, st, M_GPU_MEMORY_LIMIT, lb, 4, g->mem_total);
	}
	if (g->has_util) {
		proto_gauge(b, st, M_GPU_UTILIZATION, lb, 4, g->util_gpu / 100.0);
		proto_gauge(b, st, M_GPU_MEMORY_UTILIZATION, lb, 4, g->util_mem / 100.0);
	}
	if (g->has_temp)
		proto_gauge(b, st, M_GPU_TEMPERATURE, lb, 4, g->temp_c);
	if (g->has_power)
		proto_gauge(b, st, M_GPU_POWER, lb, 4, g->power_mw / 1000.0);
	if (g->has_power_limit)
		proto_gauge(b, st, M_GPU_POWER_LIMIT, lb, 4, g->power_limit_mw / 1000.0);
	if (g->has_energy)
		proto_counter(b, st, M_GPU_ENERGY, lb, 4, g->energy_mj / 1000.0);
	if (g->has_sm_clock)
		proto_gauge(b, st, M_GPU_CLOCK_SM, lb, 4, g->sm_mhz * 1e6);
	if (g->has_mem_clock)
		proto_gauge(b, st, M_GPU_CLOCK_MEMORY, lb, 4, g->mem_mhz * 1e6);
	struct label dir[5];
	memcpy(dir, lb, sizeof(lb));
	/* NVML reports PCIe throughput in KB/s (1024 bytes) */
	if (g->has_pcie_rx) {
		dir[4] = (struct label){"tokenpath.direction", "receive"};
		proto_gauge(b, st, M_GPU_PCIE, dir, 5, g->pcie_rx_kbs * 1024.0);
	}
	if (g->has_pcie_tx) {
		dir[4] = (struct label){"tokenpath.direction", "transmit"};
		proto_gauge(b, st, M_GPU_PCIE, dir, 5, g->pcie_tx_kbs * 1024.0);
	}
	if (g->has_procs && host_pid) {
		/* only the monitored process's own memory: other processes on the GPU are not this client's business */
		unsigned long long used = 0;
		for (int i = 0; i < g->nprocs; i++)
			if (g->procs[i].pid == host_pid && g->procs[i].used != 0xFFFFFFFFFFFFFFFFULL)
				used += g->procs[i].used;
		proto_gauge(b, st, M_GPU_PROCESS_MEMORY, lb, 4, used);
	}
}

void collect_node(struct outbuf *b, struct proto_state *st, struct loader *l, const struct node_sample *n,
		  uint32_t host_pid, const char *syscall_mode, const char *attach_mode)
{
	collect_disk(b, st, l, 0);
	collect_inflight(b, st, l);
	emit_psi(b, st, &n->system_psi, "system");
	for (int i = 0; i < n->ngpus; i++)
		emit_gpu(b, st, &n->gpus[i], host_pid);
	struct label info[] = {{"tokenpath.helper.version", TP_HELPER_VERSION}, {"tokenpath.helper.syscall_mode", syscall_mode},
			       {"tokenpath.helper.attach", attach_mode}, {"tokenpath.helper.nvml", nvml_status_name(n->nvml)}};
	proto_gauge(b, st, M_HELPER_RUNNING, info, 4, 1);
	static const char *LOST[TP_LOST_COUNT] = {"ringbuf_full", "map_full"};
	for (__u32 r = 0; r < TP_LOST_COUNT; r++) {
		__u64 v = 0;
		if (bpf_map_lookup_elem(l->maps.lost, &r, &v) == 0) {
			struct label lb[] = {{"tokenpath.reason", LOST[r]}};
			proto_counter(b, st, M_EVENTS_LOST, lb, 1, v);
		}
	}
}
