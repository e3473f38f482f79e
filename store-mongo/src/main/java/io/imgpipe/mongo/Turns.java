package io.imgpipe.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.lte;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.imgpipe.mongo.Schema.Counters;
import io.imgpipe.mongo.Schema.Requests;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The order in which requests take turns at claims, kept in the database so that every process
 * shares it. A counter document hands out increasing numbers: a request gets one when it is
 * created ({@code seq}) and one each time a claim takes a task of it ({@code lastServed}, 0
 * until then), and open requests take turns by {@code (lastServed, seq)}: never served first in
 * creation order, then least recently served first.
 *
 * <p>Each open request also keeps {@code idleUntil}, a time before which none of its tasks is
 * claimable, so that claims skip requests whose tasks are all leased or waiting for a retry
 * instead of probing each of them every time. A claim that finds nothing claimable in a request
 * sets it to the earliest time one of its tasks becomes claimable, unless the request's
 * {@code idleVersion} changed since the claim read it; every write that may make a task claimable
 * earlier (retry, release) lowers it and increments {@code idleVersion} after its task write. A
 * process that dies between the two writes leaves the hint too late by at most the time the task
 * was due anyway (its lease expiry or earlier retry time). Thread-safe.
 */
final class Turns {

    private static final Bson TURN_ORDER = Sorts.ascending(Requests.LAST_SERVED, Requests.SEQ);
    private static final Bson TURN_FIELDS = Projections.include(Requests.IDLE_VERSION);
    private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);
    private static final FindOneAndUpdateOptions INCREMENT = new FindOneAndUpdateOptions().upsert(true)
            .returnDocument(ReturnDocument.AFTER);

    private final MongoCollections collections;

    Turns(MongoCollections collections) {
        this.collections = collections;
    }

    /**
     * Takes {@code count} numbers from the turn counter.
     *
     * @return the last of them (the first is {@code count - 1} less)
     */
    long take(int count) {
        Bson increment = Updates.inc(Counters.VALUE, (long) count);
        Document counter;
        try {
            counter = collections.counters().findOneAndUpdate(eq(Schema.ID, Counters.TURNS), increment, INCREMENT);
        } catch (MongoException e) {
            if (!MongoErrors.isDuplicateKey(e)) {
                throw e;
            }
            counter = collections.counters().findOneAndUpdate(eq(Schema.ID, Counters.TURNS), increment, INCREMENT);
        }
        return ((Number) counter.get(Counters.VALUE)).longValue();
    }

    /**
     * {@return the open requests not known to be idle at {@code now}, in turn order, with their
     *     {@code idleVersion}; the caller closes the cursor}
     *
     * @param now the claim's time
     * @param batchSize how many requests to fetch at a time
     */
    MongoCursor<Document> inTurnOrder(Instant now, int batchSize) {
        return collections.requests()
                .find(and(eq(Requests.STATE, Requests.OPEN), lte(Requests.IDLE_UNTIL, Date.from(now))))
                .sort(TURN_ORDER)
                .projection(TURN_FIELDS)
                .batchSize(batchSize)
                .iterator();
    }

    /**
     * Moves the requests a claim served to the back of the turns, in the order given (the order in
     * which the claim last served them), and marks them {@code processing} for people reading the
     * documents. A request's {@code lastServed} never goes down, so a concurrent claim that served
     * it later keeps its place.
     */
    void served(Collection<String> requestIds) {
        if (requestIds.isEmpty()) {
            return;
        }
        long turn = take(requestIds.size()) - requestIds.size();
        List<WriteModel<Document>> writes = new ArrayList<>(requestIds.size());
        for (String requestId : requestIds) {
            writes.add(new UpdateOneModel<>(and(eq(Schema.ID, requestId), eq(Requests.STATE, Requests.OPEN)),
                    Updates.combine(Updates.max(Requests.LAST_SERVED, ++turn),
                            Updates.set(Schema.STATUS, Schema.PROCESSING))));
        }
        collections.requests().bulkWrite(writes, UNORDERED);
    }

    /**
     * Records that none of the request's tasks is claimable before {@code until}, unless a write
     * made one claimable earlier since the claim read the request.
     *
     * @param idleVersionRead the request's {@code idleVersion} as the claim read it
     */
    void idle(String requestId, Object idleVersionRead, Date until) {
        collections.requests().updateOne(
                and(eq(Schema.ID, requestId), eq(Requests.IDLE_VERSION, idleVersionRead)),
                Updates.set(Requests.IDLE_UNTIL, until));
    }

    /** Records that a task of the request may be claimable from {@code notBefore}. */
    void wake(String requestId, Instant notBefore) {
        collections.requests().updateOne(eq(Schema.ID, requestId),
                Updates.combine(Updates.min(Requests.IDLE_UNTIL, Date.from(notBefore)),
                        Updates.inc(Requests.IDLE_VERSION, 1L)));
    }
}
