package io.imgpipe.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lte;

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
 * The work queue: claims with one atomic {@code findOneAndUpdate} per task, and fenced writes
 * that apply only while the task is {@code processing} under the writer's lease token. Each write
 * that changes what an image shows is followed by an update of the products' copies.
 */
final class TaskQueue {

    private static final Logger LOG = LoggerFactory.getLogger(TaskQueue.class);

    private static final Bson RETURNED_FIELDS = Projections.include(Schema.REQUEST_ID, Schema.TASK_ID, Schema.URL,
            Tasks.OUTPUT_KEY, Schema.STATUS, Schema.ATTEMPTS, Schema.VERSION, Schema.ERROR, Schema.COMPRESSED_URL);
    private static final FindOneAndUpdateOptions CLAIM = new FindOneAndUpdateOptions()
            .sort(Sorts.ascending(Tasks.QUEUED_AT))
            .returnDocument(ReturnDocument.AFTER)
            .projection(RETURNED_FIELDS);
    private static final FindOneAndUpdateOptions FENCED = new FindOneAndUpdateOptions()
            .returnDocument(ReturnDocument.AFTER)
            .projection(RETURNED_FIELDS);

    private final MongoCollections collections;
    private final ProductCopies copies;

    TaskQueue(MongoCollections collections, ProductCopies copies) {
        this.collections = collections;
        this.copies = copies;
    }

    /** Claims up to {@code limit} tasks; on a failure after the first claim, returns those claimed so far. */
    List<ClaimedTask> claim(String owner, int limit, Instant now, Duration leaseDuration) {
        Instant expiresAt = now.plus(leaseDuration);
        Bson claimable = and(in(Schema.STATUS, Schema.PENDING, Schema.PROCESSING), lte(Tasks.AVAILABLE_AT, Date.from(now)));
        List<ClaimedTask> claimed = new ArrayList<>(limit);
        List<Document> written = new ArrayList<>(limit);
        for (int i = 0; i < limit; i++) {
            String token = UUID.randomUUID().toString();
            Document lease = new Document("owner", owner).append("token", token)
                    .append("expiresAt", Date.from(expiresAt)).append("claimedAt", Date.from(now));
            Document task;
            try {
                task = collections.tasks().findOneAndUpdate(claimable, Updates.combine(
                        Updates.set(Schema.STATUS, Schema.PROCESSING),
                        Updates.set(Tasks.LEASE, lease),
                        Updates.set(Schema.ERROR, null),
                        Updates.set(Tasks.AVAILABLE_AT, Date.from(expiresAt)),
                        Updates.inc(Schema.ATTEMPTS, 1),
                        Updates.inc(Schema.VERSION, 1L)), CLAIM);
            } catch (MongoException e) {
                if (claimed.isEmpty()) {
                    throw MongoErrors.translate("claiming tasks for " + owner, e);
                }
                LOG.warn("Claiming more tasks for {} failed after {} claims: {}", owner, claimed.size(), e.toString());
                break;
            }
            if (task == null) {
                break;
            }
            written.add(task);
            claimed.add(new ClaimedTask(
                    new Lease(task.getString(Schema.REQUEST_ID), task.getString(Schema.TASK_ID), owner, token, expiresAt),
                    URI.create(task.getString(Schema.URL)), task.getString(Tasks.OUTPUT_KEY),
                    task.getInteger(Schema.ATTEMPTS)));
        }
        updateCopies(written);
        return claimed;
    }

    boolean renew(Lease lease, Instant newExpiry) {
        Date expiry = Date.from(newExpiry);
        return collections.tasks().updateOne(fence(lease),
                Updates.combine(Updates.set(Tasks.LEASE_EXPIRES_AT, expiry), Updates.set(Tasks.AVAILABLE_AT, expiry)))
                .getMatchedCount() == 1;
    }

    boolean complete(Lease lease, URI outputUrl, Instant now) {
        return fencedWrite(lease, Updates.combine(
                Updates.set(Schema.STATUS, Schema.COMPLETED),
                Updates.set(Schema.COMPRESSED_URL, outputUrl.toString()),
                Updates.set(Schema.ERROR, null),
                Updates.set(Schema.FINISHED_AT, Date.from(now)),
                Updates.unset(Tasks.LEASE),
                Updates.unset(Tasks.AVAILABLE_AT),
                Updates.inc(Schema.VERSION, 1L)));
    }

    boolean retryLater(Lease lease, String error, Instant notBefore) {
        return fencedWrite(lease, Updates.combine(
                Updates.set(Schema.STATUS, Schema.PENDING),
                Updates.set(Schema.ERROR, error),
                Updates.set(Tasks.AVAILABLE_AT, Date.from(notBefore)),
                Updates.unset(Tasks.LEASE),
                Updates.inc(Schema.VERSION, 1L)));
    }

    boolean fail(Lease lease, String error, Instant now) {
        return fencedWrite(lease, Updates.combine(
                Updates.set(Schema.STATUS, Schema.FAILED),
                Updates.set(Schema.ERROR, error),
                Updates.set(Schema.FINISHED_AT, Date.from(now)),
                Updates.unset(Tasks.LEASE),
                Updates.unset(Tasks.AVAILABLE_AT),
                Updates.inc(Schema.VERSION, 1L)));
    }

    boolean release(Lease lease) {
        return fencedWrite(lease, Updates.combine(
                Updates.set(Schema.STATUS, Schema.PENDING),
                Updates.set(Tasks.AVAILABLE_AT, Tasks.availableAtOnce()),
                Updates.unset(Tasks.LEASE),
                Updates.inc(Schema.ATTEMPTS, -1),
                Updates.inc(Schema.VERSION, 1L)));
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

    private static Bson fence(Lease lease) {
        return and(eq(Schema.ID, Ids.task(lease.requestId(), lease.taskId())),
                eq(Schema.STATUS, Schema.PROCESSING),
                eq(Tasks.LEASE_TOKEN, lease.token()));
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
