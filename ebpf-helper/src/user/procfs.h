/* What /proc and /sys say about a process and the node: fault counters, cgroup pressure, device names, NUMA
 * layout, the JVM library, the pid namespace. Reads only; every function tolerates a vanished process. */
#ifndef TP_PROCFS_H
#define TP_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool proc_alive(int pid);
/* minflt and majflt from /proc/<pid>/stat; false when the process is gone. */
bool proc_faults(int pid, uint64_t *minflt, uint64_t *majflt);

struct psi_line {
	bool present;
	uint64_t total_us;
};
/* v[resource][kind]: resource as in PSI_RESOURCES, kind 0 = some, 1 = full. */
extern const char *const PSI_RESOURCES[3];
struct psi {
	struct psi_line v[3][2];
};
bool psi_read_file(const char *path, struct psi_line out[2]);
void psi_system(struct psi *p);
/* The process's cgroup v2 pressure; false when it has no cgroup v2 directory of its own (the root cgroup). */
bool psi_cgroup(int pid, struct psi *p);

/* "vda", or "254:0" when sysfs does not name it. */
void block_dev_name(uint32_t dev, char *out, size_t n);
/* Fills cpu -> node for every online CPU; returns the number of CPUs seen. */
int numa_cpu_nodes(uint32_t *node_of_cpu, int max_cpus);
/* Path of the process's libjvm.so as the helper can open it (through /proc/<pid>/root); false when none. */
bool proc_libjvm(int pid, char *out, size_t n);

/* The thread group a thread name belongs to: trailing digits removed ("GC Thread#0" -> "GC Thread#"). */
void thread_group_of(const char *comm, char *out, size_t n);

#define PIDNS_INIT_INO 0xEFFFFFFCULL /* the kernel's fixed inode number of the initial pid namespace */
bool self_pidns(uint64_t *dev, uint64_t *ino);

#endif
