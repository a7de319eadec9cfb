/* Loads the BPF objects (one per concern, like bcc's libbpf-tools), chooses how they attach, and keeps the rest
 * running when one cannot load: each module is active or not, and the helper says which. */
#ifndef TP_LOADER_H
#define TP_LOADER_H

#include <stdbool.h>
#include <stdint.h>

enum attach_mode { ATTACH_AUTO, ATTACH_TP_BTF, ATTACH_RAW_TP };
enum syscall_mode { SYSCALLS_AUTO, SYSCALLS_TRACEPOINT, SYSCALLS_RAW, SYSCALLS_OFF };

struct loader_opts {
	enum attach_mode attach;
	enum syscall_mode syscalls;
	bool mount_tracefs;       /* mount tracefs in a private mount namespace when it is missing */
	long long large_file_bytes;
	bool usdt;                /* load the JVM (HotSpot USDT) module */
	uint32_t pidns_level;
	uint64_t pidns_ino;
};

struct bpf_maps {
	int targets, lost;
	int threads, cpu_time, sched_counts, runq_hist;   /* sched */
	int disk_io, inflight;                            /* blockio */
	int syscall_counts, device_opens, proc_counts, events, pending; /* syscalls */
	int user_faults;                                  /* faults */
	int jvm_hist;                                     /* jvm */
};

struct loader {
	struct bpf_maps maps;
	bool sched, blockio, syscalls, faults, jvm;
	const char *attach_used;   /* "tp_btf" or "raw_tp" */
	const char *syscall_used;  /* "tracepoint", "raw" or "off" */
	void *sched_skel, *blockio_skel, *syscalls_skel, *faults_skel, *jvm_skel;
};

/* Returns 0 when at least the scheduler module runs; otherwise -1 with the reason logged. */
int loader_start(struct loader *l, const struct loader_opts *o);
void loader_stop(struct loader *l);
/* Sets the BPF side's quick filter (a bitmap in each object's .bss) to exactly these tgids. Call after adding
 * to the targets map and before removing from it. */
void loader_set_target_filter(struct loader *l, const uint32_t *tgids, int n);
/* The helper's pid-namespace level, learned from the kernel (0 in the initial namespace). */
int loader_probe_pidns_level(uint64_t dev, uint64_t ino, uint32_t *level);

/* USDT probes of one JVM (all four or none); NULL when the JVM has no probes or the module is off. */
struct jvm_links;
struct jvm_links *loader_attach_jvm(struct loader *l, int pid, const char *libjvm);
void loader_detach_jvm(struct jvm_links *j);

#endif
