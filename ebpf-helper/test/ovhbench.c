/* Per-event cost of what the helper traces, for bench/helper-overhead: each test runs its operation in a tight
 * loop and prints "<test> <ns per operation>" (the median of 5 repetitions). With --wait it first prints "ready"
 * and waits for a line on stdin, so a helper can start measuring this very process before the loops run.
 *
 *   syscall   getppid(): a system call the helper does not trace (the cost every process pays)
 *   open      open + close of a small file
 *   mmap      mmap + munmap of 4 KiB anonymous memory
 *   fault     first touch of a fresh anonymous page (one user page fault)
 *   switch    a context switch: two threads on one CPU passing a byte through pipes
 */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double t_syscall(long n)
{
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		getppid();
	return (now_ns() - t0) / n;
}

static double t_open(long n)
{
	double t0 = now_ns();
	for (long i = 0; i < n; i++) {
		int fd = open("/etc/hostname", O_RDONLY);
		if (fd >= 0)
			close(fd);
	}
	return (now_ns() - t0) / n;
}

static double t_mmap(long n)
{
	double t0 = now_ns();
	for (long i = 0; i < n; i++) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		munmap(p, 4096);
	}
	return (now_ns() - t0) / n;
}

static double t_fault(long n)
{
	size_t len = (size_t)n * 4096;
	volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	madvise((void *)p, len, MADV_NOHUGEPAGE);
	double t0 = now_ns();
	for (size_t o = 0; o < len; o += 4096)
		p[o] = 1;
	double t = (now_ns() - t0) / n;
	munmap((void *)p, len);
	return t;
}

static int ping[2], pong[2];
static long rounds;

static void pin(int cpu)
{
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	sched_setaffinity(0, sizeof(s), &s);
}

static void *echo(void *arg)
{
	pin(1);
	char c;
	for (long i = 0; i < rounds; i++) {
		if (read(ping[0], &c, 1) != 1 || write(pong[1], &c, 1) != 1)
			break;
	}
	return NULL;
}

static double t_switch(long n)
{
	if (pipe(ping) || pipe(pong))
		return -1;
	rounds = n;
	pthread_t t;
	pin(1);
	pthread_create(&t, NULL, echo, NULL);
	char c = 'x';
	double t0 = now_ns();
	for (long i = 0; i < n; i++) {
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
			break;
	}
	double t1 = now_ns();
	pthread_join(t, NULL);
	close(ping[0]); close(ping[1]); close(pong[0]); close(pong[1]);
	/* each round trip is two switches (and two reads and two writes, which the pipe costs anyway) */
	return (t1 - t0) / (2.0 * n);
}

int main(int argc, char **argv)
{
	int wait = argc > 1 && !strcmp(argv[1], "--wait");
	if (wait) {
		char line[16];
		printf("ready\n");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return 1;
	}
	struct {
		const char *name;
		double (*fn)(long);
		long n;
	} tests[] = {{"syscall", t_syscall, 2000000}, {"open", t_open, 200000}, {"mmap", t_mmap, 200000},
		     {"fault", t_fault, 100000}, {"switch", t_switch, 100000}};
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		double r[5];
		for (int k = 0; k < 5; k++)
			r[k] = tests[i].fn(tests[i].n);
		qsort(r, 5, sizeof(double), cmp);
		printf("%s %.1f\n", tests[i].name, r[2]);
		fflush(stdout);
	}
	return 0;
}
