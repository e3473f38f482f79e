package io.imgpipe.fetch;

import static io.imgpipe.fetch.RawHttpServer.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.imgpipe.FetchException;
import io.imgpipe.FetchException.Reason;
import io.imgpipe.spi.BodyBudget;
import io.imgpipe.spi.FetchedImage;
import io.imgpipe.testkit.TestHttpServer;
import io.imgpipe.testkit.TestHttpServer.RecordedRequest;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.utils.DateUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpImageFetcherTest {

    private static final AddressPolicy LOOPBACK_ONLY = AddressPolicy.ranges("127.0.0.1/32");
    private static final FetcherConfig LOOPBACK_CONFIG = FetcherConfig.defaults().withAddressPolicy(LOOPBACK_ONLY);
    private static final byte[] JPEG = TestImages.jpeg(64, 48, 1);

    private TestHttpServer server;
    private HttpImageFetcher fetcher;

    @BeforeEach
    void start() {
        server = TestHttpServer.start();
        fetcher = new HttpImageFetcher(LOOPBACK_CONFIG);
    }

    @AfterEach
    void stop() {
        fetcher.close();
        server.close();
    }

    @Test
    void returnsTheExactBytesAndContentTypeOfAnImage() {
        server.serve("/a.jpg", Reply.ok("image/jpeg", JPEG));

        FetchedImage image = fetcher.fetch(server.url("/a.jpg"));

        assertThat(image.body()).isEqualTo(JPEG);
        assertThat(image.contentType()).isEqualTo("image/jpeg");
        assertThat(image.url()).isEqualTo(server.url("/a.jpg"));
        assertThat(image.finalUrl()).isEqualTo(server.url("/a.jpg"));
    }

    @Test
    void acceptsAnImageServedAsOctetStream() {
        byte[] png = TestImages.png(20, 10, 2);
        server.serve("/b", Reply.ok("application/octet-stream", png));

        assertThat(fetcher.fetch(server.url("/b")).body()).isEqualTo(png);
    }

    @Test
    void acceptsAnImageWithoutContentType() {
        server.serve("/c", Reply.ok(null, JPEG));

        FetchedImage image = fetcher.fetch(server.url("/c"));

        assertThat(image.contentType()).isNull();
        assertThat(image.body()).isEqualTo(JPEG);
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 410, 400, 403})
    void clientErrorsArePermanent(int status) {
        server.serve("/missing.jpg", Reply.status(status));

        FetchException e = fetchFailure(server.url("/missing.jpg"));

        assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND_OR_CLIENT_ERROR);
        assertThat(e.retryable()).isFalse();
        assertThat(e.statusCode()).hasValue(status);
        assertThat(e.getMessage()).contains(server.url("/missing.jpg").toString(), "HTTP " + status, "permanent");
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 504})
    void serverErrorsAreTransient(int status) {
        server.serve("/flaky.jpg", Reply.status(status));

        FetchException e = fetchFailure(server.url("/flaky.jpg"));

        assertThat(e.reason()).isEqualTo(Reason.SERVER_BUSY_OR_ERROR);
        assertThat(e.retryable()).isTrue();
        assertThat(e.statusCode()).hasValue(status);
        assertThat(e.retryAfter()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 408})
    void throttlingAndRequestTimeoutAreTransient(int status) {
        server.serve("/busy.jpg", Reply.status(status));

        FetchException e = fetchFailure(server.url("/busy.jpg"));

        assertThat(e.reason()).isEqualTo(Reason.SERVER_BUSY_OR_ERROR);
        assertThat(e.retryable()).isTrue();
        assertThat(e.statusCode()).hasValue(status);
    }

    @Test
    void serviceUnavailableCarriesRetryAfterInSeconds() {
        server.serve("/busy.jpg", Reply.status(503).withHeader("Retry-After", "120"));

        FetchException e = fetchFailure(server.url("/busy.jpg"));

        assertThat(e.reason()).isEqualTo(Reason.SERVER_BUSY_OR_ERROR);
        assertThat(e.retryable()).isTrue();
        assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(120));
        assertThat(e.getMessage()).contains("HTTP 503", "Retry-After 120s");
    }

    @Test
    void serviceUnavailableCarriesRetryAfterGivenAsHttpDate() {
        String inTwoMinutes = DateUtils.formatStandardDate(Instant.now().plusSeconds(120));
        server.serve("/busy.jpg", Reply.status(503).withHeader("Retry-After", inTwoMinutes));

        FetchException e = fetchFailure(server.url("/busy.jpg"));

        assertThat(e.retryAfter()).hasValueSatisfying(delay ->
                assertThat(delay).isBetween(Duration.ofSeconds(60), Duration.ofSeconds(120)));
    }

    @Test
    void htmlPageIsNotAnImage() {
        server.serve("/page", Reply.text("text/html; charset=utf-8", "<!DOCTYPE html><html><body>Not found</body></html>"));

        FetchException e = fetchFailure(server.url("/page"));

        assertThat(e.reason()).isEqualTo(Reason.NOT_AN_IMAGE);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("text/html");
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "text/plain; charset=utf-8", "application/problem+json", "application/xml"})
    void declaredNonImageTypeIsRefusedWhateverTheBody(String contentType) {
        server.serve("/x", Reply.ok(contentType, JPEG));

        FetchException e = fetchFailure(server.url("/x"));

        assertThat(e.reason()).isEqualTo(Reason.NOT_AN_IMAGE);
        assertThat(e.getMessage()).contains(contentType);
    }

    @Test
    void textBodyDeclaredAsJpegIsRefused() {
        server.serve("/fake.jpg", Reply.text("image/jpeg", "<html><body>Access denied</body></html>"));

        FetchException e = fetchFailure(server.url("/fake.jpg"));

        assertThat(e.reason()).isEqualTo(Reason.NOT_AN_IMAGE);
        assertThat(e.getMessage()).contains("HTML");
    }

    @Test
    void avifIsRefusedAsAnUnsupportedFormat() {
        byte[] avif = new byte[200];
        System.arraycopy(ascii("\0\0\0\u001cftypavif\0\0\0\0avifmif1miaf"), 0, avif, 0, 28);
        server.serve("/photo.avif", Reply.ok("image/avif", avif));

        FetchException e = fetchFailure(server.url("/photo.avif"));

        assertThat(e.reason()).isEqualTo(Reason.NOT_AN_IMAGE);
        assertThat(e.getMessage()).contains("AVIF", "unsupported");
    }

    @Test
    void emptyBodyIsNotAnImage() {
        server.serve("/empty.jpg", Reply.ok("image/jpeg", new byte[0]));

        FetchException e = fetchFailure(server.url("/empty.jpg"));

        assertThat(e.reason()).isEqualTo(Reason.NOT_AN_IMAGE);
        assertThat(e.getMessage()).contains("empty");
    }

    @Test
    void unrequestedContentEncodingIsRefused() {
        server.serve("/z.jpg", Reply.ok("image/jpeg", JPEG).withHeader("Content-Encoding", "gzip"));

        FetchException e = fetchFailure(server.url("/z.jpg"));

        assertThat(e.reason()).isEqualTo(Reason.NOT_AN_IMAGE);
        assertThat(e.getMessage()).contains("Content-Encoding gzip");
    }

    @Test
    void bodyOfExactlyTheCapIsAccepted() {
        server.serve("/a.jpg", Reply.ok("image/jpeg", JPEG));

        try (HttpImageFetcher capped = new HttpImageFetcher(LOOPBACK_CONFIG.withMaxBytes(JPEG.length))) {
            assertThat(capped.fetch(server.url("/a.jpg")).body()).isEqualTo(JPEG);
        }
    }

    @Test
    void contentLengthOverTheCapIsTooLarge() {
        server.serve("/big.jpg", Reply.ok("image/jpeg", JPEG));

        try (HttpImageFetcher capped = new HttpImageFetcher(LOOPBACK_CONFIG.withMaxBytes(JPEG.length - 1))) {
            FetchException e = fetchFailure(capped, server.url("/big.jpg"));

            assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains("Content-Length " + JPEG.length, "limit of " + (JPEG.length - 1));
        }
    }

    @Test
    void chunkedBodyOverTheCapIsTooLarge() throws Exception {
        try (RawHttpServer raw = RawHttpServer.start(out -> {
            writeChunkedHead(out);
            writeChunk(out, JPEG);
            writeChunk(out, JPEG);
            out.write(ascii("0\r\n\r\n"));
        }); HttpImageFetcher capped = new HttpImageFetcher(LOOPBACK_CONFIG.withMaxBytes(JPEG.length + 10))) {
            FetchException e = fetchFailure(capped, raw.url("/chunked.jpg"));

            assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
            assertThat(e.getMessage()).contains("body exceeds the limit of " + (JPEG.length + 10) + " bytes");
        }
    }

    @Test
    void chunkedBodyWithinTheCapIsAccepted() throws Exception {
        try (RawHttpServer raw = RawHttpServer.start(out -> {
            writeChunkedHead(out);
            writeChunk(out, Arrays.copyOfRange(JPEG, 0, 10));
            writeChunk(out, Arrays.copyOfRange(JPEG, 10, JPEG.length));
            out.write(ascii("0\r\n\r\n"));
        })) {
            assertThat(fetcher.fetch(raw.url("/chunked.jpg")).body()).isEqualTo(JPEG);
        }
    }

    @Test
    void reservesTheDeclaredLengthOnceBeforeReadingTheBody() {
        server.serve("/a.jpg", Reply.ok("image/jpeg", JPEG));
        RecordingBudget budget = new RecordingBudget(Long.MAX_VALUE);

        FetchedImage image = fetcher.fetch(server.url("/a.jpg"), budget);

        assertThat(image.body()).isEqualTo(JPEG);
        assertThat(budget.reservations).containsExactly((long) JPEG.length);
    }

    @Test
    void reservesTheCapForABodyOfUnknownLength() throws Exception {
        try (RawHttpServer raw = RawHttpServer.start(out -> {
            writeChunkedHead(out);
            writeChunk(out, JPEG);
            out.write(ascii("0\r\n\r\n"));
        }); HttpImageFetcher capped = new HttpImageFetcher(LOOPBACK_CONFIG.withMaxBytes(100_000))) {
            RecordingBudget budget = new RecordingBudget(Long.MAX_VALUE);

            assertThat(capped.fetch(raw.url("/chunked.jpg"), budget).body()).isEqualTo(JPEG);
            assertThat(budget.reservations).containsExactly(100_001L);
        }
    }

    @Test
    void aBodyOfUnknownLengthIsLimitedToWhatTheBudgetCanGive() throws Exception {
        try (RawHttpServer raw = RawHttpServer.start(out -> {
            writeChunkedHead(out);
            writeChunk(out, JPEG);
            writeChunk(out, JPEG);
            out.write(ascii("0\r\n\r\n"));
        })) {
            RecordingBudget budget = new RecordingBudget(JPEG.length + 10L);

            FetchException e = fetchFailure(() -> fetcher.fetch(raw.url("/chunked.jpg"), budget));

            assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
            assertThat(e.getMessage()).contains("memory budget allows a body sent without Content-Length");
        }
    }

    @Test
    void theBodyIsNotReadUntilItsMemoryIsReserved() throws Exception {
        server.serve("/a.jpg", Reply.ok("image/jpeg", JPEG));
        CountDownLatch reserving = new CountDownLatch(1);
        CountDownLatch granted = new CountDownLatch(1);
        BodyBudget waiting = new BodyBudget() {
            @Override
            public long capacity() {
                return Long.MAX_VALUE;
            }

            @Override
            public boolean reserve(long bytes, long deadlineNanos) throws InterruptedException {
                reserving.countDown();
                return granted.await(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        };
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<FetchedImage> fetch = pool.submit(() -> fetcher.fetch(server.url("/a.jpg"), waiting));
            assertThat(reserving.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(fetch).isNotDone();

            granted.countDown();

            assertThat(fetch.get(10, java.util.concurrent.TimeUnit.SECONDS).body()).isEqualTo(JPEG);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void memoryThatIsNotReservedBeforeTheTotalTimeoutIsATransientTimeout() {
        server.serve("/a.jpg", Reply.ok("image/jpeg", JPEG));
        BodyBudget neverFree = new BodyBudget() {
            @Override
            public long capacity() {
                return Long.MAX_VALUE;
            }

            @Override
            public boolean reserve(long bytes, long deadlineNanos) {
                return false;
            }
        };

        FetchException e = fetchFailure(() -> fetcher.fetch(server.url("/a.jpg"), neverFree));

        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("while waiting for " + JPEG.length + " bytes of memory for the body");
    }

    @Test
    void aBodyTheBudgetCanNeverHoldIsPermanentlyTooLargeWithTheBudgetsReason() {
        server.serve("/a.jpg", Reply.ok("image/jpeg", JPEG));
        BodyBudget small = new BodyBudget() {
            @Override
            public long capacity() {
                return 10;
            }

            @Override
            public boolean reserve(long bytes, long deadlineNanos) {
                throw new io.imgpipe.ImgPipeException("more than the budget; raise the.setting", null, false);
            }
        };

        FetchException e = fetchFailure(() -> fetcher.fetch(server.url("/a.jpg"), small));

        assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("raise the.setting");
    }

    @Test
    void oversizedBodyIsAbortedRatherThanDrained() throws Exception {
        byte[] chunk = new byte[64 * 1024];
        System.arraycopy(JPEG, 0, chunk, 0, 16);
        try (RawHttpServer raw = RawHttpServer.start(out -> {
            writeChunkedHead(out);
            for (int i = 0; i < 1024; i++) {
                writeChunk(out, chunk);
            }
            out.write(ascii("0\r\n\r\n"));
        }); HttpImageFetcher capped = new HttpImageFetcher(LOOPBACK_CONFIG.withMaxBytes(100_000))) {
            FetchException e = fetchFailure(capped, raw.url("/huge.jpg"));

            assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
            assertThat(raw.awaitOutcome()).isEqualTo(RawHttpServer.Outcome.CLIENT_HUNG_UP);
        }
    }

    @Test
    void slowResponseHitsTheTotalTimeout() {
        server.serve("/slow.jpg", Reply.ok("image/jpeg", JPEG).delayedBy(Duration.ofSeconds(5)));

        try (HttpImageFetcher impatient = new HttpImageFetcher(LOOPBACK_CONFIG.withTotalTimeout(Duration.ofMillis(300)))) {
            FetchException e = fetchFailure(impatient, server.url("/slow.jpg"));

            assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
            assertThat(e.retryable()).isTrue();
        }
    }

    @Test
    void trickledBodyHitsTheTotalTimeoutAlthoughEveryReadIsQuick() throws Exception {
        try (RawHttpServer raw = RawHttpServer.start(out -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: " + JPEG.length + "\r\n\r\n"));
            for (byte b : JPEG) {
                out.write(b);
                out.flush();
                Thread.sleep(20);
            }
        }); HttpImageFetcher impatient = new HttpImageFetcher(LOOPBACK_CONFIG.withTotalTimeout(Duration.ofMillis(500)))) {
            FetchException e = fetchFailure(impatient, raw.url("/trickle.jpg"));

            assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
            assertThat(e.getMessage()).contains("total timeout of 500 ms");
            assertThat(raw.awaitOutcome()).isEqualTo(RawHttpServer.Outcome.CLIENT_HUNG_UP);
        }
    }

    @Test
    void totalTimeoutSpansRedirectHops() {
        Duration hopDelay = Duration.ofMillis(200);
        server.serve("/r1", Reply.redirect(302, "/r2").delayedBy(hopDelay));
        server.serve("/r2", Reply.redirect(302, "/r3").delayedBy(hopDelay));
        server.serve("/r3", Reply.redirect(302, "/a.jpg").delayedBy(hopDelay));
        server.serve("/a.jpg", Reply.ok("image/jpeg", JPEG).delayedBy(hopDelay));

        try (HttpImageFetcher impatient = new HttpImageFetcher(LOOPBACK_CONFIG.withTotalTimeout(Duration.ofMillis(500)))) {
            FetchException e = fetchFailure(impatient, server.url("/r1"));

            assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
            assertThat(server.hits("/a.jpg")).isZero();
        }
    }

    @Test
    void refusedConnectionIsTransient() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            closedPort = socket.getLocalPort();
        }

        FetchException e = fetchFailure(URI.create("http://127.0.0.1:" + closedPort + "/a.jpg"));

        assertThat(e.reason()).isEqualTo(Reason.CONNECTION);
        assertThat(e.retryable()).isTrue();
        assertThat(e.statusCode()).isEmpty();
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // without the DNS timeout, the fetch would hang
    void aNameServerThatDoesNotAnswerIsATransientTimeout() {
        CountDownLatch never = new CountDownLatch(1);
        DnsResolver silent = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new UnknownHostException(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        FetcherConfig quickConnect = LOOPBACK_CONFIG.withConnectTimeout(Duration.ofMillis(200));
        try (HttpImageFetcher withSilentDns = new HttpImageFetcher(quickConnect, silent)) {
            FetchException e = fetchFailure(withSilentDns, URI.create("http://slow-dns.test/a.jpg"));

            assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("slow-dns.test").contains("DNS lookup took longer than 200 ms");
        } finally {
            never.countDown();
        }
    }

    @Test
    void unresolvableHostIsTransient() {
        try (HttpImageFetcher withFakeDns = new HttpImageFetcher(LOOPBACK_CONFIG, new FakeDnsResolver())) {
            FetchException e = fetchFailure(withFakeDns, URI.create("http://no-such-host.test/a.jpg"));

            assertThat(e.reason()).isEqualTo(Reason.CONNECTION);
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("no-such-host.test");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void followsRedirects(int status) {
        server.serve("/old.jpg", Reply.redirect(status, server.url("/new.jpg").toString()));
        server.serve("/new.jpg", Reply.ok("image/jpeg", JPEG));

        FetchedImage image = fetcher.fetch(server.url("/old.jpg"));

        assertThat(image.body()).isEqualTo(JPEG);
        assertThat(image.url()).isEqualTo(server.url("/old.jpg"));
        assertThat(image.finalUrl()).isEqualTo(server.url("/new.jpg"));
    }

    @Test
    void followsRelativeRedirects() {
        server.serve("/shop/items/42", Reply.redirect(302, "../images/42.jpg"));
        server.serve("/shop/images/42.jpg", Reply.ok("image/jpeg", JPEG));

        FetchedImage image = fetcher.fetch(server.url("/shop/items/42"));

        assertThat(image.finalUrl()).isEqualTo(server.url("/shop/images/42.jpg"));
        assertThat(image.body()).isEqualTo(JPEG);
    }

    @Test
    void followsAsManyRedirectsAsTheLimit() {
        server.serve("/r1", Reply.redirect(302, "/r2"));
        server.serve("/r2", Reply.redirect(302, "/a.jpg"));
        server.serve("/a.jpg", Reply.ok("image/jpeg", JPEG));

        try (HttpImageFetcher limited = new HttpImageFetcher(LOOPBACK_CONFIG.withMaxRedirects(2))) {
            assertThat(limited.fetch(server.url("/r1")).body()).isEqualTo(JPEG);
        }
    }

    @Test
    void refusesMoreRedirectsThanTheLimit() {
        server.serve("/r1", Reply.redirect(302, "/r2"));
        server.serve("/r2", Reply.redirect(302, "/r3"));
        server.serve("/r3", Reply.redirect(302, "/a.jpg"));
        server.serve("/a.jpg", Reply.ok("image/jpeg", JPEG));

        try (HttpImageFetcher limited = new HttpImageFetcher(LOOPBACK_CONFIG.withMaxRedirects(2))) {
            FetchException e = fetchFailure(limited, server.url("/r1"));

            assertThat(e.reason()).isEqualTo(Reason.BAD_REDIRECT);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains("too many redirects");
            assertThat(server.hits("/a.jpg")).isZero();
        }
    }

    @Test
    void redirectLoopEndsAsTooManyRedirects() {
        server.serve("/loop", Reply.redirect(302, "/loop"));

        FetchException e = fetchFailure(server.url("/loop"));

        assertThat(e.reason()).isEqualTo(Reason.BAD_REDIRECT);
        assertThat(server.hits("/loop")).isEqualTo(FetcherConfig.defaults().maxRedirects() + 1);
    }

    @Test
    void redirectWithoutLocationIsABadRedirect() {
        server.serve("/nowhere", Reply.status(302));

        FetchException e = fetchFailure(server.url("/nowhere"));

        assertThat(e.reason()).isEqualTo(Reason.BAD_REDIRECT);
        assertThat(e.statusCode()).hasValue(302);
        assertThat(e.getMessage()).contains("without a Location");
    }

    @Test
    void redirectToFtpIsRefused() {
        server.serve("/ftp", Reply.redirect(301, "ftp://files.example.com/a.jpg"));

        FetchException e = fetchFailure(server.url("/ftp"));

        assertThat(e.reason()).isEqualTo(Reason.BAD_REDIRECT);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("ftp://files.example.com/a.jpg");
    }

    @Test
    void redirectToAUrlWithUserInfoIsRefusedWithoutRepeatingTheCredentials() {
        server.serve("/a.jpg", Reply.ok("image/jpeg", JPEG));
        String target = "http://alice:s3cret@127.0.0.1:" + server.port() + "/a.jpg";
        server.serve("/creds", Reply.redirect(302, target));

        FetchException e = fetchFailure(server.url("/creds"));

        assertThat(e.reason()).isEqualTo(Reason.BAD_REDIRECT);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("http://***@127.0.0.1:" + server.port() + "/a.jpg", "user-info")
                .doesNotContain("s3cret");
        assertThat(server.hits("/a.jpg")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0177.0.0.1", "127.1", "0x7f.1", "2130706433", "010.1.1.1"})
    void redirectToAnAmbiguousNumericHostIsRefused(String host) {
        server.serve("/numeric", Reply.redirect(302, "http://" + host + ":" + server.port() + "/a.jpg"));

        FetchException e = fetchFailure(server.url("/numeric"));

        assertThat(e.reason()).isEqualTo(Reason.BAD_REDIRECT);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("'" + host + "'", "ambiguous numeric address");
        assertThat(server.requests()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0177.0.0.1", "127.1", "0x7f.1", "2130706433"})
    void urlWithAnAmbiguousNumericHostIsRefusedBeforeConnecting(String host) {
        server.serve("/a.jpg", Reply.ok("image/jpeg", JPEG));

        try (HttpImageFetcher open = new HttpImageFetcher(FetcherConfig.defaults().withAddressPolicy(AddressPolicy.allowAll()))) {
            FetchException e = fetchFailure(open, URI.create("http://" + host + ":" + server.port() + "/a.jpg"));

            assertThat(e.reason()).isEqualTo(Reason.ADDRESS_REFUSED);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains("ambiguous numeric address");
        }
        assertThat(server.requests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://images.example.com:99999/a.jpg", "http://images.example.com:-5/a.jpg",
            "http://images.example.com:0/a.jpg"})
    void redirectToAnUnusablePortIsABadRedirect(String target) {
        server.serve("/port", Reply.redirect(302, target));

        FetchException e = fetchFailure(server.url("/port"));

        assertThat(e.reason()).isEqualTo(Reason.BAD_REDIRECT);
        assertThat(e.retryable()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://images.example.com:99999/a.jpg", "http://images.example.com:0/a.jpg"})
    void urlWithAnUnusablePortIsRefusedAsAFetchException(String url) {
        FetchException e = fetchFailure(URI.create(url));

        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("port");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://files.example.com/a.jpg", "file:///etc/passwd", "/relative/a.jpg"})
    void refusesUrlsThatAreNotAbsoluteHttp(String url) {
        FetchException e = fetchFailure(URI.create(url));

        assertThat(e.reason()).isEqualTo(Reason.ADDRESS_REFUSED);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:%d/a.jpg", "http://[::1]:%d/a.jpg", "http://localhost:%d/a.jpg"})
    void loopbackIsRefusedUnderTheDefaultPolicy(String template) {
        server.serve("/a.jpg", Reply.ok("image/jpeg", JPEG));
        URI url = URI.create(String.format(template, server.port()));

        try (HttpImageFetcher guarded = new HttpImageFetcher()) {
            FetchException e = fetchFailure(guarded, url);

            assertThat(e.reason()).isEqualTo(Reason.ADDRESS_REFUSED);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains("refused by the address policy");
            assertThat(server.requests()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://169.254.169.254/latest/meta-data", "http://10.0.0.1/"})
    void redirectFromAnAllowedHostToAPrivateAddressIsRefused(String target) {
        server.serve("/innocent.jpg", Reply.redirect(302, target));

        FetchException e = fetchFailure(server.url("/innocent.jpg"));

        assertThat(e.reason()).isEqualTo(Reason.ADDRESS_REFUSED);
        assertThat(e.retryable()).isFalse();
        assertThat(e.statusCode()).isEmpty();
        assertThat(e.url()).isEqualTo(URI.create(target));
        assertThat(e.getMessage()).contains(URI.create(target).getHost(), "redirected from " + server.url("/innocent.jpg"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.1.2.3", "127.0.0.1", "169.254.169.254", "::1", "fd00::1"})
    void hostNameResolvingToAPrivateAddressIsRefused(String address) {
        FakeDnsResolver dns = new FakeDnsResolver().map("images.example.test", address);
        server.serve("/a.jpg", Reply.ok("image/jpeg", JPEG));

        try (HttpImageFetcher guarded = new HttpImageFetcher(FetcherConfig.defaults(), dns)) {
            URI url = URI.create("http://images.example.test:" + server.port() + "/a.jpg");
            FetchException e = fetchFailure(guarded, url);

            assertThat(e.reason()).isEqualTo(Reason.ADDRESS_REFUSED);
            assertThat(e.getMessage()).contains("images.example.test", "refused by the address policy")
                    .doesNotContain(FakeDnsResolver.literal(address).getHostAddress());
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void madeUpNameMappedToLoopbackReachesTheServerUnderAllowAll() {
        FakeDnsResolver dns = new FakeDnsResolver().map("cdn.made-up.test", "127.0.0.1");
        server.serve("/a.jpg", Reply.ok("image/jpeg", JPEG));

        try (HttpImageFetcher open = new HttpImageFetcher(FetcherConfig.defaults().withAddressPolicy(AddressPolicy.allowAll()), dns)) {
            FetchedImage image = open.fetch(URI.create("http://cdn.made-up.test:" + server.port() + "/a.jpg"));

            assertThat(image.body()).isEqualTo(JPEG);
            assertThat(server.requests()).singleElement()
                    .satisfies(request -> assertThat(request.headers()).containsEntry("host", "cdn.made-up.test:" + server.port()));
        }
    }

    @Test
    void reachesHostNamesWithUnderscores() {
        FakeDnsResolver dns = new FakeDnsResolver().map("img_cdn.made-up.test", "127.0.0.1");
        server.serve("/a.jpg", Reply.ok("image/jpeg", JPEG));

        try (HttpImageFetcher withFakeDns = new HttpImageFetcher(LOOPBACK_CONFIG, dns)) {
            assertThat(withFakeDns.fetch(URI.create("http://img_cdn.made-up.test:" + server.port() + "/a.jpg")).body())
                    .isEqualTo(JPEG);
        }
    }

    @Test
    void sendsUserAgentAndAsksForUnencodedImages() {
        server.serve("/a.jpg", Reply.ok("image/jpeg", JPEG));

        try (HttpImageFetcher named = new HttpImageFetcher(LOOPBACK_CONFIG.withUserAgent("shop-sync/2.1"))) {
            named.fetch(server.url("/a.jpg"));
        }

        RecordedRequest request = server.requests().get(0);
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.headers()).containsEntry("user-agent", "shop-sync/2.1")
                .containsEntry("accept-encoding", "identity");
        assertThat(request.headers().get("accept")).startsWith("image/jpeg");
    }

    @Test
    void keepsNoCookies() {
        server.serve("/a.jpg", Reply.ok("image/jpeg", JPEG).withHeader("Set-Cookie", "session=secret; Path=/"));

        fetcher.fetch(server.url("/a.jpg"));
        fetcher.fetch(server.url("/a.jpg"));

        assertThat(server.requests()).hasSize(2).allSatisfy(request -> assertThat(request.headers()).doesNotContainKey("cookie"));
    }

    @Test
    void doesNotSendUserInformationFromTheUrl() {
        server.serve("/a.jpg", Reply.ok("image/jpeg", JPEG));

        fetcher.fetch(URI.create("http://user:secret@127.0.0.1:" + server.port() + "/a.jpg"));

        assertThat(server.requests()).singleElement()
                .satisfies(request -> assertThat(request.headers()).doesNotContainKey("authorization"));
    }

    @Test
    void servesManyThreadsAtOnce() throws Exception {
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            images.add(TestImages.jpeg(32, 32, i));
            server.serve("/img/" + i + ".jpg", Reply.ok("image/jpeg", images.get(i)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < images.size(); i++) {
                    URI url = server.url("/img/" + i + ".jpg");
                    results.add(pool.submit(() -> fetcher.fetch(url).body()));
                }
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo(images.get(i % images.size()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closeStopsTheTimerThread() throws Exception {
        HttpImageFetcher closing = new HttpImageFetcher(LOOPBACK_CONFIG);
        Thread timer = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals(closing.timerThreadName())).findFirst().orElseThrow();

        closing.close();
        timer.join(5_000);

        assertThat(timer.isAlive()).isFalse();
    }

    @Test
    void fetchAfterCloseIsRefused() {
        fetcher.close();

        assertThatThrownBy(() -> fetcher.fetch(server.url("/a.jpg")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    private FetchException fetchFailure(URI url) {
        return fetchFailure(fetcher, url);
    }

    private static FetchException fetchFailure(HttpImageFetcher fetcher, URI url) {
        FetchException e = catchThrowableOfType(FetchException.class, () -> fetcher.fetch(url));
        assertThat(e).as("fetching %s should fail with a FetchException", url).isNotNull();
        return e;
    }

    private static FetchException fetchFailure(org.assertj.core.api.ThrowableAssert.ThrowingCallable fetch) {
        FetchException e = catchThrowableOfType(FetchException.class, fetch);
        assertThat(e).as("the fetch should fail with a FetchException").isNotNull();
        return e;
    }

    /** A budget that grants every reservation at once, up to its capacity, and records them. */
    private static final class RecordingBudget implements BodyBudget {
        final List<Long> reservations = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final long capacity;

        RecordingBudget(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public long capacity() {
            return capacity;
        }

        @Override
        public boolean reserve(long bytes, long deadlineNanos) {
            reservations.add(bytes);
            return true;
        }
    }

    private static void writeChunkedHead(OutputStream out) throws java.io.IOException {
        out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nTransfer-Encoding: chunked\r\n\r\n"));
    }

    private static void writeChunk(OutputStream out, byte[] data) throws java.io.IOException {
        out.write(ascii(Integer.toHexString(data.length) + "\r\n"));
        out.write(data);
        out.write(ascii("\r\n"));
    }
}
