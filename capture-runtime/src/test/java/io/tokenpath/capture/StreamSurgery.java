package io.tokenpath.capture;

import io.tokenpath.capture.read.Frame;
import io.tokenpath.capture.read.FrameKind;
import io.tokenpath.capture.read.StreamReader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Damage done to stream files on purpose, where tests need it: flipped payload bytes, cut tails. */
public final class StreamSurgery {
    private StreamSurgery() {}

    /** Where one frame is: its offset and the offset just past it. */
    public record Span(long offset, long end, String name) {}

    public static List<Span> frames(Path file, FrameKind kind) throws IOException {
        List<Span> l = new ArrayList<>();
        try (StreamReader r = StreamReader.open(file)) {
            for (Frame f : r) if (f.kind() == kind) l.add(new Span(f.offset(), f.endOffset(), f.name()));
        }
        return l;
    }

    /** A copy of {@code src} named {@code name} next to it. */
    public static Path copy(Path src, String name) throws IOException {
        return Files.copy(src, src.resolveSibling(name));
    }

    /** Inverts every bit of the last byte of the frame (a payload byte for a tensor frame). */
    public static void flipLastByte(Path file, Span frame) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, frame.end() - 1);
            b.flip();
            byte flipped = (byte) ~b.get(0);
            ch.write(ByteBuffer.wrap(new byte[] {flipped}), frame.end() - 1);
        }
    }

    public static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }
}
