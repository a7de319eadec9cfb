/* A stand-in for libnvidia-ml.so.1, for the helper's tests on machines without an NVIDIA GPU. Test-only: never
 * installed. It behaves as NVML's API reference says (return codes, the buffer-too-small protocol of the process
 * list, versioned entry points) and is steered by environment variables:
 *
 *   FAKE_NVML_GPUS=N              number of GPUs (default 1)
 *   FAKE_NVML_DRIVER=missing      nvmlInit fails with NVML_ERROR_DRIVER_NOT_LOADED
 *   FAKE_NVML_UNSUPPORTED=a,b     fields answering NVML_ERROR_NOT_SUPPORTED: memory utilization temperature power
 *                                 power_limit energy clock pcie processes; "1:temperature" limits one to GPU 1
 *   FAKE_NVML_PROCS=pid:bytes[:gpu],...   compute processes (gpu 0 when not given)
 *   FAKE_NVML_PROCS_FILE=path     the same list read from a file at each call (a test learns pids late)
 *   FAKE_NVML_GROW=K              the process list grows by K entries on each of the first 2 calls after a
 *                                 too-small answer (the list changing between the two calls of the protocol)
 *   FAKE_NVML_UTIL=gpu,mem        utilization percents for every GPU (default 50+i, 30+i)
 *   FAKE_NVML_MEM_USED_PCT=P      memory used as a percent of total (default 12+i)
 *   FAKE_NVML_LOG=path            appends one line per process-list call: "<api> <asked> <answer> <count>"
 *
 * Built twice: the normal library, and with -DFAKE_NVML_OLD_DRIVER an old driver's (no _v2 / _v3 names). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int nvmlReturn_t;
typedef struct fake_device *nvmlDevice_t;
typedef struct { unsigned long long total, free, used; } nvmlMemory_t;
typedef struct { unsigned int gpu, memory; } nvmlUtilization_t;
typedef struct { unsigned int pid; unsigned long long usedGpuMemory; } nvmlProcessInfo_v1_t;
typedef struct { unsigned int pid; unsigned long long usedGpuMemory; unsigned int gpuInstanceId, computeInstanceId; } nvmlProcessInfo_v2_t;

#define OK 0
#define UNINITIALIZED 1
#define INVALID_ARGUMENT 2
#define NOT_SUPPORTED 3
#define INSUFFICIENT_SIZE 7
#define DRIVER_NOT_LOADED 9

struct fake_device { int index; };
static struct fake_device devices[16];
static int initialized;

static int gpus(void)
{
	const char *v = getenv("FAKE_NVML_GPUS");
	int n = v ? atoi(v) : 1;
	return n < 0 ? 0 : n > 16 ? 16 : n;
}

static int unsupported(nvmlDevice_t d, const char *field)
{
	const char *v = getenv("FAKE_NVML_UNSUPPORTED");
	if (!v)
		return 0;
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", v);
	for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
		char *colon = strchr(t, ':');
		if (colon) {
			if (atoi(t) == d->index && strcmp(colon + 1, field) == 0)
				return 1;
		} else if (strcmp(t, field) == 0) {
			return 1;
		}
	}
	return 0;
}

#define CHECK(d, field)                       \
	do {                                  \
		if (!initialized)             \
			return UNINITIALIZED; \
		if (!(d))                     \
			return INVALID_ARGUMENT;     \
		if (unsupported(d, field))    \
			return NOT_SUPPORTED; \
	} while (0)

nvmlReturn_t nvmlInit(void)
{
	const char *drv = getenv("FAKE_NVML_DRIVER");
	if (drv && strcmp(drv, "missing") == 0)
		return DRIVER_NOT_LOADED;
	initialized = 1;
	for (int i = 0; i < 16; i++)
		devices[i].index = i;
	return OK;
}
nvmlReturn_t nvmlShutdown(void) { initialized = 0; return OK; }
nvmlReturn_t nvmlDeviceGetCount(unsigned int *n)
{
	if (!initialized)
		return UNINITIALIZED;
	*n = gpus();
	return OK;
}
nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int i, nvmlDevice_t *d)
{
	if (!initialized)
		return UNINITIALIZED;
	if ((int)i >= gpus())
		return INVALID_ARGUMENT;
	*d = &devices[i];
	return OK;
}
nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char *name, unsigned int len)
{
	CHECK(d, "name");
	snprintf(name, len, "NVIDIA H100 80GB HBM3");
	return OK;
}
nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t d, char *uuid, unsigned int len)
{
	CHECK(d, "uuid");
	snprintf(uuid, len, "GPU-fa4e0000-0000-0000-0000-00000000000%d", d->index);
	return OK;
}
nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t *m)
{
	CHECK(d, "memory");
	const char *p = getenv("FAKE_NVML_MEM_USED_PCT");
	double pct = p ? atof(p) : 12 + d->index;
	m->total = 80ULL << 30;
	m->used = (unsigned long long)(m->total * pct / 100.0);
	m->free = m->total - m->used;
	return OK;
}
nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t d, nvmlUtilization_t *u)
{
	CHECK(d, "utilization");
	const char *v = getenv("FAKE_NVML_UTIL");
	unsigned g = 50 + d->index, m = 30 + d->index;
	if (v)
		sscanf(v, "%u,%u", &g, &m);
	u->gpu = g;
	u->memory = m;
	return OK;
}
nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t d, int sensor, unsigned int *t)
{
	CHECK(d, "temperature");
	if (sensor != 0)
		return INVALID_ARGUMENT;
	*t = 60 + d->index;
	return OK;
}
nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned int *mw)
{
	CHECK(d, "power");
	*mw = 250000 + 1000 * d->index;
	return OK;
}
nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t d, unsigned int *mw)
{
	CHECK(d, "power_limit");
	*mw = 700000;
	return OK;
}
nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t d, unsigned long long *mj)
{
	CHECK(d, "energy");
	*mj = 123456789ULL + d->index;
	return OK;
}
nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t d, int type, unsigned int *mhz)
{
	CHECK(d, "clock");
	if (type == 1)
		*mhz = 1980;
	else if (type == 2)
		*mhz = 2619;
	else
		return INVALID_ARGUMENT;
	return OK;
}
nvmlReturn_t nvmlDeviceGetPcieThroughput(nvmlDevice_t d, int counter, unsigned int *kbs)
{
	CHECK(d, "pcie");
	*kbs = (counter == 1 ? 1000 : 2000) + d->index;
	return OK;
}

/* ---- the process list, with the buffer-too-small protocol ---- */
static int grow_calls;

static int procs_for(nvmlDevice_t d, unsigned int *pids, unsigned long long *bytes, int max)
{
	int n = 0;
	const char *v = getenv("FAKE_NVML_PROCS");
	char file_buf[2048];
	const char *file = getenv("FAKE_NVML_PROCS_FILE");
	if (file) {
		FILE *f = fopen(file, "r");
		size_t len = f ? fread(file_buf, 1, sizeof(file_buf) - 1, f) : 0;
		if (f)
			fclose(f);
		file_buf[len] = 0;
		v = file_buf;
	}
	if (v) {
		char buf[2048];
		snprintf(buf, sizeof(buf), "%s", v);
		for (char *t = strtok(buf, ","); t && n < max; t = strtok(NULL, ",")) {
			unsigned pid = 0, gpu = 0;
			unsigned long long b = 0;
			if (sscanf(t, "%u:%llu:%u", &pid, &b, &gpu) >= 2 && (int)gpu == d->index) {
				pids[n] = pid;
				bytes[n] = b;
				n++;
			}
		}
	}
	const char *g = getenv("FAKE_NVML_GROW");
	int extra = g ? atoi(g) * (grow_calls < 2 ? grow_calls : 2) : 0;
	for (int i = 0; i < extra && n < max; i++) {
		pids[n] = 4000000 + i;
		bytes[n] = 1 << 20;
		n++;
	}
	return n;
}

static void log_call(const char *api, unsigned asked, int answer, unsigned count)
{
	const char *path = getenv("FAKE_NVML_LOG");
	if (!path)
		return;
	FILE *f = fopen(path, "a");
	if (f) {
		fprintf(f, "%s %u %d %u\n", api, asked, answer, count);
		fclose(f);
	}
}

static nvmlReturn_t list(nvmlDevice_t d, unsigned int *count, void *infos, int v2, const char *api)
{
	CHECK(d, "processes");
	if (!count)
		return INVALID_ARGUMENT;
	unsigned pids[256];
	unsigned long long bytes[256];
	int n = procs_for(d, pids, bytes, 256);
	unsigned asked = *count;
	if (asked < (unsigned)n) {
		*count = n;
		grow_calls++; /* the next answer may hold more: a process started in between */
		log_call(api, asked, INSUFFICIENT_SIZE, n);
		return INSUFFICIENT_SIZE;
	}
	if (n > 0 && !infos)
		return INVALID_ARGUMENT;
	for (int i = 0; i < n; i++) {
		if (v2) {
			nvmlProcessInfo_v2_t *p = (nvmlProcessInfo_v2_t *)infos + i;
			p->pid = pids[i];
			p->usedGpuMemory = bytes[i];
			p->gpuInstanceId = 0xFFFFFFFF;
			p->computeInstanceId = 0xFFFFFFFF;
		} else {
			nvmlProcessInfo_v1_t *p = (nvmlProcessInfo_v1_t *)infos + i;
			p->pid = pids[i];
			p->usedGpuMemory = bytes[i];
		}
	}
	*count = n;
	log_call(api, asked, OK, n);
	return OK;
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t d, unsigned int *count, nvmlProcessInfo_v1_t *infos)
{
	return list(d, count, infos, 0, "v1");
}

#ifndef FAKE_NVML_OLD_DRIVER
nvmlReturn_t nvmlInit_v2(void) { return nvmlInit(); }
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *n) { return nvmlDeviceGetCount(n); }
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int i, nvmlDevice_t *d) { return nvmlDeviceGetHandleByIndex(i, d); }
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t d, unsigned int *count, nvmlProcessInfo_v2_t *infos)
{
	return list(d, count, infos, 1, "v2");
}
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t d, unsigned int *count, nvmlProcessInfo_v2_t *infos)
{
	return list(d, count, infos, 1, "v3");
}
#endif
