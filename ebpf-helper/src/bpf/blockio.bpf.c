// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Block I/O latency per device and operation: for the whole device (node data, no process identity) and for the
 * requests a monitored process queued, with their bytes; plus requests in flight per device.
 *
 * Requests are keyed by their `struct request *` (sectors repeat). The submitter is known at insert time (with an
 * I/O scheduler the issuing task may be kblockd) or at issue time when the request skipped the scheduler;
 * flushes and kworker writeback cannot be attributed to a process and count for the device only. */
#include "common.bpf.h"

#define REQ_OP_MASK 0xff
#define MINORBITS 20

struct rq_start {
	__u64 ts;
	__u32 tgid;   /* monitored submitter, or 0 */
	__u32 issued; /* counted in inflight */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct rq_start);
} requests SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct tp_disk_key);
	__type(value, struct tp_disk_val);
} disk_io SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __s64);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tp_disk_val);
} zero_disk SEC(".maps");

/* Kernels before 5.17 kept the disk in the request itself. */
struct request___pre517 {
	struct gendisk *rq_disk;
} __attribute__((preserve_access_index));

static __always_inline __u32 rq_dev(struct request *rq)
{
	struct gendisk *disk;
	if (bpf_core_field_exists(((struct request___pre517 *)rq)->rq_disk))
		disk = BPF_CORE_READ((struct request___pre517 *)rq, rq_disk);
	else
		disk = BPF_CORE_READ(rq, q, disk);
	if (!disk)
		return 0;
	return ((__u32)BPF_CORE_READ(disk, major) << MINORBITS) | (__u32)BPF_CORE_READ(disk, first_minor);
}

static __always_inline void inflight_add(__u32 dev, __s64 d)
{
	static const __s64 zero;
	__s64 *v = lookup_or_init(&inflight, &dev, &zero);
	if (v)
		__sync_fetch_and_add(v, d);
}

static __always_inline void start(struct request *rq, bool issue)
{
	__u64 key = (__u64)rq;
	struct rq_start *s = bpf_map_lookup_elem(&requests, &key);
	__u32 tgid = current_tgid_seen();
	if (!is_target(tgid))
		tgid = 0;
	if (!s) {
		struct rq_start n = { .ts = bpf_ktime_get_ns(), .tgid = tgid, .issued = 0 };
		if (bpf_map_update_elem(&requests, &key, &n, BPF_ANY)) {
			count_lost(TP_LOST_MAP_FULL);
			return;
		}
		s = bpf_map_lookup_elem(&requests, &key);
		if (!s)
			return;
	} else if (!s->tgid) {
		s->tgid = tgid;
	}
	if (issue && !s->issued) {
		s->issued = 1;
		inflight_add(rq_dev(rq), 1);
	}
}

static __always_inline void record(__u32 tgid, __u32 dev, __u32 op, __u64 ns, __u64 bytes)
{
	__u32 zero = 0;
	struct tp_disk_val *z = bpf_map_lookup_elem(&zero_disk, &zero);
	if (!z)
		return;
	struct tp_disk_key k = { .tgid = tgid, .dev = dev, .op = op };
	struct tp_disk_val *v = lookup_or_init(&disk_io, &k, z);
	if (!v)
		return;
	hist_add(&v->hist, ns);
	__sync_fetch_and_add(&v->bytes, bytes);
}

static __always_inline void complete(struct request *rq, unsigned int nr_bytes)
{
	__u64 key = (__u64)rq;
	struct rq_start *s = bpf_map_lookup_elem(&requests, &key);
	if (!s)
		return; /* started before the helper attached */
	__u64 ns = bpf_ktime_get_ns() - s->ts;
	__u32 dev = rq_dev(rq);
	__u32 op = BPF_CORE_READ(rq, cmd_flags) & REQ_OP_MASK;
	__u32 tgid = s->tgid;
	if (s->issued)
		inflight_add(dev, -1);
	bpf_map_delete_elem(&requests, &key);
	record(0, dev, op, ns, nr_bytes);
	if (tgid)
		record(tgid, dev, op, ns, nr_bytes);
}

SEC("tp_btf/block_rq_insert")
int BPF_PROG(btf_block_rq_insert, struct request *rq) { start(rq, false); return 0; }
SEC("raw_tp/block_rq_insert")
int BPF_PROG(raw_block_rq_insert, struct request *rq) { start(rq, false); return 0; }
SEC("tp_btf/block_rq_issue")
int BPF_PROG(btf_block_rq_issue, struct request *rq) { start(rq, true); return 0; }
SEC("raw_tp/block_rq_issue")
int BPF_PROG(raw_block_rq_issue, struct request *rq) { start(rq, true); return 0; }
SEC("tp_btf/block_rq_complete")
int BPF_PROG(btf_block_rq_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	complete(rq, nr_bytes);
	return 0;
}
SEC("raw_tp/block_rq_complete")
int BPF_PROG(raw_block_rq_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	complete(rq, nr_bytes);
	return 0;
}
