package io.imgpipe.internal;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits fetches host by host: at most {@code maxPerHost} fetches from one host at once, and a
 * host whose fetches keep timing out or failing to connect is backed off as a whole.
 *
 * <p>A host is the host and port of the URL as submitted ({@link #keyOf}): the engine decides
 * before fetching, so a fetch counts against that host whatever it is redirected to, and its
 * timeouts count against it too (fetches of URLs on that host keep timing out, wherever the
 * redirects lead). Ports are told apart, as HTTP clients pool connections by them.
 *
 * <p>After {@code failuresBeforeBackoff} fetches in a row ended unreachable (timeouts and
 * connection failures: no answer at all), the host is backed off for {@code firstBackoff}; once
 * that passes, one fetch at a time probes it: an answer (any answer, an error status included)
 * ends the back-off; another unreachable fetch backs it off again for twice as long, up to
 * {@code maxBackoff}. Failures of fetches that started before the back-off began do not extend
 * it. Thread-safe.
 */
public final class HostGate {

    private static final Logger log = LoggerFactory.getLogger(HostGate.class);

    private final int maxPerHost;
    private final int failuresBeforeBackoff;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final Clock clock;
    private final Map<String, HostState> hosts = new HashMap<>();

    /**
     * Creates a {@code HostGate}.
     *
     * @param maxPerHost the most fetches from one host at once; at least 1
     * @param failuresBeforeBackoff how many unreachable fetches in a row back a host off; at least 1
     * @param firstBackoff the first back-off (at most {@code maxBackoff})
     * @param maxBackoff the longest back-off
     * @param clock the engine's clock
     */
    public HostGate(int maxPerHost, int failuresBeforeBackoff, Duration firstBackoff, Duration maxBackoff, Clock clock) {
        this.maxPerHost = maxPerHost;
        this.failuresBeforeBackoff = failuresBeforeBackoff;
        this.firstBackoff = firstBackoff.compareTo(maxBackoff) > 0 ? maxBackoff : firstBackoff;
        this.maxBackoff = maxBackoff;
        this.clock = clock;
    }

    /** What {@link #tryStart} decided. */
    public enum Decision {
        /** Fetch now, under the permit; end it with {@link HostGate#ended}. */
        START,
        /** The host has as many fetches as it may: wait for one to end. */
        BUSY,
        /** The host is backed off: do not fetch before {@link Admission#until()}. */
        BACKED_OFF
    }

    /**
     * The gate's answer to a fetch that wants to start.
     *
     * @param decision what to do
     * @param permit the permit, with {@link Decision#START}, else {@code null}
     * @param until when the back-off ends, with {@link Decision#BACKED_OFF}, else {@code null}
     * @param reason why the host is backed off, with {@link Decision#BACKED_OFF}, else {@code null}
     */
    public record Admission(Decision decision, Permit permit, Instant until, String reason) {
    }

    /**
     * A fetch admitted from one host.
     *
     * @param host the host key
     * @param startedAt when it was admitted
     */
    public record Permit(String host, Instant startedAt) {
    }

    /**
     * {@return its host key: the host in lower case, a colon and the port (the scheme's default if
     *     none is given)}
     *
     * @param url an absolute URL
     */
    public static String keyOf(URI url) {
        String host = url.getHost();
        int port = url.getPort();
        if (host == null) { // a name URI does not take for a host name, such as img_cdn.example.com
            String authority = url.getRawAuthority() == null ? "" : url.getRawAuthority();
            host = authority.substring(authority.lastIndexOf('@') + 1);
            int colon = host.lastIndexOf(':');
            if (colon > host.lastIndexOf(']')) {
                port = parsePort(host.substring(colon + 1));
                host = host.substring(0, colon);
            }
        }
        if (port < 0) {
            port = "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        }
        return host.toLowerCase(Locale.ROOT) + ":" + port;
    }

    private static int parsePort(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Admits a fetch from {@code host} if it has room and is not backed off.
     *
     * @param host a key from {@link #keyOf}
     * @return the decision
     */
    public synchronized Admission tryStart(String host) {
        Instant now = clock.instant();
        HostState state = hosts.computeIfAbsent(host, h -> new HostState());
        if (state.backedOffUntil != null && now.isBefore(state.backedOffUntil)) {
            return new Admission(Decision.BACKED_OFF, null, state.backedOffUntil, state.describeBackoff(host));
        }
        if (state.active >= limitOf(state)) {
            return new Admission(Decision.BUSY, null, null, null);
        }
        state.active++;
        return new Admission(Decision.START, new Permit(host, now), null, null);
    }

    /**
     * {@return whether {@link #tryStart} would not answer {@link Decision#BUSY} now}
     *
     * @param host a key from {@link #keyOf}
     */
    public synchronized boolean hasRoom(String host) {
        HostState state = hosts.get(host);
        return state == null || state.active < limitOf(state) || isBackedOff(state, clock.instant());
    }

    /**
     * {@return whether the host is backed off now}
     *
     * @param host a key from {@link #keyOf}
     */
    public synchronized boolean isBackedOff(String host) {
        HostState state = hosts.get(host);
        return state != null && isBackedOff(state, clock.instant());
    }

    /** How an admitted fetch ended, as far as its host is concerned. */
    public enum Outcome {
        /** The host answered (with an image or with any error). */
        ANSWERED,
        /** The host could not be reached: a timeout or a connection failure. */
        UNREACHABLE,
        /** The fetch ended for a reason of this engine's own (shutdown, waiting for memory): says nothing. */
        UNKNOWN
    }

    /**
     * Ends an admitted fetch.
     *
     * @param permit what {@link #tryStart} gave
     * @param outcome how it ended
     * @param detail what went wrong, with {@link Outcome#UNREACHABLE}
     */
    public synchronized void ended(Permit permit, Outcome outcome, String detail) {
        Instant now = clock.instant();
        HostState state = hosts.get(permit.host());
        if (state == null) {
            return;
        }
        state.active--;
        if (outcome == Outcome.ANSWERED) {
            if (state.consecutiveFailures >= failuresBeforeBackoff) {
                log.info("host {} answers again; its back-off ends", permit.host());
            }
            state.consecutiveFailures = 0;
            state.backoffLevel = 0;
            state.backedOffUntil = null;
            state.backoffStartedAt = null;
        } else if (outcome == Outcome.UNREACHABLE
                && (state.backoffStartedAt == null || !permit.startedAt().isBefore(state.backoffStartedAt))) {
            state.consecutiveFailures++;
            state.lastFailure = detail;
            if (state.consecutiveFailures >= failuresBeforeBackoff) {
                backOff(permit.host(), state, now);
            }
        }
        if (state.active == 0 && state.consecutiveFailures == 0) {
            hosts.remove(permit.host());
        }
    }

    /**
     * Forgets hosts with no fetch in progress whose back-off ended long ago (more than the longest
     * back-off), so that the hosts of finished requests do not pile up.
     */
    public synchronized void forgetIdle() {
        Instant now = clock.instant();
        for (Iterator<HostState> it = hosts.values().iterator(); it.hasNext(); ) {
            HostState state = it.next();
            if (state.active == 0 && (state.backedOffUntil == null || state.backedOffUntil.plus(maxBackoff).isBefore(now))) {
                it.remove();
            }
        }
    }

    /** {@return how many hosts are tracked (for tests)} */
    synchronized int size() {
        return hosts.size();
    }

    private void backOff(String host, HostState state, Instant now) {
        state.backoffLevel++;
        Duration period = firstBackoff.multipliedBy(1L << Math.min(state.backoffLevel - 1, 30));
        if (period.compareTo(maxBackoff) > 0 || period.isNegative()) {
            period = maxBackoff;
        }
        state.backedOffUntil = now.plus(period);
        state.backoffStartedAt = now;
        state.period = period;
        log.warn("host {} backed off for {} ms: {} fetches in a row timed out or could not connect (last: {})", host,
                period.toMillis(), state.consecutiveFailures, state.lastFailure);
    }

    private int limitOf(HostState state) {
        return state.consecutiveFailures >= failuresBeforeBackoff ? 1 : maxPerHost;
    }

    private static boolean isBackedOff(HostState state, Instant now) {
        return state.backedOffUntil != null && now.isBefore(state.backedOffUntil);
    }

    private static final class HostState {
        int active;
        int consecutiveFailures;
        int backoffLevel;
        Instant backedOffUntil;
        Instant backoffStartedAt;
        Duration period;
        String lastFailure;

        String describeBackoff(String host) {
            return "host " + host + " is backed off for " + period.toMillis() + " ms after " + consecutiveFailures
                    + " fetches in a row timed out or could not connect (last: " + lastFailure + ")";
        }
    }
}
