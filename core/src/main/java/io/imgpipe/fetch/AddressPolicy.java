package io.imgpipe.fetch;

import java.net.InetAddress;

/**
 * Decides which IP addresses the fetcher may connect to. The check is applied to every address a
 * host name resolves to at connect time, for the first request and every redirect hop.
 *
 * <p>{@link #publicOnly()} (the default) refuses loopback, private (RFC 1918), link-local
 * (169.254/16, including cloud metadata at 169.254.169.254), CGNAT (100.64/10), unspecified
 * (0.0.0.0, ::), multicast, broadcast, reserved and documentation ranges, IPv6 unique-local
 * (fc00::/7) and link-local (fe80::/10), and IPv6 forms that embed one of those IPv4 addresses
 * (IPv4-mapped, IPv4-compatible, NAT64, 6to4). {@link #allowAll()} permits everything and is
 * meant only for trusted inputs and tests.
 */
public interface AddressPolicy {

    /**
     * @param address a resolved address
     * @return {@code true} if the fetcher may connect to it
     */
    boolean allows(InetAddress address);

    /** @return a short description for error messages, for example {@code public addresses only} */
    String describe();

    /** @return the default policy: public unicast addresses only */
    static AddressPolicy publicOnly() {
        return PublicAddressPolicy.INSTANCE;
    }

    /** @return a policy that allows every address, private networks and loopback included */
    static AddressPolicy allowAll() {
        return AllowAllAddressPolicy.INSTANCE;
    }
}
