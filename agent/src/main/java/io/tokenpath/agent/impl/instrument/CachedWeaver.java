package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.impl.AgentLog;

import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the {@link WeavingGate} calls for a target class: the {@link WeaveCache}'s bytes when it has them, else
 * Byte Buddy's weaving, whose result is then stored. Byte Buddy is built once, either up front (no cache, or a
 * build's first run, when every class will need it) or on the first class the cache does not have.
 */
public final class CachedWeaver implements ClassFileTransformer {
    private final WeaveCache cache; // null: no cache
    private final Callable<ClassFileTransformer> builder;
    private final List<String> woven;
    private final AgentLog log;
    private final AtomicInteger hits = new AtomicInteger();
    private final AtomicBoolean writeFailureReported = new AtomicBoolean();
    private volatile ClassFileTransformer byteBuddy;
    private boolean buildFailed; // guarded by this

    /** {@code woven} receives the names of classes woven from the cache (Byte Buddy's listener adds the others). */
    public CachedWeaver(WeaveCache cache, Callable<ClassFileTransformer> builder, List<String> woven, AgentLog log) {
        this.cache = cache;
        this.builder = builder;
        this.woven = woven;
        this.log = log;
    }

    /** Classes woven from the cache so far. */
    public int hits() {
        return hits.get();
    }

    /** Builds Byte Buddy's weaving now; false (and one log line) if it cannot be built. */
    public synchronized boolean buildNow() {
        if (byteBuddy != null) return true;
        if (buildFailed) return false;
        try {
            byteBuddy = builder.call();
            return true;
        } catch (Exception | LinkageError e) {
            buildFailed = true;
            log.info("instrumentation could not be built (" + e + "); classes the weave cache lacks stay unwoven");
            return false;
        }
    }

    /**
     * For a retransformation: the class's own class file when the JVM's rebuilt bytes have the same methods and
     * code lengths (no agent changed it), else the rebuilt bytes. The rebuilt constant pool's order differs between
     * runs, so only the class file gives a key that the next start finds; weaving either gives the same class.
     */
    private static byte[] asLoaded(ClassLoader loader, String internalName, byte[] rebuilt) {
        String resource = internalName + ".class";
        try (java.io.InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
                : loader.getResourceAsStream(resource)) {
            if (in == null) return rebuilt;
            byte[] original = in.readAllBytes();
            return ClassShape.of(original).equals(ClassShape.of(rebuilt)) ? original : rebuilt;
        } catch (IOException | RuntimeException e) {
            return rebuilt;
        }
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> classBeingRedefined,
            ProtectionDomain domain, byte[] classfile) throws IllegalClassFormatException {
        if (classBeingRedefined != null && cache != null) classfile = asLoaded(loader, internalName, classfile);
        byte[] cached = cache == null ? null : cache.get(classfile);
        if (cached != null) {
            hits.incrementAndGet();
            if (cached == WeaveCache.UNCHANGED) return null;
            woven.add(internalName.replace('/', '.'));
            return cached;
        }
        if (byteBuddy == null && !buildNow()) return null;
        byte[] out = module == null // ahead of time (weave-cache): no module, as on Java 8
                ? byteBuddy.transform(loader, internalName, classBeingRedefined, domain, classfile)
                : byteBuddy.transform(module, loader, internalName, classBeingRedefined, domain, classfile);
        if (cache != null) {
            try {
                cache.put(classfile, out);
            } catch (IOException | RuntimeException e) {
                if (writeFailureReported.compareAndSet(false, true)) {
                    log.info("weave cache: cannot store " + internalName.replace('/', '.') + " in " + cache.directory()
                            + " (" + e + "); the next start weaves it again");
                }
            }
        }
        return out;
    }
}
