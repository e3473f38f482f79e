package io.imgpipe.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PublicAddressPolicyTest {

    private final AddressPolicy policy = AddressPolicy.publicOnly();

    @ParameterizedTest
    @ValueSource(strings = {
        "0.0.0.0", "0.1.2.3", "127.0.0.1", "127.255.255.254",
        "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.255", "192.168.0.1", "192.168.255.255",
        "169.254.169.254", "169.254.0.1", "100.64.0.1", "100.127.255.255",
        "192.0.0.1", "192.0.2.1", "198.18.0.1", "198.51.100.1", "203.0.113.1",
        "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
        "::", "::1", "::a00:1", "::8.8.8.8", "fc00::1", "fd00::1", "fe80::1", "ff02::1",
        "64:ff9b::a00:1", "64:ff9b::7f00:1", "2002:a00:1::1", "2002:7f00:1::1", "2002:a9fe:a9fe::1",
        "2001:db8::1", "2001::1", "2001:2::1", "3fff::1", "100::1", "5f00::1"
    })
    void refusesNonPublicAddresses(String literal) {
        assertThat(policy.allows(literal(literal))).as(literal).isFalse();
    }

    static Stream<InetAddress> ipv4MappedAddresses() throws UnknownHostException {
        return Stream.of(mapped(127, 0, 0, 1), mapped(10, 0, 0, 1), mapped(169, 254, 169, 254), mapped(192, 168, 1, 1));
    }

    @ParameterizedTest
    @MethodSource("ipv4MappedAddresses")
    void refusesIpv4MappedFormsOfNonPublicAddresses(InetAddress address) {
        assertThat(address).isInstanceOf(Inet6Address.class);
        assertThat(policy.allows(address)).as(address.getHostAddress()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "100.128.0.1", "192.169.0.1",
        "2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "64:ff9b::808:808", "2002:808:808::1"
    })
    void allowsPublicAddresses(String literal) {
        assertThat(policy.allows(literal(literal))).as(literal).isTrue();
    }

    @ParameterizedTest
    @MethodSource("publicIpv4Mapped")
    void allowsIpv4MappedFormOfAPublicAddress(InetAddress address) {
        assertThat(policy.allows(address)).isTrue();
    }

    static Stream<InetAddress> publicIpv4Mapped() throws UnknownHostException {
        return Stream.of(mapped(8, 8, 8, 8));
    }

    private static InetAddress literal(String literal) {
        return FakeDnsResolver.literal(literal);
    }

    private static InetAddress mapped(int a, int b, int c, int d) throws UnknownHostException {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        bytes[12] = (byte) a;
        bytes[13] = (byte) b;
        bytes[14] = (byte) c;
        bytes[15] = (byte) d;
        return Inet6Address.getByAddress(null, bytes, -1);
    }
}
