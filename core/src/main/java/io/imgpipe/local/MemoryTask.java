package io.imgpipe.local;

import io.imgpipe.Status;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.ImageRecord;
import io.imgpipe.spi.Lease;
import io.imgpipe.spi.NewImage;
import io.imgpipe.spi.NewTask;
import java.net.URI;
import java.time.Instant;

/**
 * The mutable state of one task in an {@link InMemoryProductRepository}. Not thread-safe: every
 * access happens under the repository's lock.
 */
final class MemoryTask {

    private final MemoryRequest request;
    private final NewTask task;
    private final long sequence;
    private int imageCount;

    private Status status = Status.PENDING;
    private int attempts;
    private String owner;
    private String token;
    private Instant leaseExpiresAt;
    private Instant notBefore;
    private String error;
    private URI outputUrl;

    MemoryTask(MemoryRequest request, NewTask task, long sequence) {
        this.request = request;
        this.task = task;
        this.sequence = sequence;
    }

    MemoryRequest request() {
        return request;
    }

    String taskId() {
        return task.taskId();
    }

    long sequence() {
        return sequence;
    }

    Status status() {
        return status;
    }

    int imageCount() {
        return imageCount;
    }

    void addImage() {
        imageCount++;
    }

    /**
     * @return when this task becomes claimable, or {@code null} if it is claimable now and stays
     *     so until claimed; irrelevant for finished tasks
     */
    Instant dueAt() {
        return status == Status.PROCESSING ? leaseExpiresAt : notBefore;
    }

    boolean isHeldUnder(String leaseToken) {
        return status == Status.PROCESSING && token.equals(leaseToken);
    }

    ClaimedTask claim(String claimer, String newToken, Instant expiresAt) {
        moveTo(Status.PROCESSING);
        attempts++;
        owner = claimer;
        token = newToken;
        leaseExpiresAt = expiresAt;
        notBefore = null;
        error = null;
        return new ClaimedTask(currentLease(), task.url(), task.outputKey(), attempts);
    }

    void renew(Instant newExpiry) {
        leaseExpiresAt = newExpiry;
    }

    void complete(URI url) {
        moveTo(Status.COMPLETED);
        outputUrl = url;
        error = null;
        dropLease();
    }

    void retryLater(String lastError, Instant earliest) {
        moveTo(Status.PENDING);
        error = lastError;
        notBefore = earliest;
        dropLease();
    }

    void fail(String finalError) {
        moveTo(Status.FAILED);
        error = finalError;
        dropLease();
    }

    void release() {
        moveTo(Status.PENDING);
        attempts--;
        notBefore = null;
        dropLease();
    }

    ImageRecord toImageRecord(NewImage image) {
        String outputKey = status == Status.COMPLETED ? task.outputKey() : null;
        URI shownUrl = status == Status.COMPLETED ? outputUrl : null;
        String shownError = status == Status.PENDING || status == Status.FAILED ? error : null;
        return new ImageRecord(image.position(), image.url(), task.taskId(), status, outputKey, shownUrl, shownError,
                attempts);
    }

    private Lease currentLease() {
        return new Lease(request.requestId(), task.taskId(), owner, token, leaseExpiresAt);
    }

    private void dropLease() {
        owner = null;
        token = null;
        leaseExpiresAt = null;
    }

    private void moveTo(Status next) {
        request.taskMoved(this, status, next);
        status = next;
    }
}
