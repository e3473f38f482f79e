package io.imgpipe.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.or;

import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.imgpipe.Progress;
import io.imgpipe.Status;
import io.imgpipe.mongo.Schema.Requests;
import io.imgpipe.mongo.Schema.Tasks;
import io.imgpipe.spi.RequestCursor;
import io.imgpipe.spi.RequestRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Request documents: reading them as {@link RequestRecord}s, finishing a request exactly once
 * with a conditional update, and the notification lease that follows.
 */
final class RequestLifecycle {

    /** States in which a request is visible to readers. */
    static final Set<String> VISIBLE = Set.of(Requests.COMMITTED, Requests.OPEN, Requests.FINISHED);

    private static final Bson NEWEST_FIRST = Sorts.descending(Schema.CREATED_AT, Schema.ID);
    private static final FindOneAndUpdateOptions RETURN_AFTER = new FindOneAndUpdateOptions()
            .returnDocument(ReturnDocument.AFTER);

    private final MongoCollections collections;
    private final TaskQueue queue;
    private final ProductPages pages;

    RequestLifecycle(MongoCollections collections, TaskQueue queue, ProductPages pages) {
        this.collections = collections;
        this.queue = queue;
        this.pages = pages;
    }

    /**
     * Deletes a finished request: marks it {@code abandoned} (invisible, its notification removed)
     * with one conditional update, then deletes its products and tasks. Housekeeping removes the
     * marker later, and deletes the rows again, so a crash half-way leaves nothing visible.
     *
     * @return {@code true} if deleted, {@code false} if there is no such visible request
     * @throws IllegalStateException if the request is visible but not finished
     */
    boolean delete(String requestId, Instant now) {
        long marked = collections.requests().updateOne(
                and(eq(Schema.ID, requestId), eq(Requests.STATE, Requests.FINISHED)),
                Updates.combine(RequestCreator.abandon(now), Updates.unset(Requests.NOTIFICATION))).getMatchedCount();
        if (marked == 0) {
            if (visible(requestId).isPresent()) {
                throw new IllegalStateException("request " + requestId + " is not finished; only a finished request "
                        + "can be deleted");
            }
            return false;
        }
        RequestCreator.deleteAll(collections, requestId);
        return true;
    }

    /** {@return the request document if it exists and is visible (committed, open or finished)} */
    Optional<Document> visible(String requestId) {
        Document request = collections.requests().find(eq(Schema.ID, requestId)).first();
        return request != null && VISIBLE.contains(request.getString(Requests.STATE))
                ? Optional.of(request)
                : Optional.empty();
    }

    Optional<RequestRecord> find(String requestId) {
        return visible(requestId).map(request -> toRecord(request, null));
    }

    /**
     * Lists visible requests newest first, after the cursor. The cursor's time is a plain bound on
     * the first key of the {@code newest_first} index (so a page starts where the previous one
     * ended, however deep), and the {@code $or} on the id only sorts out the requests created at
     * that same millisecond. The progress of the unfinished ones is counted from their tasks with
     * one aggregation for the whole page; a finished request's was recorded when it finished.
     */
    List<RequestRecord> list(int limit, RequestCursor before) {
        Bson filter = in(Requests.STATE, VISIBLE);
        if (before != null) {
            Date createdAt = Date.from(before.createdAt());
            filter = and(filter, lte(Schema.CREATED_AT, createdAt),
                    or(lt(Schema.CREATED_AT, createdAt), lt(Schema.ID, before.requestId())));
        }
        List<Document> page = collections.requests().find(filter).sort(NEWEST_FIRST).limit(limit)
                .into(new ArrayList<>(limit));
        List<String> unfinished = new ArrayList<>();
        for (Document request : page) {
            if (recordedProgress(request) == null) {
                unfinished.add(request.getString(Schema.ID));
            }
        }
        Map<String, TaskQueue.Counts> counts = queue.counts(unfinished);
        List<RequestRecord> records = new ArrayList<>(page.size());
        for (Document request : page) {
            records.add(toRecord(request, counts.getOrDefault(request.getString(Schema.ID), TaskQueue.Counts.NONE)));
        }
        return records;
    }

    /**
     * Finishes the request if it is open and none of its tasks is: a probe for one open task
     * (answered by the {@code request_claimable} index) first, so a call for a request with work
     * left costs one query; then the counts, the repair of the product copies, and one conditional
     * update that only one caller's matches.
     */
    Optional<RequestRecord> finishIfDone(String requestId, String owner, Instant now, Duration notificationLease) {
        if (queue.hasOpenTasks(requestId)) {
            return Optional.empty();
        }
        Document request = collections.requests().find(eq(Schema.ID, requestId)).first();
        if (request == null || !Requests.OPEN.equals(request.getString(Requests.STATE))) {
            return Optional.empty();
        }
        TaskQueue.Counts counts = queue.counts(requestId);
        pages.repair(requestId, request.getInteger(Requests.PRODUCT_COUNT));
        Status status = counts.failedTasks() > 0 ? Status.FAILED : Status.COMPLETED;
        Document notification = new Document("state", Requests.NOTIFICATION_OPEN)
                .append("owner", owner)
                .append("expiresAt", Date.from(now.plus(notificationLease)))
                .append("openedAt", Date.from(now))
                .append("deliveries", 1)
                .append("sentAt", null);
        Document finished = collections.requests().findOneAndUpdate(
                and(eq(Schema.ID, requestId), eq(Requests.STATE, Requests.OPEN)),
                Updates.combine(
                        Updates.set(Requests.STATE, Requests.FINISHED),
                        Updates.set(Schema.STATUS, status.wireName()),
                        Updates.set(Schema.FINISHED_AT, Date.from(now)),
                        Updates.set(Requests.PROGRESS, progressDocument(counts.progress())),
                        Updates.set(Requests.NOTIFICATION, notification)),
                RETURN_AFTER);
        return Optional.ofNullable(finished).map(done -> toRecord(done, null));
    }

    /** Open requests none of whose tasks is open, oldest first: one {@code $lookup} probe per open request. */
    List<String> findFinishable(int limit) {
        List<Document> pipeline = List.of(
                new Document("$match", new Document(Requests.STATE, Requests.OPEN)),
                new Document("$sort", new Document(Schema.CREATED_AT, 1)),
                new Document("$lookup", new Document("from", collections.tasks().getNamespace().getCollectionName())
                        .append("let", new Document("rid", "$" + Schema.ID))
                        .append("pipeline", List.of(
                                new Document("$match", new Document("$expr",
                                        new Document("$eq", List.of("$" + Schema.REQUEST_ID, "$$rid")))
                                        .append(Tasks.AVAILABLE_AT, new Document("$exists", true))),
                                new Document("$limit", 1),
                                new Document("$project", new Document(Schema.ID, 1))))
                        .append("as", "openTasks")),
                new Document("$match", new Document("openTasks", new Document("$size", 0))),
                new Document("$limit", limit),
                new Document("$project", new Document(Schema.ID, 1)));
        List<String> ids = new ArrayList<>();
        for (Document request : collections.requests().aggregate(pipeline)) {
            ids.add(request.getString(Schema.ID));
        }
        return ids;
    }

    List<RequestRecord> claimNotifications(String owner, int limit, Instant now, Duration lease) {
        List<RequestRecord> claimed = new ArrayList<>();
        FindOneAndUpdateOptions oldestFirst = new FindOneAndUpdateOptions()
                .sort(Sorts.ascending(Requests.NOTIFICATION_EXPIRES_AT))
                .returnDocument(ReturnDocument.AFTER);
        for (int i = 0; i < limit; i++) {
            Document request = collections.requests().findOneAndUpdate(
                    and(eq(Requests.NOTIFICATION_STATE, Requests.NOTIFICATION_OPEN),
                            lte(Requests.NOTIFICATION_EXPIRES_AT, Date.from(now))),
                    Updates.combine(
                            Updates.set(Requests.NOTIFICATION_OWNER, owner),
                            Updates.set(Requests.NOTIFICATION_EXPIRES_AT, Date.from(now.plus(lease))),
                            Updates.inc(Requests.NOTIFICATION_DELIVERIES, 1)),
                    oldestFirst);
            if (request == null) {
                break;
            }
            claimed.add(toRecord(request, null));
        }
        return claimed;
    }

    boolean renewNotification(String requestId, String owner, Instant newExpiry) {
        return collections.requests().updateOne(
                and(eq(Schema.ID, requestId), eq(Requests.NOTIFICATION_STATE, Requests.NOTIFICATION_OPEN),
                        eq(Requests.NOTIFICATION_OWNER, owner)),
                Updates.set(Requests.NOTIFICATION_EXPIRES_AT, Date.from(newExpiry)))
                .getMatchedCount() == 1;
    }

    boolean markNotified(String requestId, String owner, Instant now) {
        return collections.requests().updateOne(
                and(eq(Schema.ID, requestId), eq(Requests.NOTIFICATION_STATE, Requests.NOTIFICATION_OPEN),
                        eq(Requests.NOTIFICATION_OWNER, owner)),
                Updates.combine(Updates.set(Requests.NOTIFICATION_STATE, Requests.NOTIFICATION_SENT),
                        Updates.set(Requests.NOTIFICATION_SENT_AT, Date.from(now))))
                .getMatchedCount() == 1;
    }

    /**
     * Builds the record of a request document.
     *
     * @param counts the request's counts if already read, else {@code null} to count them now
     *     (unless it finished, when they were recorded)
     */
    private RequestRecord toRecord(Document request, TaskQueue.Counts counts) {
        String requestId = request.getString(Schema.ID);
        Progress recorded = recordedProgress(request);
        Progress progress = recorded != null ? recorded
                : (counts != null ? counts : queue.counts(requestId)).progress();
        boolean finished = recorded != null;
        Status status = finished ? Status.fromWireName(request.getString(Schema.STATUS)) : Status.of(progress);
        Date finishedAt = request.getDate(Schema.FINISHED_AT);
        return new RequestRecord(requestId, status, request.getDate(Schema.CREATED_AT).toInstant(),
                finished && finishedAt != null ? finishedAt.toInstant() : null,
                metadata(request.get(Requests.METADATA, Document.class)),
                request.getInteger(Requests.PRODUCT_COUNT), progress);
    }

    /** {@return the progress recorded when the request finished, or {@code null} if it is not finished} */
    private static Progress recordedProgress(Document request) {
        return Requests.FINISHED.equals(request.getString(Requests.STATE))
                && request.get(Requests.PROGRESS) instanceof Document progress
                ? progressOf(progress)
                : null;
    }

    private static Map<String, String> metadata(Document metadata) {
        Map<String, String> values = new LinkedHashMap<>();
        if (metadata != null) {
            metadata.forEach((key, value) -> values.put(key, String.valueOf(value)));
        }
        return values;
    }

    private static Document progressDocument(Progress progress) {
        return new Document("total", progress.total())
                .append(Schema.PENDING, progress.pending())
                .append(Schema.PROCESSING, progress.processing())
                .append(Schema.COMPLETED, progress.completed())
                .append(Schema.FAILED, progress.failed());
    }

    private static Progress progressOf(Document progress) {
        return new Progress(progress.getInteger("total"), progress.getInteger(Schema.PENDING),
                progress.getInteger(Schema.PROCESSING), progress.getInteger(Schema.COMPLETED),
                progress.getInteger(Schema.FAILED));
    }
}
