package io.imgpipe.fetch;

import java.net.UnknownHostException;

/**
 * A DNS lookup that did not finish within its timeout, from the resolvers of the fetcher and of
 * {@link GuardedHttpClients}. A kind of {@link UnknownHostException}, so callers that do not care
 * why a host did not resolve need not tell them apart; callers that do (a timeout may pass, a
 * name that does not exist will not) catch this first.
 */
public final class DnsTimeoutException extends UnknownHostException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the host and the timeout
     */
    public DnsTimeoutException(String message) {
        super(message);
    }
}
