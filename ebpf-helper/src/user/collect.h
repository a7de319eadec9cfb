/* Turns the kernel's aggregates, /proc and NVML into protocol records: per process for one connection's target,
 * node data (devices, system pressure, GPUs) for every connection. */
#ifndef TP_COLLECT_H
#define TP_COLLECT_H

#include "loader.h"
#include "nvml.h"
#include "outbuf.h"
#include "procfs.h"
#include "protocol.h"
#include "targets.h"

#define MAX_GPUS 64

/* What is sampled once per interval and shared by all connections. */
struct node_sample {
	struct gpu_sample gpus[MAX_GPUS];
	int ngpus;
	struct psi system_psi;
	enum nvml_status nvml;
	const char *info_fields; /* hello-line fields, also the info gauge's labels */
};

void node_sample_take(struct node_sample *n);
void collect_process(struct outbuf *b, struct proto_state *st, struct loader *l, struct target *t, const struct node_sample *n);
void collect_node(struct outbuf *b, struct proto_state *st, struct loader *l, const struct node_sample *n,
		  uint32_t host_pid, const char *syscall_mode, const char *attach_mode);

#endif
