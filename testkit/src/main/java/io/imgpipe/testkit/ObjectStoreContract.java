package io.imgpipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.imgpipe.spi.ObjectStore;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The executable form of the {@link ObjectStore} Javadoc: every implementation's test extends
 * this class and supplies {@link #newStore()}; a store whose URLs can be fetched in the test
 * also overrides {@link #download(URI)}.
 *
 * <pre>{@code
 * class S3ObjectStoreIT extends ObjectStoreContract {
 *     @Override
 *     protected ObjectStore newStore() {
 *         return S3ObjectStore.builder(configForFreshBucket()).client(s3).build();
 *     }
 * }
 * }</pre>
 *
 * <p>Every test runs against a fresh, empty store, closed after the test. Payloads are generated
 * from fixed seeds. Tests that start threads wait at most {@link #CONCURRENCY_TIMEOUT} for them,
 * as a guard against hangs, never as a speed requirement.
 */
public abstract class ObjectStoreContract {

    /** How long tests that start threads wait for them before declaring a hang. */
    protected static final Duration CONCURRENCY_TIMEOUT = Duration.ofSeconds(120);

    private static final String JPEG = "image/jpeg";

    private ObjectStore store;

    /** {@return a new store with no objects; the suite closes it after each test} */
    protected abstract ObjectStore newStore();

    /**
     * Downloads a URL made by the store, as a client of the API would.
     *
     * @param url a URL returned by {@link ObjectStore#url(String)}
     * @return the body, or empty if this store's URLs cannot be fetched in the test (the default)
     * @throws Exception if the download fails
     */
    protected Optional<byte[]> download(URI url) throws Exception {
        return Optional.empty();
    }

    /** {@return the store of the running test} */
    protected final ObjectStore store() {
        return store;
    }

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    // ---------------------------------------------------------------- put, get, delete

    @Test
    void putThenGetReturnsTheExactBytes() {
        byte[] data = allByteValuesThenRandom(64 * 1024, 1);

        store.put("req-1/t1.jpg", data, JPEG);

        assertThat(store.get("req-1/t1.jpg")).hasValueSatisfying(read -> assertThat(read).isEqualTo(data));
    }

    @Test
    void putReplacesTheExistingObject() {
        store.put("req-1/t1.jpg", payload(100_000, 1), JPEG);
        byte[] shorter = payload(1_000, 2);

        store.put("req-1/t1.jpg", shorter, JPEG);

        assertThat(store.get("req-1/t1.jpg")).hasValueSatisfying(read -> assertThat(read).isEqualTo(shorter));
    }

    @Test
    void emptyObjectRoundTrips() {
        store.put("empty.jpg", new byte[0], JPEG);

        assertThat(store.get("empty.jpg")).hasValueSatisfying(read -> assertThat(read).isEmpty());
    }

    @Test
    void laterChangesToThePutArrayDoNotAlterTheObject() {
        byte[] data = payload(1_000, 1);
        byte[] original = data.clone();

        store.put("a.jpg", data, JPEG);
        Arrays.fill(data, (byte) 0);

        assertThat(store.get("a.jpg")).hasValueSatisfying(read -> assertThat(read).isEqualTo(original));
    }

    @Test
    void getOfAMissingKeyIsEmpty() {
        assertThat(store.get("req-1/missing.jpg")).isEmpty();
    }

    @Test
    void deleteOfAMissingKeyIsNotAnError() {
        store.delete("req-1/missing.jpg");

        assertThat(store.get("req-1/missing.jpg")).isEmpty();
    }

    @Test
    void deleteRemovesTheObject() {
        store.put("req-1/t1.jpg", payload(1_000, 1), JPEG);

        store.delete("req-1/t1.jpg");

        assertThat(store.get("req-1/t1.jpg")).isEmpty();
    }

    @Test
    void objectCanBeStoredAgainAfterDelete() {
        store.put("a.jpg", payload(1_000, 1), JPEG);
        store.delete("a.jpg");
        byte[] again = payload(2_000, 2);

        store.put("a.jpg", again, JPEG);

        assertThat(store.get("a.jpg")).hasValueSatisfying(read -> assertThat(read).isEqualTo(again));
    }

    @Test
    void nestedKeysAreIndependentObjects() {
        List<String> keys = List.of("req-1/1/t1.jpg", "req-1/1/t2.jpg", "req-1/t1.jpg", "req-2/1/t1.jpg",
                "req-1/1/t1.jpg.bak", "a.b_c-d/E.F/0");
        for (int i = 0; i < keys.size(); i++) {
            store.put(keys.get(i), payload(500 + i, i), JPEG);
        }

        store.delete("req-1/1/t1.jpg");

        assertThat(store.get("req-1/1/t1.jpg")).isEmpty();
        for (int i = 1; i < keys.size(); i++) {
            byte[] expected = payload(500 + i, i);
            assertThat(store.get(keys.get(i))).as(keys.get(i)).hasValueSatisfying(read -> assertThat(read).isEqualTo(expected));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {".hidden", "a..b", "...", "-", "_", "x/.y/z.", "UPPER/Mixed-Case_0.9.JPG", "a/b/c/d/e/f/g/h/i/j.jpg"})
    void unusualButValidKeysRoundTrip(String key) {
        byte[] data = payload(300, key.hashCode());

        store.put(key, data, JPEG);

        assertThat(store.get(key)).hasValueSatisfying(read -> assertThat(read).isEqualTo(data));
        assertThat(store.url(key).isAbsolute()).isTrue();
        store.delete(key);
        assertThat(store.get(key)).isEmpty();
    }

    @Test
    void largeObjectRoundTrips() {
        byte[] data = payload(5 * 1024 * 1024, 5);

        store.put("req-1/large.jpg", data, JPEG);

        assertThat(store.get("req-1/large.jpg")).hasValueSatisfying(read -> assertThat(read).isEqualTo(data));
    }

    // ---------------------------------------------------------------- invalid keys

    /** {@return invalid keys, each with a valid key it might be mistaken for (or null)} */
    protected static Stream<Arguments> invalidKeys() {
        return Stream.of(
                Arguments.of("../x", "x"),
                Arguments.of("/a", "a"),
                Arguments.of("a//b", "a/b"),
                Arguments.of("a/./b", "a/b"),
                Arguments.of("a/../b", "b"),
                Arguments.of("", null),
                Arguments.of("a b", null),
                Arguments.of("a/", "a"),
                Arguments.of("..", null),
                Arguments.of(".", null),
                Arguments.of("a\\b", null),
                Arguments.of("a/b?c", "a/b"),
                Arguments.of("a#b", "a"),
                Arguments.of("caf\u00e9.jpg", null),
                Arguments.of("x".repeat(1025), null));
    }

    @ParameterizedTest
    @MethodSource("invalidKeys")
    void invalidKeyIsRefusedByPutAndNothingIsWritten(String key, String lookalike) {
        assertThatThrownBy(() -> store.put(key, payload(100, 1), JPEG)).isInstanceOf(IllegalArgumentException.class);

        if (lookalike != null) {
            assertThat(store.get(lookalike)).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("invalidKeys")
    void invalidKeyIsRefusedByGet(String key, String lookalike) {
        assertThatThrownBy(() -> store.get(key)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @MethodSource("invalidKeys")
    void invalidKeyIsRefusedByDelete(String key, String lookalike) {
        if (lookalike != null) {
            store.put(lookalike, payload(100, 1), JPEG);
        }

        assertThatThrownBy(() -> store.delete(key)).isInstanceOf(IllegalArgumentException.class);

        if (lookalike != null) {
            assertThat(store.get(lookalike)).isPresent();
        }
    }

    @ParameterizedTest
    @MethodSource("invalidKeys")
    void invalidKeyIsRefusedByUrl(String key, String lookalike) {
        assertThatThrownBy(() -> store.url(key)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullKeyIsRefused() {
        assertThatThrownBy(() -> store.put(null, payload(1, 1), JPEG)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- URLs

    @Test
    void urlIsAbsoluteAndEndsWithTheKey() {
        store.put("req-1/p-2/t3.jpg", payload(100, 1), JPEG);

        URI url = store.url("req-1/p-2/t3.jpg");

        assertThat(url.isAbsolute()).as("absolute: " + url).isTrue();
        assertThat(url.getRawPath()).endsWith("/req-1/p-2/t3.jpg");
    }

    @Test
    void urlOfAMissingKeyIsStillMade() {
        URI url = store.url("req-1/not-yet.jpg");

        assertThat(url.isAbsolute()).isTrue();
        assertThat(url.getRawPath()).endsWith("/req-1/not-yet.jpg");
    }

    @Test
    void urlsOfDifferentKeysDiffer() {
        assertThat(store.url("req-1/t1.jpg")).isNotEqualTo(store.url("req-1/t2.jpg"));
    }

    @Test
    void storedObjectIsServedAtItsUrl() throws Exception {
        byte[] data = allByteValuesThenRandom(200_000, 3);
        store.put("req-1/served.jpg", data, JPEG);

        Optional<byte[]> served = download(store.url("req-1/served.jpg"));

        assumeTrue(served.isPresent(), "this store's URLs cannot be downloaded in the test");
        assertThat(served.get()).isEqualTo(data);
    }

    @Test
    void replacedObjectIsServedWithItsNewBytes() throws Exception {
        store.put("req-1/served.jpg", payload(50_000, 1), JPEG);
        byte[] replacement = payload(40_000, 2);
        store.put("req-1/served.jpg", replacement, JPEG);

        Optional<byte[]> served = download(store.url("req-1/served.jpg"));

        assumeTrue(served.isPresent(), "this store's URLs cannot be downloaded in the test");
        assertThat(served.get()).isEqualTo(replacement);
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void concurrentPutsToOneKeyLeaveOneCompletePayload() throws Exception {
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            payloads.add(payload(256 * 1024 + i * 1_000, 100 + i));
        }
        CountDownLatch ready = new CountDownLatch(payloads.size());
        CountDownLatch start = new CountDownLatch(1);

        runAll(payloads.stream().<Callable<Void>>map(data -> () -> {
            ready.countDown();
            start.await();
            store.put("req-1/contended.jpg", data, JPEG);
            return null;
        }).toList(), ready, start);

        byte[] stored = store.get("req-1/contended.jpg").orElseThrow();
        assertThat(payloads).anySatisfy(p -> assertThat(stored).isEqualTo(p));
    }

    @Test
    void readersDuringOverwritesSeeAWholeOldOrNewObject() throws Exception {
        byte[] first = payload(256 * 1024, 1);
        byte[] second = payload(200 * 1024, 2);
        store.put("req-1/overwritten.jpg", first, JPEG);
        AtomicBoolean writing = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        CountDownLatch ready = new CountDownLatch(2);
        CountDownLatch start = new CountDownLatch(1);

        Callable<Void> writer = () -> {
            ready.countDown();
            start.await();
            try {
                for (int i = 0; i < 40; i++) {
                    store.put("req-1/overwritten.jpg", i % 2 == 0 ? second : first, JPEG);
                }
            } finally {
                writing.set(false);
            }
            return null;
        };
        Callable<Void> reader = () -> {
            ready.countDown();
            start.await();
            while (writing.get()) {
                Optional<byte[]> read = store.get("req-1/overwritten.jpg");
                if (read.isEmpty()) {
                    violations.add("object missing during an overwrite");
                } else if (!Arrays.equals(read.get(), first) && !Arrays.equals(read.get(), second)) {
                    violations.add("read " + read.get().length + " bytes that are neither payload");
                }
            }
            return null;
        };
        runAll(List.of(writer, reader), ready, start);

        assertThat(violations).isEmpty();
    }

    // ---------------------------------------------------------------- health

    @Test
    void pingSucceeds() {
        store.ping();
    }

    // ================================================================ helpers

    /**
     * {@return deterministic pseudo-random bytes}
     *
     * @param size the length
     * @param seed varies the content
     */
    protected static byte[] payload(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static byte[] allByteValuesThenRandom(int size, long seed) {
        byte[] data = payload(size, seed);
        for (int i = 0; i < 256 && i < size; i++) {
            data[i] = (byte) i;
        }
        return data;
    }

    private static void runAll(List<Callable<Void>> tasks, CountDownLatch ready, CountDownLatch start) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(tasks.size(), runnable -> {
            Thread thread = new Thread(runnable, "contract-worker");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (Callable<Void> task : tasks) {
                futures.add(executor.submit(task));
            }
            ready.await();
            start.countDown();
            for (Future<Void> future : futures) {
                future.get(CONCURRENCY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            executor.shutdownNow();
        }
    }
}
