package io.imgpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.imgpipe.CompletedRequest;
import io.imgpipe.Progress;
import io.imgpipe.Status;
import io.imgpipe.fetch.AddressPolicy;
import io.imgpipe.server.ServerConfig.WebhookSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook client against a raw socket receiver that answers 200 with a huge declared body: the
 * status decides, and the body is not read.
 */
class WebhookClientTest {

    private ServerSocket listener;
    private Thread acceptor;

    @AfterEach
    void stop() throws IOException {
        if (listener != null) {
            listener.close();
        }
        if (acceptor != null) {
            acceptor.interrupt();
        }
    }

    /** Answers every POST with 200 and a large body, sent by {@code body}. */
    private URI receiver(BodyWriter body, AtomicInteger posts, AtomicLong bytesWritten) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    Thread t = new Thread(() -> serve(socket, body, posts, bytesWritten));
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/hook");
    }

    private static void serve(Socket socket, BodyWriter body, AtomicInteger posts, AtomicLong bytesWritten) {
        try (socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            int length = 0;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            for (int i = 0; i < length; i++) {
                in.read();
            }
            posts.incrementAndGet();
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + (1L << 30) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            body.write(out, bytesWritten);
        } catch (IOException | InterruptedException e) {
            // the client hung up
        }
    }

    interface BodyWriter {
        void write(OutputStream out, AtomicLong written) throws IOException, InterruptedException;
    }

    @Test
    void doesNotReadALargeAnswerBody() throws Exception {
        AtomicLong written = new AtomicLong();
        URI url = receiver((out, count) -> {
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < 1024; i++) { // 64 MiB
                out.write(chunk);
                count.addAndGet(chunk.length);
            }
        }, new AtomicInteger(), written);
        try (WebhookClient client = new WebhookClient(AddressPolicy.allowAll(), Duration.ofSeconds(5))) {
            try {
                client.post(url, "{}".getBytes(StandardCharsets.UTF_8), Map.of());
            } catch (IOException expected) {
                // the 1 GiB declared body is never finished; what matters is how much was read
            }
        }
        // The receiver could push its whole 64 MiB: the client drained it instead of hanging up after 4 KiB.
        assertThat(written.get()).as("bytes the receiver managed to send").isLessThan(8L << 20);
    }

    @Test
    void aTwoHundredWithATrickledBodyIsReportedAsDelivered() throws Exception {
        URI url = receiver((out, count) -> {
            for (int i = 0; i < 100; i++) {
                out.write(new byte[100]);
                out.flush();
                Thread.sleep(200);
            }
        }, new AtomicInteger(), new AtomicLong());
        try (WebhookClient client = new WebhookClient(AddressPolicy.allowAll(), Duration.ofSeconds(1))) {
            WebhookClient.Answer answer = client.post(url, "{}".getBytes(StandardCharsets.UTF_8), Map.of());
            assertThat(answer.status()).isEqualTo(200);
        }
    }

    @Test
    void aReceiverThatAnswers200IsPostedOnce() throws Exception {
        AtomicInteger posts = new AtomicInteger();
        URI url = receiver((out, count) -> {
            for (int i = 0; i < 100; i++) {
                out.write(new byte[100]);
                out.flush();
                Thread.sleep(200);
            }
        }, posts, new AtomicLong());
        WebhookSettings settings = new WebhookSettings(null, 3, Duration.ofSeconds(1), Duration.ofMillis(10),
                Duration.ofMillis(50));
        try (WebhookClient client = new WebhookClient(AddressPolicy.allowAll(), settings.timeout())) {
            new WebhookNotifier(settings, client, URI.create("https://imgpipe.example.com"), Clock.systemUTC())
                    .onCompletion(new CompletedRequest("req-1", Status.COMPLETED, Instant.now(),
                            Instant.now(), new Progress(1, 0, 0, 1, 0),
                            Map.of(WebhookNotifier.WEBHOOK_URL, url.toString())));
        }
        assertThat(posts.get()).as("POSTs of one delivery the receiver acknowledged with 200").isEqualTo(1);
    }

    @Test
    void aWebhookUrlWithAnOutOfRangePortFailsAsAnIoErrorNotARuntimeException() {
        try (WebhookClient client = new WebhookClient(AddressPolicy.allowAll(), Duration.ofSeconds(1))) {
            Throwable t = catchThrowable(() ->
                    client.post(URI.create("http://hooks.example.com:99999/x"), new byte[0], Map.of()));
            assertThat(t).isInstanceOf(IOException.class);
        }
    }
}
