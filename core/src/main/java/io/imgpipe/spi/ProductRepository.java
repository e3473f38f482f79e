package io.imgpipe.spi;

import io.imgpipe.RepositoryException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Durable state of requests, products and image tasks, shared by every worker that uses the
 * same store (in one process or many).
 *
 * <h2>Task life cycle</h2>
 * A task is created {@code pending}. {@link #claim} moves it to {@code processing} under a
 * {@link Lease}; the holder then ends it with {@link #complete} or {@link #fail}, defers it with
 * {@link #retryLater}, or gives it back with {@link #release}. A task whose lease has expired is
 * claimable again by any worker, and once another worker has claimed it the old holder's writes
 * are refused (fencing): every write about a task applies only if the task is still
 * {@code processing} under the lease's token, and reports with its {@code boolean} result
 * whether it did. Expiry alone does not refuse a write: a holder whose lease expired but whose
 * task nobody has claimed since may still complete it. Implementations must therefore fence on the
 * token alone, never on {@link Lease#expiresAt()} (a renewal changes only the expiry, and a write
 * may carry either expiry).
 *
 * <h2>Request life cycle</h2>
 * A request is {@code pending}/{@code processing} while it has unfinished tasks. Once every task
 * is {@code completed} or {@code failed}, {@link #finishIfDone} marks the request finished:
 * exactly one call, across all workers, gets the finished record back. Finishing also opens a
 * notification, held by the finisher under a notification lease, that stays open until
 * {@link #markNotified}; an open notification whose lease expired is handed out again by
 * {@link #claimNotifications}, so a completion is announced at least once even if the finishing
 * process dies.
 *
 * <h2>Time</h2>
 * Callers pass the current time ({@code now}), so leases are compared against the callers'
 * clocks; workers sharing a store need clocks that agree to well within a lease.
 *
 * <p>Implementations are thread-safe. Failures are {@link RepositoryException}s. Whoever
 * creates a repository closes it; the engine closes only repositories it created itself.
 */
public interface ProductRepository extends AutoCloseable {

    /** Requests read per page by the default {@link #countPendingImages()}. */
    int PENDING_COUNT_PAGE = 500;

    /**
     * Stores a new request with all its products and tasks. When this returns, all of it is
     * durable; until then, none of it is visible to {@link #findRequest}, {@link #forEachProduct}
     * or {@link #claim} (a failure half-way leaves nothing visible).
     *
     * @param request the request
     * @throws RepositoryException if it could not be stored, or a request with that id exists
     */
    void create(NewRequest request);

    /**
     * Finds a request.
     *
     * @param requestId any string (an unknown or malformed id is simply not found)
     * @return the request with its progress, or empty if there is no such request
     */
    Optional<RequestRecord> findRequest(String requestId);

    /**
     * Streams a request's products, with each image's current task state, in input order
     * ({@link ProductRecord#rowIndex()} ascending). Does nothing for an unknown request.
     *
     * @param requestId the request
     * @param action called once per product, on the calling thread
     */
    void forEachProduct(String requestId, Consumer<ProductRecord> action);

    /**
     * Streams a request's products as {@link #forEachProduct} does, but ordered by
     * {@link ProductRecord#serialNumber()} (then {@link ProductRecord#rowIndex()}), the order in
     * which a request's status lists them. Does nothing for an unknown request.
     *
     * <p>The default reads every product with {@link #forEachProduct}, sorts them and then calls
     * the action: it holds the whole request in memory. Repositories that can read products in
     * serial-number order from an index override it to stream them page by page.
     *
     * @param requestId the request
     * @param action called once per product, on the calling thread
     */
    default void forEachProductBySerialNumber(String requestId, Consumer<ProductRecord> action) {
        Objects.requireNonNull(action, "action");
        List<ProductRecord> products = new ArrayList<>();
        forEachProduct(requestId, products::add);
        products.sort(Comparator.comparingLong(ProductRecord::serialNumber).thenComparingInt(ProductRecord::rowIndex));
        products.forEach(action);
    }

    /**
     * Claims up to {@code limit} claimable tasks for {@code owner}: tasks that are
     * {@code pending} with no retry time or one at or before {@code now}, and tasks that are
     * {@code processing} under a lease that expired at or before {@code now}. Each claimed task
     * becomes {@code processing} under a fresh lease (new token, expiry {@code now + lease}). No
     * task is handed to two claimers at once.
     *
     * <p><b>Attempts.</b> A claim of a {@code pending} task starts its next attempt
     * ({@link ClaimedTask#attempt()} is one more than the tries that ended with
     * {@link #complete}, {@link #retryLater} or {@link #fail}). A claim that takes over an expired
     * lease does not: the abandoned claim's attempt passes to it, and
     * {@link ClaimedTask#abandoned()} goes up by one instead, so workers that die do not use up
     * an image's attempts.
     *
     * <p><b>Fairness.</b> Requests with claimable tasks take turns, so that a large or slow request
     * cannot starve the others: the request served least recently by any claim of any worker
     * (requests never served first, in order of creation) gives one task, then the next request,
     * round after round, until {@code limit} tasks are claimed or none is left. The repository
     * records the order in which it served requests itself (many claims may pass the same
     * {@code now}). Within a request, older tasks are preferred, roughly. Under concurrent claims
     * the turns are kept only roughly.
     *
     * @param owner the claiming worker's id
     * @param limit the most tasks to claim; at least 1
     * @param now the caller's current time
     * @param lease how long the claim lasts
     * @return the claimed tasks, possibly none
     */
    List<ClaimedTask> claim(String owner, int limit, Instant now, Duration lease);

    /**
     * Extends a lease still held.
     *
     * @param lease the held lease
     * @param newExpiry the new expiry
     * @return {@code true} if the lease was still held and now expires at {@code newExpiry}
     */
    boolean renew(Lease lease, Instant newExpiry);

    /**
     * Marks the task {@code completed}, its output under its output key, and records what was
     * stored ({@link ImageRecord} reports it). Counts as the end of an attempt.
     *
     * @param lease the held lease
     * @param output the output's URL as the object store gave it when the output was stored (kept
     *     for people reading the stored records; status readers ask the store afresh, since
     *     presigned URLs expire), with the source's and the output's sizes
     * @param now the caller's current time
     * @return {@code true} if applied; {@code false} if the lease was no longer held
     */
    boolean complete(Lease lease, ImageOutput output, Instant now);

    /**
     * Puts the task back to {@code pending}, claimable at or after {@code notBefore}, and keeps
     * the error as its last error. Counts as the end of an attempt.
     *
     * @param lease the held lease
     * @param error why this attempt failed
     * @param notBefore the earliest time to try again
     * @return {@code true} if applied; {@code false} if the lease was no longer held
     */
    boolean retryLater(Lease lease, String error, Instant notBefore);

    /**
     * Marks the task {@code failed} for good, with the error. Counts as the end of an attempt.
     *
     * @param lease the held lease
     * @param error why it failed
     * @param now the caller's current time
     * @return {@code true} if applied; {@code false} if the lease was no longer held
     */
    boolean fail(Lease lease, String error, Instant now);

    /**
     * Gives a task back unprocessed (on shutdown, or to wait for its host): {@code pending},
     * claimable at or after {@code notBefore}, showing again the error of its last retry (if any),
     * and its attempt given back (the next claim has the same {@link ClaimedTask#attempt()} as this
     * one had).
     *
     * @param lease the held lease
     * @param notBefore the earliest time it may be claimed again (the caller's current time for
     *     at once)
     * @return {@code true} if applied; {@code false} if the lease was no longer held
     */
    boolean release(Lease lease, Instant notBefore);

    /**
     * Finishes the request if every one of its tasks is {@code completed} or {@code failed} and
     * it is not finished yet. The request becomes {@code completed} if every task completed, else
     * {@code failed}, and its notification opens, held by {@code owner} until
     * {@code now + notificationLease}. Safe to call any number of times from any number of
     * workers: exactly one call returns the finished request.
     *
     * @param requestId the request
     * @param owner the calling worker's id
     * @param now the caller's current time
     * @param notificationLease how long the caller holds the notification
     * @return the finished request if this call finished it, else empty
     */
    Optional<RequestRecord> finishIfDone(String requestId, String owner, Instant now, Duration notificationLease);

    /**
     * Lists requests newest first: by {@link RequestRecord#createdAt()} descending, then by
     * {@link RequestRecord#requestId()} descending (compared as {@link String#compareTo} does; the
     * engine's ids are ASCII). Each record is what {@link #findRequest} would return, progress
     * included; implementations read it without scanning each request's tasks.
     *
     * @param limit the most requests to return; at least 1
     * @param before {@code null} for the newest requests, else {@link RequestCursor#after} the last
     *     record of the previous page: only requests that come after it are listed
     * @return up to {@code limit} requests, newest first
     * @throws IllegalArgumentException if {@code limit} is below 1
     */
    List<RequestRecord> listRequests(int limit, RequestCursor before);

    /**
     * Counts the images waiting for a worker or for a retry ({@code pending}) over every request,
     * for monitoring. The default sums {@link #listRequests} page by page, reading every request;
     * implementations that keep per-request counts in an indexed store should override it with
     * one aggregate read.
     *
     * @return the images pending, over every request
     */
    default long countPendingImages() {
        long pending = 0;
        RequestCursor before = null;
        while (true) {
            List<RequestRecord> page = listRequests(PENDING_COUNT_PAGE, before);
            for (RequestRecord request : page) {
                pending += request.progress().pending();
            }
            if (page.size() < PENDING_COUNT_PAGE) {
                return pending;
            }
            before = RequestCursor.after(page.get(page.size() - 1));
        }
    }

    /**
     * Finds requests that are not finished although none of their tasks is open any more, as
     * left behind by a worker that died between its last task write and {@link #finishIfDone}.
     *
     * @param limit the most ids to return
     * @return ids to pass to {@link #finishIfDone}
     */
    List<String> findFinishable(int limit);

    /**
     * Claims open notifications whose lease expired at or before {@code now} (the finisher
     * died or did not mark them), holding them for {@code owner} until {@code now + lease}.
     *
     * @param owner the calling worker's id
     * @param limit the most to claim
     * @param now the caller's current time
     * @param lease how long the caller holds them
     * @return the finished requests whose completion to announce
     */
    List<RequestRecord> claimNotifications(String owner, int limit, Instant now, Duration lease);

    /**
     * Extends the lease on a notification still held, so that no other worker announces the
     * request while this one is still delivering it (or has it queued).
     *
     * @param requestId the request
     * @param owner the worker holding the notification
     * @param newExpiry the new expiry
     * @return {@code true} if the notification is open and held by {@code owner} (even if its
     *     lease has expired, as long as nobody has claimed it since), and now expires at
     *     {@code newExpiry}
     */
    boolean renewNotification(String requestId, String owner, Instant newExpiry);

    /**
     * Closes a request's notification.
     *
     * @param requestId the request
     * @param owner the worker holding the notification
     * @param now the caller's current time
     * @return {@code true} if it was open and held by {@code owner}
     */
    boolean markNotified(String requestId, String owner, Instant now);

    /**
     * Deletes a finished request: its record, its products and tasks, and its notification (sent
     * or not), so that it is no longer found, listed, claimed or announced. Objects in the object
     * store are not touched ({@code ProcessingEngine.delete} removes those first). A request that
     * is not finished is refused: workers may still be writing its results.
     *
     * @param requestId any string
     * @return {@code true} if it was deleted, {@code false} if there is no such request (or it was
     *     deleted already)
     * @throws IllegalStateException if the request exists but is not finished
     * @throws io.imgpipe.RepositoryException if the repository failed
     */
    boolean deleteRequest(String requestId);

    /**
     * Checks the store is reachable (for health checks).
     *
     * @throws RepositoryException if it is not
     */
    void ping();

    /** Releases connections this repository created. The default does nothing. */
    @Override
    default void close() {
    }
}
