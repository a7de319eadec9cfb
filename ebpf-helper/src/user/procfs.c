#include "procfs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

bool proc_alive(int pid)
{
	return kill(pid, 0) == 0 || errno == EPERM;
}

bool proc_faults(int pid, uint64_t *minflt, uint64_t *majflt)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	/* the command name may hold spaces and parentheses: fields restart after the last ')' */
	char *p = strrchr(buf, ')');
	if (!p)
		return false;
	/* after ')': state(3) ppid pgrp session tty_nr tpgid flags minflt(10) cminflt majflt(12) */
	unsigned long long f[10];
	char state;
	if (sscanf(p + 1, " %c %llu %llu %llu %llu %llu %llu %llu %llu %llu", &state, &f[0], &f[1], &f[2], &f[3],
		   &f[4], &f[5], &f[6], &f[7], &f[8]) != 10)
		return false;
	*minflt = f[6];
	*majflt = f[8];
	return true;
}

bool psi_read_file(const char *path, struct psi_line out[2])
{
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	char line[256];
	while (fgets(line, sizeof(line), f)) {
		int kind = strncmp(line, "some ", 5) == 0 ? 0 : strncmp(line, "full ", 5) == 0 ? 1 : -1;
		char *t = strstr(line, "total=");
		if (kind < 0 || !t)
			continue;
		out[kind].present = true;
		out[kind].total_us = strtoull(t + 6, NULL, 10);
	}
	fclose(f);
	return true;
}

const char *const PSI_RESOURCES[3] = {"cpu", "memory", "io"}; /* the file names under /proc/pressure */

void psi_system(struct psi *p)
{
	memset(p, 0, sizeof(*p));
	for (int r = 0; r < 3; r++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/pressure/%s", PSI_RESOURCES[r]);
		psi_read_file(path, p->v[r]);
	}
}

/* Where cgroup v2 is mounted (cgroup2 in /proc/self/mountinfo), cached. */
static const char *cgroup2_mount(void)
{
	static char mnt[256];
	static int done;
	if (done)
		return mnt[0] ? mnt : NULL;
	done = 1;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return NULL;
	char line[1024];
	while (fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - ");
		if (!sep || strncmp(sep + 3, "cgroup2 ", 8) != 0)
			continue;
		char point[256];
		if (sscanf(line, "%*s %*s %*s %*s %255s", point) == 1) {
			snprintf(mnt, sizeof(mnt), "%s", point);
			break;
		}
	}
	fclose(f);
	return mnt[0] ? mnt : NULL;
}

bool psi_cgroup(int pid, struct psi *p)
{
	memset(p, 0, sizeof(*p));
	const char *mnt = cgroup2_mount();
	if (!mnt)
		return false;
	char path[1024], line[512], cg[512] = "";
	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3) == 0) {
			line[strcspn(line, "\n")] = 0;
			snprintf(cg, sizeof(cg), "%s", line + 3);
			break;
		}
	}
	fclose(f);
	if (!cg[0] || strcmp(cg, "/") == 0 || strstr(cg, ".."))
		return false; /* the root cgroup has no pressure files: the system's numbers say it all */
	bool any = false;
	for (int r = 0; r < 3; r++) {
		snprintf(path, sizeof(path), "%s%s/%s.pressure", mnt, cg, PSI_RESOURCES[r]);
		any |= psi_read_file(path, p->v[r]);
	}
	return any;
}

#define DEV_CACHE 64
static struct {
	uint32_t dev;
	char name[32];
} dev_cache[DEV_CACHE];
static int dev_cache_n;

void block_dev_name(uint32_t dev, char *out, size_t n)
{
	unsigned maj = dev >> 20, min = dev & ((1U << 20) - 1);
	for (int i = 0; i < dev_cache_n; i++)
		if (dev_cache[i].dev == dev) {
			snprintf(out, n, "%s", dev_cache[i].name);
			return;
		}
	char path[96], line[160], name[160];
	snprintf(name, sizeof(name), "%u:%u", maj, min);
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/uevent", maj, min);
	FILE *f = fopen(path, "re");
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (strncmp(line, "DEVNAME=", 8) == 0) {
				line[strcspn(line, "\n")] = 0;
				snprintf(name, sizeof(name), "%s", line + 8);
			}
		fclose(f);
	}
	if (dev_cache_n < DEV_CACHE) {
		dev_cache[dev_cache_n].dev = dev;
		snprintf(dev_cache[dev_cache_n].name, sizeof(dev_cache[0].name), "%.31s", name);
		dev_cache_n++;
	}
	snprintf(out, n, "%s", name);
}

int numa_cpu_nodes(uint32_t *node_of_cpu, int max_cpus)
{
	int seen = 0;
	for (int node = 0; node < 1024; node++) {
		char path[96], list[4096];
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", node);
		FILE *f = fopen(path, "re");
		if (!f) {
			if (node > 64)
				break;
			continue;
		}
		if (!fgets(list, sizeof(list), f))
			list[0] = 0;
		fclose(f);
		/* "0-3,8-11" */
		for (char *tok = strtok(list, ",\n"); tok; tok = strtok(NULL, ",\n")) {
			int a, b;
			int k = sscanf(tok, "%d-%d", &a, &b);
			if (k == 1)
				b = a;
			if (k < 1)
				continue;
			for (int c = a; c <= b && c < max_cpus; c++) {
				node_of_cpu[c] = node;
				seen++;
			}
		}
	}
	return seen;
}

bool proc_libjvm(int pid, char *out, size_t n)
{
	char path[64], line[1024];
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	bool found = false;
	while (fgets(line, sizeof(line), f)) {
		char *p = strchr(line, '/');
		if (!p)
			continue;
		p[strcspn(p, "\n")] = 0;
		size_t len = strlen(p);
		if (len >= 10 && strcmp(p + len - 10, "/libjvm.so") == 0) {
			/* through the process's root, so a JVM in a container is found too */
			snprintf(out, n, "/proc/%d/root%s", pid, p);
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

void thread_group_of(const char *comm, char *out, size_t n)
{
	size_t len = strnlen(comm, 16);
	while (len > 0 && isdigit((unsigned char)comm[len - 1]))
		len--;
	if (len == 0) {
		snprintf(out, n, "%s", comm[0] ? "digits" : "unnamed");
		return;
	}
	snprintf(out, n, "%.*s", (int)len, comm);
}

bool self_pidns(uint64_t *dev, uint64_t *ino)
{
	struct stat st;
	if (stat("/proc/self/ns/pid", &st))
		return false;
	*dev = st.st_dev;
	*ino = st.st_ino;
	return true;
}
