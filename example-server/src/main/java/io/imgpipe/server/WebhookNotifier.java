package io.imgpipe.server;

import io.imgpipe.CompletedRequest;
import io.imgpipe.fetch.AddressRefusedException;
import io.imgpipe.fetch.RetryAfter;
import io.imgpipe.CompletionListener;
import io.imgpipe.server.ServerConfig.WebhookSettings;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a webhook when a request that was uploaded with a {@code webhookUrl} finishes: one JSON
 * POST ({@link Payload}), signed when {@code WEBHOOK_SECRET} is set (see {@link WebhookSigner}).
 *
 * <h2>Delivery</h2>
 * A {@code 2xx} answer delivers. {@code 408}, {@code 425}, {@code 429} and {@code 5xx} answers,
 * timeouts and connection failures are retried, up to {@link WebhookSettings#maxAttempts()} in
 * all, after exponential pauses with jitter ({@code Retry-After} is honoured, capped at
 * {@link WebhookSettings#retryMaxDelay()}). Redirects are not followed and, like other
 * {@code 4xx} answers and refused addresses, end the delivery at once. Every attempt carries the
 * same body and {@code X-Imgpipe-Delivery} id (receivers de-duplicate on it or on
 * {@code requestId}: delivery is at least once) and a fresh, signed timestamp.
 *
 * <p>Runs on the engine's notification thread, which waits while this retries; the engine's
 * notification lease is set longer than {@link WebhookSettings#maxDeliveryTime()} so no other
 * engine sends the same webhook meanwhile. Thread-safe. Closes nothing it was given.
 */
final class WebhookNotifier implements CompletionListener {

    /** The metadata key an upload's {@code webhookUrl} is stored under. */
    static final String WEBHOOK_URL = "webhookUrl";
    /** The event name sent in the body and in {@code X-Imgpipe-Event}. */
    static final String EVENT = "request.finished";

    private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);

    private final WebhookSettings settings;
    private final WebhookClient client;
    private final URI publicBaseUrl;
    private final WebhookSigner signer;
    private final Clock clock;
    private final WebhookMetrics metrics;

    /**
     * @param settings attempts, timeouts and the secret
     * @param client sends the POSTs
     * @param publicBaseUrl how receivers reach this server, for the links in the body
     * @param clock for timestamps
     */
    WebhookNotifier(WebhookSettings settings, WebhookClient client, URI publicBaseUrl, Clock clock) {
        this(settings, client, publicBaseUrl, clock, WebhookMetrics.none());
    }

    /**
     * @param settings attempts, timeouts and the secret
     * @param client sends the POSTs
     * @param publicBaseUrl how receivers reach this server, for the links in the body
     * @param clock for timestamps
     * @param metrics counts deliveries by outcome
     */
    WebhookNotifier(WebhookSettings settings, WebhookClient client, URI publicBaseUrl, Clock clock,
            WebhookMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.client = Objects.requireNonNull(client, "client");
        this.publicBaseUrl = Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
        this.signer = settings.secret() == null ? null : new WebhookSigner(settings.secret());
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void onCompletion(CompletedRequest request) {
        String target = request.metadata().get(WEBHOOK_URL);
        if (target == null) {
            return;
        }
        URI url = URI.create(target);
        byte[] body = Json.bytes(payload(request));
        String deliveryId = UUID.randomUUID().toString();
        for (int attempt = 1; ; attempt++) {
            Duration pause;
            try {
                WebhookClient.Answer answer = client.post(url, body, headers(request.requestId(), deliveryId, body));
                if (answer.status() >= 200 && answer.status() < 300) {
                    log.info("webhook for request {} delivered to {} (HTTP {}, attempt {})", request.requestId(),
                            url.getHost(), answer.status(), attempt);
                    metrics.record(WebhookMetrics.Outcome.SUCCESS);
                    return;
                }
                if (!retryable(answer.status())) {
                    log.error("webhook for request {} refused by {}: HTTP {}{}; not retried", request.requestId(),
                            url.getHost(), answer.status(),
                            answer.status() >= 300 && answer.status() < 400 ? " (redirects are not followed)" : "");
                    metrics.record(WebhookMetrics.Outcome.REJECTED);
                    return;
                }
                pause = pauseAfter(attempt, answer.retryAfter());
                log.warn("webhook for request {} to {}: HTTP {} on attempt {} of {}", request.requestId(), url.getHost(),
                        answer.status(), attempt, settings.maxAttempts());
            } catch (AddressRefusedException e) {
                log.error("webhook for request {} not sent: {}", request.requestId(), e.getMessage());
                metrics.record(WebhookMetrics.Outcome.REFUSED);
                return;
            } catch (IOException e) {
                pause = pauseAfter(attempt, null);
                log.warn("webhook for request {} to {} failed on attempt {} of {}: {}", request.requestId(),
                        url.getHost(), attempt, settings.maxAttempts(), e.toString());
            }
            if (attempt >= settings.maxAttempts()) {
                log.error("webhook for request {} to {} abandoned after {} attempts", request.requestId(), url.getHost(),
                        attempt);
                metrics.record(WebhookMetrics.Outcome.FAILURE);
                return;
            }
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.error("webhook for request {} abandoned: shutting down", request.requestId());
                metrics.record(WebhookMetrics.Outcome.FAILURE);
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "WebhookNotifier[" + settings + "]";
    }

    /**
     * @param request the finished request
     * @return the body sent for it
     */
    Payload payload(CompletedRequest request) {
        String base = publicBaseUrl.toString();
        return new Payload(EVENT, request.requestId(), request.status().wireName(),
                new Counts(request.progress().total(), request.progress().completed(), request.progress().failed()),
                request.createdAt() == null ? null : request.createdAt().toString(),
                request.finishedAt() == null ? null : request.finishedAt().toString(),
                base + "/product/status/" + request.requestId(),
                base + "/product/status/" + request.requestId() + "/csv");
    }

    private Map<String, String> headers(String requestId, String deliveryId, byte[] body) {
        long timestamp = clock.instant().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Imgpipe-Event", EVENT);
        headers.put("X-Imgpipe-Request-Id", requestId);
        headers.put("X-Imgpipe-Delivery", deliveryId);
        headers.put(WebhookSigner.TIMESTAMP_HEADER, Long.toString(timestamp));
        if (signer != null) {
            headers.put(WebhookSigner.SIGNATURE_HEADER, signer.sign(timestamp, body));
        }
        return headers;
    }

    private static boolean retryable(int status) {
        return status == 408 || status == 425 || status == 429 || status >= 500;
    }

    private Duration pauseAfter(int attempt, String retryAfter) {
        Duration requested = RetryAfter.parse(retryAfter, clock.instant());
        if (requested != null) {
            return requested.compareTo(settings.retryMaxDelay()) > 0 ? settings.retryMaxDelay() : requested;
        }
        long full = settings.retryDelay(attempt).toMillis();
        return Duration.ofMillis(full / 2 + ThreadLocalRandom.current().nextLong(full / 2 + 1));
    }

    /**
     * The webhook body.
     *
     * @param event always {@value #EVENT}
     * @param requestId the request
     * @param status {@code completed} or {@code failed}
     * @param counts the final image counts
     * @param createdAt when it was uploaded (ISO-8601)
     * @param finishedAt when it finished (ISO-8601)
     * @param statusUrl where its status is read
     * @param outputCsvUrl where its output CSV is downloaded
     */
    record Payload(String event, String requestId, String status, Counts counts, String createdAt, String finishedAt,
            String statusUrl, String outputCsvUrl) {
    }

    /**
     * Image counts of a finished request.
     *
     * @param total all images
     * @param completed compressed and stored
     * @param failed given up on
     */
    record Counts(int total, int completed, int failed) {
    }
}
