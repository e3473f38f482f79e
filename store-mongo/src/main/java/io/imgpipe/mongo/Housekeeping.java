package io.imgpipe.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.or;

import com.mongodb.MongoException;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;
import io.imgpipe.mongo.Schema.Requests;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleans up after creators that died: deletes requests stuck in {@code creating} for longer than
 * the creation timeout (and those already marked {@code abandoned}) with their products and tasks,
 * and releases the tasks of requests left {@code committed} for longer than the interval. Every step is idempotent and guarded
 * by a conditional update, so any number of repositories may run it at once.
 */
final class Housekeeping {

    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);

    private final MongoCollections collections;
    private final RequestCreator creator;
    private final Clock clock;
    private final Duration creationTimeout;
    private final Duration interval;
    private final AtomicReference<Instant> lastRun = new AtomicReference<>(Instant.MIN);

    Housekeeping(MongoCollections collections, RequestCreator creator, Clock clock, Duration creationTimeout,
            Duration interval) {
        this.collections = collections;
        this.creator = creator;
        this.clock = clock;
        this.creationTimeout = creationTimeout;
        this.interval = interval;
    }

    /** Runs {@link #run()} if the interval has passed since the last run; failures are logged, not thrown. */
    void runIfDue() {
        Instant now = clock.instant();
        Instant last = lastRun.get();
        if (last.plus(interval).isAfter(now) || !lastRun.compareAndSet(last, now)) {
            return;
        }
        try {
            run();
        } catch (MongoException e) {
            LOG.warn("Housekeeping failed ({}); it runs again in {}", e.toString(), interval);
        }
    }

    /** Deletes abandoned creations and releases the tasks of committed requests. */
    void run() {
        lastRun.set(clock.instant());
        deleteAbandonedCreations();
        releaseCommitted();
    }

    private void deleteAbandonedCreations() {
        Date cutoff = Date.from(clock.instant().minus(creationTimeout));
        List<Document> stale = collections.requests()
                .find(or(and(eq(Requests.STATE, Requests.CREATING), lt(Requests.CREATION_STARTED_AT, cutoff)),
                        eq(Requests.STATE, Requests.ABANDONED)))
                .projection(Projections.include(Requests.STATE, Requests.CREATION))
                .into(new ArrayList<>());
        for (Document request : stale) {
            String requestId = request.getString(Schema.ID);
            if (Requests.CREATING.equals(request.getString(Requests.STATE))) {
                Document creation = request.get(Requests.CREATION, Document.class);
                String token = creation == null ? null : creation.getString("token");
                boolean givenUp = collections.requests().updateOne(
                        and(eq(Schema.ID, requestId), eq(Requests.STATE, Requests.CREATING),
                                eq(Requests.CREATION_TOKEN, token)),
                        Updates.set(Requests.STATE, Requests.ABANDONED)).getMatchedCount() == 1;
                if (!givenUp) {
                    continue;
                }
            }
            RequestCreator.deleteAll(collections, requestId);
            collections.requests().deleteOne(and(eq(Schema.ID, requestId), eq(Requests.STATE, Requests.ABANDONED)));
            LOG.info("Deleted request {}: its creation was abandoned", requestId);
        }
    }

    private void releaseCommitted() {
        Date cutoff = Date.from(clock.instant().minus(interval));
        List<Document> committed = collections.requests()
                .find(and(eq(Requests.STATE, Requests.COMMITTED), lt(Requests.CREATION_COMMITTED_AT, cutoff)))
                .projection(Projections.include(Schema.ID))
                .into(new ArrayList<>());
        for (Document request : committed) {
            creator.releaseTasks(request.getString(Schema.ID));
            LOG.info("Released the tasks of committed request {}", request.getString(Schema.ID));
        }
    }
}
