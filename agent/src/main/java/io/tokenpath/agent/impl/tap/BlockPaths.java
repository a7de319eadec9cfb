package io.tokenpath.agent.impl.tap;

import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Names DJL blocks by their path in the model: the names the parents' BlockLists give their children, joined with
 * '/' ({@code 03h0/02attn}); the root block is {@code model}. A block does not know its own name, so the tree is
 * walked once per root (when a Predictor first runs it) and remembered weakly, so unloading a model frees it.
 */
final class BlockPaths {
    static final String ROOT = "model";
    private static final int MAX_DEPTH = 32;
    private final Map<Object, String> paths = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<Object, Boolean> roots = Collections.synchronizedMap(new WeakHashMap<>());

    /** Walks {@code root}'s children once. */
    void register(Object root) throws ReflectiveOperationException {
        if (root == null || roots.containsKey(root)) return;
        roots.put(root, Boolean.TRUE);
        paths.putIfAbsent(root, ROOT);
        walk(root, "", 0);
    }

    private void walk(Object block, String prefix, int depth) throws ReflectiveOperationException {
        if (depth > MAX_DEPTH) return;
        Object children = call(block, "getChildren");
        if (children == null) return;
        int n = (Integer) call(children, "size");
        for (int i = 0; i < n; i++) {
            String name = String.valueOf(children.getClass().getMethod("keyAt", int.class).invoke(children, i));
            Object child = children.getClass().getMethod("valueAt", int.class).invoke(children, i);
            if (child == null) continue;
            String path = prefix.isEmpty() ? name : prefix + "/" + name;
            paths.putIfAbsent(child, path);
            walk(child, path, depth + 1);
        }
    }

    private static Object call(Object target, String method) throws ReflectiveOperationException {
        Method m = target.getClass().getMethod(method);
        m.setAccessible(true);
        return m.invoke(target);
    }

    /** The block's path, or null if it is not under a registered root. */
    String pathOf(Object block) {
        return paths.get(block);
    }
}
