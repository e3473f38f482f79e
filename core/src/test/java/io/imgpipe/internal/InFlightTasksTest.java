package io.imgpipe.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.imgpipe.RepositoryException;
import io.imgpipe.local.InMemoryProductRepository;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.Lease;
import io.imgpipe.testkit.ForwardingProductRepository;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InFlightTasksTest {

    private final InFlightTasks inFlight = new InFlightTasks(new InMemoryProductRepository(), Duration.ofSeconds(60), Clock.systemUTC());

    @Test
    void aReClaimWhileTheRunnerWorksIsAdoptedAndItsOutcomeWrittenUnderTheNewLease() {
        InFlightTasks.Held entry = inFlight.add(claim("T1", 1));

        assertThat(inFlight.add(claim("T2", 2))).as("no second runner").isNull();
        Lease[] writtenUnder = new Lease[1];
        entry.end(lease -> {
            writtenUnder[0] = lease;
            return true;
        });

        assertThat(writtenUnder[0].token()).isEqualTo("T2");
        assertThat(inFlight.finish(entry)).isNull();
        assertThat(inFlight.size()).isZero();
    }

    @Test
    void aReClaimAfterTheOutcomeWriteGetsARunnerOfItsOwn() {
        InFlightTasks.Held entry = inFlight.add(claim("T1", 1));
        entry.end(lease -> false);

        InFlightTasks.Held second = inFlight.add(claim("T2", 2));

        assertThat(second).isNotNull().isNotSameAs(entry);
        assertThat(second.lease().token()).isEqualTo("T2");
        assertThat(inFlight.finish(entry)).isNull();
        assertThat(inFlight.size()).as("the new entry is still tracked").isOne();
    }

    @Test
    void aReClaimAdoptedAfterTheRunnersWriteFailedIsHandedBackToBeRun() {
        InFlightTasks.Held entry = inFlight.add(claim("T1", 1));
        catchThrowable(() -> entry.end(lease -> {
            throw new RepositoryException("write timed out", null, true);
        }));

        assertThat(inFlight.add(claim("T2", 2))).as("adopted by the open entry").isNull();
        InFlightTasks.Held next = inFlight.finish(entry);

        assertThat(next).as("a runner for the re-claimed task").isNotNull();
        assertThat(next.task().attempt()).isEqualTo(2);
        assertThat(next.lease().token()).isEqualTo("T2");
        assertThat(inFlight.size()).isOne();
    }

    @Test
    void aLeaseThatARenewalFoundTakenOverIsLostUntilAReClaimReplacesIt() {
        InFlightTasks refusing = new InFlightTasks(new ForwardingProductRepository(new InMemoryProductRepository()) {
            @Override
            public boolean renew(Lease lease, Instant newExpiry) {
                return false;
            }
        }, Duration.ofSeconds(60), Clock.systemUTC());
        InFlightTasks.Held entry = refusing.add(claim("T1", 1));
        assertThat(entry.leaseLost()).isFalse();

        refusing.renewExpiring(Instant.now().plusSeconds(45));

        assertThat(entry.leaseLost()).isTrue();
        assertThat(refusing.add(claim("T2", 2))).as("adopted").isNull();
        assertThat(entry.leaseLost()).isFalse();
    }

    @Test
    void anEntryEndsWithItsFirstOutcomeWriteThatReturns() {
        InFlightTasks.Held entry = inFlight.add(claim("T1", 1));

        assertThat(entry.end(lease -> true)).isTrue();
        assertThat(entry.end(lease -> {
            throw new AssertionError("a second outcome write must not be made");
        })).isFalse();
        assertThat(entry.ended()).isTrue();
    }

    private static ClaimedTask claim(String token, int attempt) {
        return new ClaimedTask(new Lease("r1", "t1", "w1", token, Instant.now().plusSeconds(60)),
                URI.create("http://images.example.com/a.jpg"), "r1/1-1.jpg", attempt, 0);
    }
}
