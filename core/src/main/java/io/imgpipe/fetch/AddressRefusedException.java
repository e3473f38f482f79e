package io.imgpipe.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Thrown by the guarded resolver (see {@link GuardedHttpClients}) when every address of a host is
 * refused by the {@link AddressPolicy}. It extends {@link UnknownHostException} because that is what
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

    /** {@return the host name or IP literal that was looked up} */
    public String host() {
        return host;
    }

    /** {@return the addresses it resolved to, all refused} */
    public List<String> refusedAddresses() {
        return refusedAddresses;
    }

    private static String message(String host, List<InetAddress> refused, AddressPolicy policy) {
        String bare = stripBrackets(host);
        boolean literal = refused.size() == 1 && (bare.indexOf(':') >= 0 || IPV4_LITERAL.matcher(bare).matches());
        // A host name's addresses are not named: the message reaches whoever submitted the URL,
        // and must not tell them what internal names resolve to. refusedAddresses() has them.
        // An IP literal names only itself, so it is quoted as it was written.
        String what = literal ? "address " + bare + " is" : "host " + host + " resolves only to addresses that are";
        return what + " refused by the address policy (" + policy.describe() + ")";
    }

    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
