package io.tokenpath.agent.impl.instrument;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Woven class files kept on disk between runs, so that a JVM whose classes were woven before starts without
 * Byte Buddy: loading and running it is most of the agent's start-up CPU (and the JIT work it causes), and the woven
 * result of the same class file under the same agent build and plan is always the same.
 *
 * <p>One directory per agent build and weaving plan ({@link #identity}); one file per class file, named by the
 * SHA-256 of the original bytes, holding a CRC-32 and the woven bytes (empty: "leave the class as it is"). A file
 * that fails its check is deleted and the class woven again. Because these bytes are defined into the application,
 * the directory must belong to this user and be writable by nobody else; otherwise the cache is not used.
 */
public final class WeaveCache {
    private static final int MAGIC = 0x54505731; // "TPW1"
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    /** The answer for a class the weaving leaves as it is. */
    static final byte[] UNCHANGED = new byte[0];

    private final Path dir;
    private final boolean fresh;

    private WeaveCache(Path dir, boolean fresh) {
        this.dir = dir;
        this.fresh = fresh;
    }

    /**
     * The cache under {@code root} for {@code identity}, created if needed.
     *
     * @throws IOException naming what is wrong with the directory (not creatable, someone else's, writable by others)
     */
    public static WeaveCache open(Path root, String identity) throws IOException {
        Path dir = root.resolve(sha256Hex(identity.getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 16));
        boolean fresh = !Files.isDirectory(dir);
        for (Path d : new Path[] {root, dir}) {
            if (!Files.isDirectory(d)) {
                Files.createDirectories(d, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
        }
        checkPrivate(root);
        checkPrivate(dir);
        return new WeaveCache(dir, fresh);
    }

    private static void checkPrivate(Path d) throws IOException {
        String owner = Files.getOwner(d).getName();
        if (!owner.equals(System.getProperty("user.name"))) {
            throw new IOException(d + " belongs to " + owner + ", not to " + System.getProperty("user.name"));
        }
        Set<PosixFilePermission> p = Files.getPosixFilePermissions(d);
        if (p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(d + " is writable by others (" + PosixFilePermissions.toString(p) + ")");
        }
    }

    /** The agent build (its jar's path, size and time) and the plan: woven bytes depend on nothing else. */
    public static String identity(Path agentJar, Instrumenter.Plan plan) throws IOException {
        return agentJar.toAbsolutePath() + "|" + Files.size(agentJar) + "|" + Files.getLastModifiedTime(agentJar).toMillis()
                + "|" + plan;
    }

    /** True when this build and plan had no cache yet (its first run weaves everything). */
    public boolean fresh() {
        return fresh;
    }

    public Path directory() {
        return dir;
    }

    /** The woven bytes, {@link #UNCHANGED}, or null when absent or damaged (a damaged entry is removed). */
    byte[] get(byte[] classfile) {
        Path f = dir.resolve(sha256Hex(classfile));
        byte[] all;
        try {
            all = Files.readAllBytes(f);
        } catch (IOException e) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(all);
        if (all.length < 8 || b.getInt() != MAGIC) return damaged(f);
        int crc = b.getInt();
        byte[] woven = new byte[b.remaining()];
        b.get(woven);
        if (crc != crc(woven)) return damaged(f);
        return woven.length == 0 ? UNCHANGED : woven;
    }

    private static byte[] damaged(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // unreadable and undeletable: it is only ever read through the CRC check, so it stays harmless
        }
        return null;
    }

    /** Stores the result for {@code classfile}; written to a temporary file and moved, so a reader never sees half. */
    void put(byte[] classfile, byte[] woven) throws IOException {
        byte[] payload = woven == null ? UNCHANGED : woven;
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.putInt(MAGIC).putInt(crc(payload)).put(payload);
        Path tmp = Files.createTempFile(dir, "entry", ".tmp");
        try {
            Files.write(tmp, b.array());
            Files.move(tmp, dir.resolve(sha256Hex(classfile)), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static int crc(byte[] bytes) {
        CRC32 c = new CRC32();
        c.update(bytes);
        return (int) c.getValue();
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
