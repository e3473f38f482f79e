package io.imgpipe.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.RepositoryException;
import io.imgpipe.Status;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.ProductRecord;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.testkit.ProductRepositoryContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryProductRepositoryTest extends ProductRepositoryContract {

    @Override
    protected ProductRepository newRepository() {
        return new InMemoryProductRepository();
    }

    private InMemoryProductRepository memory() {
        return (InMemoryProductRepository) repository();
    }

    @Test
    void claimRefusesALimitBelowOne() {
        assertThatThrownBy(() -> repository().claim("w1", 0, T0, LEASE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit");
    }

    @Test
    void claimRefusesANonPositiveLease() {
        assertThatThrownBy(() -> repository().claim("w1", 1, T0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease");
    }

    @Test
    void finishedTasksLeaveTheClaimIndex() {
        repository().create(requestWithImages("req-1", 100));
        List<ClaimedTask> claimed = repository().claim("w1", 90, T0, LEASE);
        for (ClaimedTask task : claimed.subList(0, 60)) {
            complete(task.lease(), T0);
        }
        for (ClaimedTask task : claimed.subList(60, 90)) {
            repository().fail(task.lease(), "broken", T0);
        }

        assertThat(memory().indexedTaskCount()).isEqualTo(10);
    }

    @Test
    void deferredAndReleasedTasksStayInTheClaimIndex() {
        repository().create(requestWithImages("req-1", 3));
        List<ClaimedTask> claimed = repository().claim("w1", 3, T0, LEASE);
        repository().retryLater(claimed.get(0).lease(), "busy", T0.plusSeconds(30));
        repository().release(claimed.get(1).lease(), T0);
        repository().renew(claimed.get(2).lease(), T0.plusSeconds(300));

        assertThat(memory().indexedTaskCount()).isEqualTo(3);
        assertThat(repository().claim("w2", 10, T0.plusSeconds(300), LEASE)).hasSize(3);
    }

    @Test
    void releasedTaskIsHandedOutBeforeNeverClaimedOnes() {
        repository().create(requestWithImages("req-1", 3));
        ClaimedTask first = claimOne("w1", T0);
        repository().release(first.lease(), T0);

        assertThat(claimOne("w2", T0).lease().taskId()).isEqualTo(first.lease().taskId());
    }

    @Test
    void withinARequestExpiredLeasesAreHandedOutBeforeNeverClaimedTasks() {
        repository().create(requestWithImages("req-1", 2));
        ClaimedTask stale = claimOne("w1", T0);

        ClaimedTask next = claimOne("w2", T0.plus(LEASE));

        assertThat(next.lease().taskId()).isEqualTo(stale.lease().taskId());
    }

    @Test
    void aRequestKeepsItsPlaceInTheTurnsWhileAllItsTasksAreOut() {
        repository().create(requestWithImages("a", 1));
        repository().create(requestWithImages("b", 2));
        ClaimedTask fromA = claimOne("w1", T0);
        claimOne("w1", T0);
        repository().release(fromA.lease(), T0);

        assertThat(claimOne("w1", T0).lease().requestId()).as("b was served after a").isEqualTo("a");
        repository().create(requestWithImages("c", 1));
        assertThat(repository().claim("w1", 2, T0, LEASE)).extracting(t -> t.lease().requestId())
                .containsExactly("c", "b");
    }

    @Test
    void productActionMayCallTheRepository() {
        repository().create(requestWithImages("req-1", 600));
        List<Status> seen = new ArrayList<>();

        repository().forEachProduct("req-1", product -> {
            if (product.rowIndex() == 0) {
                complete(claimOne("w1", T0).lease(), T0);
            }
            seen.add(repository().findRequest("req-1").orElseThrow().status());
        });

        assertThat(seen).hasSize(600).containsOnly(Status.PROCESSING);
    }

    @Test
    void productsReadLaterReflectLaterWrites() {
        repository().create(requestWithImages("req-1", 600));
        List<ProductRecord> products = new ArrayList<>();

        repository().forEachProduct("req-1", product -> {
            if (product.rowIndex() == 0) {
                for (ClaimedTask task : repository().claim("w1", 600, T0, LEASE)) {
                    complete(task.lease(), T0);
                }
            }
            products.add(product);
        });

        assertThat(products.get(0).images().get(0).status()).isEqualTo(Status.PENDING);
        assertThat(products.get(599).images().get(0).status()).isEqualTo(Status.COMPLETED);
    }

    @Test
    void closedRepositoryRefusesCalls() {
        repository().create(requestWithImages("req-1", 1));

        repository().close();

        assertThatThrownBy(() -> repository().findRequest("req-1"))
                .isInstanceOfSatisfying(RepositoryException.class, e -> assertThat(e.retryable()).isFalse());
        assertThatThrownBy(() -> repository().claim("w1", 1, T0, LEASE)).isInstanceOf(RepositoryException.class);
        assertThatThrownBy(() -> repository().ping()).isInstanceOf(RepositoryException.class);
    }

    @Test
    void closeIsIdempotent() {
        repository().close();

        repository().close();

        assertThatThrownBy(() -> repository().ping()).isInstanceOf(RepositoryException.class);
    }
}
