package io.imgpipe.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import io.imgpipe.Status;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Field names, state words and indexes of the collections. The project's
 * {@code docs/store-mongo.md} describes the documents and which query each index serves.
 */
final class Schema {

    private static final Logger LOG = LoggerFactory.getLogger(Schema.class);

    static final String ID = "_id";
    static final String REQUEST_ID = "requestId";
    static final String STATUS = "status";
    static final String CREATED_AT = "createdAt";
    static final String FINISHED_AT = "finishedAt";
    static final String ERROR = "error";
    static final String ATTEMPTS = "attempts";
    static final String COMPRESSED_URL = "compressedUrl";
    static final String OUTPUT_KEY = "outputKey";
    static final String SOURCE_BYTES = "sourceBytes";
    static final String OUTPUT_BYTES = "outputBytes";
    static final String WIDTH = "width";
    static final String HEIGHT = "height";
    static final String URL = "url";
    static final String TASK_ID = "taskId";

    static final String PENDING = Status.PENDING.wireName();
    static final String PROCESSING = Status.PROCESSING.wireName();
    static final String COMPLETED = Status.COMPLETED.wireName();
    static final String FAILED = Status.FAILED.wireName();

    /** Fields and states of a document in {@code requests}; its {@code _id} is the request id. */
    static final class Requests {
        static final String STATE = "state";
        static final String METADATA = "metadata";
        static final String PRODUCT_COUNT = "productCount";
        static final String IMAGE_COUNT = "imageCount";
        static final String TASK_COUNT = "taskCount";
        static final String PROGRESS = "progress";
        /** Creation order: the turn counter's value when the request was begun. */
        static final String SEQ = "seq";
        /** The turn counter's value when a claim last took a task of the request; 0 until then. */
        static final String LAST_SERVED = "lastServed";
        /** No task of the request is claimable before this time (a lower bound kept by claims). */
        static final String IDLE_UNTIL = "idleUntil";
        /** Incremented by every write that may make a task of the request claimable earlier. */
        static final String IDLE_VERSION = "idleVersion";
        static final String CREATION = "creation";
        static final String CREATION_TOKEN = "creation.token";
        static final String CREATION_STARTED_AT = "creation.startedAt";
        static final String CREATION_COMMITTED_AT = "creation.committedAt";
        static final String CREATION_ABANDONED_AT = "creation.abandonedAt";
        static final String NOTIFICATION = "notification";
        static final String NOTIFICATION_STATE = "notification.state";
        static final String NOTIFICATION_OWNER = "notification.owner";
        static final String NOTIFICATION_EXPIRES_AT = "notification.expiresAt";
        static final String NOTIFICATION_DELIVERIES = "notification.deliveries";
        static final String NOTIFICATION_SENT_AT = "notification.sentAt";

        /** Being written; invisible. */
        static final String CREATING = "creating";
        /** Everything written and visible; its tasks may still need releasing. */
        static final String COMMITTED = "committed";
        /** Visible, tasks claimable. */
        static final String OPEN = "open";
        /** Every task ended and the final status recorded. */
        static final String FINISHED = "finished";
        /**
         * A creation given up (by its creator after a failure, or by housekeeping after the
         * creation timeout), or a deleted request; invisible. The document stays as a marker for
         * one more creation timeout while housekeeping deletes its rows on every run, so rows of a
         * batch still in flight when it was given up are deleted too.
         */
        static final String ABANDONED = "abandoned";

        static final String NOTIFICATION_OPEN = "open";
        static final String NOTIFICATION_SENT = "sent";

        private Requests() {
        }
    }

    /** Fields of a document in {@code products}; its {@code _id} is {@code <requestId>/<ordinal>}. */
    static final class Products {
        static final String ROW_INDEX = "rowIndex";
        static final String SERIAL_NUMBER = "serialNumber";
        static final String PRODUCT_NAME = "productName";
        static final String IMAGES = "images";
        static final String IMAGES_STATUS = "images.status";
        static final String POSITION = "position";

        private Products() {
        }
    }

    /** Fields of a document in {@code tasks}; its {@code _id} is {@code <requestId>/<taskId>}. */
    static final class Tasks {
        static final String IMAGE_COUNT = "imageCount";
        /**
         * When the task becomes claimable: the epoch when new or released at once, the retry or
         * release time, or the lease expiry while {@code processing}. Absent while the task is
         * {@code creating} and once it has ended, so only tasks that are or will become claimable
         * are in the {@code request_claimable} index.
         */
        static final String AVAILABLE_AT = "availableAt";
        /** {@code true} until the task is first claimed, then absent: claimed-before tasks go first. */
        static final String FRESH = "fresh";
        /** Every claim of the task, takeovers of an expired lease included. */
        static final String CLAIMS = "claims";
        /** Claims given back unprocessed with {@code release}. */
        static final String RELEASES = "releases";
        static final String LEASE = "lease";
        static final String LEASE_TOKEN = "lease.token";
        static final String LEASE_EXPIRES_AT = "lease.expiresAt";
        /** The ordinals of the request's products that use the task (their {@code _id}s are derived from them). */
        static final String PRODUCT_ORDINALS = "productOrdinals";

        /** Written by a create that has not committed yet: never claimable. */
        static final String CREATING = "creating";

        private Tasks() {
        }

        /**
         * {@return the {@code availableAt} of a task claimable whatever the caller's clock says
         *     (new, or released at once): the epoch}
         */
        static Date availableAtOnce() {
            return new Date(0);
        }
    }

    /** The documents of {@code counters}; {@code _id} is the counter's name. */
    static final class Counters {
        /** Hands out creation orders ({@code seq}) and serving orders ({@code lastServed}). */
        static final String TURNS = "turns";
        static final String VALUE = "value";

        private Counters() {
        }
    }

    static final String OPEN_TURNS_INDEX = "open_turns";
    static final String NEWEST_FIRST_INDEX = "newest_first";
    static final String STATE_CREATED_INDEX = "state_createdAt";
    static final String NOTIFICATION_QUEUE_INDEX = "notification_queue";
    static final String REQUEST_CLAIMABLE_INDEX = "request_claimable";
    static final String REQUEST_STATUS_IMAGES_INDEX = "request_status_images";
    static final String PRODUCTS_BY_REQUEST_INDEX = "request";
    static final String PRODUCTS_BY_SERIAL_INDEX = "request_serial";

    /** Indexes of {@code tasks} that earlier versions created and nothing uses any more; dropped at start. */
    static final List<String> OBSOLETE_TASK_INDEXES = List.of("claim_queue", "claim_token", "lease_token",
            "request_status");
    /** Indexes of {@code products} that earlier versions created and nothing uses any more; dropped at start. */
    static final List<String> OBSOLETE_PRODUCT_INDEXES = List.of("request_image_task", "request_revision");

    private static final int INDEX_NOT_FOUND = 27;
    private static final int NAMESPACE_NOT_FOUND = 26;

    private Schema() {
    }

    /**
     * The secondary indexes of {@code requests}: open requests in turn order, newest first for
     * listing, by state and age for housekeeping and {@code findFinishable}, and the notification
     * queue.
     */
    static List<IndexModel> requestIndexes() {
        return List.of(
                new IndexModel(Indexes.ascending(Requests.LAST_SERVED, Requests.SEQ, Requests.IDLE_UNTIL),
                        new IndexOptions().name(OPEN_TURNS_INDEX)
                                .partialFilterExpression(Filters.eq(Requests.STATE, Requests.OPEN))),
                new IndexModel(Indexes.descending(CREATED_AT, ID), new IndexOptions().name(NEWEST_FIRST_INDEX)),
                new IndexModel(Indexes.ascending(Requests.STATE, CREATED_AT),
                        new IndexOptions().name(STATE_CREATED_INDEX)),
                new IndexModel(Indexes.ascending(Requests.NOTIFICATION_STATE, Requests.NOTIFICATION_EXPIRES_AT),
                        new IndexOptions().name(NOTIFICATION_QUEUE_INDEX)));
    }

    /**
     * The secondary indexes of {@code tasks}: a request's tasks that are or will become claimable,
     * claimed-before first, by the time they become claimable (partial: only tasks with an
     * {@code availableAt}); and a request's tasks by status with their image counts, which the
     * progress counts read from the index alone.
     */
    static List<IndexModel> taskIndexes() {
        return List.of(
                new IndexModel(Indexes.ascending(REQUEST_ID, Tasks.FRESH, Tasks.AVAILABLE_AT),
                        new IndexOptions().name(REQUEST_CLAIMABLE_INDEX)
                                .partialFilterExpression(Filters.exists(Tasks.AVAILABLE_AT))),
                new IndexModel(Indexes.ascending(REQUEST_ID, STATUS, Tasks.IMAGE_COUNT),
                        new IndexOptions().name(REQUEST_STATUS_IMAGES_INDEX)));
    }

    /**
     * The secondary indexes of {@code products}: a request's products, for deleting them; and a
     * request's products by serial number, then row index, which a status reads a page at a time.
     */
    static List<IndexModel> productIndexes() {
        return List.of(new IndexModel(Indexes.ascending(REQUEST_ID), new IndexOptions().name(PRODUCTS_BY_REQUEST_INDEX)),
                new IndexModel(Indexes.ascending(REQUEST_ID, Products.SERIAL_NUMBER, Products.ROW_INDEX),
                        new IndexOptions().name(PRODUCTS_BY_SERIAL_INDEX)));
    }

    /**
     * Creates every index and drops the obsolete ones; {@code createIndexes} leaves existing identical
     * indexes alone and a missing index is not an error, so this is safe to run from every process at
     * every start.
     */
    static void ensureIndexes(MongoCollections collections) {
        dropObsolete(collections.tasks(), OBSOLETE_TASK_INDEXES);
        dropObsolete(collections.products(), OBSOLETE_PRODUCT_INDEXES);
        collections.requests().createIndexes(requestIndexes());
        collections.tasks().createIndexes(taskIndexes());
        collections.products().createIndexes(productIndexes());
    }

    /**
     * Gives unfinished requests written by an earlier version the fields that put them in turn:
     * never served, first in creation order, nothing known about when their tasks are claimable.
     * Idempotent, and a no-op once every such request has them.
     */
    static void upgrade(MongoCollections collections) {
        long upgraded = collections.requests().updateMany(
                Filters.and(Filters.in(Requests.STATE, Requests.CREATING, Requests.COMMITTED, Requests.OPEN),
                        Filters.exists(Requests.IDLE_UNTIL, false)),
                Updates.combine(Updates.set(Requests.SEQ, 0L), Updates.set(Requests.LAST_SERVED, 0L),
                        Updates.set(Requests.IDLE_UNTIL, Tasks.availableAtOnce()),
                        Updates.set(Requests.IDLE_VERSION, 0L)))
                .getModifiedCount();
        if (upgraded > 0) {
            LOG.info("Gave {} unfinished request(s) of an earlier version their place in the claim turns", upgraded);
        }
    }

    private static void dropObsolete(MongoCollection<Document> collection, List<String> names) {
        List<String> present = new ArrayList<>();
        for (Document index : collection.listIndexes()) {
            if (names.contains(index.getString("name"))) {
                present.add(index.getString("name"));
            }
        }
        for (String name : present) {
            try {
                collection.dropIndex(name);
                LOG.info("Dropped the obsolete index {} of {}", name, collection.getNamespace());
            } catch (MongoCommandException e) {
                if (e.getErrorCode() != INDEX_NOT_FOUND && e.getErrorCode() != NAMESPACE_NOT_FOUND) {
                    throw e;
                }
            }
        }
    }
}
