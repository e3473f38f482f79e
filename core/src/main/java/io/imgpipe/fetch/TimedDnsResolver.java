package io.imgpipe.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.DnsResolver;

/**
 * A {@link DnsResolver} that gives up on a lookup after a timeout. The system resolver cannot be
 * interrupted and, with retries across name servers, can block for half a minute or more; this
 * runs each lookup on a thread of a small shared pool and stops waiting at the timeout, so a
 * fetch's deadline covers name resolution too. A lookup that times out goes on in the background
 * until the resolver returns; at most {@value #MAX_LOOKUPS} run at once in the JVM, and a lookup
 * that finds them all busy waits for one within the same timeout.
 *
 * <p>Put it between {@link CheckedDnsResolver} and the real resolver:
 * {@code new CheckedDnsResolver(new TimedDnsResolver(names, timeout), policy)}. Thread-safe.
 */
final class TimedDnsResolver implements DnsResolver {

    /** The most lookups running at once across every instance in the JVM. */
    public static final int MAX_LOOKUPS = 64;

    private static final ThreadPoolExecutor LOOKUPS = newPool();
    private static final Semaphore SLOTS = new Semaphore(MAX_LOOKUPS);

    private final DnsResolver delegate;
    private final Duration timeout;

    /**
     * Creates a {@code TimedDnsResolver}.
     *
     * @param delegate the resolver that does the lookups
     * @param timeout the longest wait for one lookup
     */
    public TimedDnsResolver(DnsResolver delegate, Duration timeout) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    /**
     * {@return what the delegate returned}
     *
     * @param host a host name or IP literal
     * @throws DnsTimeoutException if the lookup took longer than the timeout
     * @throws UnknownHostException if the delegate failed to resolve the name
     */
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Future<InetAddress[]> lookup;
        try {
            if (!SLOTS.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new DnsTimeoutException(host + ": " + MAX_LOOKUPS + " DNS lookups were in progress for "
                        + describe(timeout));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            UnknownHostException interrupted = new UnknownHostException(host + ": interrupted while resolving");
            interrupted.initCause(e);
            throw interrupted;
        }
        try {
            lookup = LOOKUPS.submit(() -> {
                try {
                    return delegate.resolve(host);
                } finally {
                    SLOTS.release();
                }
            });
        } catch (RejectedExecutionException e) {
            SLOTS.release();
            throw new DnsTimeoutException(host + ": no thread for a DNS lookup");
        }
        try {
            return lookup.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw new DnsTimeoutException(host + ": the DNS lookup took longer than " + describe(timeout));
        } catch (InterruptedException e) {
            lookup.cancel(true);
            Thread.currentThread().interrupt();
            UnknownHostException interrupted = new UnknownHostException(host + ": interrupted while resolving");
            interrupted.initCause(e);
            throw interrupted;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownHostException) {
                throw (UnknownHostException) cause;
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            UnknownHostException failed = new UnknownHostException(host + ": " + cause);
            failed.initCause(cause);
            throw failed;
        }
    }

    /** Delegates on the calling thread; only authentication schemes call this. */
    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return delegate.resolveCanonicalHostname(host);
    }

    private static String describe(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }

    private static ThreadPoolExecutor newPool() {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, MAX_LOOKUPS + 1, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "imgpipe-dns-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        return pool;
    }
}
