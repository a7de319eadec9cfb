package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.impl.AgentLog;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The only transformer the agent registers, in place from the first milliseconds of premain, so that premain can
 * return while Byte Buddy and the OpenTelemetry SDK start on the agent's own threads beside the application's
 * start (on a small host that overlap is most of the agent's start-up cost).
 *
 * <p>A class that is not a {@link WeaveTargets} name costs one set lookup. A target class that loads before the
 * agent is ready waits for it (bounded by the wait limit), then is woven as it loads: no DJL class, servlet,
 * pointcut or API class ever runs unwoven, so no request or token is missed at start-up. The exceptions never
 * wait, because the agent's own start-up threads may load them: the JDK's classes (queues, thread pools, the HTTP
 * server's filter chain) and anything the agent's threads load. Those, the classes loaded before the gate (a late
 * attach: the application's own), and any class whose wait ran out load unwoven and are woven by retransformation
 * as soon as the agent is ready.
 */
public final class WeavingGate implements ClassFileTransformer {
    /** Set on the agent's two start-up threads, which may load JDK targets but never an application class. */
    private static final ThreadLocal<Boolean> AGENT_THREAD = new ThreadLocal<>();

    private final Instrumentation inst;
    private final Set<String> internalNames = new java.util.HashSet<>();
    private final AgentLog log;
    private final long waitNanos;
    private final CountDownLatch decided = new CountDownLatch(1);
    private final AtomicBoolean waitReported = new AtomicBoolean();
    private final Object lock = new Object();
    private volatile ClassFileTransformer weaver; // set once the agent is ready
    private boolean failed; // guarded by lock
    private final List<Class<?>> missedClasses = new ArrayList<>(); // guarded by lock
    private final List<MissedLoad> missedLoads = new ArrayList<>(); // guarded by lock

    private record MissedLoad(String binaryName, ClassLoader loader) {}

    private WeavingGate(Instrumentation inst, Set<String> binaryNames, AgentLog log, long waitNanos) {
        this.inst = inst;
        for (String n : binaryNames) internalNames.add(n.replace('.', '/'));
        this.log = log;
        this.waitNanos = waitNanos;
    }

    /** Registers the gate, then notes the targets already loaded (the JDK's early classes; on a late attach, all). */
    public static WeavingGate install(Instrumentation inst, Set<String> binaryNames, AgentLog log, long waitNanos) {
        WeavingGate gate = new WeavingGate(inst, binaryNames, log, waitNanos);
        inst.addTransformer(gate, true);
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (binaryNames.contains(c.getName())) loaded.add(c);
        }
        synchronized (gate.lock) {
            gate.missedClasses.addAll(loaded);
        }
        return gate;
    }

    /** Marks the calling thread as one of the agent's start-up threads: its class loads never wait for the agent. */
    public static void markAgentThread() {
        AGENT_THREAD.set(Boolean.TRUE);
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> classBeingRedefined,
            ProtectionDomain domain, byte[] classfile) throws java.lang.instrument.IllegalClassFormatException {
        if (internalName == null || !internalNames.contains(internalName)) return null;
        ClassFileTransformer w = weaver;
        if (w == null) {
            if (mayWait(internalName)) awaitReady(internalName);
            synchronized (lock) {
                w = weaver;
                if (w == null) {
                    if (!failed) remember(classBeingRedefined, internalName, loader);
                    return null;
                }
            }
        }
        return w.transform(module, loader, internalName, classBeingRedefined, domain, classfile);
    }

    private static boolean mayWait(String internalName) {
        return AGENT_THREAD.get() == null && !WeaveTargets.isJdk(internalName.replace('/', '.'));
    }

    private void awaitReady(String internalName) {
        boolean interrupted = false;
        try {
            long deadline = System.nanoTime() + waitNanos;
            while (true) {
                try {
                    if (decided.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) return;
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the class load must complete; the interrupt is restored for the caller
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
        if (waitReported.compareAndSet(false, true)) {
            log.info(internalName.replace('/', '.') + " loaded after waiting " + waitNanos / 1_000_000
                    + " ms for the agent's start-up; it runs unwoven until the agent is ready, then is woven");
        }
    }

    private void remember(Class<?> redefined, String internalName, ClassLoader loader) {
        if (redefined != null) missedClasses.add(redefined);
        else missedLoads.add(new MissedLoad(internalName.replace('/', '.'), loader));
    }

    /**
     * The agent is ready: from now on target classes are woven as they load, and those that loaded unwoven are
     * retransformed now. Returns how many were retransformed.
     */
    public int open(ClassFileTransformer w) {
        List<Class<?>> classes;
        List<MissedLoad> loads;
        synchronized (lock) {
            weaver = w;
            classes = new ArrayList<>(missedClasses);
            loads = new ArrayList<>(missedLoads);
            missedClasses.clear();
            missedLoads.clear();
        }
        decided.countDown();
        Set<Class<?>> todo = new LinkedHashSet<>(classes);
        for (MissedLoad m : loads) {
            try {
                // Waits for a definition still in progress; the class was loading, so this loads nothing new.
                Class<?> c = Class.forName(m.binaryName(), false, m.loader());
                if (c.getClassLoader() == m.loader()) todo.add(c);
            } catch (ClassNotFoundException | LinkageError e) {
                log.info("cannot weave " + m.binaryName() + " after start-up (" + e + ")");
            }
        }
        int n = 0;
        for (Class<?> c : todo) {
            if (!inst.isModifiableClass(c)) continue;
            try {
                inst.retransformClasses(c);
                n++;
            } catch (Throwable t) {
                log.info("cannot weave " + c.getName() + " after start-up (" + t + ")");
            }
        }
        return n;
    }

    /** The agent could not start: nothing is woven, and no class load waits any more. */
    public void fail() {
        synchronized (lock) {
            failed = true;
            missedClasses.clear();
            missedLoads.clear();
        }
        decided.countDown();
    }
}
