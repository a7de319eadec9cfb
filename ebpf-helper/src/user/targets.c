#include "targets.h"
#include "log.h"
#include "procfs.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tp_types.h"
#include "tp_shared.h"

#define MAX_TARGETS 1024
static struct target *all[MAX_TARGETS];

/* The kernel side's quick filter follows the set exactly. */
static void refresh_filter(struct loader *l)
{
	uint32_t pids[MAX_TARGETS];
	int n = 0;
	for (int i = 0; i < MAX_TARGETS; i++)
		if (all[i])
			pids[n++] = all[i]->pid;
	loader_set_target_filter(l, pids, n);
}

struct target *target_acquire(struct loader *l, int pid)
{
	for (int i = 0; i < MAX_TARGETS; i++)
		if (all[i] && all[i]->pid == pid) {
			all[i]->refs++;
			return all[i];
		}
	int slot = -1;
	for (int i = 0; i < MAX_TARGETS && slot < 0; i++)
		if (!all[i])
			slot = i;
	if (slot < 0) {
		tp_log("cannot monitor pid %d: already %d processes", pid, MAX_TARGETS);
		return NULL;
	}
	struct target *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->pid = pid;
	t->refs = 1;
	__u32 key = pid, zero = 0;
	if (bpf_map_update_elem(l->maps.targets, &key, &zero, BPF_ANY)) {
		tp_log("cannot monitor pid %d: %s", pid, strerror(errno));
		free(t);
		return NULL;
	}
	char libjvm[512];
	if (proc_libjvm(pid, libjvm, sizeof(libjvm)))
		t->jvm = loader_attach_jvm(l, pid, libjvm);
	all[slot] = t;
	refresh_filter(l);
	return t;
}

/* Deletes every entry whose key begins with this tgid (all per-process maps are keyed that way). */
static void forget(int fd, size_t key_size, __u32 tgid)
{
	if (fd < 0)
		return;
	char key[128], next[128];
	if (key_size > sizeof(key))
		return;
	void *prev = NULL;
	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		__u32 k;
		memcpy(&k, next, sizeof(k));
		if (k == tgid) {
			bpf_map_delete_elem(fd, next);
			/* restart: deleting the current key invalidates iteration from it */
			prev = NULL;
			continue;
		}
		memcpy(key, next, key_size);
		prev = key;
	}
}

/* Deletes the entries of a map keyed by host tid whose value names this tgid at tgid_offset (tp_thread_times,
 * tp_pending_call): threads of a process no longer monitored. */
static void forget_by_value(int fd, size_t value_size, size_t tgid_offset, __u32 tgid)
{
	if (fd < 0)
		return;
	__u32 key, next;
	void *prev = NULL;
	char v[512];
	if (value_size > sizeof(v))
		return;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		__u32 owner = 0;
		if (bpf_map_lookup_elem(fd, &next, v) == 0)
			memcpy(&owner, v + tgid_offset, sizeof(owner));
		if (owner == tgid) {
			bpf_map_delete_elem(fd, &next);
			prev = NULL;
			continue;
		}
		key = next;
		prev = &key;
	}
}

void target_release(struct loader *l, struct target *t)
{
	if (!t || --t->refs > 0)
		return;
	for (int i = 0; i < MAX_TARGETS; i++)
		if (all[i] == t)
			all[i] = NULL;
	refresh_filter(l);
	__u32 key = t->pid;
	bpf_map_delete_elem(l->maps.targets, &key);
	loader_detach_jvm(t->jvm);
	forget(l->maps.cpu_time, sizeof(struct tp_cpu_key), key);
	forget(l->maps.sched_counts, sizeof(__u32), key);
	forget(l->maps.runq_hist, sizeof(__u32), key);
	forget(l->maps.disk_io, sizeof(struct tp_disk_key), key);
	forget(l->maps.syscall_counts, sizeof(struct tp_syscall_key), key);
	forget(l->maps.device_opens, sizeof(struct tp_devopen_key), key);
	forget(l->maps.proc_counts, sizeof(__u32), key);
	forget(l->maps.user_faults, sizeof(__u32), key);
	forget(l->maps.jvm_hist, sizeof(struct tp_jvm_key), key);
	forget_by_value(l->maps.threads, sizeof(struct tp_thread_times), offsetof(struct tp_thread_times, tgid), key);
	forget_by_value(l->maps.pending, sizeof(struct tp_pending_call), offsetof(struct tp_pending_call, tgid), key);
	free(t);
}

uint32_t target_host_pid(struct loader *l, const struct target *t)
{
	__u32 key = t->pid, host = 0;
	if (bpf_map_lookup_elem(l->maps.targets, &key, &host) == 0 && host)
		return host;
	return t->pid;
}
