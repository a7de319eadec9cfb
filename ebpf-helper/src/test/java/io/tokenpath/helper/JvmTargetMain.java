package io.tokenpath.helper;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A JVM doing known things for JvmTargetIT, when told "go": map a file and touch every page, fail to open a
 * /dev/nvidia* path three times, sleep 500 ms in a thread named tp-jvm-sleeper, run System.gc() three times.
 */
public final class JvmTargetMain {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        System.out.println("ready");
        System.out.flush();
        if (!"go".equals(in.readLine())) return;
        long sum = 0;
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            for (int i = 0; i < m.capacity(); i += 4096) sum += m.get(i);
        }
        for (int i = 0; i < 3; i++) {
            try (FileInputStream f = new FileInputStream("/dev/nvidia-jvm")) {
                throw new IllegalStateException("/dev/nvidia-jvm exists");
            } catch (IOException expected) {
                // counted by the helper as a failed device open
            }
        }
        Thread sleeper = new Thread(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tp-jvm-sleeper");
        sleeper.start();
        sleeper.join();
        for (int i = 0; i < 3; i++) System.gc();
        System.out.println("done " + (sum & 0));
        System.out.flush();
        in.readLine(); // stay until told to go
    }
}
