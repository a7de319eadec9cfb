package io.tokenpath.agent.impl.attribution;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The application's current OpenTelemetry baggage ({@code io.opentelemetry.api.baggage.Baggage.current()}), read
 * through the application's own API classes: the agent's OpenTelemetry is isolated from the application's and
 * shares no context with it. Found through the thread's context class loader, else the system class loader;
 * looked up once per loader (a loader without the API is remembered as such).
 */
final class ApplicationBaggage {
    private static final String BAGGAGE = "io.opentelemetry.api.baggage.Baggage";

    /** Baggage.current() and Baggage.getEntryValue(String) of one loader's API; null entries: no API there. */
    private record Api(Method current, Method entryValue) {}

    private static final Api NONE = new Api(null, null);
    private final Map<ClassLoader, Api> byLoader = new WeakHashMap<>();

    /** The value of {@code key} in the application's current baggage, or null. */
    String value(String key) {
        Api api = api(Thread.currentThread().getContextClassLoader());
        if (api == NONE) api = api(ClassLoader.getSystemClassLoader());
        if (api == NONE) return null;
        try {
            Object baggage = api.current().invoke(null);
            return baggage == null ? null : (String) api.entryValue().invoke(baggage, key);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the application's OpenTelemetry baggage: " + e.getCause(), e);
        }
    }

    private Api api(ClassLoader loader) {
        if (loader == null) return NONE;
        synchronized (byLoader) {
            return byLoader.computeIfAbsent(loader, ApplicationBaggage::lookUp);
        }
    }

    private static Api lookUp(ClassLoader loader) {
        try {
            Class<?> c = Class.forName(BAGGAGE, false, loader);
            return new Api(c.getMethod("current"), c.getMethod("getEntryValue", String.class));
        } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
            return NONE;
        }
    }
}
