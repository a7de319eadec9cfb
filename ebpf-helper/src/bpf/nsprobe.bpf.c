// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Run once at start-up when the helper is not in the initial pid namespace: learns the namespace's level (how
 * deep it is nested), which the other objects need to translate host pids into the helper's view. The helper
 * makes a system call and this program, seeing its own thread, reads the level from the kernel. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u64 want_ns_dev = 0;
const volatile __u64 want_ns_ino = 0;
const volatile __u32 want_tgid = 0; /* the helper's pid in its own namespace */

__u32 found_level = 0;
__u32 found = 0;

static __always_inline void probe(void)
{
	struct bpf_pidns_info ns = {};
	if (found || bpf_get_ns_current_pid_tgid(want_ns_dev, want_ns_ino, &ns, sizeof(ns)) || ns.tgid != want_tgid)
		return;
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	found_level = BPF_CORE_READ(t, thread_pid, level);
	found = 1;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(btf_probe, struct pt_regs *regs, long id) { probe(); return 0; }
SEC("raw_tp/sys_enter")
int BPF_PROG(raw_probe, struct pt_regs *regs, long id) { probe(); return 0; }
