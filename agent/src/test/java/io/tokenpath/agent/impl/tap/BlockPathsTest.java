package io.tokenpath.agent.impl.tap;

import ai.djl.nn.Block;
import ai.djl.nn.BlockList;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Block paths from real DJL block trees: the names the parents' BlockLists give, found by identity. */
class BlockPathsTest {
    @Test
    void namesEveryBlockUnderARegisteredRootAndNothingElse() throws Exception {
        SequentialBlock layer = new SequentialBlock().add(LayerNorm.builder().build()).add(Linear.builder().setUnits(8).build());
        SequentialBlock root = new SequentialBlock().add(Linear.builder().setUnits(8).build()).add(layer);
        BlockPaths paths = new BlockPaths();
        Block outsider = Linear.builder().setUnits(4).build();
        assertNull(paths.find(root), "nothing is named before a root is registered");

        paths.register(root);
        assertEquals(BlockPaths.ROOT, paths.find(root).path);
        String layerName = root.getChildren().keyAt(1);
        assertEquals(root.getChildren().keyAt(0), paths.find(root.getChildren().valueAt(0)).path);
        assertEquals(layerName, paths.find(layer).path);
        assertEquals(layerName + "/" + layer.getChildren().keyAt(1), paths.find(layer.getChildren().valueAt(1)).path);
        assertNull(paths.find(outsider), "a block under no registered root (e.g. a loss) has no path");

        // Many more roots: the table is rebuilt and every earlier entry is still found, the same entry object
        // (it carries the capture's selection decision).
        BlockPaths.Entry before = paths.find(layer);
        List<SequentialBlock> others = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            SequentialBlock other = new SequentialBlock().add(Linear.builder().setUnits(2).build());
            others.add(other);
            paths.register(other);
        }
        assertSame(before, paths.find(layer));
        for (SequentialBlock other : others) {
            assertEquals(BlockPaths.ROOT, paths.find(other).path);
            assertEquals(other.getChildren().keyAt(0), paths.find(other.getChildren().valueAt(0)).path);
        }
        assertNull(paths.find(outsider));
    }

    @Test
    void aTreeThatFailsPartWayKeepsWhatWasNamedAndIsNotWalkedAgain() throws Exception {
        Block first = Linear.builder().setUnits(2).build();
        SequentialBlock broken = new SequentialBlock() {
            @Override
            public BlockList getChildren() {
                throw new IllegalStateException("a block whose children cannot be listed");
            }
        };
        SequentialBlock root = new SequentialBlock().add(first).add(broken);
        BlockPaths paths = new BlockPaths();
        assertThrows(ReflectiveOperationException.class, () -> paths.register(root));
        assertEquals(BlockPaths.ROOT, paths.find(root).path);
        assertEquals(root.getChildren().keyAt(0), paths.find(first).path, "named before the failure: still named");
        assertEquals(root.getChildren().keyAt(1), paths.find(broken).path);
        paths.register(root); // once per root: the model call that follows does not pay (and fail) again
    }
}
