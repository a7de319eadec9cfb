#include "caps.h"
#include "log.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int n = 40;
	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = 40;
		fclose(f);
	}
	return n;
}

int caps_drop_to_runtime(bool keep_sys_admin)
{
	int last = last_cap();
	bool modern = last >= CAP_BPF;
	int keep[4] = {CAP_SYS_PTRACE, modern ? CAP_BPF : CAP_SYS_ADMIN, modern ? CAP_PERFMON : -1,
		       keep_sys_admin ? CAP_SYS_ADMIN : -1};
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));
	for (int i = 0; i < 4; i++) {
		if (keep[i] < 0)
			continue;
		d[keep[i] / 32].effective |= 1U << (keep[i] % 32);
		d[keep[i] / 32].permitted |= 1U << (keep[i] % 32);
	}
	/* the bounding set first: dropping from it needs CAP_SETPCAP, which the capset below gives up */
	for (int c = 0; c <= last; c++) {
		bool kept = c == keep[0] || c == keep[1] || c == keep[2] || c == keep[3];
		if (!kept && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) && errno != EINVAL) {
			tp_log("cannot drop capability %d from the bounding set (%s)", c, strerror(errno));
			break;
		}
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		tp_log("cannot set no_new_privs (%s)", strerror(errno));
	if (syscall(SYS_capset, &h, d)) {
		tp_log("cannot drop capabilities (%s): running with the ones it started with", strerror(errno));
		return -1;
	}
	return 0;
}

void caps_describe(char *out, size_t n)
{
	static const struct {
		int cap;
		const char *name;
	} names[] = {{CAP_DAC_OVERRIDE, "cap_dac_override"}, {CAP_DAC_READ_SEARCH, "cap_dac_read_search"},
		     {CAP_SETUID, "cap_setuid"}, {CAP_SETPCAP, "cap_setpcap"}, {CAP_NET_ADMIN, "cap_net_admin"},
		     {CAP_SYS_PTRACE, "cap_sys_ptrace"}, {CAP_SYS_ADMIN, "cap_sys_admin"},
		     {CAP_SYS_RESOURCE, "cap_sys_resource"}, {CAP_PERFMON, "cap_perfmon"}, {CAP_BPF, "cap_bpf"}};
	unsigned long long eff = 0;
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	if (f)
		fclose(f);
	out[0] = 0;
	size_t used = 0;
	int shown = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (eff & (1ULL << names[i].cap)) {
			used += snprintf(out + used, used < n ? n - used : 0, "%s%s", shown++ ? "," : "", names[i].name);
		}
	int total = __builtin_popcountll(eff);
	if (total > shown && used < n)
		snprintf(out + used, n - used, "%s+%d more", shown ? "," : "", total - shown);
	if (!total)
		snprintf(out, n, "none");
}

bool caps_secure_exec(void)
{
	return getauxval(AT_SECURE) != 0;
}
