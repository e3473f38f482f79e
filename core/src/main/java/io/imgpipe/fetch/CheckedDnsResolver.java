package io.imgpipe.fetch;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.hc.client5.http.DnsResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSRF guard: a {@link DnsResolver} that resolves through a delegate and returns only the
 * addresses the {@link AddressPolicy} allows. HttpClient connects to exactly the addresses this
 * resolver returns, so the address checked is the address connected to; a DNS answer that
 * changes between a check and the connect (rebinding) cannot slip through. IP-literal hosts go
 * through it too: the delegate returns the literal's address, which is then checked.
 *
 * <p>Both lookup methods HttpClient 5.6 may call, {@link #resolve(String)} and
 * {@link #resolve(String, int)}, are checked; neither ever returns an unresolved address (which
 * would let the socket resolve the name itself). Thread-safe if the delegate is. Other clients
 * reach it through {@link GuardedHttpClients#builder(AddressPolicy, DnsResolver, java.time.Duration, int, int)}.
 */
final class CheckedDnsResolver implements DnsResolver {

    private static final Logger LOG = LoggerFactory.getLogger(CheckedDnsResolver.class);

    private final DnsResolver delegate;
    private final AddressPolicy policy;

    /**
     * A guard over the system resolver.
     *
     * @param policy which addresses may be connected to
     */
    public CheckedDnsResolver(AddressPolicy policy) {
        this(org.apache.hc.client5.http.SystemDefaultDnsResolver.INSTANCE, policy);
    }

    /**
     * Creates a {@code CheckedDnsResolver}.
     *
     * @param delegate resolves names and literals before the policy judges the result
     * @param policy which addresses may be connected to
     */
    public CheckedDnsResolver(DnsResolver delegate, AddressPolicy policy) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * {@return its allowed addresses, at least one, in the delegate's order}
     *
     * @param host a host name or IP literal
     * @throws AddressRefusedException if it resolves only to refused addresses
     * @throws UnknownHostException if it does not resolve
     */
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] resolved = delegate.resolve(host);
        if (resolved == null || resolved.length == 0) {
            throw new UnknownHostException(host + ": no address found");
        }
        List<InetAddress> allowed = new ArrayList<>(resolved.length);
        List<InetAddress> refused = new ArrayList<>();
        for (InetAddress address : resolved) {
            (policy.allows(address) ? allowed : refused).add(address);
        }
        if (allowed.isEmpty()) {
            LOG.info("refused {}: it resolves only to {}, refused by the address policy", host, refused);
            throw new AddressRefusedException(host, refused, policy);
        }
        if (!refused.isEmpty()) {
            LOG.debug("{}: ignoring refused addresses {}, connecting only to {}", host, refused, allowed);
        }
        return allowed.toArray(new InetAddress[0]);
    }

    /**
     * {@return its allowed addresses with the port, all resolved}
     *
     * @param host a host name or IP literal
     * @param port the port
     * @throws UnknownHostException as {@link #resolve(String)}
     */
    @Override
    public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
        InetAddress[] allowed = resolve(host);
        List<InetSocketAddress> endpoints = new ArrayList<>(allowed.length);
        for (InetAddress address : allowed) {
            endpoints.add(new InetSocketAddress(address, port));
        }
        return endpoints;
    }

    /** Delegates; only authentication schemes call this, and the fetcher disables them all. */
    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return delegate.resolveCanonicalHostname(host);
    }
}
