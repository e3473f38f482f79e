package io.imgpipe.local;

import io.imgpipe.Status;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.ImageOutput;
import io.imgpipe.spi.ImageRecord;
import io.imgpipe.spi.Lease;
import io.imgpipe.spi.NewImage;
import io.imgpipe.spi.NewTask;
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
    private int abandoned;
    private String owner;
    private String token;
    private Instant leaseExpiresAt;
    private Instant notBefore;
    private String error;
    private ImageOutput output;

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
     * {@return when this task becomes claimable, or {@code null} if it is claimable now and stays
     *     so until claimed; irrelevant for finished tasks}
     */
    Instant dueAt() {
        return status == Status.PROCESSING ? leaseExpiresAt : notBefore;
    }

    boolean isHeldUnder(String leaseToken) {
        return status == Status.PROCESSING && token.equals(leaseToken);
    }

    /**
     * Claims the task. Taking over an expired lease counts an abandoned claim, not an attempt: the
     * abandoned claim's attempt passes to this one.
     */
    ClaimedTask claim(String claimer, String newToken, Instant expiresAt) {
        if (status == Status.PROCESSING) {
            abandoned++;
        } else {
            attempts++;
        }
        moveTo(Status.PROCESSING);
        owner = claimer;
        token = newToken;
        leaseExpiresAt = expiresAt;
        notBefore = null;
        return new ClaimedTask(currentLease(), task.url(), task.outputKey(), attempts, abandoned);
    }

    void renew(Instant newExpiry) {
        leaseExpiresAt = newExpiry;
    }

    void complete(ImageOutput stored) {
        moveTo(Status.COMPLETED);
        output = stored;
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

    void release(Instant earliest) {
        moveTo(Status.PENDING);
        attempts--;
        notBefore = earliest;
        dropLease();
    }

    ImageRecord toImageRecord(NewImage image) {
        String outputKey = status == Status.COMPLETED ? task.outputKey() : null;
        ImageOutput shown = status == Status.COMPLETED ? output : null;
        String shownError = status == Status.PENDING || status == Status.FAILED ? error : null;
        return shown == null
                ? new ImageRecord(image.position(), image.url(), task.taskId(), status, outputKey, null, shownError,
                        attempts, 0, 0, 0, 0)
                : new ImageRecord(image.position(), image.url(), task.taskId(), status, outputKey, shown.url(),
                        shownError, attempts, shown.sourceBytes(), shown.outputBytes(), shown.width(), shown.height());
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
