package io.tokenpath.helper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Daemon mode: each client of the socket is measured by the pid the kernel gives (SO_PEERCRED) and sees only its
 * own process; oversize input is refused; the helper keeps only its runtime capabilities; SIGTERM removes the
 * socket.
 */
class DaemonIT {
    @TempDir
    static Path dir;
    static Path socket;
    static HelperRun daemon;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(HelperRun.isRoot(), "the helper loads BPF programs: run the tests as root (CI does)");
        socket = dir.resolve("helper.sock");
        daemon = HelperRun.start(List.of(), Map.of("LD_LIBRARY_PATH", NvmlIT.FAKE.toString(), "FAKE_NVML_GPUS", "2"),
                "--socket", socket.toString(), "--interval-ms", "100");
        for (int i = 0; i < 100 && !Files.exists(socket); i++) Thread.sleep(50);
        assertTrue(Files.exists(socket), "no socket; log:\n" + daemon.logText());
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) daemon.close();
    }

    /** A client in this JVM: hello and batches from the daemon. */
    static final class Client implements AutoCloseable {
        final SocketChannel ch;
        final BufferedReader in;
        final ProtocolReader reader = new ProtocolReader();

        Client() throws IOException {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
        }

        /** The first batch the helper began after this call (older ones may wait in the socket's buffer). */
        ProtocolReader.Batch batchAfterNow() throws IOException {
            java.time.Instant now = java.time.Instant.now();
            long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
            ProtocolReader.Batch b;
            while ((b = reader.next(in)) != null && b.unixNanos <= nanos) {
                // skip
            }
            return b;
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    static void openDevice(String path, int times) {
        for (int i = 0; i < times; i++) {
            try (FileInputStream f = new FileInputStream(path)) {
                fail("unexpected device " + path);
            } catch (IOException expected) {
                // the open failed, as it should: the helper counts it as an error
            }
        }
    }

    @Test
    void eachClientSeesOnlyItsOwnProcess() throws Exception {
        try (Client me = new Client()) {
            ProtocolReader.Batch first = me.reader.next(me.in);
            assertNotNull(first, daemon.logText());
            assertEquals(Long.toString(ProcessHandle.current().pid()), me.reader.hello.get("pid"),
                    "the daemon measures the connecting process, by the kernel's word");
            openDevice("/dev/nvidia-tpA", 3);

            // a second client, another process: python opens its own device path 5 times, then reports what the
            // daemon told it about device opens
            String py = String.join("\n",
                    "import socket, sys, json",
                    "s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile('r')",
                    "hello = f.readline()  # measuring starts once the daemon has answered",
                    "for i in range(5):",
                    "    try: open('/dev/nvidia-tpB')",
                    "    except OSError: pass",
                    "seen = {}; batches = 0; names = set()",
                    "for line in f:",
                    "    if line.startswith('Z '):",
                    "        batches += 1",
                    "        if batches == 3: break",
                    "    if line.startswith(('C ', 'G ', 'H ')): names.add(line.split('{')[0][2:])",
                    "    if line.startswith('C tokenpath.process.device_opens'):",
                    "        dev = line.split('tokenpath.device=\"')[1].split('\"')[0]; seen[dev] = float(line.rsplit(' ', 1)[1])",
                    "print(json.dumps({'hello': hello.strip(), 'device_opens': seen, 'gpu': 'hw.gpu.utilization' in names}))");
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", py, socket.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertTrue(out.contains("\"pid=" + p.pid()) || out.contains("pid=" + p.pid() + " "), "python's own pid: " + out);
            assertTrue(out.contains("\"device_opens\": {\"nvidia-tpB\": 5.0}"), "python sees its 5 opens and nothing of mine: " + out);
            assertTrue(out.contains("\"gpu\": true"), "node GPU data is everyone's: " + out);

            System.gc(); // this JVM is a client too: its GC shows through the USDT probes the daemon attached
            ProtocolReader.Batch mine = me.batchAfterNow();
            assertTrue(me.reader.hello.get("modules").contains("jvm"));
            assertNotNull(mine.hist("tokenpath.jvm.gc.duration", "tokenpath.gc.kind=full"), "System.gc() seen: " + mine.hists.keySet() + "\n" + daemon.logText());
            assertEquals(3, mine.value("tokenpath.process.device_opens", "tokenpath.device=nvidia-tpA", "tokenpath.result=error"));
            assertNull(mine.value("tokenpath.process.device_opens", "tokenpath.device=nvidia-tpB", "tokenpath.result=error"),
                    "the other client's opens are not mine");
            assertNotNull(mine.value("hw.gpu.utilization", NvmlIT.gpu(1)));
        }
    }

    @Test
    void oversizeInputClosesTheConnection() throws Exception {
        try (Client c = new Client()) {
            c.ch.write(ByteBuffer.wrap("x".repeat(600).getBytes(StandardCharsets.US_ASCII)));
            String line;
            String last = null;
            while ((line = c.in.readLine()) != null) last = line;
            assertEquals("X input line too long", last, "the helper says why, then closes");
        }
        try (Client c = new Client()) {
            assertNotNull(c.reader.next(c.in), "the daemon serves the next client as before");
        }
    }

    @Test
    void theSocketAndTheCapabilitiesAreWhatTheDocsSay() throws Exception {
        assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        String status = Files.readString(Path.of("/proc", Long.toString(daemon.process.pid()), "status"));
        // CAP_SYS_PTRACE, CAP_PERFMON, CAP_BPF, and CAP_SYS_ADMIN for the uprobes of JVMs that connect later
        long want = (1L << 19) | (1L << 21) | (1L << 38) | (1L << 39);
        assertEquals(want, capMask(status, "CapEff"), status);
        assertEquals(want, capMask(status, "CapPrm"), status);
        assertEquals(want, capMask(status, "CapBnd"), "the bounding set too: nothing can be regained");
        assertTrue(status.lines().anyMatch(l -> l.matches("NoNewPrivs:\\s+1")), status);
        assertTrue(daemon.logText().contains("capabilities now: cap_sys_ptrace,cap_sys_admin,cap_perfmon,cap_bpf"), daemon.logText());
    }

    static long capMask(String status, String field) {
        return status.lines().filter(l -> l.startsWith(field + ":")).map(l -> Long.parseUnsignedLong(l.split("\\s+")[1], 16))
                .findFirst().orElseThrow();
    }

    @Test
    void aSecondDaemonOnTheSameSocketIsRefusedAndSigtermCleansUp(@TempDir Path other) throws Exception {
        try (HelperRun second = HelperRun.start(List.of(), Map.of(), "--socket", socket.toString(), "--no-nvml")) {
            assertTrue(second.process.waitFor(30, TimeUnit.SECONDS));
            assertEquals(73, second.process.exitValue());
            assertTrue(second.logText().contains("another helper is serving it"), second.logText());
        }
        Path sock = other.resolve("h.sock");
        try (HelperRun h = HelperRun.start(List.of(), Map.of(), "--socket", sock.toString(), "--no-nvml", "--socket-mode", "0600",
                "--no-usdt")) {
            for (int i = 0; i < 100 && !Files.exists(sock); i++) Thread.sleep(50);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            String status = Files.readString(Path.of("/proc", Long.toString(h.process.pid()), "status"));
            assertEquals((1L << 19) | (1L << 38) | (1L << 39), capMask(status, "CapEff"), "without USDT, no CAP_SYS_ADMIN");
            long t0 = System.nanoTime();
            h.process.destroy(); // SIGTERM
            assertTrue(h.process.waitFor(10, TimeUnit.SECONDS), "SIGTERM stops the accept loop");
            assertEquals(0, h.process.exitValue(), h.logText());
            assertFalse(Files.exists(sock), "the socket is removed");
            assertTrue(h.logText().contains("stopping on signal 15"), h.logText());
            System.out.printf("helper exit after SIGTERM: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        }
    }
}
