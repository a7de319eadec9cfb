package io.tokenpath.capture.pipeline;

import io.tokenpath.capture.util.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * {@code {output}.ckpt.json}: the last offset of the stream known to be on disk (fsynced before the checkpoint was
 * written), with counts up to it. Replaced atomically (write temp, fsync, rename, fsync directory), so a crash
 * leaves either the old or the new checkpoint, never a torn one.
 */
public record Checkpoint(long durableOffset, long frames, long tokens, long timestampNanos, String stream) {

    public static Path pathFor(Path output) {
        return output.resolveSibling(output.getFileName() + ".ckpt.json");
    }

    public void writeAtomically(Path ckpt) throws IOException {
        Map<String, Object> m = Json.map("format", "tokenpath-checkpoint", "version", 1L, "stream", stream,
                "durable_offset", durableOffset, "frames", frames, "tokens", tokens, "timestamp_ns", timestampNanos);
        Path tmp = ckpt.resolveSibling(ckpt.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(Json.writePretty(m).getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        }
        try {
            Files.move(tmp, ckpt, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("checkpoint: the file system of " + ckpt + " cannot rename atomically", e);
        }
        fsyncDirectory(ckpt.toAbsolutePath().getParent());
    }

    static void fsyncDirectory(Path dir) throws IOException {
        if (dir == null) return;
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems refuse fsync on a directory; the rename is still atomic there.
            if (!String.valueOf(e.getMessage()).contains("Is a directory")) throw e;
        }
    }

    /** Reads a checkpoint; null if there is none. A checkpoint that cannot be parsed is an error naming the file. */
    public static Checkpoint read(Path ckpt) throws IOException {
        String text;
        try {
            text = Files.readString(ckpt, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            Map<String, Object> m = Json.parseObject(text);
            if (!"tokenpath-checkpoint".equals(m.get("format"))) {
                throw new IllegalArgumentException("'format' is not tokenpath-checkpoint");
            }
            long off = Json.getLong(m, "durable_offset");
            if (off < 0) throw new IllegalArgumentException("negative durable_offset");
            return new Checkpoint(off, Json.getLong(m, "frames"), Json.getLong(m, "tokens"),
                    Json.getLong(m, "timestamp_ns"), String.valueOf(m.get("stream")));
        } catch (IllegalArgumentException e) {
            throw new IOException("checkpoint " + ckpt + " is unreadable: " + e.getMessage(), e);
        }
    }
}
