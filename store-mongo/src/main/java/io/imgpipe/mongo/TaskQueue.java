package io.imgpipe.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.imgpipe.Progress;
import io.imgpipe.mongo.Schema.Requests;
import io.imgpipe.mongo.Schema.Tasks;
import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.ImageOutput;
import io.imgpipe.spi.Lease;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work queue. A claim goes through the open requests in turn order ({@link Turns}) and takes
 * one task of each with a {@code findOneAndUpdate} on that request's claimable tasks (tasks
 * claimed before first, then by the time they became claimable), round after round over the
 * requests that gave one, until it has {@code limit} tasks. {@code findOneAndUpdate} matches and
 * changes one document atomically, so no task is handed to two claimers.
 *
 * <p>Fenced writes apply only while the task holds the writer's lease token: a task holds a lease
 * exactly while it is {@code processing}, since the claim sets both and every write that ends the
 * processing removes the lease. They filter on the task's {@code _id} and the token.
 *
 * <p>A task counts its claims, the claims given back ({@code release}) and the tries that ended
 * with an outcome ({@code attempts}); every claim is the same update, so taking over an expired
 * lease needs no condition: the claim's attempt is {@code attempts + 1}, and the claims abandoned
 * are the claims that neither ended with an outcome nor were given back, this one excepted.
 */
final class TaskQueue {

    private static final Logger LOG = LoggerFactory.getLogger(TaskQueue.class);

    /** The most open requests a claim fetches at a time while looking for claimable tasks. */
    private static final int MAX_REQUESTS_PER_BATCH = 100;

    private static final Bson CLAIM_ORDER = Sorts.ascending(Tasks.FRESH, Tasks.AVAILABLE_AT);
    private static final Bson CLAIMED_FIELDS = Projections.include(Schema.TASK_ID, Schema.URL, Schema.OUTPUT_KEY,
            Schema.ATTEMPTS, Tasks.CLAIMS, Tasks.RELEASES);
    private static final Bson ENDED_FIELDS = Projections.include(Schema.REQUEST_ID, Schema.TASK_ID, Schema.STATUS,
            Schema.OUTPUT_KEY, Schema.COMPRESSED_URL, Schema.ERROR, Schema.ATTEMPTS, Schema.SOURCE_BYTES,
            Schema.OUTPUT_BYTES, Schema.WIDTH, Schema.HEIGHT, Tasks.PRODUCT_ORDINALS);
    private static final FindOneAndUpdateOptions CLAIM = new FindOneAndUpdateOptions()
            .sort(CLAIM_ORDER)
            .returnDocument(ReturnDocument.AFTER)
            .projection(CLAIMED_FIELDS);
    private static final FindOneAndUpdateOptions ENDING = new FindOneAndUpdateOptions()
            .returnDocument(ReturnDocument.AFTER)
            .projection(ENDED_FIELDS);

    private final MongoCollections collections;
    private final Turns turns;
    private final ProductCopies copies;

    TaskQueue(MongoCollections collections, Turns turns, ProductCopies copies) {
        this.collections = collections;
        this.turns = turns;
        this.copies = copies;
    }

    /**
     * Claims up to {@code limit} tasks, requests taking turns; on a failure after the first claim,
     * returns those claimed so far.
     */
    List<ClaimedTask> claim(String owner, int limit, Instant now, Duration leaseDuration) {
        Instant expiresAt = now.plus(leaseDuration);
        List<ClaimedTask> claimed = new ArrayList<>(Math.min(limit, 64));
        Set<String> served = new LinkedHashSet<>();
        try {
            List<String> round = firstRound(owner, limit, now, expiresAt, claimed, served);
            while (claimed.size() < limit && !round.isEmpty()) {
                List<String> gave = new ArrayList<>(round.size());
                for (String requestId : round) {
                    if (claimed.size() == limit) {
                        break;
                    }
                    if (takeOne(requestId, owner, now, expiresAt, claimed, served)) {
                        gave.add(requestId);
                    }
                }
                round = gave;
            }
        } catch (MongoException e) {
            if (claimed.isEmpty()) {
                throw MongoErrors.translate("claiming tasks for " + owner, e);
            }
            LOG.warn("Claiming more tasks for {} failed after {} claims: {}", owner, claimed.size(), e.toString());
        }
        try {
            turns.served(served);
        } catch (MongoException e) {
            LOG.warn("Recording the turns of {} request(s) served to {} failed ({}); they keep their places",
                    served.size(), owner, e.toString());
        }
        return claimed;
    }

    /**
     * Takes one task of each open request in turn order, noting the requests that have nothing
     * claimable as idle until their next task is due.
     *
     * @return the requests that gave a task, in turn order
     */
    private List<String> firstRound(String owner, int limit, Instant now, Instant expiresAt, List<ClaimedTask> claimed,
            Set<String> served) {
        List<String> gave = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (MongoCursor<Document> requests = turns.inTurnOrder(now, Math.min(limit, MAX_REQUESTS_PER_BATCH))) {
            while (claimed.size() < limit && requests.hasNext()) {
                Document request = requests.next();
                String requestId = request.getString(Schema.ID);
                if (!seen.add(requestId)) {
                    continue;
                }
                if (takeOne(requestId, owner, now, expiresAt, claimed, served)) {
                    gave.add(requestId);
                } else {
                    noteIdle(requestId, request.get(Requests.IDLE_VERSION), now);
                }
            }
        }
        return gave;
    }

    /** Claims one task of the request if one is claimable; {@code true} if it did. */
    private boolean takeOne(String requestId, String owner, Instant now, Instant expiresAt, List<ClaimedTask> claimed,
            Set<String> served) {
        String token = UUID.randomUUID().toString();
        Document lease = new Document("owner", owner).append("token", token)
                .append("expiresAt", Date.from(expiresAt)).append("claimedAt", Date.from(now));
        Document task = collections.tasks().findOneAndUpdate(
                new Document(Schema.REQUEST_ID, requestId).append(Tasks.AVAILABLE_AT,
                        new Document("$exists", true).append("$lte", Date.from(now))),
                Updates.combine(
                        Updates.set(Schema.STATUS, Schema.PROCESSING),
                        Updates.set(Tasks.LEASE, lease),
                        Updates.set(Tasks.AVAILABLE_AT, Date.from(expiresAt)),
                        Updates.unset(Tasks.FRESH),
                        Updates.inc(Tasks.CLAIMS, 1)),
                CLAIM);
        if (task == null) {
            return false;
        }
        int attempts = intOf(task, Schema.ATTEMPTS);
        int abandoned = Math.max(0, intOf(task, Tasks.CLAIMS) - 1 - attempts - intOf(task, Tasks.RELEASES));
        claimed.add(new ClaimedTask(new Lease(requestId, task.getString(Schema.TASK_ID), owner, token, expiresAt),
                URI.create(task.getString(Schema.URL)), task.getString(Schema.OUTPUT_KEY), attempts + 1, abandoned));
        served.remove(requestId);
        served.add(requestId);
        return true;
    }

    /** The request had nothing claimable at {@code now}: skip it until its earliest task is due. */
    private void noteIdle(String requestId, Object idleVersion, Instant now) {
        Document earliest = collections.tasks()
                .find(new Document(Schema.REQUEST_ID, requestId).append(Tasks.AVAILABLE_AT, new Document("$exists", true)))
                .sort(CLAIM_ORDER)
                .projection(Projections.include(Tasks.AVAILABLE_AT))
                .limit(1)
                .first();
        if (earliest != null && earliest.getDate(Tasks.AVAILABLE_AT).toInstant().isAfter(now)) {
            turns.idle(requestId, idleVersion, earliest.getDate(Tasks.AVAILABLE_AT));
        }
    }

    boolean renew(Lease lease, Instant newExpiry) {
        Date expiry = Date.from(newExpiry);
        return collections.tasks().updateOne(fence(lease), Updates.combine(
                Updates.set(Tasks.LEASE_EXPIRES_AT, expiry),
                Updates.set(Tasks.AVAILABLE_AT, expiry))).getMatchedCount() == 1;
    }

    boolean complete(Lease lease, ImageOutput output, Instant now) {
        return endWithOutcome(lease, Updates.combine(
                Updates.set(Schema.STATUS, Schema.COMPLETED),
                Updates.set(Schema.COMPRESSED_URL, output.url().toString()),
                Updates.set(Schema.SOURCE_BYTES, output.sourceBytes()),
                Updates.set(Schema.OUTPUT_BYTES, output.outputBytes()),
                Updates.set(Schema.WIDTH, output.width()),
                Updates.set(Schema.HEIGHT, output.height()),
                Updates.set(Schema.ERROR, null),
                Updates.set(Schema.FINISHED_AT, Date.from(now)),
                Updates.unset(Tasks.LEASE),
                Updates.unset(Tasks.AVAILABLE_AT),
                Updates.inc(Schema.ATTEMPTS, 1)));
    }

    boolean fail(Lease lease, String error, Instant now) {
        return endWithOutcome(lease, Updates.combine(
                Updates.set(Schema.STATUS, Schema.FAILED),
                Updates.set(Schema.ERROR, error),
                Updates.set(Schema.FINISHED_AT, Date.from(now)),
                Updates.unset(Tasks.LEASE),
                Updates.unset(Tasks.AVAILABLE_AT),
                Updates.inc(Schema.ATTEMPTS, 1)));
    }

    boolean retryLater(Lease lease, String error, Instant notBefore) {
        return putBack(lease, notBefore, Updates.combine(
                Updates.set(Schema.STATUS, Schema.PENDING),
                Updates.set(Schema.ERROR, error),
                Updates.set(Tasks.AVAILABLE_AT, Date.from(notBefore)),
                Updates.unset(Tasks.LEASE),
                Updates.inc(Schema.ATTEMPTS, 1)));
    }

    boolean release(Lease lease, Instant notBefore) {
        return putBack(lease, notBefore, Updates.combine(
                Updates.set(Schema.STATUS, Schema.PENDING),
                Updates.set(Tasks.AVAILABLE_AT, Date.from(notBefore)),
                Updates.unset(Tasks.LEASE),
                Updates.inc(Tasks.RELEASES, 1)));
    }

    /** {@return whether the request still has a task that is or will become claimable} */
    boolean hasOpenTasks(String requestId) {
        return collections.tasks()
                .find(new Document(Schema.REQUEST_ID, requestId).append(Tasks.AVAILABLE_AT, new Document("$exists", true)))
                .projection(Projections.include(Schema.ID))
                .limit(1)
                .first() != null;
    }

    /** {@return the request's image counts by status, from its tasks (each weighted by its images)} */
    Counts counts(String requestId) {
        return counts(List.of(requestId)).getOrDefault(requestId, Counts.NONE);
    }

    /**
     * Counts the images of several requests by status with one aggregation over their tasks, which
     * the {@code request_status_images} index answers without reading the task documents.
     *
     * @return the counts by request id; a request without tasks is missing
     */
    Map<String, Counts> counts(Collection<String> requestIds) {
        Map<String, int[]> byRequest = new HashMap<>();
        if (requestIds.isEmpty()) {
            return Map.of();
        }
        Document match = new Document(Schema.REQUEST_ID, requestIds.size() == 1
                ? requestIds.iterator().next()
                : new Document("$in", new ArrayList<>(requestIds)));
        for (Document group : collections.tasks().aggregate(List.of(
                new Document("$match", match),
                new Document("$group", new Document(Schema.ID,
                        new Document("r", "$" + Schema.REQUEST_ID).append("s", "$" + Schema.STATUS))
                        .append("tasks", new Document("$sum", 1))
                        .append("images", new Document("$sum", "$" + Tasks.IMAGE_COUNT)))))) {
            Document key = group.get(Schema.ID, Document.class);
            int[] counts = byRequest.computeIfAbsent(key.getString("r"), id -> new int[5]);
            int images = ((Number) group.get("images")).intValue();
            String status = key.getString("s");
            if (Schema.PROCESSING.equals(status)) {
                counts[1] += images;
            } else if (Schema.COMPLETED.equals(status)) {
                counts[2] += images;
            } else if (Schema.FAILED.equals(status)) {
                counts[3] += images;
                counts[4] += ((Number) group.get("tasks")).intValue();
            } else {
                counts[0] += images;
            }
        }
        Map<String, Counts> result = new HashMap<>();
        byRequest.forEach((requestId, c) -> result.put(requestId,
                new Counts(new Progress(c[0] + c[1] + c[2] + c[3], c[0], c[1], c[2], c[3]), c[4])));
        return result;
    }

    /** A fenced write that ends an attempt for good, then copies the outcome into the products. */
    private boolean endWithOutcome(Lease lease, Bson update) {
        Document task = collections.tasks().findOneAndUpdate(fence(lease), update, ENDING);
        if (task == null) {
            return false;
        }
        try {
            copies.recordOutcome(task);
        } catch (MongoException e) {
            LOG.warn("Copying the outcome of task {} of request {} into its products failed ({}); the copies are "
                    + "repaired before the request finishes", lease.taskId(), lease.requestId(), e.toString());
        }
        return true;
    }

    /** A fenced write that makes the task pending again, then lets claims see its request by {@code notBefore}. */
    private boolean putBack(Lease lease, Instant notBefore, Bson update) {
        if (collections.tasks().updateOne(fence(lease), update).getMatchedCount() == 0) {
            return false;
        }
        try {
            turns.wake(lease.requestId(), notBefore);
        } catch (MongoException e) {
            LOG.warn("Task {} of request {} is pending again, but recording that on its request failed ({}); claims may "
                    + "skip the request until its earliest lease expiry or retry time", lease.taskId(),
                    lease.requestId(), e.toString());
        }
        return true;
    }

    /** {@return a filter matching the task while it is {@code processing} under this lease} */
    static Bson fence(Lease lease) {
        return new Document(Schema.ID, Ids.task(lease.requestId(), lease.taskId()))
                .append(Tasks.LEASE_TOKEN, lease.token());
    }

    static int intOf(Document document, String field) {
        Object value = document.get(field);
        return value instanceof Number ? ((Number) value).intValue() : 0;
    }

    /**
     * Image counts of a request and how many of its tasks failed.
     *
     * @param progress image counts by status ({@code creating} tasks count as pending)
     * @param failedTasks tasks that failed
     */
    record Counts(Progress progress, int failedTasks) {
        static final Counts NONE = new Counts(Progress.empty(), 0);
    }
}
