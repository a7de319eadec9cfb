/* A process with known behaviour, for the helper's tests: it does exactly what it is told on stdin, one command
 * per line, and answers "ok <command>" when done (or "err <reason>"). Between commands it makes no system call
 * the helper counts, so a test can compare the helper's numbers before and after a command exactly.
 *
 *   mmap PATH        open, mmap the whole file, touch every page, munmap, close
 *   anon N           mmap N anonymous bytes, mlock them, munlock, munmap
 *   anon2 N          the same with mlock2
 *   mlockall         mlockall(MCL_CURRENT), munlockall
 *   open PATH        openat PATH read-only (close it when it opened)
 *   write PATH N     write N bytes with O_DIRECT into PATH, then fdatasync (an existing file of that size
 *                    changes no metadata that must be written: only its data reaches the disk)
 *   read PATH N      read N bytes with O_DIRECT from PATH (blocks on the disk: off CPU in state io)
 *   sleep MS         sleep MS milliseconds in a thread named tp-sleeper
 *   wait MS          sleep MS milliseconds in the main thread (a script waiting for the helper to attach)
 *   spin MS T        T threads named tp-spin-<i>, all pinned to CPU 0, spin for MS milliseconds each
 *   quit
 *
 * `workload --script "cmd;cmd;..."` runs the commands by itself (no stdin), then waits until stdin closes: for
 * tests where nothing can talk to it (inside a pid namespace of its own).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void reply(const char *status, const char *cmd, const char *detail)
{
	printf("%s %s%s%s\n", status, cmd, detail ? " " : "", detail ? detail : "");
	fflush(stdout);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int do_mmap(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	struct stat st;
	fstat(fd, &st);
	volatile char *p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		close(fd);
		return -1;
	}
	long page = sysconf(_SC_PAGESIZE);
	unsigned sum = 0;
	for (off_t o = 0; o < st.st_size; o += page)
		sum += p[o];
	munmap((void *)p, st.st_size);
	close(fd);
	return (int)(sum & 0);
}

static int do_anon(size_t n, int use_mlock2)
{
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	int r = use_mlock2 ? (int)syscall(SYS_mlock2, p, n, 0) : mlock(p, n);
	munlock(p, n);
	munmap(p, n);
	return r;
}

static void *sleeper(void *arg)
{
	prctl(PR_SET_NAME, "tp-sleeper");
	long ms = (long)arg;
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
	return NULL;
}

struct spin_arg {
	int index;
	long ms;
};

static void *spinner(void *arg)
{
	struct spin_arg *a = arg;
	char name[16];
	snprintf(name, sizeof(name), "tp-spin-%d", a->index);
	prctl(PR_SET_NAME, name);
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
	double end = now_ms() + a->ms;
	volatile unsigned long x = 0;
	while (now_ms() < end)
		x++;
	return NULL;
}

static int do_direct(const char *path, size_t n, int write_it)
{
	void *buf;
	if (posix_memalign(&buf, 4096, n))
		return -1;
	memset(buf, 0x5a, n);
	int fd = open(path, (write_it ? O_WRONLY | O_CREAT : O_RDONLY) | O_DIRECT, 0644);
	if (fd < 0) {
		free(buf);
		return -1;
	}
	ssize_t r = write_it ? write(fd, buf, n) : read(fd, buf, n);
	if (write_it && r == (ssize_t)n)
		fdatasync(fd);
	close(fd);
	free(buf);
	return r == (ssize_t)n ? 0 : -1;
}

static char *next_script_line(char **script, char *line, size_t n)
{
	if (!*script || !**script)
		return NULL;
	char *end = strchr(*script, ';');
	size_t len = end ? (size_t)(end - *script) : strlen(*script);
	snprintf(line, n, "%.*s", (int)len, *script);
	*script = end ? end + 1 : *script + len;
	return line;
}

int main(int argc, char **argv)
{
	char line[4096];
	char *script = argc == 3 && !strcmp(argv[1], "--script") ? argv[2] : NULL;
	/* stdio allocates its buffers on first use: do that before the first measurement */
	reply("ready", "", NULL);
	while (script ? next_script_line(&script, line, sizeof(line)) != NULL : fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = 0;
		char cmd[32] = "", a[2048] = "", b[64] = "";
		sscanf(line, "%31s %2047s %63s", cmd, a, b);
		int r = 0;
		if (!strcmp(cmd, "mmap"))
			r = do_mmap(a);
		else if (!strcmp(cmd, "anon"))
			r = do_anon(strtoull(a, NULL, 0), 0);
		else if (!strcmp(cmd, "anon2"))
			r = do_anon(strtoull(a, NULL, 0), 1);
		else if (!strcmp(cmd, "mlockall")) {
			r = mlockall(MCL_CURRENT);
			munlockall();
		} else if (!strcmp(cmd, "open")) {
			int fd = open(a, O_RDONLY);
			if (fd >= 0)
				close(fd);
			r = 0; /* a failed open is what some tests want */
		} else if (!strcmp(cmd, "write"))
			r = do_direct(a, strtoull(b, NULL, 0), 1);
		else if (!strcmp(cmd, "read"))
			r = do_direct(a, strtoull(b, NULL, 0), 0);
		else if (!strcmp(cmd, "sleep")) {
			pthread_t t;
			pthread_create(&t, NULL, sleeper, (void *)strtol(a, NULL, 0));
			pthread_join(t, NULL);
		} else if (!strcmp(cmd, "wait")) {
			long ms = strtol(a, NULL, 0);
			struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
			nanosleep(&ts, NULL);
		} else if (!strcmp(cmd, "spin")) {
			int n = atoi(b);
			pthread_t t[64];
			struct spin_arg args[64];
			for (int i = 0; i < n && i < 64; i++) {
				args[i] = (struct spin_arg){i, strtol(a, NULL, 0)};
				pthread_create(&t[i], NULL, spinner, &args[i]);
			}
			for (int i = 0; i < n && i < 64; i++)
				pthread_join(t[i], NULL);
		} else if (!strcmp(cmd, "quit")) {
			reply("ok", cmd, NULL);
			return 0;
		} else {
			reply("err", cmd, "unknown command");
			continue;
		}
		if (r)
			reply("err", cmd, strerror(errno));
		else
			reply("ok", cmd, NULL);
	}
	if (script) {
		reply("done", "script", NULL);
		while (fgets(line, sizeof(line), stdin)) {
		}
	}
	return 0;
}
