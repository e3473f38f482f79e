package io.imgpipe;

import static io.imgpipe.EngineHarness.onlyImage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.imgpipe.image.ThumbnailatorCompressor;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.CompressedImage;
import io.imgpipe.spi.ImageCompressor;
import io.imgpipe.spi.ImageInfo;
import io.imgpipe.spi.ImageOutput;
import io.imgpipe.spi.Lease;
import io.imgpipe.testkit.ForwardingProductRepository;
import io.imgpipe.testkit.NotificationLog;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the engine behaves when plug-ins, listeners or the repository misbehave, and in rare interleavings. */
class EngineFailureModesTest {

    @TempDir
    Path dir;

    private EngineHarness h;
    private final byte[] jpeg = TestImages.jpeg(96, 64, 1);

    @BeforeEach
    void setUp() {
        h = new EngineHarness(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    /**
     * The runner writes complete under lease T1 while the claim loop re-claims the same task for
     * this engine (T2, the lease lapsed because renewals fail). The refused write must not leave
     * T2 held by nobody: the task still completes.
     */
    @Test
    void reClaimOfOwnTaskDuringTheCompleteWriteDoesNotLoseTheResult() throws Exception {
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", jpeg));
        CountDownLatch reclaimed = new CountDownLatch(1);
        AtomicInteger claimed = new AtomicInteger();
        AtomicBoolean firstComplete = new AtomicBoolean(true);
        AtomicReference<Thread> claimLoop = new AtomicReference<>();
        ForwardingProductRepository flakyRenewals = new ForwardingProductRepository(h.repository) {
            @Override
            public List<ClaimedTask> claim(String owner, int limit, Instant now, Duration lease) {
                List<ClaimedTask> c = super.claim(owner, limit, now, lease);
                if (claimed.addAndGet(c.size()) >= 2) {
                    claimLoop.compareAndSet(null, Thread.currentThread());
                    reclaimed.countDown();
                }
                return c;
            }

            @Override
            public boolean renew(Lease lease, Instant newExpiry) {
                throw new RepositoryException("store briefly unreachable", null, true);
            }

            @Override
            public boolean complete(Lease lease, ImageOutput output, Instant now) {
                if (firstComplete.getAndSet(false)) {
                    try { // the write is slow to land: the claim loop re-claims the task meanwhile
                        reclaimed.await(10, TimeUnit.SECONDS);
                        // the claim loop has re-claimed the task: let it reach the entry, where it waits for this write
                        await().atMost(Duration.ofSeconds(10)).until(() -> blockedIn(claimLoop.get(), "InFlightTasks"));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return super.complete(lease, output, now);
                }
                return super.complete(lease, output, now);
            }
        };
        ProcessingEngine engine = ProcessingEngine.builder().repository(flakyRenewals).objectStore(h.store)
                .fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .config(EngineHarness.fastConfig().leaseDuration(Duration.ofMillis(600)).maxAttempts(2).build())
                .build();
        try {
            engine.start();
            String id = h.submit(engine, h.csv(List.of(List.of("/a.jpg"))));
            ImageStatus image = onlyImage(EngineHarness.awaitFinished(engine, id));
            assertThat(image.status()).as("image processed successfully once must end completed")
                    .isEqualTo(Status.COMPLETED);
        } finally {
            engine.close();
        }
    }

    /**
     * A completion listener that closes the engine (a command-line tool that exits once its
     * request is announced): the announcement is still recorded, so it is not made again.
     */
    @Test
    void closeFromACompletionListenerMarksTheRequestNotified() throws Exception {
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", jpeg));
        AtomicReference<ProcessingEngine> self = new AtomicReference<>();
        CountDownLatch closed = new CountDownLatch(1);
        NotificationLog log = new NotificationLog(h.repository);
        ProcessingEngine engine = h.startEngine(log, b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .config(EngineHarness.fastConfig().shutdownTimeout(Duration.ofSeconds(3)).build())
                .onCompletion(done -> {
                    self.get().close();
                    closed.countDown();
                }));
        self.set(engine);

        String id = h.submit(engine, h.csv(List.of(List.of("/a.jpg"))));
        assertThat(closed.await(30, TimeUnit.SECONDS)).isTrue();
        await().atMost(EngineHarness.WAIT).until(() -> log.notified(List.of(id)));
        List<?> stillOpen = h.repository.claimNotifications("observer", 10, Instant.now().plus(Duration.ofDays(1)),
                Duration.ofMinutes(1));
        assertThat(stillOpen).as("the announced request's notification must be closed").isEmpty();
    }

    /**
     * A listener closes the engine while another thread (a shutdown hook) is already closing it
     * and waiting for that listener: neither waits for the other, and the announcement is recorded.
     */
    @Test
    void closeFromAListenerWhileAnotherThreadClosesTheEngine() throws Exception {
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", jpeg));
        AtomicReference<ProcessingEngine> self = new AtomicReference<>();
        CountDownLatch listenerEntered = new CountDownLatch(1);
        CountDownLatch hookClosing = new CountDownLatch(1);
        CountDownLatch listenerDone = new CountDownLatch(1);
        AtomicReference<Thread> hook = new AtomicReference<>();
        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .config(EngineHarness.fastConfig().shutdownTimeout(Duration.ofSeconds(20)).build())
                .onCompletion(done -> {
                    listenerEntered.countDown();
                    try {
                        hookClosing.await(10, TimeUnit.SECONDS);
                        await().atMost(Duration.ofSeconds(10)).until(() -> waitsForQueuedNotifications(hook.get()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    self.get().close();
                    listenerDone.countDown();
                }));
        self.set(engine);
        h.submit(engine, h.csv(List.of(List.of("/a.jpg"))));
        assertThat(listenerEntered.await(30, TimeUnit.SECONDS)).isTrue();

        hook.set(new Thread(() -> {
            hookClosing.countDown();
            engine.close();
        }));
        hook.get().start();
        hook.get().join(TimeUnit.SECONDS.toMillis(15));

        assertThat(hook.get().isAlive()).as("the hook's close() returned well before its 20 s shutdown timeout").isFalse();
        assertThat(listenerDone.await(5, TimeUnit.SECONDS)).isTrue();
        List<?> stillOpen = h.repository.claimNotifications("observer", 10, Instant.now().plus(Duration.ofDays(1)),
                Duration.ofMinutes(1));
        assertThat(stillOpen).as("the announcement is recorded, not left to be made again").isEmpty();
    }

    /** An {@link Error} from a plug-in fails the image at once, with that error as the reason. */
    @Test
    void anErrorFromTheCompressorFailsTheImageWithThatError() throws Exception {
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", jpeg));
        ThumbnailatorCompressor real = new ThumbnailatorCompressor();
        ImageCompressor broken = new ImageCompressor() {
            @Override
            public ImageInfo probe(byte[] source) {
                return real.probe(source);
            }

            @Override
            public CompressedImage compress(byte[] source) {
                throw new AssertionError("decoder bug");
            }
        };
        ProcessingEngine engine = h.startEngine(b -> b.fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .compressor(broken)
                .config(EngineHarness.fastConfig().leaseDuration(Duration.ofMillis(700)).maxAttempts(2).build()));

        String id = h.submit(engine, h.csv(List.of(List.of("/a.jpg"))));
        ImageStatus image = onlyImage(EngineHarness.awaitFinished(engine, id));
        assertThat(image.status()).isEqualTo(Status.FAILED);
        assertThat(image.error()).contains("decoder bug");
    }

    /** An {@link Error} thrown by one renewal does not stop later renewals. */
    @Test
    void leaseKeeperKeepsRenewingAfterAnErrorInOneRound() throws Exception {
        h.server.serve("/slow.jpg", Reply.ok("image/jpeg", jpeg).delayedBy(Duration.ofSeconds(3)));
        AtomicInteger renewCalls = new AtomicInteger();
        ForwardingProductRepository oneBadRenewal = new ForwardingProductRepository(h.repository) {
            @Override
            public boolean renew(Lease lease, Instant newExpiry) {
                if (renewCalls.incrementAndGet() == 1) {
                    throw new NoClassDefFoundError("com/example/driver/SomeCodec");
                }
                return super.renew(lease, newExpiry);
            }
        };
        ProcessingEngine engine = ProcessingEngine.builder().repository(oneBadRenewal).objectStore(h.store)
                .fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig()))
                .config(EngineHarness.fastConfig().leaseDuration(Duration.ofMillis(1200)).build())
                .build();
        try {
            engine.start();
            String id = h.submit(engine, h.csv(List.of(List.of("/slow.jpg"))));
            ImageStatus image = onlyImage(EngineHarness.awaitFinished(engine, id));
            assertThat(renewCalls.get()).as("renewals after the failed round").isGreaterThan(1);
            assertThat(image.attempts()).isEqualTo(1);
        } finally {
            engine.close();
        }
    }

    /** @return whether {@code thread} is blocked on a monitor inside a method of {@code io.imgpipe.internal.<className>} */
    private static boolean blockedIn(Thread thread, String className) {
        if (thread.getState() != Thread.State.BLOCKED) {
            return false;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().startsWith("io.imgpipe.internal." + className)) {
                return true;
            }
        }
        return false;
    }

    /** @return whether {@code thread} is closing an engine and waiting for its queued notifications */
    private static boolean waitsForQueuedNotifications(Thread thread) {
        if (thread.getState() != Thread.State.TIMED_WAITING) {
            return false;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().equals("io.imgpipe.internal.CompletionNotifier") && frame.getMethodName().equals("shutdown")) {
                return true;
            }
        }
        return false;
    }
}
