/* Node GPU metrics through NVML, loaded with dlopen: nothing to link, clean degradation without a driver, per
 * field (a field the GPU does not support is absent, never zero). */
#ifndef TP_NVML_H
#define TP_NVML_H

#include <stdbool.h>
#include <stdint.h>

enum nvml_status { NVML_STATUS_OK, NVML_STATUS_NO_LIBRARY, NVML_STATUS_NO_DRIVER, NVML_STATUS_ERROR, NVML_STATUS_OFF };

#define GPU_MAX_PROCS 4096

struct gpu_proc {
	unsigned int pid;
	unsigned long long used;
};

struct gpu_sample {
	int index;
	char name[96];
	char uuid[96];
	bool has_mem, has_util, has_temp, has_power, has_power_limit, has_energy, has_sm_clock, has_mem_clock;
	bool has_pcie_rx, has_pcie_tx, has_procs;
	unsigned long long mem_used, mem_total, energy_mj;
	unsigned int util_gpu, util_mem, temp_c, power_mw, power_limit_mw, sm_mhz, mem_mhz, pcie_rx_kbs, pcie_tx_kbs;
	int nprocs;
	struct gpu_proc *procs; /* owned by the nvml module, valid until the next sample */
};

/* lib: an explicit library path, or NULL for the system's libnvidia-ml.so.1. */
enum nvml_status nvml_start(const char *lib);
const char *nvml_status_name(enum nvml_status s);
/* Samples every GPU; returns how many were written to out (at most max). */
int nvml_sample(struct gpu_sample *out, int max);
void nvml_stop(void);
/* Which process-list entry point the library offers: "v3", "v2", "v1" or "none". */
const char *nvml_process_api(void);

#endif
