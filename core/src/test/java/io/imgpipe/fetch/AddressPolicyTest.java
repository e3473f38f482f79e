package io.imgpipe.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.ConfigurationException;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTest {

    @ParameterizedTest
    @CsvSource({
        "10.20.0.0/16, 10.20.0.1, true",
        "10.20.0.0/16, 10.20.255.255, true",
        "10.20.0.0/16, 10.21.0.1, false",
        "10.20.0.0/16, 8.8.8.8, false",
        "127.0.0.1, 127.0.0.1, true",
        "127.0.0.1, 127.0.0.2, false",
        "127.0.0.1/32, 127.0.0.1, true",
        "172.16.0.0/12, 172.31.1.1, true",
        "172.16.0.0/12, 172.32.0.1, false",
        "10.20.30.40/8, 10.1.1.1, true",
        "0.0.0.0/0, 8.8.8.8, true",
        "fd12:3456::/32, fd12:3456:1::1, true",
        "fd12:3456::/32, fd12:3457::1, false",
        "[::1], ::1, true",
        "10.0.0.0/8, ::1, false",
        "::/0, 10.0.0.1, false"
    })
    void rangesAllowOnlyAddressesInside(String range, String address, boolean allowed) {
        assertThat(AddressPolicy.ranges(range).allows(literal(address))).isEqualTo(allowed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"intranet.example.com", "10.0.0.0/33", "::/129", "10.0.0.0/x", "10.0.0/8", "", "10.0.0.0/-1"})
    void rangesRefuseWhatIsNotAnIpLiteralRange(String range) {
        assertThatThrownBy(() -> AddressPolicy.ranges(range))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("address range");
    }

    @Test
    void rangesNameTheBadRangeInTheMessage() {
        assertThatThrownBy(() -> AddressPolicy.ranges("10.0.0.0/8", "intranet.example.com"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("intranet.example.com");
    }

    @Test
    void rangesNeedAtLeastOneRange() {
        assertThatThrownBy(AddressPolicy::ranges).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void publicOnlyAndAllowsPublicAddressesAndTheGivenRanges() {
        AddressPolicy policy = AddressPolicy.publicOnlyAnd("10.20.0.0/16");

        assertThat(policy.allows(literal("8.8.8.8"))).isTrue();
        assertThat(policy.allows(literal("10.20.1.2"))).isTrue();
        assertThat(policy.allows(literal("10.21.1.2"))).isFalse();
        assertThat(policy.allows(literal("127.0.0.1"))).isFalse();
        assertThat(policy.describe()).contains("public addresses only", "10.20.0.0/16");
    }

    @Test
    void orAllowsWhatEitherAllows() {
        AddressPolicy policy = AddressPolicy.ranges("10.0.0.0/8").or(AddressPolicy.ranges("192.168.0.0/16"));

        assertThat(policy.allows(literal("10.1.1.1"))).isTrue();
        assertThat(policy.allows(literal("192.168.1.1"))).isTrue();
        assertThat(policy.allows(literal("172.16.0.1"))).isFalse();
    }

    @Test
    void allowAllAllowsLoopbackAndPrivateAddresses() {
        assertThat(AddressPolicy.allowAll().allows(literal("127.0.0.1"))).isTrue();
        assertThat(AddressPolicy.allowAll().allows(literal("::1"))).isTrue();
        assertThat(AddressPolicy.allowAll().allows(literal("10.0.0.1"))).isTrue();
    }

    private static InetAddress literal(String literal) {
        return FakeDnsResolver.literal(literal);
    }
}
