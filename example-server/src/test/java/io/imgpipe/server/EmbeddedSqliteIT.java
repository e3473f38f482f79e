package io.imgpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.RepositoryException;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.NewImage;
import io.imgpipe.spi.NewProduct;
import io.imgpipe.spi.NewRequest;
import io.imgpipe.spi.NewTask;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store's guarantees as the server relies on them: one process per data directory, leases handed back. */
class EmbeddedSqliteIT {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(2);

    @TempDir
    Path dataDir;

    @Test
    void refusesASecondOpenOfTheSameDataDirectory() {
        try (EmbeddedSqlite first = EmbeddedSqlite.open(dataDir, Clock.systemUTC())) {
            assertThatThrownBy(() -> EmbeddedSqlite.open(dataDir, Clock.systemUTC()))
                    .isInstanceOf(RepositoryException.class)
                    .hasMessageContaining(dataDir.toAbsolutePath().normalize().toString())
                    .hasMessageContaining("in use by another process");
            assertThat(first.repository().claim("w1", 1, T0, LEASE)).isEmpty();
        }
    }

    @Test
    void opensAgainOnceClosed() {
        EmbeddedSqlite.open(dataDir, Clock.systemUTC()).close();

        try (EmbeddedSqlite again = EmbeddedSqlite.open(dataDir, Clock.systemUTC())) {
            assertThat(again.file()).isEqualTo(dataDir.toAbsolutePath().normalize().resolve(EmbeddedSqlite.FILE_NAME));
        }
    }

    @Test
    void keepsWhatWasCreatedAndHandsBackTheLeasesOfTheProcessBefore() {
        try (EmbeddedSqlite first = EmbeddedSqlite.open(dataDir, Clock.systemUTC())) {
            first.repository().create(request("req-1", 2));
            assertThat(first.repository().claim("dead", 2, T0, LEASE)).hasSize(2);
        }

        Instant restart = T0.plusSeconds(1);
        try (EmbeddedSqlite second = EmbeddedSqlite.open(dataDir, Clock.fixed(restart, ZoneOffset.UTC))) {
            List<ClaimedTask> resumed = second.repository().claim("next", 10, restart, LEASE);

            assertThat(resumed).hasSize(2).allSatisfy(task -> assertThat(task.lease().requestId()).isEqualTo("req-1"));
            assertThat(second.repository().findRequest("req-1")).isPresent();
        }
    }

    private static NewRequest request(String requestId, int images) {
        List<NewTask> tasks = new java.util.ArrayList<>();
        List<NewProduct> products = new java.util.ArrayList<>();
        for (int i = 1; i <= images; i++) {
            URI url = URI.create("https://img.example.com/" + i + ".jpg");
            tasks.add(new NewTask("t" + i, url, requestId + "/" + i + "-1.jpg"));
            products.add(new NewProduct(i - 1, i, "Product " + i, List.of(new NewImage(1, url, "t" + i))));
        }
        return new NewRequest(requestId, T0, Map.of(), products, tasks);
    }
}
