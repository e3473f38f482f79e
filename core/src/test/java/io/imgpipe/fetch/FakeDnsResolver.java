package io.imgpipe.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import org.apache.hc.client5.http.DnsResolver;

/** A {@link DnsResolver} with made-up names mapped to fixed addresses; other names do not resolve. */
final class FakeDnsResolver implements DnsResolver {

    private final Map<String, InetAddress[]> names = new HashMap<>();

    /**
     * @param name a host name
     * @param literals the IP literals it resolves to
     * @return this resolver
     */
    FakeDnsResolver map(String name, String... literals) {
        InetAddress[] addresses = new InetAddress[literals.length];
        for (int i = 0; i < literals.length; i++) {
            addresses[i] = literal(literals[i]);
        }
        names.put(name, addresses);
        return this;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = names.get(host);
        if (addresses == null) {
            throw new UnknownHostException(host + ": not a name the fake resolver knows");
        }
        return addresses.clone();
    }

    @Override
    public String resolveCanonicalHostname(String host) {
        return host;
    }

    /** @param literal an IPv4 or IPv6 literal @return its address, without any lookup */
    static InetAddress literal(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
