package io.imgpipe;

import static io.imgpipe.EngineHarness.onlyImage;
import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.spi.ImageOutput;
import io.imgpipe.spi.Lease;
import io.imgpipe.spi.ObjectStore;
import io.imgpipe.testkit.ForwardingProductRepository;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An image that finally fails leaves no output behind, even one an earlier attempt stored. */
class EngineDebrisTest {

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

    @Test
    void anImageThatFailsAfterAnEarlierAttemptStoredItsOutputLeavesNoOutputBehind() throws Exception {
        h.server.script("/a.jpg", Reply.ok("image/jpeg", jpeg), Reply.status(404));
        AtomicBoolean firstComplete = new AtomicBoolean(true);
        ForwardingProductRepository completeFailsOnce = new ForwardingProductRepository(h.repository) {
            @Override
            public boolean complete(Lease lease, ImageOutput output, Instant now) {
                if (firstComplete.getAndSet(false)) {
                    throw new RepositoryException("store briefly unreachable", null, true);
                }
                return super.complete(lease, output, now);
            }
        };
        try (ProcessingEngine engine = ProcessingEngine.builder().repository(completeFailsOnce).objectStore(h.store)
                .fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig())).config(EngineHarness.fastConfig().build())
                .build()) {
            engine.start();

            String id = h.submit(engine, h.csv(List.of(List.of("/a.jpg"))));
            ImageStatus image = onlyImage(EngineHarness.awaitFinished(engine, id));

            assertThat(image.status()).isEqualTo(Status.FAILED);
            assertThat(image.attempts()).as("stored on the first, refused 404 on the second").isEqualTo(2);
            assertThat(h.store.get(id + "/1-1.jpg")).as("the first attempt's output").isEmpty();
        }
    }

    @Test
    void anImageThatFailsOnItsFirstAttemptCostsNoDeleteInTheStore() throws Exception {
        h.server.serve("/gone.jpg", Reply.status(404));
        AtomicInteger deletes = new AtomicInteger();
        ObjectStore countingDeletes = new CountingDeletes(h.store, deletes);
        try (ProcessingEngine engine = ProcessingEngine.builder().repository(h.repository).objectStore(countingDeletes)
                .fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig())).config(EngineHarness.fastConfig().build())
                .build()) {
            engine.start();

            String id = h.submit(engine, h.csv(List.of(List.of("/gone.jpg"))));
            assertThat(onlyImage(EngineHarness.awaitFinished(engine, id)).status()).isEqualTo(Status.FAILED);

            assertThat(deletes).hasValue(0);
        }
    }

    /** Passes everything to a store, counting deletes. */
    private static final class CountingDeletes implements ObjectStore {
        private final ObjectStore store;
        private final AtomicInteger deletes;

        CountingDeletes(ObjectStore store, AtomicInteger deletes) {
            this.store = store;
            this.deletes = deletes;
        }

        @Override
        public void put(String key, byte[] data, String contentType) {
            store.put(key, data, contentType);
        }

        @Override
        public Optional<byte[]> get(String key) {
            return store.get(key);
        }

        @Override
        public void delete(String key) {
            deletes.incrementAndGet();
            store.delete(key);
        }

        @Override
        public URI url(String key) {
            return store.url(key);
        }

        @Override
        public void ping() {
            store.ping();
        }
    }
}
