package io.imgpipe.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on loopback for tests: serves scripted responses per path and counts hits.
 * Started on an ephemeral port of 127.0.0.1; never reachable from outside the machine.
 *
 * <pre>{@code
 * try (TestHttpServer server = TestHttpServer.start()) {
 *     server.serve("/a.jpg", Reply.ok("image/jpeg", bytes));
 *     server.script("/flaky.jpg", Reply.status(503), Reply.status(503), Reply.ok("image/jpeg", bytes));
 *     URI url = server.url("/a.jpg");
 * }
 * }</pre>
 */
public final class TestHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Deque<Reply>> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final List<RecordedRequest> requests = java.util.Collections.synchronizedList(new ArrayList<>());

    private TestHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** {@return a started server on 127.0.0.1 and an ephemeral port} */
    public static TestHttpServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
            ExecutorService executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "test-http-server");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(executor);
            TestHttpServer testServer = new TestHttpServer(server, executor);
            server.createContext("/", testServer::handle);
            server.start();
            return testServer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@return its absolute URL on this server}
     *
     * @param path a path starting with {@code /}
     */
    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** {@return the port the server listens on} */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Answers every request for {@code path} with {@code reply}.
     *
     * @param path the path, starting with {@code /}
     * @param reply the reply
     */
    public void serve(String path, Reply reply) {
        script(path, reply);
    }

    /**
     * Answers requests for {@code path} with the replies in turn; the last one repeats.
     *
     * @param path the path, starting with {@code /}
     * @param replies at least one reply
     */
    public void script(String path, Reply... replies) {
        if (replies.length == 0) {
            throw new IllegalArgumentException("at least one reply");
        }
        scripts.put(path, new ConcurrentLinkedDeque<>(List.of(replies)));
    }

    /**
     * {@return how many requests it has received}
     *
     * @param path a path
     */
    public int hits(String path) {
        AtomicInteger count = hits.get(path);
        return count == null ? 0 : count.get();
    }

    /** {@return every request received so far, in arrival order} */
    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
            requests.add(new RecordedRequest(exchange.getRequestMethod(), path, headers, body));
        }
        hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        Reply reply = nextReply(path);
        try {
            if (!reply.delay().isZero()) {
                Thread.sleep(reply.delay().toMillis());
            }
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            if (reply.contentType() != null) {
                exchange.getResponseHeaders().add("Content-Type", reply.contentType());
            }
            byte[] body = reply.body();
            exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away (timeouts, byte caps): nothing to do
        } finally {
            exchange.close();
        }
    }

    private Reply nextReply(String path) {
        Deque<Reply> script = scripts.get(path);
        if (script == null) {
            return Reply.status(404);
        }
        synchronized (script) {
            return script.size() > 1 ? script.pollFirst() : script.peekFirst();
        }
    }

    /**
     * A scripted response.
     *
     * @param status the HTTP status
     * @param contentType the {@code Content-Type}, or {@code null} to send none
     * @param headers further headers
     * @param body the body (empty for none)
     * @param delay how long to wait before answering
     */
    public record Reply(int status, String contentType, Map<String, String> headers, byte[] body, Duration delay) {

        /** Copies the headers. */
        public Reply {
            headers = Map.copyOf(headers);
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(delay, "delay");
        }

        /**
         * {@return a 200 reply}
         *
         * @param contentType the type
         * @param body the body
         */
        public static Reply ok(String contentType, byte[] body) {
            return new Reply(200, contentType, Map.of(), body, Duration.ZERO);
        }

        /**
         * {@return a reply with that status and no body}
         *
         * @param status the status
         */
        public static Reply status(int status) {
            return new Reply(status, null, Map.of(), new byte[0], Duration.ZERO);
        }

        /**
         * {@return a 200 reply with a UTF-8 body}
         *
         * @param contentType the type
         * @param text the body
         */
        public static Reply text(String contentType, String text) {
            return ok(contentType, text.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * {@return a redirect}
         *
         * @param status a 3xx status
         * @param location the target
         */
        public static Reply redirect(int status, String location) {
            return new Reply(status, null, Map.of("Location", location), new byte[0], Duration.ZERO);
        }

        /**
         * {@return this reply with the header added}
         *
         * @param name a header
         * @param value its value
         */
        public Reply withHeader(String name, String value) {
            Map<String, String> copy = new LinkedHashMap<>(headers);
            copy.put(name, value);
            return new Reply(status, contentType, copy, body, delay);
        }

        /**
         * {@return this reply, answered after the delay}
         *
         * @param value the delay
         */
        public Reply delayedBy(Duration value) {
            return new Reply(status, contentType, headers, body, value);
        }
    }

    /**
     * A request the server received.
     *
     * @param method the HTTP method
     * @param path the path
     * @param headers the headers, names in lower case
     * @param body the body
     */
    public record RecordedRequest(String method, String path, Map<String, String> headers, byte[] body) {
    }
}
