package io.imgpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.imgpipe.testkit.TestHttpServer;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} after real uploads: the engine's, the webhook's, the JVM's and Jetty's
 * series are there in the Prometheus text format, with the values the uploads imply.
 */
class MetricsIT {

    @TempDir
    Path dataDir;

    private final byte[] jpeg = TestImages.jpeg(120, 80, 7);
    private TestHttpServer images;
    private RunningServer server;

    @BeforeEach
    void start() {
        images = TestHttpServer.start();
        images.serve("/a.jpg", Reply.ok("image/jpeg", jpeg));
        images.serve("/hooks/finished", Reply.status(204));
        server = RunningServer.start(dataDir, Map.of());
    }

    @AfterEach
    void stop() {
        server.close();
        images.close();
    }

    @Test
    void servesTheEngineJvmAndJettyMetersInThePrometheusTextFormat() {
        String done = server.client().uploadCsv("S. No.,Product Name,Input Image Urls\n1,Mug,"
                + images.url("/a.jpg") + "\n", images.url("/hooks/finished").toString());
        String failed = server.client().uploadCsv("S. No.,Product Name,Input Image Urls\n1,Cup,"
                + images.url("/missing.jpg") + "\n");
        server.client().awaitFinished(done);
        server.client().awaitFinished(failed);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> scrape().value("imgpipe_webhook_deliveries_total", "outcome=\"success\"") == 1);

        HttpResponse<byte[]> response = server.client().get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/plain").contains("version=0.0.4"));
        Scrape metrics = new Scrape(new String(response.body(), StandardCharsets.UTF_8));

        assertThat(metrics.value("imgpipe_images_finished_total", "outcome=\"completed\"", "reason=\"none\""))
                .isEqualTo(1);
        assertThat(metrics.value("imgpipe_images_finished_total", "outcome=\"failed\"",
                "reason=\"http-client-error\"")).isEqualTo(1);
        assertThat(metrics.value("imgpipe_images_finished_total", "outcome=\"failed\"", "reason=\"too-large\""))
                .isZero();
        assertThat(metrics.value("imgpipe_requests_finished_total", "status=\"completed\"")).isEqualTo(1);
        assertThat(metrics.value("imgpipe_requests_finished_total", "status=\"failed\"")).isEqualTo(1);
        assertThat(metrics.value("imgpipe_listener_calls_total", "outcome=\"success\"")).isEqualTo(2);
        assertThat(metrics.value("imgpipe_webhook_deliveries_total", "outcome=\"refused\"")).isZero();
        assertThat(metrics.value("imgpipe_image_input_size_bytes_sum")).isEqualTo(jpeg.length);
        assertThat(metrics.value("imgpipe_image_output_size_bytes_count")).isEqualTo(1);
        assertThat(metrics.value("imgpipe_image_output_size_bytes_sum")).isPositive();
        assertThat(metrics.value("imgpipe_stage_duration_seconds_count", "stage=\"fetch\"", "outcome=\"success\""))
                .isEqualTo(1);
        assertThat(metrics.value("imgpipe_stage_duration_seconds_count", "stage=\"fetch\"", "outcome=\"failure\""))
                .isEqualTo(1);
        assertThat(metrics.value("imgpipe_stage_duration_seconds_count", "stage=\"compress\"")).isEqualTo(1);
        assertThat(metrics.value("imgpipe_stage_duration_seconds_sum", "stage=\"store\"")).isPositive();
        assertThat(metrics.value("imgpipe_stage_duration_seconds_bucket", "stage=\"compress\"", "le=\"+Inf\""))
                .isEqualTo(1);
        assertThat(metrics.names()).contains("imgpipe_images_in_flight", "imgpipe_images_pending",
                "imgpipe_leases_renewed_total", "imgpipe_leases_lost_total", "imgpipe_images_retried_total");
        assertThat(metrics.value("imgpipe_images_pending")).isZero();

        assertThat(metrics.value("jvm_memory_used_bytes", "area=\"heap\"")).isPositive();
        assertThat(metrics.value("jvm_threads_live_threads")).isPositive();
        assertThat(metrics.value("jvm_classes_loaded_classes")).isPositive();
        assertThat(metrics.value("process_uptime_seconds")).isPositive();
        assertThat(metrics.value("system_cpu_count")).isPositive();
        assertThat(metrics.names()).anyMatch(name -> name.startsWith("jvm_gc_"));
        assertThat(metrics.value("jetty_threads_config_max")).isPositive();
        assertThat(metrics.value("jetty_server_requests_seconds_count", "method=\"POST\"", "status=\"200\""))
                .isEqualTo(2);
        assertThat(metrics.value("jetty_connections_current_connections")).isPositive();
        assertThat(metrics.value("jetty_connections_max_connections")).isPositive();
    }

    private Scrape scrape() {
        return new Scrape(ApiClient.text(server.client().get("/metrics")));
    }

    /** The samples of a scrape in the text format, one per line that is not a comment. */
    private static final class Scrape {
        private final List<String[]> samples = new ArrayList<>();

        Scrape(String text) {
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int space = line.lastIndexOf(' ');
                samples.add(new String[] {line.substring(0, space), line.substring(space + 1)});
            }
        }

        List<String> names() {
            return samples.stream().map(sample -> sample[0].split("\\{")[0]).distinct().toList();
        }

        /** @return the sum of the samples of {@code name} that carry every given label */
        double value(String name, String... labels) {
            double sum = 0;
            int found = 0;
            for (String[] sample : samples) {
                String series = sample[0];
                if (!series.equals(name) && !series.startsWith(name + "{")) {
                    continue;
                }
                boolean all = true;
                for (String label : labels) {
                    all &= series.contains(label);
                }
                if (all) {
                    sum += Double.parseDouble(sample[1]);
                    found++;
                }
            }
            assertThat(found).as("samples of %s with %s", name, List.of(labels)).isPositive();
            return sum;
        }
    }
}
