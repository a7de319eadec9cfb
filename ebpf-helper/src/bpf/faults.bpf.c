// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Page faults taken in user mode by the monitored processes (exceptions:page_fault_user, x86 only: where this
 * object cannot load, user space reports the kernel's own minflt/majflt counters from /proc instead). */
#include "common.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} user_faults SEC(".maps");

static const __u64 zero_u64;

static __always_inline void on_fault(void)
{
	__u32 tgid = current_tgid_seen();
	if (!is_target(tgid))
		return;
	__u64 *n = lookup_or_init(&user_faults, &tgid, &zero_u64);
	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("tp_btf/page_fault_user")
int BPF_PROG(btf_page_fault_user, unsigned long address, struct pt_regs *regs, unsigned long error_code)
{
	on_fault();
	return 0;
}
SEC("raw_tp/page_fault_user")
int BPF_PROG(raw_page_fault_user, unsigned long address, struct pt_regs *regs, unsigned long error_code)
{
	on_fault();
	return 0;
}
