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
 * Cleans up after creators that failed or died, and releases what they left half done:
 * <ul>
 *   <li>a request stuck in {@code creating} for longer than the creation timeout is marked
 *       {@code abandoned};
 *   <li>the products and tasks of every {@code abandoned} request are deleted on every run, and
 *       its document is removed once it has been abandoned for a creation timeout, so rows of a
 *       batch that was still in flight when the creation was given up are deleted too;
 *   <li>the tasks of requests left {@code committed} for longer than the interval are released.
 * </ul>
 * Every step is idempotent and guarded by a conditional update, so any number of repositories may
 * run it at once.
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
        Instant now = clock.instant();
        Date cutoff = Date.from(now.minus(creationTimeout));
        List<Document> stale = collections.requests()
                .find(or(and(eq(Requests.STATE, Requests.CREATING), lt(Requests.CREATION_STARTED_AT, cutoff)),
                        eq(Requests.STATE, Requests.ABANDONED)))
                .projection(Projections.include(Requests.STATE, Requests.CREATION))
                .into(new ArrayList<>());
        for (Document request : stale) {
            String requestId = request.getString(Schema.ID);
            Document creation = request.get(Requests.CREATION, Document.class);
            String token = creation == null ? null : creation.getString("token");
            if (Requests.CREATING.equals(request.getString(Requests.STATE))) {
                boolean givenUp = collections.requests().updateOne(
                        and(eq(Schema.ID, requestId), eq(Requests.STATE, Requests.CREATING),
                                eq(Requests.CREATION_TOKEN, token)),
                        RequestCreator.abandon(now)).getMatchedCount() == 1;
                if (!givenUp) {
                    continue;
                }
                LOG.info("Gave up creating request {}: it was not committed within {}", requestId, creationTimeout);
                RequestCreator.deleteAll(collections, requestId);
                continue;
            }
            RequestCreator.deleteAll(collections, requestId);
            Date abandonedAt = creation == null ? null : creation.getDate("abandonedAt");
            if (abandonedAt == null) {
                collections.requests().updateOne(and(eq(Schema.ID, requestId), eq(Requests.STATE, Requests.ABANDONED),
                        eq(Requests.CREATION_ABANDONED_AT, null)), Updates.set(Requests.CREATION_ABANDONED_AT, Date.from(now)));
            } else if (abandonedAt.before(cutoff)) {
                collections.requests().deleteOne(and(eq(Schema.ID, requestId), eq(Requests.STATE, Requests.ABANDONED),
                        eq(Requests.CREATION_TOKEN, token)));
                LOG.info("Deleted abandoned request {} and its rows", requestId);
            }
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
