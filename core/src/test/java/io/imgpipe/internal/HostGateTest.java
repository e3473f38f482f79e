package io.imgpipe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.internal.HostGate.Admission;
import io.imgpipe.internal.HostGate.Decision;
import io.imgpipe.internal.HostGate.Outcome;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class HostGateTest {

    private static final String HOST = "img.example.com:443";

    private final ManualClock clock = new ManualClock();
    private final HostGate gate = new HostGate(2, 3, Duration.ofSeconds(10), Duration.ofSeconds(35), clock);

    @Test
    void aHostIsTheLowerCaseHostAndThePortOfTheUrl() {
        assertThat(HostGate.keyOf(URI.create("https://IMG.Example.com/a.jpg"))).isEqualTo("img.example.com:443");
        assertThat(HostGate.keyOf(URI.create("http://img.example.com/a.jpg"))).isEqualTo("img.example.com:80");
        assertThat(HostGate.keyOf(URI.create("http://img.example.com:8080/a.jpg"))).isEqualTo("img.example.com:8080");
        assertThat(HostGate.keyOf(URI.create("http://u:p@img_cdn.example.com:81/a.jpg"))).isEqualTo("img_cdn.example.com:81");
        assertThat(HostGate.keyOf(URI.create("http://[2001:db8::1]:81/a.jpg"))).isEqualTo("[2001:db8::1]:81");
    }

    @Test
    void admitsAtMostTheLimitOfFetchesFromOneHostAndFreesASlotWhenOneEnds() {
        Admission first = gate.tryStart(HOST);
        gate.tryStart(HOST);

        assertThat(gate.tryStart(HOST).decision()).isEqualTo(Decision.BUSY);
        assertThat(gate.tryStart("other.example.com:443").decision()).as("other hosts are not affected")
                .isEqualTo(Decision.START);

        gate.ended(first.permit(), Outcome.ANSWERED, null);
        assertThat(gate.tryStart(HOST).decision()).isEqualTo(Decision.START);
    }

    @Test
    void backsAHostOffAsAWholeAfterUnreachableFetchesInARow() {
        unreachable(3);

        Admission admission = gate.tryStart(HOST);

        assertThat(admission.decision()).isEqualTo(Decision.BACKED_OFF);
        assertThat(admission.until()).isEqualTo(clock.instant().plusSeconds(10));
        assertThat(admission.reason()).contains("host " + HOST + " is backed off for 10000 ms after 3 fetches in a row",
                "(last: connect timeout 3)");
        assertThat(gate.hasRoom(HOST)).as("a backed-off host's waiting tasks may go (to end their attempt)").isTrue();
    }

    @Test
    void anAnswerBetweenUnreachableFetchesStartsTheCountAgain() {
        unreachable(2);
        end(Outcome.ANSWERED);
        unreachable(2);

        assertThat(gate.tryStart(HOST).decision()).isEqualTo(Decision.START);
    }

    @Test
    void fetchesEndedForTheEnginesOwnReasonsNeitherCountNorReset() {
        unreachable(2);
        end(Outcome.UNKNOWN);
        unreachable(1);

        assertThat(gate.tryStart(HOST).decision()).isEqualTo(Decision.BACKED_OFF);
    }

    @Test
    void afterTheBackoffOneFetchAtATimeProbesTheHost() {
        unreachable(3);
        clock.advance(Duration.ofSeconds(10));

        assertThat(gate.tryStart(HOST).decision()).isEqualTo(Decision.START);
        assertThat(gate.tryStart(HOST).decision()).isEqualTo(Decision.BUSY);
    }

    @Test
    void aProbeThatIsAnsweredEndsTheBackoff() {
        unreachable(3);
        clock.advance(Duration.ofSeconds(10));
        Admission probe = gate.tryStart(HOST);

        gate.ended(probe.permit(), Outcome.ANSWERED, null);

        assertThat(gate.tryStart(HOST).decision()).isEqualTo(Decision.START);
        assertThat(gate.tryStart(HOST).decision()).as("back to the full limit").isEqualTo(Decision.START);
    }

    @Test
    void eachFailedProbeDoublesTheBackoffUpToTheLongest() {
        unreachable(3);
        for (Duration expected : new Duration[] {Duration.ofSeconds(20), Duration.ofSeconds(35), Duration.ofSeconds(35)}) {
            clock.advance(Duration.ofHours(1));
            Admission probe = gate.tryStart(HOST);
            gate.ended(probe.permit(), Outcome.UNREACHABLE, "timeout");

            assertThat(gate.tryStart(HOST).until()).isEqualTo(clock.instant().plus(expected));
        }
    }

    @Test
    void failuresOfFetchesStartedBeforeTheBackoffDoNotExtendIt() {
        Admission early = gate.tryStart(HOST);
        clock.advance(Duration.ofSeconds(1));
        unreachable(3);
        Instant until = gate.tryStart(HOST).until();

        gate.ended(early.permit(), Outcome.UNREACHABLE, "late timeout");

        assertThat(gate.tryStart(HOST).until()).isEqualTo(until);
    }

    @Test
    void forgetsHostsWithNothingInProgressOnceTheirBackoffIsLongOver() {
        gate.ended(gate.tryStart("a.example:80").permit(), Outcome.ANSWERED, null);
        unreachable(3);
        assertThat(gate.size()).as("a healthy idle host is forgotten at once").isEqualTo(1);

        clock.advance(Duration.ofSeconds(46));
        gate.forgetIdle();

        assertThat(gate.size()).isZero();
    }

    private void unreachable(int times) {
        for (int i = 1; i <= times; i++) {
            Admission admission = gate.tryStart(HOST);
            assertThat(admission.decision()).isEqualTo(Decision.START);
            gate.ended(admission.permit(), Outcome.UNREACHABLE, "connect timeout " + i);
        }
    }

    private void end(Outcome outcome) {
        gate.ended(gate.tryStart(HOST).permit(), outcome, null);
    }

    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-03-01T12:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
