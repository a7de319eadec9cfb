package io.tokenpath.agent.impl;

import io.tokenpath.agent.impl.config.AgentConfig;
import io.tokenpath.agent.impl.instrument.CachedWeaver;
import io.tokenpath.agent.impl.instrument.Instrumenter;
import io.tokenpath.agent.impl.instrument.WeaveCache;
import io.tokenpath.agent.impl.instrument.WeaveTargets;

import java.io.File;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code java -jar tokenpath-agent.jar weave-cache --classpath CP [--agent-args 'k=v,...']}: fills the weave cache
 * ahead of time from the application's class path and this JDK, as a container image build would, so that the first
 * start of the image is a warm start too. Weaves exactly what a start with the same agent jar (same path) and the
 * same agent arguments would, with the same JDK.
 */
final class WeaveCacheCommand {
    private WeaveCacheCommand() {}

    static int run(String[] args) throws Exception {
        String classPath = null;
        String agentArgs = "";
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--classpath", "-cp" -> classPath = v;
                case "--agent-args" -> agentArgs = v;
                default -> {
                    System.err.println("[tokenpath] weave-cache: unknown option '" + args[i] + "'");
                    return 64;
                }
            }
            if (v == null) {
                System.err.println("[tokenpath] weave-cache: " + args[i] + " needs a value");
                return 64;
            }
            i++;
        }
        if (classPath == null) {
            System.err.println("[tokenpath] weave-cache: --classpath CP is required (the application's jars, as for java -cp)");
            return 64;
        }
        AgentConfig cfg = AgentConfig.load(agentArgs);
        AgentLog log = new AgentLog(null);
        Instrumenter.Plan plan = AgentMain.plan(cfg);
        WeaveCache cache = AgentMain.openWeaveCache(cfg, plan);
        for (AgentConfig.Problem p : cfg.problems()) log.info("config: " + p);
        if (cache == null) return 73;
        List<URL> urls = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isBlank()) urls.add(Path.of(entry).toUri().toURL());
        }
        List<String> woven = new CopyOnWriteArrayList<>();
        CachedWeaver weaver = new CachedWeaver(cache, () -> Instrumenter.build(plan, log, woven), woven, log);
        int found = 0;
        int failed = 0;
        try (URLClassLoader app = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            for (String name : WeaveTargets.of(plan)) {
                String internal = name.replace('.', '/');
                ClassLoader loader = WeaveTargets.isJdk(name) ? jdkLoader(name) : app;
                byte[] bytes;
                try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(internal + ".class")
                        : app.getResourceAsStream(internal + ".class")) {
                    if (in == null) continue; // not in this application (another engine, no servlets)
                    bytes = in.readAllBytes();
                }
                found++;
                try {
                    weaver.transform(null, loader, internal, null, null, bytes);
                } catch (Exception | LinkageError e) {
                    failed++; // Byte Buddy's listener has named the class and the cause
                }
            }
        }
        System.out.println("weave cache " + cache.directory() + ": " + found + " target classes found, "
                + weaver.hits() + " already there, " + (found - weaver.hits() - failed) + " woven and stored"
                + (failed > 0 ? ", " + failed + " failed" : ""));
        return failed > 0 ? 1 : 0;
    }

    /** The loader the JDK defines a class of its own with (boot: null; platform modules: the platform loader). */
    private static ClassLoader jdkLoader(String binaryName) {
        String pkg = binaryName.substring(0, binaryName.lastIndexOf('.'));
        for (Module m : ModuleLayer.boot().modules()) {
            if (m.getPackages().contains(pkg)) return m.getClassLoader();
        }
        return null;
    }
}
