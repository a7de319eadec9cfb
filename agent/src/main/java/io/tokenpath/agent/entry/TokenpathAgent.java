package io.tokenpath.agent.entry;

import java.io.File;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;

/**
 * The only class of the agent jar that the application's class loaders can see (with its loader). It puts the
 * tiny bootstrap bridge on the boot class path, loads everything else from {@code inst/} through an
 * {@link IsolatedClassLoader}, and hands over. A failure here is reported in one line and the application runs
 * on without the agent: the agent never breaks the host application.
 */
public final class TokenpathAgent {
    private static final String IMPL_MAIN = "io.tokenpath.agent.impl.AgentMain";
    private static boolean started;

    private TokenpathAgent() {}

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, false);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, true);
    }

    /** {@code java -jar tokenpath-agent.jar ...}: attach to a running JVM, or the standalone commands. */
    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("attach")) {
            attach(args[1], args.length > 2 ? args[2] : "");
            return;
        }
        ClassLoader cl = isolatedLoader(null);
        Method m = cl.loadClass(IMPL_MAIN).getMethod("main", String[].class);
        try {
            m.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }

    /** Late attach through the JDK attach API: the target JVM runs {@link #agentmain} with {@code agentArgs}. */
    private static void attach(String pid, String agentArgs) throws Exception {
        com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(pid);
        try {
            vm.loadAgent(agentJar().getAbsolutePath(), agentArgs);
            System.out.println("tokenpath agent loaded into JVM " + pid);
        } finally {
            vm.detach();
        }
    }

    private static synchronized void start(String args, Instrumentation inst, boolean lateAttach) {
        if (started) {
            System.err.println("[tokenpath] agent already started in this JVM; ignoring a second start");
            return;
        }
        started = true;
        try {
            ClassLoader cl = isolatedLoader(inst);
            cl.loadClass(IMPL_MAIN).getMethod("start", Instrumentation.class, String.class, boolean.class)
                    .invoke(null, inst, args, lateAttach);
        } catch (Throwable t) {
            Throwable cause = t instanceof InvocationTargetException ? t.getCause() : t;
            System.err.println("[tokenpath] agent failed to start; the application continues without it: " + cause);
        }
    }

    private static ClassLoader isolatedLoader(Instrumentation inst) throws Exception {
        File jar = agentJar();
        JarFile jf = new JarFile(jar);
        File bridge = extractBootstrapJar(jf);
        ClassLoader parent = ClassLoader.getPlatformClassLoader();
        if (inst != null) {
            inst.appendToBootstrapClassLoaderSearch(new JarFile(bridge));
        } else {
            // Standalone commands weave nothing: the bridge only has to be loadable, not global.
            parent = new java.net.URLClassLoader(new URL[] {bridge.toURI().toURL()}, parent);
        }
        return new IsolatedClassLoader(jf, jar.toURI().toURL(), parent);
    }

    private static File agentJar() throws Exception {
        URL loc = TokenpathAgent.class.getProtectionDomain().getCodeSource().getLocation();
        File f = new File(loc.toURI());
        if (!f.isFile()) throw new IllegalStateException("the agent must run from its jar, not from " + f);
        return f;
    }

    /** The boot class path takes only a JarFile on disk: the nested bridge jar is copied out once per JVM. */
    private static File extractBootstrapJar(JarFile agent) throws Exception {
        var entry = agent.getJarEntry("tokenpath-bootstrap.jar");
        if (entry == null) throw new IllegalStateException("tokenpath-bootstrap.jar missing from the agent jar");
        Path tmp = Files.createTempFile("tokenpath-bootstrap-", ".jar");
        tmp.toFile().deleteOnExit();
        try (InputStream in = agent.getInputStream(entry)) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        return tmp.toFile();
    }
}
