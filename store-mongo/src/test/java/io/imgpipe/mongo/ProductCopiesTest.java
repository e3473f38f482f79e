package io.imgpipe.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

class ProductCopiesTest {

    @Test
    void aCompletedTasksCopyShowsItsOutputAndSizesAndNoError() {
        Document task = task("completed").append("compressedUrl", "https://cdn.example/r1/1-1.jpg")
                .append("error", "HTTP 503 from an earlier try").append("sourceBytes", 2_500_000L)
                .append("outputBytes", 310_000L).append("width", 1920).append("height", 1080);

        assertThat(ProductCopies.outcome(task)).containsEntry("status", "completed")
                .containsEntry("compressedUrl", "https://cdn.example/r1/1-1.jpg")
                .containsEntry("outputKey", "r1/1-1.jpg").containsEntry("error", null).containsEntry("attempts", 2)
                .containsEntry("sourceBytes", 2_500_000L).containsEntry("outputBytes", 310_000L)
                .containsEntry("width", 1920).containsEntry("height", 1080);
    }

    @Test
    void aFailedTasksCopyShowsItsErrorAndNoOutput() {
        Document task = task("failed").append("error", "HTTP 404");

        assertThat(ProductCopies.outcome(task)).containsEntry("status", "failed").containsEntry("error", "HTTP 404")
                .containsEntry("compressedUrl", null).containsEntry("outputKey", null)
                .doesNotContainKeys("sourceBytes", "outputBytes", "width", "height");
    }

    @Test
    void onlyCopiesShowingAnOutcomeAreFinal() {
        assertThat(List.of("pending", "processing", "completed", "failed"))
                .map(status -> ProductCopies.isFinal(new Document("status", status)))
                .containsExactly(false, false, true, true);
    }

    @Test
    void aCreatingTaskShowsAsPending() {
        assertThat(ProductPages.copyStatus("creating")).isEqualTo("pending");
    }

    private static Document task(String status) {
        return new Document("_id", "r1/t1").append("requestId", "r1").append("taskId", "t1").append("status", status)
                .append("attempts", 2).append("outputKey", "r1/1-1.jpg").append("productOrdinals", List.of(0));
    }
}
