package io.imgpipe.testkit;

import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.RequestRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A repository that records the notification bookkeeping passing through it: which requests were
 * marked notified, and every notification sweep ({@code claimNotifications}) with the time it was
 * made for and what it claimed. Tests use it to wait for a sweep past a notification lease and to
 * see that it claimed nothing, instead of sleeping through the lease; subclasses may record more.
 * Thread-safe.
 */
public class NotificationLog extends ForwardingProductRepository {

    private final Set<String> notified = ConcurrentHashMap.newKeySet();
    private final List<Sweep> sweeps = new CopyOnWriteArrayList<>();

    /**
     * Wraps a repository.
     *
     * @param delegate the repository every call goes to
     */
    public NotificationLog(ProductRepository delegate) {
        super(delegate);
    }

    @Override
    public List<RequestRecord> claimNotifications(String owner, int limit, Instant now, Duration lease) {
        List<RequestRecord> claimed = super.claimNotifications(owner, limit, now, lease);
        sweeps.add(new Sweep(now, claimed.stream().map(RequestRecord::requestId).toList()));
        return claimed;
    }

    @Override
    public boolean markNotified(String requestId, String owner, Instant now) {
        boolean marked = super.markNotified(requestId, owner, now);
        if (marked) {
            notified.add(requestId);
        }
        return marked;
    }

    /**
     * {@return whether every one of the requests has been marked notified through this repository}
     *
     * @param requestIds requests
     */
    public boolean notified(List<String> requestIds) {
        return notified.containsAll(requestIds);
    }

    /**
     * {@return the sweeps made for {@code since} or later}
     *
     * @param since a time on the engine's clock
     */
    public List<Sweep> sweepsSince(Instant since) {
        return sweeps.stream().filter(sweep -> !sweep.now().isBefore(since)).toList();
    }

    /**
     * One notification sweep.
     *
     * @param now the time it was made for
     * @param claimed the requests whose notification it claimed
     */
    public record Sweep(Instant now, List<String> claimed) {
    }
}
