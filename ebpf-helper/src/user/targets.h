/* The processes being monitored: one entry per pid however many connections ask for it, registered in the
 * shared BPF `targets` map; its kernel-side entries are removed when the last connection for it goes. */
#ifndef TP_TARGETS_H
#define TP_TARGETS_H

#include <stdint.h>
#include "loader.h"

struct target {
	int pid;  /* in the helper's pid namespace */
	int refs;
	struct jvm_links *jvm;
};

struct target *target_acquire(struct loader *l, int pid);
void target_release(struct loader *l, struct target *t);
/* The host pid of a target (NVML reports host pids), or its own pid when the kernel has not said yet. */
uint32_t target_host_pid(struct loader *l, const struct target *t);

#endif
