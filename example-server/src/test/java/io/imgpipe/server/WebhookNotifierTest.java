package io.imgpipe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgpipe.CompletedRequest;
import io.imgpipe.Progress;
import io.imgpipe.Status;
import io.imgpipe.fetch.AddressPolicy;
import io.imgpipe.server.ServerConfig.WebhookSettings;
import io.imgpipe.testkit.TestHttpServer;
import io.imgpipe.testkit.TestHttpServer.RecordedRequest;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Webhook delivery against a real loopback HTTP receiver. */
class WebhookNotifierTest {

    private static final String SECRET = "0123456789abcdef-test-secret";
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final URI BASE = URI.create("https://imgpipe.example.com");

    private TestHttpServer receiver;
    private WebhookClient client;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void startReceiver() {
        receiver = TestHttpServer.start();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        receiver.close();
    }

    @Test
    void postsAJsonSummarySignedOverTimestampAndBody() throws Exception {
        receiver.serve("/hook", Reply.status(204));

        notifier(settings(SECRET), AddressPolicy.allowAll()).onCompletion(finished("/hook"));

        List<RecordedRequest> received = receiver.requests();
        assertThat(received).hasSize(1);
        RecordedRequest delivery = received.get(0);
        assertThat(delivery.method()).isEqualTo("POST");
        assertThat(delivery.headers().get("content-type")).startsWith("application/json");
        String timestamp = delivery.headers().get("x-imgpipe-timestamp");
        assertThat(timestamp).isEqualTo(Long.toString(NOW.getEpochSecond()));
        assertThat(delivery.headers().get("x-imgpipe-signature")).isEqualTo("sha256=" + hmac(SECRET, timestamp, delivery.body()));
        assertThat(delivery.headers().get("x-imgpipe-event")).isEqualTo("request.finished");
        assertThat(delivery.headers().get("x-imgpipe-request-id")).isEqualTo("req-1");
        JsonNode body = new ObjectMapper().readTree(delivery.body());
        assertThat(body.get("requestId").asText()).isEqualTo("req-1");
        assertThat(body.get("status").asText()).isEqualTo("failed");
        assertThat(body.get("counts").get("total").asInt()).isEqualTo(3);
        assertThat(body.get("counts").get("completed").asInt()).isEqualTo(2);
        assertThat(body.get("counts").get("failed").asInt()).isEqualTo(1);
        assertThat(body.get("finishedAt").asText()).isEqualTo("2026-03-01T11:59:00Z");
        assertThat(body.get("outputCsvUrl").asText()).isEqualTo("https://imgpipe.example.com/product/status/req-1/csv");
    }

    @Test
    void sendsNoSignatureWithoutASecret() {
        receiver.serve("/hook", Reply.status(200));

        notifier(settings(null), AddressPolicy.allowAll()).onCompletion(finished("/hook"));

        assertThat(receiver.requests()).hasSize(1);
        assertThat(receiver.requests().get(0).headers()).containsKey("x-imgpipe-timestamp")
                .doesNotContainKey("x-imgpipe-signature");
    }

    @Test
    void retriesServerErrorsAndThrottlingUntilDelivered() {
        receiver.script("/hook", Reply.status(503), Reply.status(429).withHeader("Retry-After", "0"), Reply.status(200));

        notifier(settings(SECRET), AddressPolicy.allowAll()).onCompletion(finished("/hook"));

        assertThat(receiver.hits("/hook")).isEqualTo(3);
        List<String> deliveryIds = receiver.requests().stream().map(r -> r.headers().get("x-imgpipe-delivery")).distinct().toList();
        assertThat(deliveryIds).hasSize(1);
        assertThat(deliveries("success")).isEqualTo(1);
        assertThat(deliveries("failure")).isZero();
    }

    @Test
    void retriesAnAttemptThatTimesOut() {
        receiver.script("/hook", Reply.status(200).delayedBy(Duration.ofSeconds(4)), Reply.status(200));

        notifier(new WebhookSettings(SECRET, 3, Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMillis(50)),
                AddressPolicy.allowAll()).onCompletion(finished("/hook"));

        assertThat(receiver.hits("/hook")).isEqualTo(2);
    }

    @Test
    void givesUpAfterTheMaximumNumberOfAttempts() {
        receiver.serve("/hook", Reply.status(500));

        notifier(settings(SECRET), AddressPolicy.allowAll()).onCompletion(finished("/hook"));

        assertThat(receiver.hits("/hook")).isEqualTo(3);
        assertThat(deliveries("failure")).isEqualTo(1);
    }

    @Test
    void doesNotRetryAClientError() {
        receiver.serve("/hook", Reply.status(400));

        notifier(settings(SECRET), AddressPolicy.allowAll()).onCompletion(finished("/hook"));

        assertThat(receiver.hits("/hook")).isEqualTo(1);
        assertThat(deliveries("rejected")).isEqualTo(1);
    }

    @Test
    void doesNotFollowRedirects() {
        receiver.serve("/hook", Reply.redirect(307, receiver.url("/elsewhere").toString()));
        receiver.serve("/elsewhere", Reply.status(200));

        notifier(settings(SECRET), AddressPolicy.allowAll()).onCompletion(finished("/hook"));

        assertThat(receiver.hits("/hook")).isEqualTo(1);
        assertThat(receiver.hits("/elsewhere")).isZero();
    }

    @Test
    void neverConnectsToAnAddressThePolicyRefuses() {
        receiver.serve("/hook", Reply.status(200));

        notifier(settings(SECRET), AddressPolicy.publicOnly()).onCompletion(finished("/hook"));

        assertThat(receiver.requests()).isEmpty();
        assertThat(deliveries("refused")).isEqualTo(1);
    }

    @Test
    void keepsLinkLocalAddressesRefusedWhenPrivateNetworksAreAllowed() {
        AddressPolicy policy = Server.addressPolicy(true);

        assertThat(policy.allows(address("127.0.0.1"))).isTrue();
        assertThat(policy.allows(address("10.1.2.3"))).isTrue();
        assertThat(policy.allows(address("169.254.169.254"))).isFalse();
        assertThat(policy.allows(address("fe80::1"))).isFalse();
        assertThat(Server.addressPolicy(false).allows(address("127.0.0.1"))).isFalse();
    }

    @Test
    void sendsNothingForARequestWithoutAWebhookUrl() {
        receiver.serve("/hook", Reply.status(200));

        notifier(settings(SECRET), AddressPolicy.allowAll()).onCompletion(new CompletedRequest("req-2", Status.COMPLETED,
                NOW.minusSeconds(60), NOW, new Progress(1, 0, 0, 1, 0), Map.of()));

        assertThat(receiver.requests()).isEmpty();
        assertThat(registry.find("imgpipe.webhook.deliveries").counters()).allMatch(counter -> counter.count() == 0);
    }

    private WebhookNotifier notifier(WebhookSettings settings, AddressPolicy policy) {
        client = new WebhookClient(policy, settings.timeout());
        return new WebhookNotifier(settings, client, BASE, Clock.fixed(NOW, ZoneOffset.UTC), new WebhookMetrics(registry));
    }

    private double deliveries(String outcome) {
        return registry.get("imgpipe.webhook.deliveries").tag("outcome", outcome).counter().count();
    }

    private static WebhookSettings settings(String secret) {
        return new WebhookSettings(secret, 3, Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMillis(50));
    }

    private CompletedRequest finished(String path) {
        return new CompletedRequest("req-1", Status.FAILED, NOW.minusSeconds(600), NOW.minusSeconds(60),
                new Progress(3, 0, 0, 2, 1), Map.of(WebhookNotifier.WEBHOOK_URL, receiver.url(path).toString()));
    }

    static String hmac(String secret, String timestamp, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
