/* Types shared by the BPF programs and the helper's user space: map keys, values and event records.
 * Keep them free of kernel and libc headers: each side includes this after its own basic types. */
#ifndef TP_SHARED_H
#define TP_SHARED_H

#define TP_COMM_LEN 16
#define TP_PATH_LEN 256
#define TP_DEV_NAME_LEN 16
/* log2 buckets of nanoseconds: slot k holds values in [2^k, 2^(k+1)) ns; the last slot holds everything above. */
#define TP_HIST_SLOTS 40

/* Why a thread was off CPU (from the state it left the CPU in). */
enum tp_offcpu_state {
	TP_STATE_PREEMPTED = 0,  /* still runnable: preempted or yielded, waiting for a CPU */
	TP_STATE_SLEEPING = 1,   /* TASK_INTERRUPTIBLE (S) */
	TP_STATE_IO = 2,         /* TASK_UNINTERRUPTIBLE with in_iowait: blocked on I/O */
	TP_STATE_UNINT = 3,      /* other uninterruptible waits (D) */
	TP_STATE_ONCPU = 4,      /* not off CPU: time on CPU, kept in the same map */
	TP_STATE_COUNT = 5,
};

/* Losses the kernel side counts, by index in the `lost` array map. */
enum tp_lost_reason {
	TP_LOST_RINGBUF_FULL = 0,
	TP_LOST_MAP_FULL = 1,
	TP_LOST_COUNT = 2,
};

/* Traced system calls, by our own index (not the architecture's numbers). */
enum tp_syscall {
	TP_SC_MMAP = 0,
	TP_SC_MUNMAP = 1,
	TP_SC_MLOCK = 2,
	TP_SC_MLOCK2 = 3,
	TP_SC_MLOCKALL = 4,
	TP_SC_OPEN = 5,
	TP_SC_OPENAT = 6,
	TP_SC_OPENAT2 = 7,
	TP_SC_COUNT = 8,
};

struct tp_hist {
	__u64 slots[TP_HIST_SLOTS];
	__u64 sum_ns;
	__u64 count;
};

/* Off-CPU / on-CPU time of exited threads: keyed by the full comm, grouped by user space. */
struct tp_cpu_key {
	__u32 tgid;
	__u32 state; /* enum tp_offcpu_state */
	char comm[TP_COMM_LEN];
};

/* Per monitored thread (key: host tid), kept by the sched program: its running totals (so a context switch
 * touches only this entry), when it left or got the CPU and in which state, since when it waits on the run queue.
 * When the thread exits its totals are folded into cpu_time / sched_counts (by thread name). User space reads the
 * live entries too, and adds the time still in progress. */
struct tp_thread_times {
	__u64 off_ts;
	__u64 on_ts;
	__u64 runnable_ts;
	__u32 off_state;
	__u32 tgid;
	char comm[TP_COMM_LEN];
	__u64 ns[TP_STATE_COUNT]; /* off-CPU by state, and on-CPU */
	__u64 voluntary;
	__u64 involuntary;
};

struct tp_cpu_val {
	__u64 ns;
	__u64 count;
};

/* Per-process scheduler counters (switches of exited threads; migrations). */
struct tp_sched_counts {
	__u64 voluntary;
	__u64 involuntary;
	__u64 migrations_same_node;
	__u64 migrations_cross_node;
};

/* Block I/O histograms: tgid 0 is the whole device (node data). */
struct tp_disk_key {
	__u32 tgid;
	__u32 dev;   /* major << 20 | minor, as the kernel's dev_t */
	__u32 op;    /* REQ_OP_* & 0xff */
	__u32 pad;
};

struct tp_disk_val {
	struct tp_hist hist;
	__u64 bytes;
};

/* A monitored thread inside a traced system call (key: host tid): what the exit needs from the enter. */
struct tp_pending_call {
	__u32 tgid;    /* so user space can forget a process's calls when it stops monitoring it */
	__u32 syscall; /* enum tp_syscall */
	__u32 has_path;
	__u32 pad;
	__u64 len;
	char path[TP_PATH_LEN];
};

struct tp_syscall_key {
	__u32 tgid;
	__u32 syscall; /* enum tp_syscall */
	__u32 error;   /* 0 ok, 1 failed */
	__u32 pad;
};

struct tp_syscall_val {
	__u64 calls;
	__u64 bytes;
};

struct tp_devopen_key {
	__u32 tgid;
	__u32 error;
	char name[TP_DEV_NAME_LEN]; /* the part after "/dev/", e.g. nvidia0, nvidia-uvm */
};

struct tp_proc_counts {
	__u64 user_faults;
	__u64 large_opens;
	__u64 large_open_bytes;
};

/* Ring buffer event: a successful open of a large regular file. */
struct tp_open_event {
	__u32 tgid;
	__u32 tid;
	__s64 size;
	__s32 fd;
	__u32 truncated; /* the path was longer than TP_PATH_LEN - 1 */
	char path[TP_PATH_LEN];
};

/* JVM (HotSpot USDT) pause histograms. */
enum tp_jvm_kind {
	TP_JVM_GC_FULL = 0,
	TP_JVM_GC_OTHER = 1,
	TP_JVM_SAFEPOINT = 2,
	TP_JVM_COUNT = 3,
};

struct tp_jvm_key {
	__u32 tgid;
	__u32 kind; /* enum tp_jvm_kind */
};

#endif
