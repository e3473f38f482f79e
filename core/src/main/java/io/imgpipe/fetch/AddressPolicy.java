package io.imgpipe.fetch;

import java.net.InetAddress;
import java.util.List;

/**
 * Decides which IP addresses the fetcher may connect to. The check is applied to every address a
 * host name resolves to at connect time, for the first request and every redirect hop.
 *
 * <p>{@link #publicOnly()} (the default) refuses loopback, private (RFC 1918), link-local
 * (169.254/16, including cloud metadata at 169.254.169.254), CGNAT (100.64/10), unspecified
 * (0.0.0.0, ::), multicast, broadcast, reserved and documentation ranges, IPv6 unique-local
 * (fc00::/7) and link-local (fe80::/10), and IPv6 forms that embed one of those IPv4 addresses
 * (IPv4-mapped, IPv4-compatible, NAT64, 6to4). {@link #allowAll()} permits everything and is
 * meant only for trusted inputs and tests. {@link #ranges(String...)} and
 * {@link #publicOnlyAnd(String...)} allow chosen CIDR ranges, for example an internal image
 * server, without opening every private network.
 *
 * <p>Implementations must be thread-safe and fast: they are called on every connection.
 */
public interface AddressPolicy {

    /**
     * {@return {@code true} if the fetcher may connect to it}
     *
     * @param address a resolved address
     */
    boolean allows(InetAddress address);

    /** {@return a short description for error messages, for example {@code public addresses only}} */
    String describe();

    /**
     * {@return a policy that allows an address when this policy or {@code other} allows it}
     *
     * @param other another policy
     */
    default AddressPolicy or(AddressPolicy other) {
        return new EitherAddressPolicy(this, other);
    }

    /** {@return the default policy: public unicast addresses only} */
    static AddressPolicy publicOnly() {
        return PublicAddressPolicy.INSTANCE;
    }

    /** {@return a policy that allows every address, private networks and loopback included} */
    static AddressPolicy allowAll() {
        return AllowAllAddressPolicy.INSTANCE;
    }

    /**
     * A policy that allows only addresses inside the given ranges and nothing else, public
     * addresses included. An IPv4 range does not match IPv6 addresses (IPv4-mapped ones
     * included), and the other way round.
     *
     * @param cidrs IP-literal ranges such as {@code 10.20.0.0/16} or {@code fd12:3456::/32}, or
     *     single addresses such as {@code 127.0.0.1}; host names are not accepted
     * @return the policy
     * @throws io.imgpipe.ConfigurationException if a range is not an IP literal with a valid
     *     prefix length, or none is given
     */
    static AddressPolicy ranges(String... cidrs) {
        return RangeAddressPolicy.parse(List.of(cidrs));
    }

    /**
     * Public addresses plus the given ranges: {@code publicOnly().or(ranges(cidrs))}.
     *
     * @param cidrs ranges as for {@link #ranges(String...)}
     * @return the policy
     * @throws io.imgpipe.ConfigurationException if a range is invalid
     */
    static AddressPolicy publicOnlyAnd(String... cidrs) {
        return publicOnly().or(ranges(cidrs));
    }
}
