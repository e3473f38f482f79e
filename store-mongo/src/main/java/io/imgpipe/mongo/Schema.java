package io.imgpipe.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.imgpipe.Status;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Field names, state words and indexes of the three collections. The store-mongo section of
 * the project README describes the documents and which query each index serves.
 *
 * <p>The writes on the hot path (claims, fenced writes, product copies) filter on exactly the keys
 * of one unique index, with plain values, in a flat document (no {@code $and}): MongoDB serves them
 * from that index, and mongo-java-server, which uses an index only when the filter's fields are
 * exactly a unique index's keys, then looks the document up instead of scanning the collection.
 * The unique indexes of {@code tasks} are sparse and hold only the tasks that have the field:
 * mongo-java-server maintains no index but the unique ones, and its H2 backend (the example-server's
 * embedded default) pays for every entry of those on every write.
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
    static final String VERSION = "version";
    static final String COMPRESSED_URL = "compressedUrl";
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
         * creation timeout); invisible. The document stays as a marker for one more creation
         * timeout while housekeeping deletes its rows on every run, so rows of a batch still in
         * flight when it was given up are deleted too.
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
        static final String IMAGES_TASK_ID = "images.taskId";
        static final String POSITION = "position";
        /** Incremented by every write of the image copies or status: what a copy write is conditional on. */
        static final String REVISION = "revision";

        private Products() {
        }
    }

    /** Fields of a document in {@code tasks}; its {@code _id} is {@code <requestId>/<taskId>}. */
    static final class Tasks {
        static final String OUTPUT_KEY = "outputKey";
        static final String IMAGE_COUNT = "imageCount";
        static final String QUEUED_AT = "queuedAt";
        static final String AVAILABLE_AT = "availableAt";
        static final String LEASE = "lease";
        static final String LEASE_OWNER = "lease.owner";
        static final String LEASE_TOKEN = "lease.token";
        static final String LEASE_EXPIRES_AT = "lease.expiresAt";
        /** The ordinals of the request's products that use the task (their {@code _id}s are derived from them). */
        static final String PRODUCT_ORDINALS = "productOrdinals";
        /**
         * A random token replaced by every write that changes whether or when the task is claimable,
         * and removed when it ends: what a claim's compare-and-set is conditional on.
         */
        static final String CLAIM_TOKEN = "claimToken";

        /** Written by a create that has not committed yet: never claimable. */
        static final String CREATING = "creating";

        private Tasks() {
        }

        /**
         * @return the {@code availableAt} of a task claimable whatever the caller's clock says
         *     (fresh or released): the epoch
         */
        static Date availableAtOnce() {
            return new Date(0);
        }
    }

    static final String CLAIM_QUEUE_INDEX = "claim_queue";
    static final String CLAIM_TOKEN_INDEX = "claim_token";
    static final String LEASE_TOKEN_INDEX = "lease_token";
    static final String REQUEST_STATUS_INDEX = "request_status";
    static final String STATE_CREATED_INDEX = "state_createdAt";
    static final String NOTIFICATION_QUEUE_INDEX = "notification_queue";
    static final String REQUEST_REVISION_INDEX = "request_revision";

    /** Indexes earlier versions created and nothing uses any more; dropped at start. */
    static final List<String> OBSOLETE_PRODUCT_INDEXES = List.of("request_image_task");

    private static final int INDEX_NOT_FOUND = 27;
    private static final int NAMESPACE_NOT_FOUND = 26;

    private Schema() {
    }

    /** The secondary indexes of {@code requests}. */
    static List<IndexModel> requestIndexes() {
        return List.of(
                new IndexModel(Indexes.ascending(Requests.STATE, CREATED_AT),
                        new IndexOptions().name(STATE_CREATED_INDEX)),
                new IndexModel(Indexes.ascending(Requests.NOTIFICATION_STATE, Requests.NOTIFICATION_EXPIRES_AT),
                        new IndexOptions().name(NOTIFICATION_QUEUE_INDEX)));
    }

    /**
     * The secondary indexes of {@code tasks}: the queue in claim order; the claim token and the
     * lease token, unique and sparse (only tasks that have one are in them: those not ended, and those
     * being processed), which the claim's compare-and-set and the fenced writes look tasks up by; and
     * a request's tasks by status.
     */
    static List<IndexModel> taskIndexes() {
        return List.of(
                new IndexModel(Indexes.ascending(STATUS, Tasks.QUEUED_AT, Tasks.AVAILABLE_AT),
                        new IndexOptions().name(CLAIM_QUEUE_INDEX)),
                new IndexModel(Indexes.ascending(Tasks.CLAIM_TOKEN),
                        new IndexOptions().name(CLAIM_TOKEN_INDEX).unique(true).sparse(true)),
                new IndexModel(Indexes.ascending(Tasks.LEASE_TOKEN),
                        new IndexOptions().name(LEASE_TOKEN_INDEX).unique(true).sparse(true)),
                new IndexModel(Indexes.ascending(REQUEST_ID, STATUS),
                        new IndexOptions().name(REQUEST_STATUS_INDEX)));
    }

    /** The secondary index of {@code products}: a request's products, unique with the revision a copy write checks. */
    static List<IndexModel> productIndexes() {
        return List.of(new IndexModel(Indexes.ascending(REQUEST_ID, ID, Products.REVISION),
                new IndexOptions().name(REQUEST_REVISION_INDEX).unique(true)));
    }

    /**
     * Creates every index and drops the obsolete ones; {@code createIndexes} leaves existing identical
     * indexes alone and a missing index is not an error, so this is safe to run from every process at
     * every start.
     */
    static void ensureIndexes(MongoCollection<Document> requests, MongoCollection<Document> products,
            MongoCollection<Document> tasks) {
        dropObsolete(products, OBSOLETE_PRODUCT_INDEXES);
        requests.createIndexes(requestIndexes());
        products.createIndexes(productIndexes());
        tasks.createIndexes(taskIndexes());
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
