package io.imgpipe.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;

import com.mongodb.MongoException;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.imgpipe.Progress;
import io.imgpipe.mongo.Schema.Tasks;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.Lease;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work queue. A claim reads the oldest claimable tasks (one sorted query, served by the
 * {@code claim_queue} index on MongoDB; spare ones are kept for the next claims for a short while,
 * see {@link ClaimCandidates}) and takes each with a compare-and-set: an update whose filter is the
 * candidate's {@code claimToken} as read. Every write that changes whether or when a task is
 * claimable replaces its claim token (and ending a task removes it), so the update matches only if
 * the task is still claimable as read; a task another claimer took in between is skipped.
 *
 * <p>Fenced writes apply only while the task holds the writer's lease token: a task holds a lease
 * exactly while it is {@code processing}, since the claim sets both and every write that ends the
 * processing removes the lease. A lease token starts with its task's {@code _id}, so a token can
 * only ever match the task of the lease carrying it, and the fence is a lookup of that token alone.
 *
 * <p>Both tokens are single fields with a unique sparse index: on mongo-java-server the lookups
 * are index lookups too, and only the tasks that hold a token are in those indexes. Tasks written
 * before claim tokens existed, and leases handed out before lease tokens carried their task, are
 * matched by the full condition instead (correct everywhere, a scan on mongo-java-server). Each write
 * that changes what an image shows is followed by an update of the products' copies.
 */
final class TaskQueue {

    private static final Logger LOG = LoggerFactory.getLogger(TaskQueue.class);

    /** Reads of candidates in one claim, when other claimers took some of those read. */
    static final int MAX_CLAIM_READS = 3;

    private static final Bson RETURNED_FIELDS = Projections.include(Schema.REQUEST_ID, Schema.TASK_ID,
            Tasks.OUTPUT_KEY, Schema.STATUS, Schema.ATTEMPTS, Schema.VERSION, Schema.ERROR, Schema.COMPRESSED_URL,
            Tasks.PRODUCT_ORDINALS);
    private static final Bson CANDIDATE_FIELDS = Projections.include(Schema.REQUEST_ID, Schema.TASK_ID, Schema.URL,
            Tasks.OUTPUT_KEY, Schema.STATUS, Schema.ATTEMPTS, Schema.VERSION, Schema.ERROR, Schema.COMPRESSED_URL,
            Tasks.AVAILABLE_AT, Tasks.PRODUCT_ORDINALS, Tasks.CLAIM_TOKEN);
    private static final char TOKEN_SEPARATOR = '#';
    private static final int RANDOM_PART_LENGTH = UUID.randomUUID().toString().length();
    private static final Bson OLDEST_FIRST = Sorts.ascending(Tasks.QUEUED_AT);
    private static final FindOneAndUpdateOptions FENCED = new FindOneAndUpdateOptions()
            .returnDocument(ReturnDocument.AFTER)
            .projection(RETURNED_FIELDS);

    private final MongoCollections collections;
    private final ProductCopies copies;
    private final ClaimCandidates candidates = new ClaimCandidates();

    TaskQueue(MongoCollections collections, ProductCopies copies) {
        this.collections = collections;
        this.copies = copies;
    }

    /**
     * Claims up to {@code limit} tasks, oldest first, from candidates kept from an earlier read or
     * read now; on a failure after the first claim, returns those claimed so far.
     */
    List<ClaimedTask> claim(String owner, int limit, Instant now, Duration leaseDuration) {
        Instant expiresAt = now.plus(leaseDuration);
        List<ClaimedTask> claimed = new ArrayList<>(limit);
        List<Document> written = new ArrayList<>(limit);
        try {
            int reads = 0;
            while (claimed.size() < limit && reads < MAX_CLAIM_READS) {
                int wanted = limit - claimed.size();
                List<Document> batch = candidates.take(wanted, now);
                boolean fresh = batch.isEmpty();
                long generation = candidates.generation();
                if (fresh) {
                    reads++;
                    batch = readCandidates(now, Math.max(2 * wanted, ClaimCandidates.READ_AT_LEAST));
                    if (batch.isEmpty()) {
                        break;
                    }
                }
                int tried = 0;
                int lost = 0;
                for (Document candidate : batch) {
                    if (claimed.size() == limit) {
                        break;
                    }
                    tried++;
                    String token = newLeaseToken(candidate.getString(Schema.ID));
                    if (takeIfUnchanged(candidate, owner, token, now, expiresAt)) {
                        Document task = claimedState(candidate, expiresAt);
                        written.add(task);
                        claimed.add(new ClaimedTask(
                                new Lease(task.getString(Schema.REQUEST_ID), task.getString(Schema.TASK_ID), owner, token,
                                        expiresAt),
                                URI.create(task.getString(Schema.URL)), task.getString(Tasks.OUTPUT_KEY),
                                ((Number) task.get(Schema.ATTEMPTS)).intValue()));
                    } else {
                        lost++;
                    }
                }
                if (fresh) {
                    candidates.keep(batch.subList(tried, batch.size()), now, generation);
                    if (lost == 0) {
                        break;
                    }
                } else if (lost > 0) {
                    candidates.forget();
                }
            }
        } catch (MongoException e) {
            if (claimed.isEmpty()) {
                throw MongoErrors.translate("claiming tasks for " + owner, e);
            }
            LOG.warn("Claiming more tasks for {} failed after {} claims: {}", owner, claimed.size(), e.toString());
        }
        updateCopies(written);
        return claimed;
    }

    /**
     * Forgets the kept candidates: a task may have become claimable ahead of them. Called after
     * the write that made it claimable, so that no refill in between misses it.
     */
    void forgetCandidates() {
        candidates.forget();
    }

    /** @return up to {@code limit} tasks claimable at {@code now}, oldest first */
    private List<Document> readCandidates(Instant now, int limit) {
        Document claimable = new Document(Schema.STATUS, new Document("$in", List.of(Schema.PENDING, Schema.PROCESSING)))
                .append(Tasks.AVAILABLE_AT, new Document("$lte", Date.from(now)));
        return collections.tasks().find(claimable).sort(OLDEST_FIRST).limit(limit).projection(CANDIDATE_FIELDS)
                .into(new ArrayList<>());
    }

    /** Leases the candidate to {@code owner} if it is still as read; {@code false} if another write came first. */
    private boolean takeIfUnchanged(Document candidate, String owner, String token, Instant now, Instant expiresAt) {
        Document lease = new Document("owner", owner).append("token", token)
                .append("expiresAt", Date.from(expiresAt)).append("claimedAt", Date.from(now));
        return collections.tasks().updateOne(unchangedSinceRead(candidate), Updates.combine(
                Updates.set(Schema.STATUS, Schema.PROCESSING),
                Updates.set(Tasks.LEASE, lease),
                Updates.set(Schema.ERROR, null),
                Updates.set(Tasks.AVAILABLE_AT, Date.from(expiresAt)),
                Updates.set(Tasks.CLAIM_TOKEN, newClaimToken()),
                Updates.inc(Schema.ATTEMPTS, 1),
                Updates.inc(Schema.VERSION, 1L))).getMatchedCount() == 1;
    }

    /**
     * @return a filter matching the task only while it is as read: its claim token (the key of the
     *     unique {@code claim_token} index), or, for a task written before claim tokens existed, every
     *     field that decides whether it is claimable
     */
    static Document unchangedSinceRead(Document candidate) {
        Object claimToken = candidate.get(Tasks.CLAIM_TOKEN);
        if (claimToken != null) {
            return new Document(Tasks.CLAIM_TOKEN, claimToken);
        }
        return new Document(Schema.ID, candidate.get(Schema.ID))
                .append(Schema.STATUS, candidate.get(Schema.STATUS))
                .append(Tasks.AVAILABLE_AT, candidate.get(Tasks.AVAILABLE_AT))
                .append(Schema.VERSION, candidate.get(Schema.VERSION))
                .append(Tasks.CLAIM_TOKEN, null);
    }

    /** @return a fresh claim token */
    static String newClaimToken() {
        return UUID.randomUUID().toString();
    }

    /**
     * @return a fresh lease token for the task: its {@code _id}, {@code #} and a random part of fixed
     *     length (so no token of another task, whose id may contain {@code #}, starts the same way)
     */
    static String newLeaseToken(String taskDocumentId) {
        return taskDocumentId + TOKEN_SEPARATOR + UUID.randomUUID();
    }

    /** @return the candidate as the claim left it (the fields the product copies show) */
    private static Document claimedState(Document candidate, Instant expiresAt) {
        Document task = new Document(candidate);
        task.put(Schema.STATUS, Schema.PROCESSING);
        task.put(Schema.ERROR, null);
        task.put(Tasks.AVAILABLE_AT, Date.from(expiresAt));
        task.put(Schema.ATTEMPTS, ((Number) candidate.get(Schema.ATTEMPTS, 0)).intValue() + 1);
        task.put(Schema.VERSION, ((Number) candidate.get(Schema.VERSION, 0L)).longValue() + 1);
        return task;
    }

    boolean renew(Lease lease, Instant newExpiry) {
        Date expiry = Date.from(newExpiry);
        return collections.tasks().updateOne(fence(lease), Updates.combine(
                Updates.set(Tasks.LEASE_EXPIRES_AT, expiry),
                Updates.set(Tasks.AVAILABLE_AT, expiry),
                Updates.set(Tasks.CLAIM_TOKEN, newClaimToken()))).getMatchedCount() == 1;
    }

    boolean complete(Lease lease, URI outputUrl, Instant now) {
        return fencedWrite(lease, Updates.combine(
                Updates.set(Schema.STATUS, Schema.COMPLETED),
                Updates.set(Schema.COMPRESSED_URL, outputUrl.toString()),
                Updates.set(Schema.ERROR, null),
                Updates.set(Schema.FINISHED_AT, Date.from(now)),
                Updates.unset(Tasks.LEASE),
                Updates.unset(Tasks.AVAILABLE_AT),
                Updates.unset(Tasks.CLAIM_TOKEN),
                Updates.inc(Schema.VERSION, 1L)));
    }

    boolean retryLater(Lease lease, String error, Instant notBefore) {
        try {
            return fencedWrite(lease, Updates.combine(
                    Updates.set(Schema.STATUS, Schema.PENDING),
                    Updates.set(Schema.ERROR, error),
                    Updates.set(Tasks.AVAILABLE_AT, Date.from(notBefore)),
                    Updates.set(Tasks.CLAIM_TOKEN, newClaimToken()),
                    Updates.unset(Tasks.LEASE),
                    Updates.inc(Schema.VERSION, 1L)));
        } finally {
            forgetCandidates();
        }
    }

    boolean fail(Lease lease, String error, Instant now) {
        return fencedWrite(lease, Updates.combine(
                Updates.set(Schema.STATUS, Schema.FAILED),
                Updates.set(Schema.ERROR, error),
                Updates.set(Schema.FINISHED_AT, Date.from(now)),
                Updates.unset(Tasks.LEASE),
                Updates.unset(Tasks.AVAILABLE_AT),
                Updates.unset(Tasks.CLAIM_TOKEN),
                Updates.inc(Schema.VERSION, 1L)));
    }

    boolean release(Lease lease) {
        try {
            return fencedWrite(lease, Updates.combine(
                    Updates.set(Schema.STATUS, Schema.PENDING),
                    Updates.set(Tasks.AVAILABLE_AT, Tasks.availableAtOnce()),
                    Updates.set(Tasks.CLAIM_TOKEN, newClaimToken()),
                    Updates.unset(Tasks.LEASE),
                    Updates.inc(Schema.ATTEMPTS, -1),
                    Updates.inc(Schema.VERSION, 1L)));
        } finally {
            forgetCandidates();
        }
    }

    /** @return whether the request still has a task that is not {@code completed} or {@code failed} */
    boolean hasOpenTasks(String requestId) {
        return collections.tasks()
                .find(and(eq(Schema.REQUEST_ID, requestId), in(Schema.STATUS, openStatuses())))
                .projection(Projections.include(Schema.ID))
                .limit(1)
                .first() != null;
    }

    /** @return the request's image counts by status, from its tasks (each weighted by its images) */
    Counts counts(String requestId) {
        int pending = 0;
        int processing = 0;
        int completed = 0;
        int failed = 0;
        int failedTasks = 0;
        for (Document group : collections.tasks().aggregate(List.of(
                new Document("$match", new Document(Schema.REQUEST_ID, requestId)),
                new Document("$group", new Document(Schema.ID, "$" + Schema.STATUS)
                        .append("tasks", new Document("$sum", 1))
                        .append("images", new Document("$sum", "$" + Tasks.IMAGE_COUNT)))))) {
            int images = ((Number) group.get("images")).intValue();
            String status = group.getString(Schema.ID);
            if (Schema.PROCESSING.equals(status)) {
                processing += images;
            } else if (Schema.COMPLETED.equals(status)) {
                completed += images;
            } else if (Schema.FAILED.equals(status)) {
                failed += images;
                failedTasks += ((Number) group.get("tasks")).intValue();
            } else {
                pending += images;
            }
        }
        return new Counts(new Progress(pending + processing + completed + failed, pending, processing, completed, failed),
                failedTasks);
    }

    static List<String> openStatuses() {
        return List.of(Tasks.CREATING, Schema.PENDING, Schema.PROCESSING);
    }

    private boolean fencedWrite(Lease lease, Bson update) {
        Document task = collections.tasks().findOneAndUpdate(fence(lease), update, FENCED);
        if (task == null) {
            return false;
        }
        updateCopies(List.of(task));
        return true;
    }

    private void updateCopies(List<Document> tasks) {
        if (tasks.isEmpty()) {
            return;
        }
        try {
            copies.update(tasks);
        } catch (MongoException e) {
            LOG.warn("Updating the product copies of {} task(s) of request {} failed ({}); they are repaired before "
                    + "the request finishes", tasks.size(), tasks.get(0).getString(Schema.REQUEST_ID), e.toString());
        }
    }

    /**
     * @return a filter matching the task while it is {@code processing} under this lease: the lease
     *     token alone (the key of the unique {@code lease_token} index) when the token carries the
     *     lease's task, else the task, status and token
     */
    static Document fence(Lease lease) {
        String taskDocumentId = Ids.task(lease.requestId(), lease.taskId());
        String token = lease.token();
        if (token.startsWith(taskDocumentId + TOKEN_SEPARATOR)
                && token.length() == taskDocumentId.length() + 1 + RANDOM_PART_LENGTH) {
            return new Document(Tasks.LEASE_TOKEN, token);
        }
        return new Document(Schema.ID, taskDocumentId)
                .append(Schema.STATUS, Schema.PROCESSING)
                .append(Tasks.LEASE_TOKEN, token);
    }

    /**
     * Image counts of a request and how many of its tasks failed.
     *
     * @param progress image counts by status ({@code creating} tasks count as pending)
     * @param failedTasks tasks that failed
     */
    record Counts(Progress progress, int failedTasks) {
    }
}
