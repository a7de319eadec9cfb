package io.tokenpath.agent.bootstrap;

/**
 * The static hand-off between woven advice and the agent. Until the agent installs its hooks (and forever if it
 * fails to start) every call is a no-op.
 */
public final class Bridge {
    private static volatile Hooks hooks = NoopHooks.INSTANCE;

    private Bridge() {}

    public static Hooks hooks() {
        return hooks;
    }

    /** Target of the advice exception handler: the throwable from a failed advice is on the stack. */
    public static void suppressed(Throwable t) {
        try {
            hooks.adviceFailed(t);
        } catch (Throwable ignoredToo) {
            // Nothing may escape into application code, not even from the counting of an escape.
        }
    }

    public static void install(Hooks h) {
        hooks = h == null ? NoopHooks.INSTANCE : h;
    }
}
