package io.imgpipe.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.imgpipe.Status;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * Field names, state words and indexes of the three collections. {@code SCHEMA.md} in the
 * module describes the documents and which query each index serves.
 */
final class Schema {

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
        /** A creation given up by housekeeping, being deleted; invisible. */
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
    static final String REQUEST_STATUS_INDEX = "request_status";
    static final String STATE_CREATED_INDEX = "state_createdAt";
    static final String NOTIFICATION_QUEUE_INDEX = "notification_queue";
    static final String IMAGE_TASK_INDEX = "request_image_task";

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

    /** The secondary indexes of {@code tasks}. */
    static List<IndexModel> taskIndexes() {
        return List.of(
                new IndexModel(Indexes.ascending(STATUS, Tasks.QUEUED_AT, Tasks.AVAILABLE_AT),
                        new IndexOptions().name(CLAIM_QUEUE_INDEX)),
                new IndexModel(Indexes.ascending(REQUEST_ID, STATUS),
                        new IndexOptions().name(REQUEST_STATUS_INDEX)));
    }

    /** The secondary indexes of {@code products}. */
    static List<IndexModel> productIndexes() {
        return List.of(new IndexModel(Indexes.ascending(REQUEST_ID, Products.IMAGES_TASK_ID),
                new IndexOptions().name(IMAGE_TASK_INDEX)));
    }

    /**
     * Creates every index; {@code createIndexes} leaves existing identical indexes alone, so this is
     * safe to run from every process at every start.
     */
    static void ensureIndexes(MongoCollection<Document> requests, MongoCollection<Document> products,
            MongoCollection<Document> tasks) {
        requests.createIndexes(requestIndexes());
        products.createIndexes(productIndexes());
        tasks.createIndexes(taskIndexes());
    }
}
