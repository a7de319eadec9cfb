package io.tokenpath.agent.entry;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads the agent's implementation and its dependencies (Byte Buddy, OpenTelemetry, capture-runtime, lz4-java,
 * zstd-jni) from the {@code inst/} folder of the agent jar, where classes are stored as {@code .classdata}. The
 * application never sees these classes, so its own versions of the same libraries never clash with ours, and the
 * JNI codecs keep their original package names (relocation would break their native symbols).
 *
 * <p>Parent: the platform loader (JDK modules such as jdk.httpserver), which delegates to the boot loader where
 * the bridge lives. Resources resolve under {@code inst/}; a request for {@code X.class} (Byte Buddy reading
 * advice bytes, say) is served from {@code inst/X.classdata}.
 */
final class IsolatedClassLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private static final String PREFIX = "inst/";
    private final JarFile jar;
    private final URL jarUrl;
    private final ProtectionDomain domain;

    IsolatedClassLoader(JarFile jar, URL jarUrl, ClassLoader parent) {
        super("tokenpath-agent", parent);
        this.jar = jar;
        this.jarUrl = jarUrl;
        this.domain = new ProtectionDomain(new CodeSource(jarUrl, (Certificate[]) null), null, this, null);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        JarEntry e = jar.getJarEntry(PREFIX + name.replace('.', '/') + ".classdata");
        if (e == null) throw new ClassNotFoundException(name);
        byte[] bytes;
        try (InputStream in = jar.getInputStream(e)) {
            bytes = in.readAllBytes();
        } catch (IOException ex) {
            throw new ClassNotFoundException(name + ": cannot read from the agent jar", ex);
        }
        definePackageFor(name);
        return defineClass(name, bytes, 0, bytes.length, domain);
    }

    private void definePackageFor(String className) {
        int dot = className.lastIndexOf('.');
        if (dot < 0) return;
        String pkg = className.substring(0, dot);
        if (getDefinedPackage(pkg) == null) {
            try {
                definePackage(pkg, null, null, null, "tokenpath", getClass().getPackage().getImplementationVersion(), null, null);
            } catch (IllegalArgumentException raced) {
                // Another thread defined it first: that is the outcome we wanted.
            }
        }
    }

    @Override
    protected URL findResource(String name) {
        String entry = PREFIX + (name.endsWith(".class") ? name + "data" : name);
        if (jar.getJarEntry(entry) == null) return null;
        try {
            return new URL("jar:" + jarUrl + "!/" + entry);
        } catch (MalformedURLException e) {
            return null;
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL u = findResource(name);
        return u == null ? Collections.emptyEnumeration() : Collections.enumeration(Collections.singletonList(u));
    }
}
