package io.imgpipe.testkit;

import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.ImageOutput;
import io.imgpipe.spi.Lease;
import io.imgpipe.spi.NewRequest;
import io.imgpipe.spi.ProductRecord;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.RequestCursor;
import io.imgpipe.spi.RequestRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link ProductRepository} that forwards every call to another; tests override the calls they
 * want to slow down, count, or make fail.
 */
public class ForwardingProductRepository implements ProductRepository {

    private final ProductRepository delegate;

    /**
     * Creates a {@code ForwardingProductRepository}.
     *
     * @param delegate the repository that does the work
     */
    public ForwardingProductRepository(ProductRepository delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** {@return the repository that does the work} */
    protected final ProductRepository delegate() {
        return delegate;
    }

    @Override
    public void create(NewRequest request) {
        delegate.create(request);
    }

    @Override
    public Optional<RequestRecord> findRequest(String requestId) {
        return delegate.findRequest(requestId);
    }

    @Override
    public void forEachProduct(String requestId, Consumer<ProductRecord> action) {
        delegate.forEachProduct(requestId, action);
    }

    @Override
    public void forEachProductBySerialNumber(String requestId, Consumer<ProductRecord> action) {
        delegate.forEachProductBySerialNumber(requestId, action);
    }

    @Override
    public List<ClaimedTask> claim(String owner, int limit, Instant now, Duration lease) {
        return delegate.claim(owner, limit, now, lease);
    }

    @Override
    public boolean renew(Lease lease, Instant newExpiry) {
        return delegate.renew(lease, newExpiry);
    }

    @Override
    public boolean complete(Lease lease, ImageOutput output, Instant now) {
        return delegate.complete(lease, output, now);
    }

    @Override
    public boolean retryLater(Lease lease, String error, Instant notBefore) {
        return delegate.retryLater(lease, error, notBefore);
    }

    @Override
    public boolean fail(Lease lease, String error, Instant now) {
        return delegate.fail(lease, error, now);
    }

    @Override
    public boolean release(Lease lease, Instant notBefore) {
        return delegate.release(lease, notBefore);
    }

    @Override
    public List<RequestRecord> listRequests(int limit, RequestCursor before) {
        return delegate.listRequests(limit, before);
    }

    @Override
    public long countPendingImages() {
        return delegate.countPendingImages();
    }

    @Override
    public Optional<RequestRecord> finishIfDone(String requestId, String owner, Instant now, Duration notificationLease) {
        return delegate.finishIfDone(requestId, owner, now, notificationLease);
    }

    @Override
    public List<String> findFinishable(int limit) {
        return delegate.findFinishable(limit);
    }

    @Override
    public List<RequestRecord> claimNotifications(String owner, int limit, Instant now, Duration lease) {
        return delegate.claimNotifications(owner, limit, now, lease);
    }

    @Override
    public boolean renewNotification(String requestId, String owner, Instant newExpiry) {
        return delegate.renewNotification(requestId, owner, newExpiry);
    }

    @Override
    public boolean markNotified(String requestId, String owner, Instant now) {
        return delegate.markNotified(requestId, owner, now);
    }

    @Override
    public boolean deleteRequest(String requestId) {
        return delegate.deleteRequest(requestId);
    }

    @Override
    public void ping() {
        delegate.ping();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
