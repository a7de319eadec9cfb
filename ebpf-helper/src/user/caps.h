/* Least privilege after attach: the helper keeps only what it still needs to read its maps, attach USDT probes
 * to JVMs that connect later and read their /proc entries. */
#ifndef TP_CAPS_H
#define TP_CAPS_H

#include <stdbool.h>
#include <stddef.h>

/* Drops every capability but CAP_BPF, CAP_PERFMON and CAP_SYS_PTRACE (CAP_SYS_ADMIN instead of the first two on
 * kernels that predate them), from the effective, permitted and bounding sets, and sets no_new_privs.
 * keep_sys_admin: also CAP_SYS_ADMIN, which creating uprobe perf events needs (measured on Linux 6.18: CAP_PERFMON
 * alone gets EACCES), for USDT probes on JVMs that connect later. */
int caps_drop_to_runtime(bool keep_sys_admin);
/* "cap_bpf,cap_perfmon,..." of the effective set, from /proc/self/status. */
void caps_describe(char *out, size_t n);
/* True when the kernel marked this process secure-exec (set-uid or file capabilities): library paths from the
 * environment or the command line must then be refused, as the dynamic loader refuses LD_LIBRARY_PATH. */
bool caps_secure_exec(void);

#endif
