package io.tokenpath.samples.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Counts requests in flight so a stop can wait for exactly them. JDK 17's {@code HttpServer.stop(delay)} waits the
 * whole delay even when nothing is in flight, so the server drains on this count and then stops with delay 0.
 */
final class ServerLifecycle {

    private int inFlight;
    private boolean stopping;

    synchronized void enter() {
        inFlight++;
    }

    synchronized void exit() {
        inFlight--;
        notifyAll();
    }

    synchronized boolean stopping() {
        return stopping;
    }

    /** New requests are refused (503) from now on; returns once none is in flight or {@code grace} has passed. */
    synchronized int drain(Duration grace) throws InterruptedException {
        stopping = true;
        long deadline = System.nanoTime() + grace.toNanos();
        while (inFlight > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return inFlight;
    }
}
