package io.tokenpath.dashboards;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the checkout, from the module directory Maven runs the tests in. */
final class Repo {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path DASHBOARDS = ROOT.resolve("dashboards");
    static final Path COMPOSE = ROOT.resolve("compose");
    static final Path PROMETHEUS = COMPOSE.resolve("prometheus");
    static final Path RULES = PROMETHEUS.resolve("rules");
    static final Path FIXTURES = PROMETHEUS.resolve("fixtures");

    private Repo() {
    }

    /** A build output named by a system property (set by the pom), else its usual place in the checkout. */
    static Path artifact(String property, String fallback) {
        String p = System.getProperty(property);
        return p != null && !p.isBlank() ? Path.of(p).toAbsolutePath().normalize() : ROOT.resolve(fallback);
    }

    static Path agentJar() {
        return artifact("tokenpath.agent.jar", "agent/target/tokenpath-agent.jar");
    }

    static Path samplesJar() {
        return artifact("tokenpath.samples.jar", "samples/target/tokenpath-samples.jar");
    }

    /** tokenpath-helper: built by the ebpf-helper module. */
    static Path helperBinary() {
        return artifact("tokenpath.helper.bin", "ebpf-helper/target/tokenpath-helper");
    }

    /** The test NVML stand-in the helper's build makes; GPU panels need it on a machine without an NVIDIA GPU. */
    static Path fakeNvmlDir() {
        return artifact("tokenpath.fake.nvml.dir", "ebpf-helper/target/test/fake-nvml");
    }

    static boolean exists(Path p) {
        return Files.isRegularFile(p);
    }
}
