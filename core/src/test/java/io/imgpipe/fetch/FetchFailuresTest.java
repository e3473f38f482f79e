package io.imgpipe.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.FetchException;
import io.imgpipe.FetchException.Reason;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FetchFailuresTest {

    private static final URI URL = URI.create("http://images.example.com/a.jpg");
    private static final URI HOP = URI.create("http://cdn.example.com/a.jpg");
    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

    @ParameterizedTest
    @ValueSource(ints = {400, 403, 404, 410, 451})
    void aClientErrorIsPermanent(int status) {
        FetchException e = FetchFailures.ofStatus(URL, URL, status, "Nope", null, NOW);

        assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND_OR_CLIENT_ERROR);
        assertThat(e.retryable()).isFalse();
        assertThat(e.statusCode()).hasValue(status);
        assertThat(e.getMessage()).isEqualTo(URL + ": HTTP " + status + " Nope [NOT_FOUND_OR_CLIENT_ERROR, permanent]");
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503})
    void aServerErrorTimeoutOrRateLimitIsTransient(int status) {
        FetchException e = FetchFailures.ofStatus(URL, URL, status, null, null, NOW);

        assertThat(e.reason()).isEqualTo(Reason.SERVER_BUSY_OR_ERROR);
        assertThat(e.retryable()).isTrue();
        assertThat(e.retryAfter()).isEmpty();
    }

    @Test
    void keepsTheServersRetryAfter() {
        FetchException e = FetchFailures.ofStatus(URL, URL, 503, "Service Unavailable", "Sat, 01 Mar 2025 12:00:30 GMT", NOW);

        assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(30));
        assertThat(e.getMessage()).contains("HTTP 503 Service Unavailable, Retry-After 30s");
    }

    @Test
    void aRedirectThatIsNotFollowedIsABadRedirect() {
        FetchException e = FetchFailures.ofStatus(URL, URL, 304, "Not Modified", null, NOW);

        assertThat(e.reason()).isEqualTo(Reason.BAD_REDIRECT);
        assertThat(e.getMessage()).contains("HTTP 304 Not Modified is not a redirect that can be followed");
    }

    @Test
    void namesTheUrlAskedForWhenARedirectedHopFails() {
        FetchException e = FetchFailures.ofStatus(URL, HOP, 404, null, null, NOW);

        assertThat(e.url()).isEqualTo(HOP);
        assertThat(e.getMessage()).isEqualTo(HOP + ": HTTP 404 (redirected from " + URL + ") [NOT_FOUND_OR_CLIENT_ERROR, permanent]");
    }

    @Test
    void aRefusedAddressIsPermanentWhereverItIsWrapped() throws Exception {
        AddressRefusedException refused = new AddressRefusedException("10.0.0.1",
                List.of(InetAddress.getByName("10.0.0.1")), AddressPolicy.publicOnly());

        FetchException e = FetchFailures.ofIOException(URL, URL, new IOException("connect failed", refused), Duration.ofSeconds(1));

        assertThat(e.reason()).isEqualTo(Reason.ADDRESS_REFUSED);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getCause().getCause()).isSameAs(refused);
    }

    @Test
    void aConnectTimeoutNamesTheConnectTimeout() {
        FetchException e = FetchFailures.ofIOException(URL, URL, new ConnectTimeoutException("slow"), Duration.ofMillis(1500));

        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(e.getMessage()).contains("connect timeout of 1500 ms exceeded");
    }

    @Test
    void aSocketTimeoutIsATimeout() {
        FetchException e = FetchFailures.ofIOException(URL, URL, new SocketTimeoutException("Read timed out"), Duration.ofSeconds(1));

        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(e.getMessage()).contains("timed out: Read timed out");
    }

    @Test
    void aSlowDnsLookupIsATimeoutNotAnUnknownHost() {
        FetchException e = FetchFailures.ofIOException(URL, URL,
                new DnsTimeoutException("images.example.com: the DNS lookup took longer than 1 s"),
                Duration.ofSeconds(1));

        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(e.getMessage()).contains("cannot resolve host in time");
    }

    @Test
    void anUnknownHostIsATransientConnectionFailure() {
        FetchException e = FetchFailures.ofIOException(URL, URL, new UnknownHostException("images.example.com"), Duration.ofSeconds(1));

        assertThat(e.reason()).isEqualTo(Reason.CONNECTION);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("cannot resolve host: images.example.com");
    }

    @Test
    void aTlsFailureIsAConnectionFailure() {
        FetchException e = FetchFailures.ofIOException(URL, URL, new SSLHandshakeException("bad certificate"), Duration.ofSeconds(1));

        assertThat(e.reason()).isEqualTo(Reason.CONNECTION);
        assertThat(e.getMessage()).contains("TLS failure: bad certificate");
    }

    @Test
    void anyOtherIoFailureIsAConnectionFailureNamedByItsTypeWithoutAMessage() {
        FetchException e = FetchFailures.ofIOException(URL, URL, new java.net.SocketException(), Duration.ofSeconds(1));

        assertThat(e.reason()).isEqualTo(Reason.CONNECTION);
        assertThat(e.getMessage()).contains("connection failed: SocketException");
    }
}
