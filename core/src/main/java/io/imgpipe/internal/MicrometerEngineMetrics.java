package io.imgpipe.internal;

import io.imgpipe.Status;
import io.imgpipe.spi.ProductRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Records the engine's events as Micrometer meters named {@code imgpipe.*} (listed, with their
 * tags, in {@code docs/metrics.md}). Every counter with a bounded set of tags is registered up
 * front, so its series exist at zero; stage timers are registered on first use. Counters and timers
 * of engines sharing a registry add up; the gauges are this engine's and are removed by
 * {@link #close()}. Thread-safe.
 */
public final class MicrometerEngineMetrics implements EngineMetrics {

    /** How long the pending-images count is reused between scrapes. */
    static final Duration PENDING_REFRESH = Duration.ofSeconds(10);

    private final MeterRegistry registry;
    private final Map<FailureReason, Counter> failed = new EnumMap<>(FailureReason.class);
    private final Map<FailureReason, Counter> retried = new EnumMap<>(FailureReason.class);
    private final Counter completed;
    private final DistributionSummary inputSize;
    private final DistributionSummary outputSize;
    private final Map<LeaseKind, Counter> leasesRenewed = new EnumMap<>(LeaseKind.class);
    private final Map<LeaseKind, Counter> leasesLost = new EnumMap<>(LeaseKind.class);
    private final Map<ListenerOutcome, Counter> listenerCalls = new EnumMap<>(ListenerOutcome.class);
    private final Counter requestsCompleted;
    private final Counter requestsFailed;
    private final List<Meter> gauges = new ArrayList<>();

    private MicrometerEngineMetrics(MeterRegistry registry, ProductRepository repository) {
        this.registry = registry;
        completed = Counter.builder("imgpipe.images.finished")
                .description("Images whose final outcome this engine recorded")
                .tags("outcome", "completed", "reason", "none")
                .register(registry);
        for (FailureReason reason : FailureReason.values()) {
            failed.put(reason, Counter.builder("imgpipe.images.finished")
                    .description("Images whose final outcome this engine recorded")
                    .tags("outcome", "failed", "reason", reason.tag())
                    .register(registry));
            retried.put(reason, Counter.builder("imgpipe.images.retried")
                    .description("Failed attempts that will be retried after a back-off")
                    .tags("reason", reason.tag())
                    .register(registry));
        }
        inputSize = DistributionSummary.builder("imgpipe.image.input.size")
                .description("Sizes of the source images downloaded")
                .baseUnit("bytes")
                .register(registry);
        outputSize = DistributionSummary.builder("imgpipe.image.output.size")
                .description("Sizes of the compressed images stored")
                .baseUnit("bytes")
                .register(registry);
        for (LeaseKind kind : LeaseKind.values()) {
            leasesRenewed.put(kind, Counter.builder("imgpipe.leases.renewed")
                    .description("Leases this engine renewed")
                    .tags("kind", tag(kind))
                    .register(registry));
            leasesLost.put(kind, Counter.builder("imgpipe.leases.lost")
                    .description("Leases this engine found taken over by another engine")
                    .tags("kind", tag(kind))
                    .register(registry));
        }
        for (ListenerOutcome outcome : ListenerOutcome.values()) {
            listenerCalls.put(outcome, Counter.builder("imgpipe.listener.calls")
                    .description("Calls of completion listeners, by how they ended")
                    .tags("outcome", tag(outcome))
                    .register(registry));
        }
        requestsCompleted = requestsFinished(registry, "completed");
        requestsFailed = requestsFinished(registry, "failed");
        PendingImages pending = new PendingImages(repository, PENDING_REFRESH, System::nanoTime);
        gauges.add(Gauge.builder("imgpipe.images.pending", pending, PendingImages::current)
                .description("Images waiting in the repository for a worker or a retry, all requests and engines;"
                        + " counted at most every " + PENDING_REFRESH.toSeconds() + " s")
                .strongReference(true)
                .register(registry));
    }

    /**
     * Registers the engine's meters on {@code registry}.
     *
     * @param registry where the meters go
     * @param repository where pending images are counted
     * @return the engine's metrics on {@code registry}
     */
    public static EngineMetrics create(MeterRegistry registry, ProductRepository repository) {
        return new MicrometerEngineMetrics(registry, repository);
    }

    private static Counter requestsFinished(MeterRegistry registry, String status) {
        return Counter.builder("imgpipe.requests.finished")
                .description("Requests this engine finished, by final status")
                .tags("status", status)
                .register(registry);
    }

    private static String tag(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void stageTimed(Stage stage, long nanos, boolean succeeded) {
        Timer.builder("imgpipe.stage.duration")
                .description("Time per pipeline stage of one image")
                .tags("stage", tag(stage), "outcome", succeeded ? "success" : "failure")
                .publishPercentiles(0.5, 0.95, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void fetched(long bytes) {
        inputSize.record(bytes);
    }

    @Override
    public void stored(long bytes) {
        outputSize.record(bytes);
    }

    @Override
    public void imageCompleted() {
        completed.increment();
    }

    @Override
    public void imageFailed(FailureReason reason) {
        failed.get(reason).increment();
    }

    @Override
    public void imageRetried(FailureReason reason) {
        retried.get(reason).increment();
    }

    @Override
    public void leaseRenewed(LeaseKind kind) {
        leasesRenewed.get(kind).increment();
    }

    @Override
    public void leaseLost(LeaseKind kind) {
        leasesLost.get(kind).increment();
    }

    @Override
    public void requestFinished(Status status) {
        (status == Status.FAILED ? requestsFailed : requestsCompleted).increment();
    }

    @Override
    public void listenerCalled(ListenerOutcome outcome) {
        listenerCalls.get(outcome).increment();
    }

    @Override
    public synchronized void watchInFlight(InFlightTasks inFlight) {
        gauges.add(Gauge.builder("imgpipe.images.in.flight", inFlight, InFlightTasks::size)
                .description("Tasks this engine has claimed and not yet ended (waiting for their host included)")
                .strongReference(true)
                .register(registry));
    }

    @Override
    public synchronized void close() {
        gauges.forEach(registry::remove);
        gauges.clear();
    }
}
