package io.imgpipe.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.DnsResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimedDnsResolverTest {

    private final CountDownLatch answer = new CountDownLatch(1);
    private final AtomicInteger waiting = new AtomicInteger();

    /** A name server that never answers until the test ends. */
    private final DnsResolver silent = new DnsResolver() {
        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            waiting.incrementAndGet();
            try {
                answer.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new UnknownHostException(host);
        }

        @Override
        public String resolveCanonicalHostname(String host) {
            return host;
        }
    };

    @AfterEach
    void releaseLookups() {
        answer.countDown();
    }

    @Test
    void givesUpOnALookupThatTakesLongerThanTheTimeout() {
        TimedDnsResolver timed = new TimedDnsResolver(silent, Duration.ofMillis(100));

        assertThatThrownBy(() -> timed.resolve("slow.example.test"))
                .isInstanceOf(DnsTimeoutException.class)
                .isInstanceOf(UnknownHostException.class)
                .hasMessageContaining("slow.example.test").hasMessageContaining("100 ms");
    }

    @Test
    void returnsWhatTheDelegateFound() throws UnknownHostException {
        FakeDnsResolver dns = new FakeDnsResolver().map("cdn.example.test", "93.184.216.34");

        InetAddress[] found = new TimedDnsResolver(dns, Duration.ofSeconds(5)).resolve("cdn.example.test");

        assertThat(found).extracting(InetAddress::getHostAddress).containsExactly("93.184.216.34");
    }

    @Test
    void passesOnTheDelegatesOwnFailure() {
        TimedDnsResolver timed = new TimedDnsResolver(new FakeDnsResolver(), Duration.ofSeconds(5));

        assertThatThrownBy(() -> timed.resolve("unknown.example.test"))
                .isInstanceOf(UnknownHostException.class)
                .isNotInstanceOf(DnsTimeoutException.class)
                .hasMessageContaining("unknown.example.test");
    }

    @Test
    void aLookupWaitsForAFreeSlotWithinItsTimeoutWhenAllAreBusy() throws Exception {
        TimedDnsResolver stuck = new TimedDnsResolver(silent, Duration.ofSeconds(30));
        ExecutorService callers = Executors.newFixedThreadPool(TimedDnsResolver.MAX_LOOKUPS);
        try {
            for (int i = 0; i < TimedDnsResolver.MAX_LOOKUPS; i++) {
                callers.submit(() -> stuck.resolve("stuck.example.test"));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (waiting.get() < TimedDnsResolver.MAX_LOOKUPS && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(waiting.get()).isEqualTo(TimedDnsResolver.MAX_LOOKUPS);
            FakeDnsResolver dns = new FakeDnsResolver().map("cdn.example.test", "93.184.216.34");

            assertThatThrownBy(() -> new TimedDnsResolver(dns, Duration.ofMillis(100)).resolve("cdn.example.test"))
                    .isInstanceOf(DnsTimeoutException.class)
                    .hasMessageContaining("lookups were in progress");
            answer.countDown();
            assertThat(new TimedDnsResolver(dns, Duration.ofSeconds(10)).resolve("cdn.example.test")).hasSize(1);
        } finally {
            answer.countDown();
            callers.shutdownNow();
        }
    }

    @Test
    void refusesANonPositiveTimeout() {
        assertThatThrownBy(() -> new TimedDnsResolver(silent, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
