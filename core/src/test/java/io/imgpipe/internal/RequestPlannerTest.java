package io.imgpipe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.SubmitOptions;
import io.imgpipe.spi.NewImage;
import io.imgpipe.spi.NewRequest;
import io.imgpipe.spi.NewTask;
import io.imgpipe.spi.ProductRow;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestPlannerTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final RequestPlanner planner = new RequestPlanner("jpg");

    @Test
    void makesOneTaskPerImageWithDeterministicKeys() {
        NewRequest request = planner.plan("r1", List.of(
                new ProductRow(2, 7, "Shoe", List.of(URI.create("http://a.test/1.jpg"), URI.create("http://a.test/2.jpg")))),
                SubmitOptions.none(), NOW);

        assertThat(request.tasks()).extracting(NewTask::taskId, NewTask::outputKey)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("7-1", "r1/7-1.jpg"),
                        org.assertj.core.groups.Tuple.tuple("7-2", "r1/7-2.jpg"));
        assertThat(request.products().get(0).images()).extracting(NewImage::position).containsExactly(1, 2);
    }

    @Test
    void identicalUrlsWithinARequestShareOneTask() {
        URI shared = URI.create("http://a.test/logo.png");
        NewRequest request = planner.plan("r1", List.of(
                new ProductRow(2, 1, "A", List.of(shared, URI.create("http://a.test/a.jpg"))),
                new ProductRow(3, 2, "B", List.of(URI.create("http://a.test/b.jpg"), shared))),
                SubmitOptions.none(), NOW);

        assertThat(request.tasks()).hasSize(3);
        assertThat(request.products().get(1).images().get(1).taskId()).isEqualTo("1-1");
        assertThat(request.imageCount()).isEqualTo(4);
    }

    @Test
    void keepsInputOrderAndMetadata() {
        NewRequest request = planner.plan("r1", List.of(
                new ProductRow(2, 9, "Z", List.of(URI.create("http://a.test/z.jpg"))),
                new ProductRow(3, 1, "A", List.of(URI.create("http://a.test/a.jpg")))),
                SubmitOptions.none().withMetadata("webhookUrl", "https://hooks.test/x"), NOW);

        assertThat(request.products()).extracting(p -> p.rowIndex() + ":" + p.serialNumber()).containsExactly("0:9", "1:1");
        assertThat(request.metadata()).containsEntry("webhookUrl", "https://hooks.test/x");
        assertThat(request.createdAt()).isEqualTo(NOW);
    }

    @Test
    void requestIdsAreRandomUuids() {
        String id = RequestPlanner.newRequestId();
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(RequestPlanner.newRequestId()).isNotEqualTo(id);
    }
}
