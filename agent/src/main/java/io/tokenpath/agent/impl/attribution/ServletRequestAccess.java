package io.tokenpath.agent.impl.attribution;

import java.lang.reflect.Method;
import java.util.Enumeration;

/**
 * Reads an {@code HttpServletRequest} of either namespace ({@code javax.servlet} or {@code jakarta.servlet}) without
 * linking against it: the agent carries no servlet API, and the application's is the one that counts. Methods are
 * taken from the public interface, not from the container's request class (often not public, so its methods
 * cannot be invoked reflectively from outside).
 */
final class ServletRequestAccess {
    private static final String[] INTERFACES = {"jakarta.servlet.http.HttpServletRequest", "javax.servlet.http.HttpServletRequest"};

    private static final ClassValue<ServletRequestAccess> BY_CLASS = new ClassValue<>() {
        @Override
        protected ServletRequestAccess computeValue(Class<?> type) {
            Class<?> api = httpServletRequestInterface(type);
            if (api == null) return NONE;
            try {
                return new ServletRequestAccess(api.getMethod("getMethod"), api.getMethod("getRequestURI"),
                        api.getMethod("getHeader", String.class), api.getMethod("getHeaders", String.class));
            } catch (NoSuchMethodException e) {
                return NONE;
            }
        }
    };
    private static final ServletRequestAccess NONE = new ServletRequestAccess(null, null, null, null);

    private final Method method;
    private final Method uri;
    private final Method header;
    private final Method headers;

    private ServletRequestAccess(Method method, Method uri, Method header, Method headers) {
        this.method = method;
        this.uri = uri;
        this.header = header;
        this.headers = headers;
    }

    /** The accessor for {@code request}'s class, or null when it is not an HTTP servlet request. */
    static ServletRequestAccess of(Object request) {
        if (request == null) return null;
        ServletRequestAccess a = BY_CLASS.get(request.getClass());
        return a == NONE ? null : a;
    }

    String method(Object request) {
        return (String) call(method, request);
    }

    String path(Object request) {
        return (String) call(uri, request);
    }

    String header(Object request, String name) {
        return (String) call(header, request, name);
    }

    /** Every value of a header, joined with commas (baggage may come in several headers). */
    String headers(Object request, String name) {
        Object e = call(headers, request, name);
        if (!(e instanceof Enumeration)) return null;
        StringBuilder b = new StringBuilder();
        for (Enumeration<?> values = (Enumeration<?>) e; values.hasMoreElements(); ) {
            if (b.length() > 0) b.append(',');
            b.append(values.nextElement());
        }
        return b.length() == 0 ? null : b.toString();
    }

    private static Object call(Method m, Object target, Object... args) {
        try {
            return m.invoke(target, args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the servlet request: " + e.getCause(), e);
        }
    }

    private static Class<?> httpServletRequestInterface(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                Class<?> found = named(i);
                if (found != null) return found;
            }
        }
        return null;
    }

    private static Class<?> named(Class<?> i) {
        for (String n : INTERFACES) if (i.getName().equals(n)) return i;
        for (Class<?> parent : i.getInterfaces()) {
            Class<?> found = named(parent);
            if (found != null) return found;
        }
        return null;
    }
}
