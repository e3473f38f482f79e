package io.imgpipe.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CheckedDnsResolverTest {

    private final FakeDnsResolver dns = new FakeDnsResolver()
            .map("mixed.test", "10.1.2.3", "8.8.8.8", "fd00::1", "2606:4700:4700::1111")
            .map("private.test", "10.1.2.3", "192.168.1.1");

    private final CheckedDnsResolver resolver = new CheckedDnsResolver(dns, AddressPolicy.publicOnly());

    @Test
    void returnsOnlyTheAllowedAddresses() throws Exception {
        assertThat(resolver.resolve("mixed.test"))
                .containsExactly(FakeDnsResolver.literal("8.8.8.8"), FakeDnsResolver.literal("2606:4700:4700::1111"));
    }

    @Test
    void resolvesWithPortToResolvedEndpointsOfAllowedAddressesOnly() throws Exception {
        List<InetSocketAddress> endpoints = resolver.resolve("mixed.test", 8443);

        assertThat(endpoints).containsExactly(new InetSocketAddress(FakeDnsResolver.literal("8.8.8.8"), 8443),
                new InetSocketAddress(FakeDnsResolver.literal("2606:4700:4700::1111"), 8443));
        assertThat(endpoints).noneMatch(InetSocketAddress::isUnresolved);
    }

    @Test
    void refusesAHostWhoseAddressesAreAllRefused() {
        AddressRefusedException e = catchThrowableOfType(AddressRefusedException.class, () -> resolver.resolve("private.test"));

        assertThat(e.host()).isEqualTo("private.test");
        assertThat(e.refusedAddresses()).containsExactly("10.1.2.3", "192.168.1.1");
        assertThat(e.getMessage()).contains("private.test", "public addresses only")
                .as("internal addresses are not told to whoever submitted the URL").doesNotContain("10.1.2.3", "192.168.1.1");
    }

    @Test
    void refusesWithPortToo() {
        assertThatThrownBy(() -> resolver.resolve("private.test", 80)).isInstanceOf(AddressRefusedException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1", "[::1]", "169.254.169.254", "0.0.0.0", "localhost"})
    void checksIpLiteralsAndLocalhostResolvedByTheSystem(String host) {
        CheckedDnsResolver system = new CheckedDnsResolver(SystemDefaultDnsResolver.INSTANCE, AddressPolicy.publicOnly());

        assertThatThrownBy(() -> system.resolve(host, 80)).isInstanceOf(AddressRefusedException.class);
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1, 127.0.0.1", "::1, ::1", "[::1], ::1", "[0:0:0:0:0:0:0:1], 0:0:0:0:0:0:0:1"})
    void namesARefusedIpLiteralAsWritten(String host, String named) {
        CheckedDnsResolver system = new CheckedDnsResolver(SystemDefaultDnsResolver.INSTANCE, AddressPolicy.publicOnly());

        AddressRefusedException e = catchThrowableOfType(AddressRefusedException.class, () -> system.resolve(host, 80));

        assertThat(e.getMessage()).startsWith("address " + named + " is refused");
    }

    @Test
    void passesOnTheDelegatesFailureToResolve() {
        assertThatThrownBy(() -> resolver.resolve("unknown.test"))
                .isInstanceOf(UnknownHostException.class)
                .isNotInstanceOf(AddressRefusedException.class)
                .hasMessageContaining("unknown.test");
    }

    @Test
    void failsWhenTheDelegateReturnsNoAddress() {
        DnsResolver empty = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) {
                return new InetAddress[0];
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        CheckedDnsResolver checked = new CheckedDnsResolver(empty, AddressPolicy.allowAll());

        assertThatThrownBy(() -> checked.resolve("nothing.test", 80))
                .isInstanceOf(UnknownHostException.class)
                .hasMessageContaining("nothing.test");
    }
}
