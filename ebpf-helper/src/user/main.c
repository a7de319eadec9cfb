/* tokenpath-helper: kernel (eBPF) and GPU (NVML) metrics for the processes that ask, in the line protocol of
 * docs/helper.md. Daemon mode serves each socket client its own process; --pid mode writes one process's
 * batches to stdout (the agent's spawn mode, and `watch`). */
#include "caps.h"
#include "collect.h"
#include "loader.h"
#include "log.h"
#include "nvml.h"
#include "procfs.h"
#include "protocol.h"
#include "session.h"
#include "targets.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "tp_types.h"
#include "tp_shared.h"

#define MAX_SESSIONS 256

struct options {
	const char *socket_path;
	unsigned socket_mode;
	int pid;
	int interval_ms;
	long long batches; /* stop after this many (0: run until stopped) */
	enum attach_mode attach;
	enum syscall_mode syscalls;
	bool mount_tracefs;
	long long large_file;
	const char *nvml_lib;
	bool no_nvml;
	bool keep_caps;
	bool no_usdt;
	int max_clients;
};

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig) { stop_requested = sig; }

static struct session sessions[MAX_SESSIONS];
static int nsessions;
static struct loader loader;
static struct node_sample node;
static char hello_fields[512];

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tokenpath-helper --socket PATH [options]   serve each connecting process its own metrics\n"
		"       tokenpath-helper --pid N [options]          one process's metrics on stdout\n"
		"options:\n"
		"  --socket-mode OCTAL   permissions of the socket (default 0666: any local process may ask about itself)\n"
		"  --interval-ms N       batch interval (default 1000)\n"
		"  --batches N           exit after N batches (default: run until SIGTERM / the target exits)\n"
		"  --attach MODE         auto | tp_btf | raw_tp (default auto: tp_btf, raw_tp where it cannot load)\n"
		"  --syscalls MODE       auto | tracepoint | raw | off (default auto: per-syscall tracepoints when\n"
		"                        tracefs is usable, else raw sys_enter/sys_exit)\n"
		"  --no-mount-tracefs    do not mount tracefs privately when it is missing\n"
		"  --large-file BYTES    report opens of regular files at least this big (default 67108864)\n"
		"  --nvml-lib PATH       NVML library to load (refused when running set-uid or with file capabilities)\n"
		"  --no-nvml             no GPU metrics\n"
		"  --max-clients N       connections served at once (default 64)\n"
		"  --keep-caps           keep all capabilities after attaching (default: drop to the runtime set)\n"
		"  --no-usdt             no JVM GC/safepoint probes; a daemon then drops CAP_SYS_ADMIN too\n"
		"  --verbose             libbpf's messages too\n"
		"  --version\n");
}

static int parse_mode(const char *v, const char *const names[], int n, const char *opt)
{
	for (int i = 0; i < n; i++)
		if (strcmp(v, names[i]) == 0)
			return i;
	fprintf(stderr, "[tokenpath-helper] %s: '%s' is not one of", opt, v);
	for (int i = 0; i < n; i++)
		fprintf(stderr, " %s", names[i]);
	fprintf(stderr, "\n");
	exit(64);
}

static long long parse_number(const char *v, const char *opt, long long min, long long max)
{
	char *end;
	errno = 0;
	long long x = strtoll(v, &end, 0);
	if (errno || *end || x < min || x > max) {
		fprintf(stderr, "[tokenpath-helper] %s: '%s' is not a number in %lld..%lld\n", opt, v, min, max);
		exit(64);
	}
	return x;
}

static void parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longs[] = {
		{"socket", required_argument, 0, 's'}, {"socket-mode", required_argument, 0, 'm'},
		{"pid", required_argument, 0, 'p'}, {"stdout", no_argument, 0, 'o'},
		{"interval-ms", required_argument, 0, 'i'}, {"batches", required_argument, 0, 'b'},
		{"attach", required_argument, 0, 'a'}, {"syscalls", required_argument, 0, 'y'},
		{"no-mount-tracefs", no_argument, 0, 'T'}, {"large-file", required_argument, 0, 'l'},
		{"nvml-lib", required_argument, 0, 'n'}, {"no-nvml", no_argument, 0, 'N'},
		{"max-clients", required_argument, 0, 'c'}, {"keep-caps", no_argument, 0, 'K'},
		{"no-usdt", no_argument, 0, 'U'},
		{"verbose", no_argument, 0, 'v'}, {"version", no_argument, 0, 'V'}, {"help", no_argument, 0, 'h'},
		{0, 0, 0, 0}};
	static const char *const attach_names[] = {"auto", "tp_btf", "raw_tp"};
	static const char *const syscall_names[] = {"auto", "tracepoint", "raw", "off"};
	*o = (struct options){.socket_mode = 0666, .interval_ms = 1000, .mount_tracefs = true,
			      .large_file = 64LL << 20, .max_clients = 64};
	int c;
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 's': o->socket_path = optarg; break;
		case 'm': o->socket_mode = parse_number(optarg, "--socket-mode", 0, 0777); break;
		case 'p': o->pid = parse_number(optarg, "--pid", 1, 1 << 30); break;
		case 'o': break; /* --pid always writes to stdout; accepted for clarity */
		case 'i': o->interval_ms = parse_number(optarg, "--interval-ms", 50, 3600 * 1000); break;
		case 'b': o->batches = parse_number(optarg, "--batches", 1, 1LL << 40); break;
		case 'a': o->attach = parse_mode(optarg, attach_names, 3, "--attach"); break;
		case 'y': o->syscalls = parse_mode(optarg, syscall_names, 4, "--syscalls"); break;
		case 'T': o->mount_tracefs = false; break;
		case 'l': o->large_file = parse_number(optarg, "--large-file", 1, 1LL << 50); break;
		case 'n': o->nvml_lib = optarg; break;
		case 'N': o->no_nvml = true; break;
		case 'c': o->max_clients = parse_number(optarg, "--max-clients", 1, MAX_SESSIONS); break;
		case 'K': o->keep_caps = true; break;
		case 'U': o->no_usdt = true; break;
		case 'v': tp_verbose = true; break;
		case 'V': printf("tokenpath-helper %s (protocol %d)\n", TP_HELPER_VERSION, TP_PROTOCOL_VERSION); exit(0);
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(64);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "[tokenpath-helper] unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		exit(64);
	}
	if (!o->socket_path == !o->pid) {
		fprintf(stderr, "[tokenpath-helper] give exactly one of --socket PATH or --pid N\n");
		usage(stderr);
		exit(64);
	}
	if (o->pid && !proc_alive(o->pid)) {
		fprintf(stderr, "[tokenpath-helper] --pid %d: no such process\n", o->pid);
		exit(66);
	}
}

static uint64_t unix_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int open_session(struct session *s, int pid)
{
	s->target = target_acquire(&loader, pid);
	if (!s->target)
		return -1;
	char fields[700];
	snprintf(fields, sizeof(fields), "pid=%d start_unix_ns=%llu %s", pid, (unsigned long long)unix_ns(), hello_fields);
	proto_hello(&s->out, fields);
	return 0;
}

static void end_session(struct session *s, const char *reason)
{
	if (reason) {
		proto_close(&s->out, reason);
		session_flush(s);
	}
	target_release(&loader, s->target);
	s->target = NULL;
	session_close(s);
}

static void send_batch(struct session *s)
{
	s->seq++;
	proto_begin(&s->out, s->seq, unix_ns());
	collect_process(&s->out, &s->st, &loader, s->target, &node);
	collect_node(&s->out, &s->st, &loader, &node, target_host_pid(&loader, s->target), loader.syscall_used,
		     loader.attach_used);
	proto_end(&s->out, s->seq);
}

/* Ring buffer: large-file opens, routed to the sessions of that process. */
static int on_event(void *ctx, void *data, size_t len)
{
	const struct tp_open_event *e = data;
	if (len < sizeof(*e))
		return 0;
	char path[TP_PATH_LEN + 1], size[32], tid[16], fd[16];
	memcpy(path, e->path, TP_PATH_LEN);
	path[TP_PATH_LEN] = 0;
	snprintf(size, sizeof(size), "%lld", (long long)e->size);
	snprintf(tid, sizeof(tid), "%u", e->tid);
	snprintf(fd, sizeof(fd), "%d", e->fd);
	struct label fields[] = {{"path", path}, {"size", size}, {"tid", tid}, {"fd", fd}, {"truncated", e->truncated ? "1" : "0"}};
	for (int i = 0; i < nsessions; i++)
		if (sessions[i].fd >= 0 && sessions[i].target && sessions[i].target->pid == (int)e->tgid)
			proto_event(&sessions[i].out, &sessions[i].st, M_LARGE_FILE_OPEN_EVENT, NULL, 0, fields, 5);
	return 0;
}

static void compact_sessions(void)
{
	int j = 0;
	for (int i = 0; i < nsessions; i++)
		if (sessions[i].fd >= 0)
			sessions[j++] = sessions[i];
	nsessions = j;
}

static uint32_t pidns_setup(uint64_t *ino_out)
{
	uint64_t dev, ino;
	*ino_out = 0;
	if (!self_pidns(&dev, &ino) || ino == PIDNS_INIT_INO)
		return 0;
	uint32_t level = 0;
	if (loader_probe_pidns_level(dev, ino, &level)) {
		tp_log("running in a pid namespace whose level the kernel did not tell: pids are taken as host pids");
		return 0;
	}
	*ino_out = ino;
	tp_log("running in a pid namespace (level %u): host pids are translated into it", level);
	return level;
}

int main(int argc, char **argv)
{
	struct options o;
	parse_options(argc, argv, &o);
	setvbuf(stderr, NULL, _IOLBF, 0);

	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask); /* no SA_RESTART: poll() must return on SIGTERM */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* a privileged binary does not take a library path from whoever runs it, as ld.so ignores LD_LIBRARY_PATH */
	const char *nvml_lib = o.nvml_lib ? o.nvml_lib : getenv("TOKENPATH_NVML_LIB");
	if (nvml_lib && caps_secure_exec()) {
		tp_log("refusing %s %s: the helper runs with elevated privileges (set-uid or file capabilities), so a "
		       "library path from the caller is not trusted; using the system's libnvidia-ml.so.1",
		       o.nvml_lib ? "--nvml-lib" : "TOKENPATH_NVML_LIB", nvml_lib);
		nvml_lib = NULL;
	}

	struct loader_opts lo = {.attach = o.attach, .syscalls = o.syscalls, .mount_tracefs = o.mount_tracefs,
				 .large_file_bytes = o.large_file, .usdt = !o.no_usdt};
	lo.pidns_level = pidns_setup(&lo.pidns_ino);
	if (loader_start(&loader, &lo)) {
		loader_stop(&loader);
		return 69;
	}
	node.nvml = o.no_nvml ? NVML_STATUS_OFF : nvml_start(nvml_lib);

	int lfd = -1;
	if (o.socket_path && (lfd = server_listen(o.socket_path, o.socket_mode)) < 0) {
		loader_stop(&loader);
		return 73;
	}
	struct ring_buffer *rb = loader.syscalls ? ring_buffer__new(loader.maps.events, on_event, NULL, NULL) : NULL;

	snprintf(hello_fields, sizeof(hello_fields),
		 "version=%s interval_ms=%d syscall_mode=%s attach=%s nvml=%s nvml_processes=%s modules=%s%s%s%s%s",
		 TP_HELPER_VERSION, o.interval_ms, loader.syscall_used, loader.attach_used, nvml_status_name(node.nvml),
		 nvml_process_api(), "sched", loader.blockio ? ",blockio" : "", loader.syscalls ? ",syscalls" : "",
		 loader.faults ? ",faults" : "", loader.jvm ? ",jvm" : "");
	/* --pid: the one target (and its USDT probes) is attached before the privileges go */
	if (o.pid) {
		struct session *s = &sessions[nsessions++];
		memset(s, 0, sizeof(*s));
		s->fd = 1;
		s->is_stdout = true;
		s->pid = o.pid;
		if (open_session(s, o.pid)) {
			loader_stop(&loader);
			return 70;
		}
	}
	if (!o.keep_caps)
		caps_drop_to_runtime(o.socket_path && loader.jvm);
	char caps[256];
	caps_describe(caps, sizeof(caps));
	tp_log("%s; %s; capabilities now: %s", o.socket_path ? o.socket_path : "stdout", hello_fields, caps);
	if (o.socket_path)
		tp_log("serving on %s (mode %03o)", o.socket_path, o.socket_mode);

	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	struct itimerspec its = {.it_interval = {o.interval_ms / 1000, (o.interval_ms % 1000) * 1000000L},
				 .it_value = {o.interval_ms / 1000, (o.interval_ms % 1000) * 1000000L}};
	timerfd_settime(tfd, 0, &its, NULL);
	long long batches = 0;
	int exit_code = 0;

	/* the first batch at once: a consumer gets data without waiting an interval */
	bool tick = true;
	while (!stop_requested) {
		if (tick) {
			tick = false;
			if (nsessions > 0)
				node_sample_take(&node);
			for (int i = 0; i < nsessions; i++) {
				struct session *s = &sessions[i];
				if (s->fd < 0)
					continue;
				if (!proc_alive(s->pid)) {
					if (s->is_stdout) {
						send_batch(s);
						stop_requested = -1;
					}
					end_session(s, "target exited");
					continue;
				}
				send_batch(s);
			}
			batches++;
		}
		for (int i = 0; i < nsessions; i++)
			if (sessions[i].fd >= 0 && session_flush(&sessions[i])) {
				if (sessions[i].is_stdout)
					stop_requested = -1;
				end_session(&sessions[i], NULL);
			}
		compact_sessions();
		if (o.batches && batches >= o.batches)
			break;
		if (o.pid && nsessions == 0)
			break;

		struct pollfd pfd[MAX_SESSIONS + 3];
		int np = 0;
		pfd[np++] = (struct pollfd){.fd = tfd, .events = POLLIN};
		int rb_idx = -1, lfd_idx = -1;
		if (rb) {
			rb_idx = np;
			pfd[np++] = (struct pollfd){.fd = ring_buffer__epoll_fd(rb), .events = POLLIN};
		}
		if (lfd >= 0 && nsessions < o.max_clients) {
			lfd_idx = np;
			pfd[np++] = (struct pollfd){.fd = lfd, .events = POLLIN};
		}
		int first_session = np;
		for (int i = 0; i < nsessions; i++) {
			short ev = sessions[i].is_stdout ? 0 : POLLIN;
			if (outbuf_pending(&sessions[i].out))
				ev |= POLLOUT;
			pfd[np++] = (struct pollfd){.fd = sessions[i].fd, .events = ev};
		}
		int r = poll(pfd, np, -1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			tp_log("poll: %s", strerror(errno));
			exit_code = 1;
			break;
		}
		if (pfd[0].revents & POLLIN) {
			uint64_t expirations;
			if (read(tfd, &expirations, sizeof(expirations)) > 0)
				tick = true;
		}
		if (rb_idx >= 0 && (pfd[rb_idx].revents & POLLIN))
			ring_buffer__consume(rb);
		for (int i = 0; i < nsessions; i++) {
			short re = pfd[first_session + i].revents;
			struct session *s = &sessions[i];
			if (s->is_stdout && (re & (POLLERR | POLLHUP))) {
				stop_requested = -1; /* the reader went away */
				end_session(s, NULL);
				continue;
			}
			if (!s->is_stdout && (re & (POLLIN | POLLHUP | POLLERR)) && session_read(s))
				end_session(s, NULL);
		}
		compact_sessions();
		if (lfd_idx >= 0 && (pfd[lfd_idx].revents & POLLIN)) {
			struct session *s = &sessions[nsessions];
			if (server_accept(lfd, s) == 0) {
				if (open_session(s, s->pid) == 0) {
					nsessions++;
					tp_log("client pid %d (uid %u) connected", s->pid, (unsigned)s->uid);
				} else {
					proto_close(&s->out, "cannot monitor this process");
					session_flush(s);
					session_close(s);
				}
			}
		}
	}
	if (stop_requested > 0)
		tp_log("stopping on signal %d", (int)stop_requested);
	for (int i = 0; i < nsessions; i++)
		if (sessions[i].fd >= 0)
			end_session(&sessions[i], "helper stopping");
	if (lfd >= 0) {
		close(lfd);
		unlink(o.socket_path);
	}
	ring_buffer__free(rb);
	nvml_stop();
	loader_stop(&loader);
	return exit_code;
}
