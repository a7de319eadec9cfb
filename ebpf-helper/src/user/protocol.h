/* The helper -> agent line protocol, version 1 (normative description: docs/helper.md).
 *
 *   tokenpath-helper 1 key=value ...                 hello, the first line
 *   T <name> <type> <unit> <bounds|-> <description>  metadata, once per connection, before the name's first use
 *   B <seq> <unix_ns>                                batch begins
 *   C <name>{labels} <value>                         counter (cumulative)
 *   G <name>{labels} <value>                         gauge
 *   H <name>{labels} <count> <sum> <c0,c1,...,cinf>  histogram, non-cumulative bucket counts, bounds from T
 *   E <name>{labels} key="value" ...                 event
 *   Z <seq>                                          batch ends: the consumer swaps its snapshot here
 *   X <reason>                                       the helper is closing the stream
 *
 * A record never exceeds TP_MAX_LINE bytes with its newline. */
#ifndef TP_PROTOCOL_H
#define TP_PROTOCOL_H

#include <stdint.h>
#include "outbuf.h"
#include "tp_types.h"
#include "tp_shared.h"

#define TP_PROTOCOL_VERSION 1
#define TP_MAX_LINE 4096

enum tp_metric {
	M_OFFCPU_TIME, M_ONCPU_TIME, M_CONTEXT_SWITCHES, M_RUNQ_LATENCY, M_MIGRATIONS,
	M_PROC_DISK_LATENCY, M_PROC_DISK_BYTES, M_PAGE_FAULTS, M_SYSCALLS, M_SYSCALL_BYTES, M_DEVICE_OPENS,
	M_LARGE_OPENS, M_LARGE_OPEN_BYTES, M_GC_DURATION, M_SAFEPOINT_DURATION,
	M_DISK_LATENCY, M_DISK_INFLIGHT, M_PRESSURE,
	M_GPU_MEMORY_USAGE, M_GPU_MEMORY_LIMIT, M_GPU_UTILIZATION, M_GPU_MEMORY_UTILIZATION, M_GPU_TEMPERATURE,
	M_GPU_POWER, M_GPU_POWER_LIMIT, M_GPU_ENERGY, M_GPU_CLOCK_SM, M_GPU_CLOCK_MEMORY, M_GPU_PCIE,
	M_GPU_PROCESS_MEMORY,
	M_HELPER_RUNNING, M_EVENTS_LOST, M_LARGE_FILE_OPEN_EVENT,
	M_COUNT
};

struct label {
	const char *key;
	const char *value;
};

/* What one connection has been told already. */
struct proto_state {
	uint8_t meta_sent[M_COUNT];
};

const char *proto_metric_name(enum tp_metric m);
void proto_hello(struct outbuf *b, const char *fields);
void proto_begin(struct outbuf *b, uint64_t seq, uint64_t unix_ns);
void proto_end(struct outbuf *b, uint64_t seq);
void proto_counter(struct outbuf *b, struct proto_state *st, enum tp_metric m, const struct label *l, int nl, double v);
void proto_gauge(struct outbuf *b, struct proto_state *st, enum tp_metric m, const struct label *l, int nl, double v);
void proto_hist(struct outbuf *b, struct proto_state *st, enum tp_metric m, const struct label *l, int nl,
		const struct tp_hist *h);
void proto_event(struct outbuf *b, struct proto_state *st, enum tp_metric m, const struct label *l, int nl,
		 const struct label *fields, int nf);
void proto_close(struct outbuf *b, const char *reason);

#endif
