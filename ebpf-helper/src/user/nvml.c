#include "nvml.h"
#include "nvml_api.h"
#include "log.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *lib;
static int started;

static nvmlReturn_t (*p_init)(void);
static nvmlReturn_t (*p_shutdown)(void);
static nvmlReturn_t (*p_count)(unsigned int *);
static nvmlReturn_t (*p_handle)(unsigned int, nvmlDevice_t *);
static nvmlReturn_t (*p_name)(nvmlDevice_t, char *, unsigned int);
static nvmlReturn_t (*p_uuid)(nvmlDevice_t, char *, unsigned int);
static nvmlReturn_t (*p_memory)(nvmlDevice_t, nvmlMemory_t *);
static nvmlReturn_t (*p_util)(nvmlDevice_t, nvmlUtilization_t *);
static nvmlReturn_t (*p_temp)(nvmlDevice_t, int, unsigned int *);
static nvmlReturn_t (*p_power)(nvmlDevice_t, unsigned int *);
static nvmlReturn_t (*p_power_limit)(nvmlDevice_t, unsigned int *);
static nvmlReturn_t (*p_energy)(nvmlDevice_t, unsigned long long *);
static nvmlReturn_t (*p_clock)(nvmlDevice_t, int, unsigned int *);
static nvmlReturn_t (*p_pcie)(nvmlDevice_t, int, unsigned int *);
static nvmlReturn_t (*p_procs_v2)(nvmlDevice_t, unsigned int *, nvmlProcessInfo_v2_t *); /* _v3 or _v2 */
static nvmlReturn_t (*p_procs_v1)(nvmlDevice_t, unsigned int *, nvmlProcessInfo_v1_t *);
static const char *procs_api = "none";

static nvmlProcessInfo_v2_t *proc_buf;
static unsigned int proc_cap;
static struct gpu_proc *procs_out[64];

static void *sym(const char *name)
{
	return lib ? dlsym(lib, name) : NULL;
}

/* The newest versioned name first, then older ones: old drivers lack the _v2/_v3 symbols. */
static void *sym_versions(const char *base, const char **which)
{
	static const char *suffix[] = {"_v3", "_v2", ""};
	static const char *label[] = {"v3", "v2", "v1"};
	char name[96];
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "%s%s", base, suffix[i]);
		void *p = sym(name);
		if (p) {
			if (which)
				*which = label[i];
			return p;
		}
	}
	return NULL;
}

enum nvml_status nvml_start(const char *path)
{
	lib = dlopen(path ? path : "libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		tp_log("NVML: %s cannot be loaded (%s): no GPU metrics", path ? path : "libnvidia-ml.so.1", dlerror());
		return NVML_STATUS_NO_LIBRARY;
	}
	p_init = sym("nvmlInit_v2");
	if (!p_init)
		p_init = sym("nvmlInit");
	p_shutdown = sym("nvmlShutdown");
	p_count = sym("nvmlDeviceGetCount_v2");
	if (!p_count)
		p_count = sym("nvmlDeviceGetCount");
	p_handle = sym("nvmlDeviceGetHandleByIndex_v2");
	if (!p_handle)
		p_handle = sym("nvmlDeviceGetHandleByIndex");
	p_name = sym("nvmlDeviceGetName");
	p_uuid = sym("nvmlDeviceGetUUID");
	p_memory = sym("nvmlDeviceGetMemoryInfo");
	p_util = sym("nvmlDeviceGetUtilizationRates");
	p_temp = sym("nvmlDeviceGetTemperature");
	p_power = sym("nvmlDeviceGetPowerUsage");
	p_power_limit = sym("nvmlDeviceGetEnforcedPowerLimit");
	p_energy = sym("nvmlDeviceGetTotalEnergyConsumption");
	p_clock = sym("nvmlDeviceGetClockInfo");
	p_pcie = sym("nvmlDeviceGetPcieThroughput");
	const char *which = "none";
	void *pv = sym_versions("nvmlDeviceGetComputeRunningProcesses", &which);
	if (pv && strcmp(which, "v1") == 0)
		p_procs_v1 = pv;
	else
		p_procs_v2 = pv;
	procs_api = which;
	if (!p_init || !p_count || !p_handle) {
		tp_log("NVML: the library lacks nvmlInit/nvmlDeviceGetCount/nvmlDeviceGetHandleByIndex: no GPU metrics");
		dlclose(lib);
		lib = NULL;
		return NVML_STATUS_ERROR;
	}
	nvmlReturn_t r = p_init();
	if (r == NVML_ERROR_DRIVER_NOT_LOADED) {
		tp_log("NVML: the NVIDIA driver is not loaded: no GPU metrics");
		return NVML_STATUS_NO_DRIVER;
	}
	if (r != NVML_SUCCESS) {
		tp_log("NVML: nvmlInit failed with error %d: no GPU metrics", r);
		return NVML_STATUS_ERROR;
	}
	started = 1;
	return NVML_STATUS_OK;
}

const char *nvml_status_name(enum nvml_status s)
{
	switch (s) {
	case NVML_STATUS_OK: return "ok";
	case NVML_STATUS_NO_LIBRARY: return "no_library";
	case NVML_STATUS_NO_DRIVER: return "no_driver";
	case NVML_STATUS_OFF: return "off";
	default: return "error";
	}
}

const char *nvml_process_api(void)
{
	return started ? procs_api : "none";
}

/* A field read: success keeps the value, NOT_SUPPORTED leaves it absent quietly, anything else is logged once. */
static bool field_ok(nvmlReturn_t r, int gpu, const char *field)
{
	if (r == NVML_SUCCESS)
		return true;
	char key[64];
	snprintf(key, sizeof(key), "nvml:%d:%s:%d", gpu, field, r);
	if (r == NVML_ERROR_NOT_SUPPORTED)
		tp_log_once(key, "NVML: GPU %d does not support %s: that series is absent for it", gpu, field);
	else
		tp_log_once(key, "NVML: GPU %d: reading %s failed with error %d: that series is absent while it fails", gpu, field, r);
	return false;
}

/* The running compute processes: ask with the buffer we have; when the driver says it is too small it also says
 * how many there are now, so grow and ask again (the list may grow in between: a few tries). */
static int read_procs(nvmlDevice_t d, int gpu, struct gpu_proc **out)
{
	if (!p_procs_v1 && !p_procs_v2)
		return -1;
	for (int attempt = 0; attempt < 4; attempt++) {
		unsigned int n = proc_cap;
		nvmlReturn_t r;
		if (p_procs_v2) {
			r = p_procs_v2(d, &n, proc_buf);
		} else {
			nvmlProcessInfo_v1_t *v1 = proc_cap ? malloc(sizeof(*v1) * proc_cap) : NULL;
			if (proc_cap && !v1)
				return -1;
			r = p_procs_v1(d, &n, v1);
			for (unsigned int i = 0; r == NVML_SUCCESS && i < n && i < proc_cap; i++) {
				proc_buf[i].pid = v1[i].pid;
				proc_buf[i].usedGpuMemory = v1[i].usedGpuMemory;
			}
			free(v1);
		}
		if (r == NVML_ERROR_INSUFFICIENT_SIZE) {
			unsigned int want = n > proc_cap ? n + 8 : proc_cap * 2 + 8;
			if (want > GPU_MAX_PROCS)
				want = GPU_MAX_PROCS;
			if (want <= proc_cap) {
				tp_log_once("nvml:procs:cap", "NVML: more than %d processes on a GPU: process memory is not reported", GPU_MAX_PROCS);
				return -1;
			}
			nvmlProcessInfo_v2_t *nb = realloc(proc_buf, sizeof(*nb) * want);
			if (!nb)
				return -1;
			proc_buf = nb;
			proc_cap = want;
			continue;
		}
		if (!field_ok(r, gpu, "compute processes"))
			return -1;
		if (n > proc_cap)
			n = proc_cap;
		struct gpu_proc *o = realloc(*out, sizeof(*o) * (n ? n : 1));
		if (!o)
			return -1;
		*out = o;
		for (unsigned int i = 0; i < n; i++) {
			o[i].pid = proc_buf[i].pid;
			o[i].used = proc_buf[i].usedGpuMemory;
		}
		return (int)n;
	}
	tp_log_once("nvml:procs:race", "NVML: the process list kept growing while it was read: process memory skipped this time");
	return -1;
}

int nvml_sample(struct gpu_sample *out, int max)
{
	if (!started)
		return 0;
	unsigned int count = 0;
	if (p_count(&count) != NVML_SUCCESS)
		return 0;
	int n = 0;
	for (unsigned int i = 0; i < count && n < max && n < 64; i++) {
		nvmlDevice_t d;
		if (p_handle(i, &d) != NVML_SUCCESS)
			continue;
		struct gpu_sample *g = &out[n];
		memset(g, 0, sizeof(*g));
		g->index = i;
		if (!p_name || p_name(d, g->name, sizeof(g->name)) != NVML_SUCCESS)
			snprintf(g->name, sizeof(g->name), "unknown");
		if (!p_uuid || p_uuid(d, g->uuid, sizeof(g->uuid)) != NVML_SUCCESS)
			snprintf(g->uuid, sizeof(g->uuid), "gpu-%u", i);
		nvmlMemory_t mem;
		if (p_memory && field_ok(p_memory(d, &mem), i, "memory")) {
			g->has_mem = true;
			g->mem_used = mem.used;
			g->mem_total = mem.total;
		}
		nvmlUtilization_t u;
		if (p_util && field_ok(p_util(d, &u), i, "utilization")) {
			g->has_util = true;
			g->util_gpu = u.gpu;
			g->util_mem = u.memory;
		}
		g->has_temp = p_temp && field_ok(p_temp(d, NVML_TEMPERATURE_GPU, &g->temp_c), i, "temperature");
		g->has_power = p_power && field_ok(p_power(d, &g->power_mw), i, "power");
		g->has_power_limit = p_power_limit && field_ok(p_power_limit(d, &g->power_limit_mw), i, "power limit");
		g->has_energy = p_energy && field_ok(p_energy(d, &g->energy_mj), i, "energy");
		g->has_sm_clock = p_clock && field_ok(p_clock(d, NVML_CLOCK_SM, &g->sm_mhz), i, "SM clock");
		g->has_mem_clock = p_clock && field_ok(p_clock(d, NVML_CLOCK_MEM, &g->mem_mhz), i, "memory clock");
		g->has_pcie_rx = p_pcie && field_ok(p_pcie(d, NVML_PCIE_UTIL_RX_BYTES, &g->pcie_rx_kbs), i, "PCIe rx");
		g->has_pcie_tx = p_pcie && field_ok(p_pcie(d, NVML_PCIE_UTIL_TX_BYTES, &g->pcie_tx_kbs), i, "PCIe tx");
		int np = read_procs(d, i, &procs_out[n]);
		g->has_procs = np >= 0;
		g->nprocs = np > 0 ? np : 0;
		g->procs = procs_out[n];
		n++;
	}
	return n;
}

void nvml_stop(void)
{
	if (started && p_shutdown)
		p_shutdown();
	started = 0;
	if (lib)
		dlclose(lib);
	lib = NULL;
	free(proc_buf);
	proc_buf = NULL;
	proc_cap = 0;
	for (int i = 0; i < 64; i++) {
		free(procs_out[i]);
		procs_out[i] = NULL;
	}
}
