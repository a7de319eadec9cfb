package io.tokenpath.dashboards;

import java.util.EnumSet;
import java.util.Set;

/**
 * What must run for a query to have data: the one place that says which panels depend on the helper,
 * a GPU, a running capture or a model load, decided by the metric names the query selects.
 */
enum Needs {
    /** tokenpath-helper connected to the agent (kernel series; the helper's health). */
    HELPER,
    /** NVML data through the helper: a real GPU or the helper's fake libnvidia-ml. */
    GPU,
    /** An open of /dev/nvidia* by the monitored process (counted only after one). */
    GPU_DEVICE_OPEN,
    /** An activation capture running in the agent (capture.output=...). */
    CAPTURE,
    /** A model loaded through the engine's Model.load (the sample service builds its model in code). */
    MODEL_LOAD;

    static Set<Needs> of(String expr) {
        Set<Needs> out = EnumSet.noneOf(Needs.class);
        for (String m : Dashboards.metricsIn(expr)) {
            if (m.startsWith("hw_gpu_") || m.startsWith("tokenpath_gpu_") || m.startsWith("tokenpath:gpu_")) {
                out.add(HELPER);
                out.add(GPU);
            } else if (m.startsWith("tokenpath_process_device_opens")) {
                out.add(HELPER);
                out.add(GPU_DEVICE_OPEN);
            } else if (m.startsWith("tokenpath_process_") || m.startsWith("tokenpath_disk_")
                    || m.startsWith("tokenpath_pressure_") || m.startsWith("tokenpath_jvm_")
                    || m.startsWith("tokenpath_helper_")) {
                out.add(HELPER);
            } else if (m.startsWith("tokenpath_capture_")) {
                out.add(CAPTURE);
            } else if (m.startsWith("tokenpath_model_load_")) {
                out.add(MODEL_LOAD);
            }
        }
        return out;
    }
}
