// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The memory-mapping, locking and open system calls of the monitored processes: calls, bytes and errors; opens of
 * /dev/nvidia* by device; successful opens of large regular files (model weights) as events with path and size.
 *
 * Two attach modes, one enabled by user space:
 *  - tracepoint: one syscalls:sys_enter_X / sys_exit_X program per call, each touching only that call's real
 *    arguments (reading beyond them fails to attach). Needs tracefs. Only these calls pay.
 *  - raw: raw_syscalls sys_enter / sys_exit (tp_btf, or raw_tp), filtered by number. No tracefs needed, but
 *    every system call on the node runs the filter. */
#include "common.bpf.h"

const volatile __s64 large_file_bytes = 64 << 20;

#define pending_call tp_pending_call

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct pending_call);
} pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pending_call);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct tp_syscall_key);
	__type(value, struct tp_syscall_val);
} syscall_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct tp_devopen_key);
	__type(value, __u64);
} device_opens SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct tp_proc_counts);
} proc_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

static const struct tp_syscall_val zero_sc;
static const struct tp_proc_counts zero_proc;
static const __u64 zero_u64;

static __always_inline void on_enter(__u32 sc, __u64 len, const char *user_path)
{
	__u32 tgid = current_tgid_seen();
	if (!is_target(tgid))
		return;
	__u32 zero = 0;
	struct pending_call *p = bpf_map_lookup_elem(&scratch, &zero);
	if (!p)
		return;
	p->tgid = tgid;
	p->syscall = sc;
	p->len = len;
	p->has_path = 0;
	p->path[0] = 0;
	if (user_path && bpf_probe_read_user_str(p->path, sizeof(p->path), user_path) > 0)
		p->has_path = 1;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	if (bpf_map_update_elem(&pending, &tid, p, BPF_ANY))
		count_lost(TP_LOST_MAP_FULL);
}

#define S_IFMT 00170000
#define S_IFREG 0100000

/* Size of the regular file behind fd in the current task, or -1. */
static __always_inline __s64 regular_file_size(int fd)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	if (!fdt || fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return -1;
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;
	if (bpf_core_read(&f, sizeof(f), &fds[fd]) || !f)
		return -1;
	struct inode *ino = BPF_CORE_READ(f, f_inode);
	if (!ino || (BPF_CORE_READ(ino, i_mode) & S_IFMT) != S_IFREG)
		return -1;
	return BPF_CORE_READ(ino, i_size);
}

static __always_inline bool is_nvidia_device(const char *p)
{
	/* "/dev/nvidia" */
	return p[0] == '/' && p[1] == 'd' && p[2] == 'e' && p[3] == 'v' && p[4] == '/' && p[5] == 'n' &&
	       p[6] == 'v' && p[7] == 'i' && p[8] == 'd' && p[9] == 'i' && p[10] == 'a';
}

static __always_inline void on_open_exit(__u32 tgid, struct pending_call *p, long ret)
{
	if (!p->has_path)
		return;
	if (is_nvidia_device(p->path)) {
		struct tp_devopen_key k = { .tgid = tgid, .error = ret < 0 };
#pragma unroll
		for (int i = 0; i < TP_DEV_NAME_LEN - 1; i++) {
			char c = p->path[5 + i];
			if (!c)
				break;
			k.name[i] = c;
		}
		__u64 *n = lookup_or_init(&device_opens, &k, &zero_u64);
		if (n)
			__sync_fetch_and_add(n, 1);
		return;
	}
	if (ret < 0)
		return;
	__s64 size = regular_file_size((int)ret);
	if (size < large_file_bytes || size < 0)
		return;
	struct tp_proc_counts *c = lookup_or_init(&proc_counts, &tgid, &zero_proc);
	if (c) {
		__sync_fetch_and_add(&c->large_opens, 1);
		__sync_fetch_and_add(&c->large_open_bytes, size);
	}
	struct tp_open_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost(TP_LOST_RINGBUF_FULL);
		return;
	}
	e->tgid = tgid;
	e->tid = (__u32)bpf_get_current_pid_tgid();
	e->size = size;
	e->fd = (int)ret;
	__builtin_memcpy(e->path, p->path, TP_PATH_LEN);
	e->truncated = e->path[TP_PATH_LEN - 2] != 0;
	bpf_ringbuf_submit(e, 0);
}

static __always_inline void on_exit(long ret)
{
	/* only a monitored thread's enter leaves a pending entry: the bitmap, then that entry, decide (no targets
	 * lookup on the way out of every system call of a monitored process in raw mode) */
	__u32 tgid = current_tgid_seen();
	if (!maybe_target(tgid))
		return;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending_call *p = bpf_map_lookup_elem(&pending, &tid);
	if (!p)
		return;
	/* mmap returns an address: only -4095..-1 are errors */
	bool failed = ret < 0 && ret >= -4095;
	struct tp_syscall_key k = { .tgid = tgid, .syscall = p->syscall, .error = failed };
	struct tp_syscall_val *v = lookup_or_init(&syscall_counts, &k, &zero_sc);
	if (v) {
		__sync_fetch_and_add(&v->calls, 1);
		if (!failed)
			__sync_fetch_and_add(&v->bytes, p->len);
	}
	if (p->syscall >= TP_SC_OPEN)
		on_open_exit(tgid, p, ret);
	bpf_map_delete_elem(&pending, &tid);
}

/* ---- tracepoint mode: one program per call ---- */
#define ENTER_LEN(name, sc, argi)                                                   \
	SEC("tracepoint/syscalls/sys_enter_" #name)                                \
	int tp_enter_##name(struct trace_event_raw_sys_enter *ctx)                  \
	{                                                                           \
		on_enter(sc, ctx->args[argi], NULL);                                 \
		return 0;                                                           \
	}
#define ENTER_PATH(name, sc, argi)                                                  \
	SEC("tracepoint/syscalls/sys_enter_" #name)                                \
	int tp_enter_##name(struct trace_event_raw_sys_enter *ctx)                  \
	{                                                                           \
		on_enter(sc, 0, (const char *)ctx->args[argi]);                      \
		return 0;                                                           \
	}
#define EXIT(name)                                                                  \
	SEC("tracepoint/syscalls/sys_exit_" #name)                                 \
	int tp_exit_##name(struct trace_event_raw_sys_exit *ctx)                    \
	{                                                                           \
		on_exit(ctx->ret);                                                   \
		return 0;                                                           \
	}

ENTER_LEN(mmap, TP_SC_MMAP, 1)
EXIT(mmap)
ENTER_LEN(munmap, TP_SC_MUNMAP, 1)
EXIT(munmap)
ENTER_LEN(mlock, TP_SC_MLOCK, 1)
EXIT(mlock)
ENTER_LEN(mlock2, TP_SC_MLOCK2, 1)
EXIT(mlock2)
SEC("tracepoint/syscalls/sys_enter_mlockall")
int tp_enter_mlockall(void *ctx)
{
	on_enter(TP_SC_MLOCKALL, 0, NULL);
	return 0;
}
EXIT(mlockall)
#if defined(__TARGET_ARCH_x86)
ENTER_PATH(open, TP_SC_OPEN, 0)
EXIT(open)
#endif
ENTER_PATH(openat, TP_SC_OPENAT, 1)
EXIT(openat)
ENTER_PATH(openat2, TP_SC_OPENAT2, 1)
EXIT(openat2)

/* ---- raw mode: every system call, filtered by number ---- */
#if defined(__TARGET_ARCH_x86)
#define NR_mmap 9
#define NR_munmap 11
#define NR_open 2
#define NR_mlock 149
#define NR_mlockall 151
#define NR_openat 257
#define NR_mlock2 325
#define NR_openat2 437
#elif defined(__TARGET_ARCH_arm64)
#define NR_mmap 222
#define NR_munmap 215
#define NR_open -1
#define NR_mlock 228
#define NR_mlockall 230
#define NR_openat 56
#define NR_mlock2 284
#define NR_openat2 437
#else
#error "syscall numbers for this architecture are not defined"
#endif

static __always_inline void raw_enter(struct pt_regs *regs, long id)
{
	switch (id) {
	case NR_mmap: on_enter(TP_SC_MMAP, PT_REGS_PARM2_CORE_SYSCALL(regs), NULL); break;
	case NR_munmap: on_enter(TP_SC_MUNMAP, PT_REGS_PARM2_CORE_SYSCALL(regs), NULL); break;
	case NR_mlock: on_enter(TP_SC_MLOCK, PT_REGS_PARM2_CORE_SYSCALL(regs), NULL); break;
	case NR_mlock2: on_enter(TP_SC_MLOCK2, PT_REGS_PARM2_CORE_SYSCALL(regs), NULL); break;
	case NR_mlockall: on_enter(TP_SC_MLOCKALL, 0, NULL); break;
#if defined(__TARGET_ARCH_x86)
	case NR_open: on_enter(TP_SC_OPEN, 0, (const char *)PT_REGS_PARM1_CORE_SYSCALL(regs)); break;
#endif
	case NR_openat: on_enter(TP_SC_OPENAT, 0, (const char *)PT_REGS_PARM2_CORE_SYSCALL(regs)); break;
	case NR_openat2: on_enter(TP_SC_OPENAT2, 0, (const char *)PT_REGS_PARM2_CORE_SYSCALL(regs)); break;
	default: break;
	}
}

SEC("tp_btf/sys_enter")
int BPF_PROG(btf_sys_enter, struct pt_regs *regs, long id)
{
	raw_enter(regs, id);
	return 0;
}
SEC("raw_tp/sys_enter")
int BPF_PROG(raw_sys_enter, struct pt_regs *regs, long id)
{
	raw_enter(regs, id);
	return 0;
}
SEC("tp_btf/sys_exit")
int BPF_PROG(btf_sys_exit, struct pt_regs *regs, long ret)
{
	on_exit(ret);
	return 0;
}
SEC("raw_tp/sys_exit")
int BPF_PROG(raw_sys_exit, struct pt_regs *regs, long ret)
{
	on_exit(ret);
	return 0;
}
