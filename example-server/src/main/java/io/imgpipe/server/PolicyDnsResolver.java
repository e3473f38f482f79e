package io.imgpipe.server;

import io.imgpipe.fetch.AddressPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.hc.client5.http.DnsResolver;

/**
 * The SSRF guard of webhook deliveries, the same technique as the image fetcher's: a
 * {@link DnsResolver} that returns only the addresses the {@link AddressPolicy} allows. HttpClient
 * connects to exactly the addresses this returns, so the address checked is the address connected
 * to, and a DNS answer that changes between check and connect gains nothing. IP literals go
 * through it too. ({@code io.imgpipe.fetch} keeps its resolver package-private, hence this copy.)
 *
 * <p>Thread-safe if the delegate is.
 */
final class PolicyDnsResolver implements DnsResolver {

    private final DnsResolver delegate;
    private final AddressPolicy policy;

    /**
     * @param delegate resolves names and literals before the policy judges the result
     * @param policy which addresses may be connected to
     */
    PolicyDnsResolver(DnsResolver delegate, AddressPolicy policy) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * @throws RefusedAddressException if the host resolves only to refused addresses
     */
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] resolved = delegate.resolve(host);
        if (resolved == null || resolved.length == 0) {
            throw new UnknownHostException(host + ": no address found");
        }
        List<InetAddress> allowed = new ArrayList<>(resolved.length);
        List<String> refused = new ArrayList<>();
        for (InetAddress address : resolved) {
            if (policy.allows(address)) {
                allowed.add(address);
            } else {
                refused.add(address.getHostAddress());
            }
        }
        if (allowed.isEmpty()) {
            throw new RefusedAddressException(host + " resolves only to " + refused
                    + ", refused by the address policy (" + policy.describe() + ")");
        }
        return allowed.toArray(new InetAddress[0]);
    }

    @Override
    public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
        List<InetSocketAddress> endpoints = new ArrayList<>();
        for (InetAddress address : resolve(host)) {
            endpoints.add(new InetSocketAddress(address, port));
        }
        return endpoints;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return delegate.resolveCanonicalHostname(host);
    }

    /** Every address of a host is refused by the policy: retrying cannot help. */
    static final class RefusedAddressException extends UnknownHostException {

        private static final long serialVersionUID = 1L;

        RefusedAddressException(String message) {
            super(message);
        }
    }
}
