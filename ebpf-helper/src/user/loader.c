#include "loader.h"
#include "log.h"
#include "procfs.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blockio.skel.h"
#include "faults.skel.h"
#include "jvm.skel.h"
#include "nsprobe.skel.h"
#include "sched.skel.h"
#include "syscalls.skel.h"

#include "tp_types.h"
#include "tp_shared.h"

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !tp_verbose)
		return 0;
	if (level == LIBBPF_INFO && !tp_verbose)
		return 0;
	fputs("[tokenpath-helper] libbpf: ", stderr);
	return vfprintf(stderr, fmt, ap);
}

/* Which programs of an object load: by name prefix. btf_ / raw_ are the two flavours of the same handler;
 * tp_ are per-syscall tracepoints. */
static void select_programs(struct bpf_object *obj, const char *flavour, bool syscalls_tracepoint)
{
	struct bpf_program *p;
	bpf_object__for_each_program(p, obj) {
		const char *n = bpf_program__name(p);
		bool on;
		if (strncmp(n, "tp_", 3) == 0)
			on = syscalls_tracepoint;
		else if (strncmp(n, "btf_", 4) == 0 || strncmp(n, "raw_", 4) == 0)
			on = !syscalls_tracepoint && strncmp(n, flavour, strlen(flavour)) == 0;
		else
			on = true; /* usdt programs: loaded, attached per JVM */
		bpf_program__set_autoload(p, on);
	}
}

static bool tracefs_ready(void)
{
	return access("/sys/kernel/tracing/events/syscalls", F_OK) == 0 ||
	       access("/sys/kernel/debug/tracing/events/syscalls", F_OK) == 0;
}

/* Per-syscall tracepoints need tracefs. A privileged helper may mount it, in a mount namespace of its own so the
 * host's mount table is left as it was. */
static bool ensure_tracefs(bool may_mount)
{
	if (tracefs_ready())
		return true;
	if (!may_mount)
		return false;
	if (unshare(CLONE_NEWNS) != 0) {
		tp_log("tracefs is not mounted and a private mount namespace cannot be made (%s)", strerror(errno));
		return false;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) != 0) {
		tp_log("tracefs is not mounted and mounting it privately failed (%s)", strerror(errno));
		return false;
	}
	tp_log("tracefs was not mounted: mounted it in the helper's own mount namespace");
	return tracefs_ready();
}

/* Shared by every object: created here, handed to each before it loads. */
static int create_shared(struct loader *l)
{
	l->maps.targets = bpf_map_create(BPF_MAP_TYPE_HASH, "targets", sizeof(__u32), sizeof(__u32), 1024, NULL);
	l->maps.lost = bpf_map_create(BPF_MAP_TYPE_ARRAY, "lost", sizeof(__u32), sizeof(__u64), TP_LOST_COUNT, NULL);
	if (l->maps.targets < 0 || l->maps.lost < 0) {
		tp_log("cannot create BPF maps (%s): the helper needs root or CAP_BPF + CAP_PERFMON", strerror(errno));
		return -1;
	}
	return 0;
}

/* One generic body for every skeleton type: open, set the read-only globals, share the maps, choose programs,
 * load, attach. On failure the skeleton is destroyed and NULL returned. */
#define LOAD_MODULE(type, flavour, tracepoints, extra)                                                          \
	({                                                                                                      \
		struct type *s = type##__open();                                                                \
		int err = s ? 0 : -errno;                                                                       \
		if (s) {                                                                                        \
			s->rodata->pidns_level = o->pidns_level;                                                \
			s->rodata->pidns_ino = o->pidns_ino;                                                    \
			extra;                                                                                  \
			bpf_map__reuse_fd(s->maps.targets, l->maps.targets);                                    \
			bpf_map__reuse_fd(s->maps.lost, l->maps.lost);                                          \
			select_programs(s->obj, flavour, tracepoints);                                          \
			err = type##__load(s);                                                                  \
			if (!err)                                                                               \
				err = type##__attach(s);                                                        \
			if (err) {                                                                              \
				type##__destroy(s);                                                             \
				s = NULL;                                                                       \
			}                                                                                       \
		}                                                                                               \
		if (!s)                                                                                         \
			last_err = err;                                                                         \
		s;                                                                                              \
	})

static int last_err;

int loader_probe_pidns_level(uint64_t dev, uint64_t ino, uint32_t *level)
{
	for (int flavour = 0; flavour < 2; flavour++) {
		struct tp_nsprobe *s = tp_nsprobe__open();
		if (!s)
			return -1;
		s->rodata->want_ns_dev = dev;
		s->rodata->want_ns_ino = ino;
		s->rodata->want_tgid = getpid();
		select_programs(s->obj, flavour ? "raw_" : "btf_", false);
		if (tp_nsprobe__load(s) || tp_nsprobe__attach(s)) {
			tp_nsprobe__destroy(s);
			continue;
		}
		for (int i = 0; i < 100 && !s->bss->found; i++)
			usleep(1000); /* usleep is a system call: the probe sees it */
		int ok = s->bss->found;
		*level = s->bss->found_level;
		tp_nsprobe__destroy(s);
		return ok ? 0 : -1;
	}
	return -1;
}

int loader_start(struct loader *l, const struct loader_opts *o)
{
	memset(l, 0, sizeof(*l));
	memset(&l->maps, -1, sizeof(l->maps));
	libbpf_set_print(libbpf_log);
	if (create_shared(l))
		return -1;

	/* tp_btf unless it cannot load here (then raw_tp, also BTF-aware through CO-RE reads). */
	const char *flavour = o->attach == ATTACH_RAW_TP ? "raw_" : "btf_";
	struct tp_sched *sched = LOAD_MODULE(tp_sched, flavour, false, (void)0);
	if (!sched && o->attach == ATTACH_AUTO) {
		tp_log("tp_btf programs do not load here (%s): falling back to raw_tp", strerror(-last_err));
		flavour = "raw_";
		sched = LOAD_MODULE(tp_sched, flavour, false, (void)0);
	}
	if (!sched) {
		tp_log("the scheduler programs cannot be loaded (%s): nothing to measure", strerror(-last_err));
		return -1;
	}
	l->sched_skel = sched;
	l->sched = true;
	l->attach_used = strcmp(flavour, "btf_") == 0 ? "tp_btf" : "raw_tp";
	l->maps.threads = bpf_map__fd(sched->maps.threads);
	l->maps.cpu_time = bpf_map__fd(sched->maps.cpu_time);
	l->maps.sched_counts = bpf_map__fd(sched->maps.sched_counts);
	l->maps.runq_hist = bpf_map__fd(sched->maps.runq_hist);
	uint32_t nodes[4096] = {0};
	int ncpu = numa_cpu_nodes(nodes, 4096);
	for (uint32_t c = 0; c < (uint32_t)ncpu && c < 4096; c++)
		bpf_map_update_elem(bpf_map__fd(sched->maps.cpu_node), &c, &nodes[c], BPF_ANY);

	struct tp_blockio *bio = LOAD_MODULE(tp_blockio, flavour, false, (void)0);
	if (bio) {
		l->blockio_skel = bio;
		l->blockio = true;
		l->maps.disk_io = bpf_map__fd(bio->maps.disk_io);
		l->maps.inflight = bpf_map__fd(bio->maps.inflight);
	} else {
		tp_log("block I/O programs cannot be loaded (%s): no disk metrics", strerror(-last_err));
	}

	struct tp_faults *flt = LOAD_MODULE(tp_faults, flavour, false, (void)0);
	if (flt) {
		l->faults_skel = flt;
		l->faults = true;
		l->maps.user_faults = bpf_map__fd(flt->maps.user_faults);
	} else {
		tp_log("exceptions:page_fault_user is not available (%s): page faults come from /proc only", strerror(-last_err));
	}

	l->syscall_used = "off";
	if (o->syscalls != SYSCALLS_OFF) {
		bool tracepoints = o->syscalls == SYSCALLS_TRACEPOINT ||
				   (o->syscalls == SYSCALLS_AUTO && ensure_tracefs(o->mount_tracefs));
		if (o->syscalls == SYSCALLS_TRACEPOINT && !ensure_tracefs(o->mount_tracefs))
			tp_log("--syscalls tracepoint: tracefs is not mounted at /sys/kernel/tracing; attaching will fail");
		long long large = o->large_file_bytes;
		struct tp_syscalls *sc = LOAD_MODULE(tp_syscalls, flavour, tracepoints, s->rodata->large_file_bytes = large);
		if (!sc && tracepoints && o->syscalls == SYSCALLS_AUTO) {
			tp_log("per-syscall tracepoints cannot attach (%s): using raw sys_enter/sys_exit", strerror(-last_err));
			tracepoints = false;
			sc = LOAD_MODULE(tp_syscalls, flavour, false, s->rodata->large_file_bytes = large);
		}
		if (sc) {
			l->syscalls_skel = sc;
			l->syscalls = true;
			l->syscall_used = tracepoints ? "tracepoint" : "raw";
			l->maps.syscall_counts = bpf_map__fd(sc->maps.syscall_counts);
			l->maps.device_opens = bpf_map__fd(sc->maps.device_opens);
			l->maps.proc_counts = bpf_map__fd(sc->maps.proc_counts);
			l->maps.events = bpf_map__fd(sc->maps.events);
			l->maps.pending = bpf_map__fd(sc->maps.pending);
		} else {
			tp_log("system-call programs cannot be loaded (%s): no mmap/mlock/open metrics", strerror(-last_err));
		}
	}

	struct tp_jvm *jvm = o->usdt ? LOAD_MODULE(tp_jvm, flavour, false, (void)0) : NULL;
	if (jvm) {
		l->jvm_skel = jvm;
		l->jvm = true;
		l->maps.jvm_hist = bpf_map__fd(jvm->maps.jvm_hist);
	} else if (o->usdt) {
		tp_log("USDT programs cannot be loaded (%s): no JVM GC/safepoint timing", strerror(-last_err));
	}
	return 0;
}

#define SET_BITS(skel_type, ptr)                                                                         \
	do {                                                                                             \
		if (ptr) {                                                                               \
			__u64 *bits = ((struct skel_type *)(ptr))->bss->target_bits;                     \
			for (int w = 0; w < 1024; w++)                                                   \
				__atomic_store_n(&bits[w], words[w], __ATOMIC_RELAXED);                  \
		}                                                                                        \
	} while (0)

void loader_set_target_filter(struct loader *l, const uint32_t *tgids, int n)
{
	static __u64 words[1024];
	memset(words, 0, sizeof(words));
	for (int i = 0; i < n; i++)
		words[(tgids[i] >> 6) & 1023] |= 1ULL << (tgids[i] & 63);
	SET_BITS(tp_sched, l->sched_skel);
	SET_BITS(tp_blockio, l->blockio_skel);
	SET_BITS(tp_syscalls, l->syscalls_skel);
	SET_BITS(tp_faults, l->faults_skel);
	SET_BITS(tp_jvm, l->jvm_skel);
}

struct jvm_links {
	struct bpf_link *l[4];
};

struct jvm_links *loader_attach_jvm(struct loader *l, int pid, const char *libjvm)
{
	if (!l->jvm)
		return NULL;
	struct tp_jvm *s = l->jvm_skel;
	struct jvm_links *j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	static const struct {
		const char *provider, *name;
	} probes[4] = {{"hotspot", "gc__begin"}, {"hotspot", "gc__end"}, {"hs_private", "safepoint__begin"}, {"hs_private", "safepoint__end"}};
	struct bpf_program *progs[4] = {s->progs.gc_begin, s->progs.gc_end, s->progs.safepoint_begin, s->progs.safepoint_end};
	int attached = 0;
	for (int i = 0; i < 4; i++) {
		j->l[i] = bpf_program__attach_usdt(progs[i], pid, libjvm, probes[i].provider, probes[i].name, NULL);
		if (!j->l[i]) {
			tp_log_once(probes[i].name, "JVM %d: USDT probe %s:%s not attached (%s): that timing is absent", pid,
				    probes[i].provider, probes[i].name, strerror(errno));
			continue;
		}
		attached++;
	}
	if (!attached) {
		free(j);
		return NULL;
	}
	tp_log("JVM %d: %d of 4 HotSpot USDT probes attached in %s", pid, attached, libjvm);
	return j;
}

void loader_detach_jvm(struct jvm_links *j)
{
	if (!j)
		return;
	for (int i = 0; i < 4; i++)
		bpf_link__destroy(j->l[i]);
	free(j);
}

void loader_stop(struct loader *l)
{
	if (l->jvm_skel)
		tp_jvm__destroy(l->jvm_skel);
	if (l->syscalls_skel)
		tp_syscalls__destroy(l->syscalls_skel);
	if (l->faults_skel)
		tp_faults__destroy(l->faults_skel);
	if (l->blockio_skel)
		tp_blockio__destroy(l->blockio_skel);
	if (l->sched_skel)
		tp_sched__destroy(l->sched_skel);
	if (l->maps.targets >= 0)
		close(l->maps.targets);
	if (l->maps.lost >= 0)
		close(l->maps.lost);
	memset(l, 0, sizeof(*l));
}
