package io.tokenpath.agent.impl.tap;

import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Names DJL blocks by their path in the model: the names the parents' BlockLists give their children, joined with
 * '/' ({@code 03h0/02attn}); the root block is {@code model}. A block does not know its own name, so the tree is
 * walked once per root (when a Predictor first runs it).
 *
 * <p>{@link #find} runs for every captured block output (32 per token on the tiny sample model), so it reads an
 * immutable open-addressing table by identity hash, without a lock or an allocation; {@link #register} builds a new
 * table when a new root comes (rare). Entries hold their blocks weakly, so unloading a model frees it; cleared
 * entries are dropped at the next rebuild.
 */
final class BlockPaths {
    static final String ROOT = "model";
    private static final int MAX_DEPTH = 32;

    /** One named block, and whether the capture that last asked selects it. */
    static final class Entry {
        private final WeakReference<Object> block;
        final String path;
        /** The capture this decision was made for, and the decision: replaced whole, never torn. */
        volatile Selection selection;

        Entry(Object block, String path) {
            this.block = new WeakReference<>(block);
            this.path = path;
        }
    }

    /** A capture's decision about one block. */
    record Selection(Object capture, boolean selected) {}

    private final Map<Object, Boolean> roots = Collections.synchronizedMap(new WeakHashMap<>());
    private volatile Entry[] table = new Entry[0];

    /** Walks {@code root}'s children once. */
    void register(Object root) throws ReflectiveOperationException {
        if (root == null || roots.containsKey(root)) return;
        synchronized (this) {
            if (roots.containsKey(root)) return;
            roots.put(root, Boolean.TRUE); // walked once: a tree that fails part-way is not walked again every call
            Map<Object, Entry> all = new IdentityHashMap<>();
            for (Entry e : table) {
                Object b = e == null ? null : e.block.get();
                if (b != null) all.put(b, e);
            }
            try {
                all.putIfAbsent(root, new Entry(root, ROOT));
                walk(root, "", 0, all);
            } finally {
                table = build(all); // what was named before a failure stays named
            }
        }
    }

    private static void walk(Object block, String prefix, int depth, Map<Object, Entry> all) throws ReflectiveOperationException {
        if (depth > MAX_DEPTH) return;
        Object children = call(block, "getChildren");
        if (children == null) return;
        int n = (Integer) call(children, "size");
        for (int i = 0; i < n; i++) {
            String name = String.valueOf(children.getClass().getMethod("keyAt", int.class).invoke(children, i));
            Object child = children.getClass().getMethod("valueAt", int.class).invoke(children, i);
            if (child == null) continue;
            String path = prefix.isEmpty() ? name : prefix + "/" + name;
            all.putIfAbsent(child, new Entry(child, path)); // a block reachable twice keeps its first name
            walk(child, path, depth + 1, all);
        }
    }

    /** A table at most half full, so a probe for a block that is not there ends at an empty slot quickly. */
    private static Entry[] build(Map<Object, Entry> all) {
        int size = Integer.highestOneBit(Math.max(4, all.size() * 2) - 1) << 1;
        Entry[] t = new Entry[size];
        for (Map.Entry<Object, Entry> e : all.entrySet()) {
            int i = slot(e.getKey(), size);
            while (t[i] != null) i = (i + 1) & (size - 1);
            t[i] = e.getValue();
        }
        return t;
    }

    private static int slot(Object block, int size) {
        int h = System.identityHashCode(block);
        return (h ^ (h >>> 16)) & (size - 1);
    }

    private static Object call(Object target, String method) throws ReflectiveOperationException {
        Method m = target.getClass().getMethod(method);
        m.setAccessible(true);
        return m.invoke(target);
    }

    /** The block's entry, or null if it is not under a registered root. */
    Entry find(Object block) {
        Entry[] t = table;
        if (t.length == 0) return null;
        int i = slot(block, t.length);
        while (true) {
            Entry e = t[i];
            if (e == null) return null;
            if (e.block.get() == block) return e;
            i = (i + 1) & (t.length - 1);
        }
    }
}
