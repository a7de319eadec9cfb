package io.tokenpath.agent.impl.instrument;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.*;

class WeaveCacheTest {
    private static final Instrumenter.Plan PLAN = new Instrumenter.Plan(true, true, true, true, null, null);

    @TempDir
    Path root;

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void wovenBytesAndUnchangedClassesComeBackOnTheNextStart() throws IOException {
        WeaveCache first = WeaveCache.open(root, "build-1|" + PLAN);
        assertTrue(first.fresh(), "a build's first run has no cache yet");
        assertNull(first.get(bytes("class A")));
        first.put(bytes("class A"), bytes("woven A"));
        first.put(bytes("class B"), null);

        WeaveCache next = WeaveCache.open(root, "build-1|" + PLAN);
        assertFalse(next.fresh());
        assertArrayEquals(bytes("woven A"), next.get(bytes("class A")));
        assertSame(WeaveCache.UNCHANGED, next.get(bytes("class B")));
        assertNull(next.get(bytes("class A, one byte changed")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(next.directory())));
    }

    @Test
    void anotherBuildOrPlanDoesNotSeeTheEntries() throws IOException {
        WeaveCache.open(root, "build-1|" + PLAN).put(bytes("class A"), bytes("woven A"));
        WeaveCache other = WeaveCache.open(root, "build-2|" + PLAN);
        assertTrue(other.fresh());
        assertNull(other.get(bytes("class A")));
        WeaveCache otherPlan = WeaveCache.open(root, "build-1|" + new Instrumenter.Plan(true, false, true, true, null, null));
        assertNull(otherPlan.get(bytes("class A")));
    }

    @Test
    void aDamagedEntryIsAMissAndIsRemoved() throws IOException {
        WeaveCache cache = WeaveCache.open(root, "build-1");
        cache.put(bytes("class A"), bytes("woven A"));
        Path entry = cache.directory().resolve(WeaveCache.sha256Hex(bytes("class A")));
        byte[] raw = Files.readAllBytes(entry);
        raw[raw.length - 1] ^= 1;
        Files.write(entry, raw);
        assertNull(cache.get(bytes("class A")), "a flipped bit fails the CRC");
        assertFalse(Files.exists(entry), "the damaged entry is gone, so the class is woven and stored again");

        Files.write(entry, new byte[] {1, 2, 3});
        assertNull(cache.get(bytes("class A")), "a truncated entry");
        assertFalse(Files.exists(entry));
    }

    @Test
    void aDirectoryOthersCanWriteIsRefused() throws IOException {
        Path shared = Files.createDirectory(root.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(IOException.class, () -> WeaveCache.open(shared, "build-1"));
        assertTrue(e.getMessage().contains("writable by others"), e.getMessage());
    }
}
