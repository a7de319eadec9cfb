package io.tokenpath.agent.impl.helper;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The helper daemon's Unix socket. The daemon measures whoever connects (the kernel tells it the pid), so this
 * JVM needs no privilege; in turn the agent checks who is listening: a socket served by anyone but the expected
 * user (root by default) could feed it invented numbers, and is refused.
 */
final class SocketSource implements HelperSource {
    private final Path path;
    private final List<String> allowedOwners; // a List: the refusal names them in this order (Set.of's is random)

    SocketSource(Path path, String expectedUser) {
        this.path = path;
        this.allowedOwners = expectedUser.equals("root") ? List.of("root", "0") : List.of(expectedUser);
    }

    @Override
    public Connection open() throws IOException {
        if (!Files.exists(path)) throw new NoHelperException("no helper socket at " + path);
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(path));
            UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            String owner = peer.user().getName();
            if (!allowedOwners.contains(owner)) {
                throw new IOException("the process serving " + path + " runs as '" + owner + "', not as "
                        + String.join(" or ", allowedOwners) + " (helper.user): refusing its data");
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        BufferedReader r = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
        return new Connection() {
            @Override
            public BufferedReader lines() {
                return r;
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }

    @Override
    public String describe() {
        return "socket " + path;
    }
}
