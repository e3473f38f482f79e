package io.imgpipe.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.apache.hc.client5.http.DnsResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimedDnsResolverTest {

    private final CountDownLatch answer = new CountDownLatch(1);

    /** A name server that never answers until the test ends. */
    private final DnsResolver silent = new DnsResolver() {
        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
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
                .isInstanceOf(TimedDnsResolver.DnsTimeoutException.class)
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
                .isNotInstanceOf(TimedDnsResolver.DnsTimeoutException.class)
                .hasMessageContaining("unknown.example.test");
    }

    @Test
    void refusesANonPositiveTimeout() {
        assertThatThrownBy(() -> new TimedDnsResolver(silent, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
