package io.imgpipe.fetch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A one-connection HTTP server on 127.0.0.1 that writes raw bytes, for what
 * {@link io.imgpipe.testkit.TestHttpServer} cannot script: chunked bodies, bodies trickled byte
 * by byte, and noticing that the client hung up before the body was complete.
 */
final class RawHttpServer implements AutoCloseable {

    /** Writes a response to the accepted connection; the request head has been read already. */
    @FunctionalInterface
    interface Responder {
        void respond(OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket socket;
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

    private RawHttpServer(ServerSocket socket) {
        this.socket = socket;
    }

    /** @param responder writes the response @return a server answering one connection */
    static RawHttpServer start(Responder responder) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            RawHttpServer server = new RawHttpServer(socket);
            Thread thread = new Thread(() -> server.serve(responder), "raw-http-server");
            thread.setDaemon(true);
            thread.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param path a path @return its URL on this server */
    URI url(String path) {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
    }

    /**
     * Waits for the responder to finish.
     *
     * @return {@code COMPLETED} if it wrote everything, {@code CLIENT_HUNG_UP} if a write failed
     */
    Outcome awaitOutcome() throws InterruptedException, ExecutionException, TimeoutException {
        return outcome.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void serve(Responder responder) {
        try (Socket connection = socket.accept()) {
            readRequestHead(connection.getInputStream());
            OutputStream out = connection.getOutputStream();
            responder.respond(out);
            out.flush();
            outcome.complete(Outcome.COMPLETED);
        } catch (IOException e) {
            outcome.complete(Outcome.CLIENT_HUNG_UP);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome.completeExceptionally(e);
        }
    }

    private static void readRequestHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                return;
            }
        }
    }

    /** How the responder ended. */
    enum Outcome {
        COMPLETED,
        CLIENT_HUNG_UP
    }

    /** @param text ASCII text @return its bytes */
    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
