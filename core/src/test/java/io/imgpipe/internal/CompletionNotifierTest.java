package io.imgpipe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.CompletionListener;
import io.imgpipe.Progress;
import io.imgpipe.Status;
import io.imgpipe.local.InMemoryProductRepository;
import io.imgpipe.spi.RequestRecord;
import io.imgpipe.testkit.ForwardingProductRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CompletionNotifierTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(10);
    private static final String WORKER = "w1";

    private final AtomicReference<Instant> now = new AtomicReference<>(T0);
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    };
    private final Map<String, List<Instant>> renewals = new ConcurrentHashMap<>();
    private final List<String> notified = new CopyOnWriteArrayList<>();
    private final ForwardingProductRepository repository = new ForwardingProductRepository(
            new InMemoryProductRepository()) {
        @Override
        public boolean renewNotification(String requestId, String owner, Instant newExpiry) {
            renewals.computeIfAbsent(requestId, id -> new CopyOnWriteArrayList<>()).add(newExpiry);
            return true;
        }

        @Override
        public boolean markNotified(String requestId, String owner, Instant at) {
            notified.add(requestId);
            return true;
        }
    };
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch firstListenerEntered = new CountDownLatch(1);
    private CompletionNotifier notifier;

    @AfterEach
    void stop() {
        release.countDown();
        if (notifier != null) {
            notifier.close();
        }
    }

    @Test
    void keepsRenewingQueuedNotificationsWhileTheCurrentDeliveryIsYoungerThanALease() throws Exception {
        notifier = new CompletionNotifier(List.of(blockingListener()), repository, WORKER, LEASE, clock);
        notifier.deliver(finished("r1"));
        notifier.deliver(finished("r2"));
        assertThat(firstListenerEntered.await(10, TimeUnit.SECONDS)).isTrue();

        now.set(T0.plus(LEASE.minusSeconds(1)));
        notifier.renewExpiring(now.get());

        assertThat(renewals.get("r2")).containsExactly(now.get().plus(LEASE));
    }

    @Test
    void stopsRenewingQueuedNotificationsOnceTheCurrentDeliveryHasRunLongerThanALease() throws Exception {
        notifier = new CompletionNotifier(List.of(blockingListener()), repository, WORKER, LEASE, clock);
        notifier.deliver(finished("r1"));
        notifier.deliver(finished("r2"));
        assertThat(firstListenerEntered.await(10, TimeUnit.SECONDS)).isTrue();
        int r1RenewalsBefore = renewals.get("r1").size();

        now.set(T0.plus(LEASE).plusSeconds(1));
        notifier.renewExpiring(now.get());

        assertThat(renewals.get("r2")).as("queued behind the hung listener").isNull();
        assertThat(renewals.get("r1")).as("the delivery in progress").hasSize(r1RenewalsBefore + 1);
    }

    @Test
    void shutdownGivesUpTheNotificationsItCouldNotDeliver() throws Exception {
        notifier = new CompletionNotifier(List.of(blockingListener()), repository, WORKER, LEASE, clock);
        notifier.deliver(finished("r1"));
        notifier.deliver(finished("r2"));
        assertThat(firstListenerEntered.await(10, TimeUnit.SECONDS)).isTrue();
        now.set(T0.plusSeconds(3));

        notifier.shutdown(Duration.ofMillis(50));

        assertThat(renewals.get("r2")).as("expiry moved to now").contains(now.get());
        assertThat(renewals.get("r1")).contains(now.get());
        assertThat(notified).isEmpty();
        assertThat(notifier.pending()).isZero();
    }

    @Test
    void shutdownCalledByAListenerReturnsAtOnceAndTheDeliveryIsRecorded() throws Exception {
        CountDownLatch shutdownReturned = new CountDownLatch(1);
        AtomicReference<CompletionNotifier> self = new AtomicReference<>();
        CompletionListener closing = request -> {
            if (request.requestId().equals("r1")) {
                try {
                    self.get().shutdown(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                shutdownReturned.countDown();
            }
        };
        CountDownLatch r2Queued = new CountDownLatch(1);
        CompletionListener waitForSecond = request -> {
            try {
                r2Queued.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        notifier = new CompletionNotifier(List.of(waitForSecond, closing), repository, WORKER, LEASE, clock);
        self.set(notifier);
        notifier.deliver(finished("r1"));
        notifier.deliver(finished("r2"));
        r2Queued.countDown();

        assertThat(shutdownReturned.await(10, TimeUnit.SECONDS)).isTrue();
        awaitTrue(() -> notified.contains("r1"));
        assertThat(notified).containsExactly("r1");
        assertThat(renewals.get("r2")).as("the queued one is given up").containsExactly(T0);
    }

    @Test
    void runsDeferredActionsAfterTheDeliveryIsRecorded() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        AtomicReference<CompletionNotifier> self = new AtomicReference<>();
        CompletionListener deferring = request -> self.get().runAfterCurrentDelivery(
                () -> order.add("after:" + notified));
        notifier = new CompletionNotifier(List.of(deferring), repository, WORKER, LEASE, clock);
        self.set(notifier);

        notifier.deliver(finished("r1"));

        awaitTrue(() -> !order.isEmpty());
        assertThat(order).containsExactly("after:[r1]");
    }

    private CompletionListener blockingListener() {
        return request -> {
            firstListenerEntered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private static RequestRecord finished(String requestId) {
        return new RequestRecord(requestId, Status.COMPLETED, T0.minusSeconds(60), T0, Map.of(), 1,
                new Progress(1, 0, 0, 1, 0));
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }
}
