package io.imgpipe;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A host that accepts connections on 127.0.0.1 and never answers, like a server that hangs: every
 * fetch from it lasts until the fetcher's total timeout. Counts the connections it accepted and how
 * many were open at once.
 */
final class NeverAnsweringServer implements AutoCloseable {

    private final ServerSocket socket;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpen = new AtomicInteger();

    private NeverAnsweringServer(ServerSocket socket) {
        this.socket = socket;
    }

    static NeverAnsweringServer start() {
        try {
            ServerSocket socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
            NeverAnsweringServer server = new NeverAnsweringServer(socket);
            Thread acceptor = new Thread(server::acceptForever, "never-answering-server");
            acceptor.setDaemon(true);
            acceptor.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param path a path @return its URL on this server */
    URI url(String path) {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
    }

    /** @return connections accepted so far */
    int accepted() {
        return accepted.get();
    }

    /** @return connections open now (the client has not hung up) */
    int open() {
        return open.get();
    }

    /** @return the most connections that were open at once */
    int mostOpen() {
        return mostOpen.get();
    }

    private void acceptForever() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                connections.add(connection);
                accepted.incrementAndGet();
                mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                Thread reader = new Thread(() -> readUntilHungUp(connection), "never-answering-connection");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void readUntilHungUp(Socket connection) {
        try (InputStream in = connection.getInputStream()) {
            byte[] buffer = new byte[1024];
            while (in.read(buffer) >= 0) {
                // the request is read and never answered
            }
        } catch (IOException e) {
            // the client hung up
        } finally {
            open.decrementAndGet();
        }
    }

    /** Stops accepting and drops every connection: the fetches in progress fail at once. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
        for (Socket connection : connections) {
            try {
                connection.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }
}
