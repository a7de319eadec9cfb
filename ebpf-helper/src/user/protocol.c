#include "protocol.h"

#include <stdio.h>
#include <string.h>

struct metric_desc {
	const char *name;
	const char *type;
	const char *unit;
	const char *desc;
};

/* Names follow docs/helper.md; the agent turns them into Prometheus names by the OTel rules. */
static const struct metric_desc METRICS[M_COUNT] = {
	[M_OFFCPU_TIME] = {"tokenpath.process.offcpu.time", "counter", "s", "Time the process's threads spent off CPU, by thread group and state"},
	[M_ONCPU_TIME] = {"tokenpath.process.oncpu.time", "counter", "s", "Time the process's threads spent on CPU, by thread group"},
	[M_CONTEXT_SWITCHES] = {"tokenpath.process.context_switches", "counter", "{switch}", "Context switches away from the process's threads"},
	[M_RUNQ_LATENCY] = {"tokenpath.process.runqueue.latency", "histogram", "s", "Time from wake-up or preemption to running again"},
	[M_MIGRATIONS] = {"tokenpath.process.migrations", "counter", "{migration}", "Thread migrations between CPUs, within or across NUMA nodes"},
	[M_PROC_DISK_LATENCY] = {"tokenpath.process.disk.io.latency", "histogram", "s", "Latency of block requests the process queued"},
	[M_PROC_DISK_BYTES] = {"tokenpath.process.disk.io", "counter", "By", "Bytes of block requests the process queued"},
	[M_PAGE_FAULTS] = {"tokenpath.process.page_faults", "counter", "{fault}", "Page faults: user (tracepoint), minor and major (/proc)"},
	[M_SYSCALLS] = {"tokenpath.process.syscalls", "counter", "{call}", "Memory-mapping, locking and open system calls, by result"},
	[M_SYSCALL_BYTES] = {"tokenpath.process.syscall.bytes", "counter", "By", "Lengths of successful mmap, munmap, mlock and mlock2 calls"},
	[M_DEVICE_OPENS] = {"tokenpath.process.device_opens", "counter", "{open}", "Opens of /dev/nvidia* device files, by device and result"},
	[M_LARGE_OPENS] = {"tokenpath.process.large_file_opens", "counter", "{open}", "Successful opens of regular files at or above the large-file size"},
	[M_LARGE_OPEN_BYTES] = {"tokenpath.process.large_file_open.bytes", "counter", "By", "Sizes of the large files opened"},
	[M_GC_DURATION] = {"tokenpath.jvm.gc.duration", "histogram", "s", "HotSpot GC cycles, gc__begin to gc__end (USDT)"},
	[M_SAFEPOINT_DURATION] = {"tokenpath.jvm.safepoint.duration", "histogram", "s", "HotSpot safepoints, safepoint__begin to safepoint__end (USDT)"},
	[M_DISK_LATENCY] = {"tokenpath.disk.io.latency", "histogram", "s", "Latency of every block request on the device (node data)"},
	[M_DISK_INFLIGHT] = {"tokenpath.disk.io.inflight", "gauge", "{request}", "Block requests issued to the device and not completed"},
	[M_PRESSURE] = {"tokenpath.pressure.stall.time", "counter", "s", "PSI stall time of the process's cgroup and of the system"},
	[M_GPU_MEMORY_USAGE] = {"hw.gpu.memory.usage", "gauge", "By", "GPU memory in use"},
	[M_GPU_MEMORY_LIMIT] = {"hw.gpu.memory.limit", "gauge", "By", "GPU memory total"},
	[M_GPU_UTILIZATION] = {"hw.gpu.utilization", "gauge", "1", "Fraction of the sample period a kernel ran on the GPU"},
	[M_GPU_MEMORY_UTILIZATION] = {"hw.gpu.memory.utilization", "gauge", "1", "Fraction of the sample period the GPU memory controller was busy"},
	[M_GPU_TEMPERATURE] = {"tokenpath.gpu.temperature", "gauge", "Cel", "GPU core temperature"},
	[M_GPU_POWER] = {"tokenpath.gpu.power.usage", "gauge", "W", "GPU board power draw"},
	[M_GPU_POWER_LIMIT] = {"tokenpath.gpu.power.limit", "gauge", "W", "GPU enforced power limit"},
	[M_GPU_ENERGY] = {"tokenpath.gpu.energy.consumed", "counter", "J", "GPU energy since the driver loaded"},
	[M_GPU_CLOCK_SM] = {"tokenpath.gpu.clock.sm", "gauge", "Hz", "GPU SM clock"},
	[M_GPU_CLOCK_MEMORY] = {"tokenpath.gpu.clock.memory", "gauge", "Hz", "GPU memory clock"},
	[M_GPU_PCIE] = {"tokenpath.gpu.pcie.throughput", "gauge", "By/s", "GPU PCIe throughput by direction"},
	[M_GPU_PROCESS_MEMORY] = {"tokenpath.gpu.process.memory.usage", "gauge", "By", "GPU memory used by the monitored process"},
	[M_HELPER_RUNNING] = {"tokenpath.helper.running", "gauge", "-", "How the helper runs: its version and modes (always 1)"},
	[M_EVENTS_LOST] = {"tokenpath.helper.events.lost", "counter", "{event}", "Kernel events the helper could not record"},
	[M_LARGE_FILE_OPEN_EVENT] = {"tokenpath.process.large_file_open", "event", "-", "A large regular file was opened (path, size)"},
};

/* Histogram buckets exported: upper bounds 2^10 .. 2^35 ns (1.024 us .. 34.4 s), then +Inf. */
#define HIST_FIRST_BOUND_LOG2 10
#define HIST_BOUNDS 26

const char *proto_metric_name(enum tp_metric m)
{
	return METRICS[m].name;
}

static void escape(struct outbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;
		if (c == '\\' || c == '"')
			outbuf_append(b, "\\", 1), outbuf_append(b, (const char *)&c, 1);
		else if (c == '\n')
			outbuf_append(b, "\\n", 2);
		else if (c < 0x20 || c == 0x7f)
			outbuf_append(b, "?", 1); /* control bytes never reach a label */
		else
			outbuf_append(b, (const char *)&c, 1);
	}
}

/* Integers exactly (counts up to 2^53), others to 15 significant digits: nanosecond resolution for seconds. */
static void print_value(struct outbuf *b, double v)
{
	if (v == (double)(long long)v && v > -9007199254740992.0 && v < 9007199254740992.0)
		outbuf_printf(b, " %lld\n", (long long)v);
	else
		outbuf_printf(b, " %.15g\n", v);
}

static void meta(struct outbuf *b, struct proto_state *st, enum tp_metric m)
{
	if (st->meta_sent[m])
		return;
	st->meta_sent[m] = 1;
	const struct metric_desc *d = &METRICS[m];
	outbuf_printf(b, "T %s %s %s ", d->name, d->type, d->unit);
	if (strcmp(d->type, "histogram") == 0) {
		for (int i = 0; i < HIST_BOUNDS; i++)
			outbuf_printf(b, "%s%.9g", i ? "," : "", (double)(1ULL << (HIST_FIRST_BOUND_LOG2 + i)) * 1e-9);
	} else {
		outbuf_append(b, "-", 1);
	}
	outbuf_printf(b, " %s\n", d->desc);
}

static void series(struct outbuf *b, char kind, enum tp_metric m, const struct label *l, int nl)
{
	outbuf_printf(b, "%c %s{", kind, METRICS[m].name);
	for (int i = 0; i < nl; i++) {
		outbuf_printf(b, "%s%s=\"", i ? "," : "", l[i].key);
		escape(b, l[i].value);
		outbuf_append(b, "\"", 1);
	}
	outbuf_append(b, "}", 1);
}

void proto_hello(struct outbuf *b, const char *fields)
{
	outbuf_printf(b, "tokenpath-helper %d %s\n", TP_PROTOCOL_VERSION, fields);
}

void proto_begin(struct outbuf *b, uint64_t seq, uint64_t unix_ns)
{
	outbuf_printf(b, "B %llu %llu\n", (unsigned long long)seq, (unsigned long long)unix_ns);
}

void proto_end(struct outbuf *b, uint64_t seq)
{
	outbuf_printf(b, "Z %llu\n", (unsigned long long)seq);
}

void proto_counter(struct outbuf *b, struct proto_state *st, enum tp_metric m, const struct label *l, int nl, double v)
{
	meta(b, st, m);
	series(b, 'C', m, l, nl);
	print_value(b, v);
}

void proto_gauge(struct outbuf *b, struct proto_state *st, enum tp_metric m, const struct label *l, int nl, double v)
{
	meta(b, st, m);
	series(b, 'G', m, l, nl);
	print_value(b, v);
}

void proto_hist(struct outbuf *b, struct proto_state *st, enum tp_metric m, const struct label *l, int nl,
		const struct tp_hist *h)
{
	meta(b, st, m);
	series(b, 'H', m, l, nl);
	unsigned long long buckets[HIST_BOUNDS + 1] = {0};
	for (int k = 0; k < TP_HIST_SLOTS; k++) {
		/* slot k holds [2^k, 2^(k+1)) ns: it belongs under the first bound 2^(10+i) above it */
		int i = k + 1 - HIST_FIRST_BOUND_LOG2;
		if (i < 0)
			i = 0;
		if (i > HIST_BOUNDS)
			i = HIST_BOUNDS;
		buckets[i] += h->slots[k];
	}
	unsigned long long total = 0;
	for (int i = 0; i <= HIST_BOUNDS; i++)
		total += buckets[i];
	/* count = what the buckets hold: the kernel updates slot, sum and count separately, not atomically */
	outbuf_printf(b, " %llu %.9f ", total, (double)h->sum_ns * 1e-9);
	for (int i = 0; i <= HIST_BOUNDS; i++)
		outbuf_printf(b, "%s%llu", i ? "," : "", buckets[i]);
	outbuf_append(b, "\n", 1);
}

void proto_event(struct outbuf *b, struct proto_state *st, enum tp_metric m, const struct label *l, int nl,
		 const struct label *fields, int nf)
{
	meta(b, st, m);
	series(b, 'E', m, l, nl);
	for (int i = 0; i < nf; i++) {
		outbuf_printf(b, " %s=\"", fields[i].key);
		escape(b, fields[i].value);
		outbuf_append(b, "\"", 1);
	}
	outbuf_append(b, "\n", 1);
}

void proto_close(struct outbuf *b, const char *reason)
{
	outbuf_printf(b, "X %s\n", reason);
}
