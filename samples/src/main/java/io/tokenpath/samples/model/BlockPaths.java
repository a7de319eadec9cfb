package io.tokenpath.samples.model;

import ai.djl.nn.Block;
import ai.djl.util.Pair;

import java.util.ArrayList;
import java.util.List;

/**
 * Lists a block tree's paths the way DJL names children: the parent's {@code BlockList} key, which is the child's
 * name behind a 2-digit index ({@code 03h0/02attn/01c_attn}). The agent keys activations by these paths.
 */
public final class BlockPaths {

    private BlockPaths() {}

    /** Every descendant of {@code root}, depth first, as {@code a/b/c} paths. */
    public static List<String> of(Block root) {
        List<String> paths = new ArrayList<>();
        walk(root, "", paths);
        return paths;
    }

    private static void walk(Block block, String prefix, List<String> out) {
        for (Pair<String, Block> child : block.getChildren()) {
            String path = prefix.isEmpty() ? child.getKey() : prefix + "/" + child.getKey();
            out.add(path);
            walk(child.getValue(), path, out);
        }
    }
}
