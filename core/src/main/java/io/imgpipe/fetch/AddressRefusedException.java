package io.imgpipe.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown by {@link CheckedDnsResolver} when every address of a host is refused by the
 * {@link AddressPolicy}. It extends {@link UnknownHostException} because that is what
 * {@link org.apache.hc.client5.http.DnsResolver} may throw; the fetcher turns it into a
 * {@link io.imgpipe.FetchException} with reason {@code ADDRESS_REFUSED}. Its message names an IP
 * literal but not the addresses a host name resolved to (they would tell an uploader about the
 * internal network); {@link #refusedAddresses()} has them, and the resolver logs them.
 */
public final class AddressRefusedException extends UnknownHostException {

    private static final long serialVersionUID = 1L;

    private final String host;
    private final List<String> refusedAddresses;

    AddressRefusedException(String host, List<InetAddress> refused, AddressPolicy policy) {
        super(message(host, refused, policy));
        this.host = host;
        this.refusedAddresses = refused.stream().map(InetAddress::getHostAddress).collect(Collectors.toUnmodifiableList());
    }

    /** @return the host name or IP literal that was looked up */
    public String host() {
        return host;
    }

    /** @return the addresses it resolved to, all refused */
    public List<String> refusedAddresses() {
        return refusedAddresses;
    }

    private static String message(String host, List<InetAddress> refused, AddressPolicy policy) {
        List<String> addresses = refused.stream().map(InetAddress::getHostAddress).collect(Collectors.toList());
        boolean literal = addresses.size() == 1 && stripBrackets(host).equalsIgnoreCase(addresses.get(0));
        // A host name's addresses are not named: the message reaches whoever submitted the URL,
        // and must not tell them what internal names resolve to. refusedAddresses() has them.
        String what = literal ? "address " + addresses.get(0) + " is" : "host " + host + " resolves only to addresses that are";
        return what + " refused by the address policy (" + policy.describe() + ")";
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
