package io.imgpipe.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Counts webhook deliveries by how they ended, as {@code imgpipe.webhook.deliveries} with an
 * {@code outcome} tag; every outcome is registered up front, so its series exist at zero.
 * Thread-safe.
 */
final class WebhookMetrics {

    /** How one webhook delivery (all its attempts) ended. */
    enum Outcome {
        /** The receiver answered 2xx. */
        SUCCESS,
        /** The receiver answered a status that is not retried (a 3xx or a 4xx but 408, 425 and 429). */
        REJECTED,
        /** The address policy refused the webhook URL or an address it resolved to: nothing was sent. */
        REFUSED,
        /** Every attempt failed (timeouts, connection errors, 5xx, 408, 425, 429), or shutdown cut it short. */
        FAILURE;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<Outcome, Counter> deliveries = new EnumMap<>(Outcome.class);

    /**
     * Registers the counters.
     *
     * @param registry where the counters go, or {@code null} to count nothing
     */
    WebhookMetrics(MeterRegistry registry) {
        if (registry == null) {
            return;
        }
        for (Outcome outcome : Outcome.values()) {
            deliveries.put(outcome, Counter.builder("imgpipe.webhook.deliveries")
                    .description("Webhook deliveries, by how they ended")
                    .tag("outcome", outcome.tag())
                    .register(registry));
        }
    }

    /** Returns metrics that count nothing. */
    static WebhookMetrics none() {
        return new WebhookMetrics(null);
    }

    /**
     * Counts one delivery.
     *
     * @param outcome how it ended
     */
    void record(Outcome outcome) {
        Counter counter = deliveries.get(outcome);
        if (counter != null) {
            counter.increment();
        }
    }
}
