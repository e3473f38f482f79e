package io.imgpipe.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.elemMatch;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.ne;
import static com.mongodb.client.model.Filters.not;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.UpdateManyModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.imgpipe.mongo.Schema.Products;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Keeps the copy of each image's task state inside the product documents (the {@code images}
 * array and the product's {@code status}) in step with the tasks, for people reading products
 * directly. The tasks stay the truth: the copy is written after the task, so it can lag after a
 * crash, and is repaired before a request finishes ({@link ProductPages#repair}).
 *
 * <p>Each image copy carries the task's {@code version}; an update applies only to copies older
 * than the task state it brings, so late or repeated updates never move a copy backwards.
 */
final class ProductCopies {

    private static final BulkWriteOptions ORDERED = new BulkWriteOptions().ordered(true);

    private final MongoCollections collections;

    ProductCopies(MongoCollections collections) {
        this.collections = collections;
    }

    /**
     * Brings the copies of the given tasks' images up to the tasks' states, in one round trip.
     *
     * @param tasks task documents as just written, with {@code requestId}, {@code taskId},
     *     {@code status}, {@code version}, {@code attempts}, {@code error}, {@code compressedUrl}
     *     and {@code outputKey}
     */
    void update(List<Document> tasks) {
        List<WriteModel<Document>> writes = new ArrayList<>();
        for (Document task : tasks) {
            writes.addAll(updatesFor(task));
        }
        if (!writes.isEmpty()) {
            collections.products().bulkWrite(writes, ORDERED);
        }
    }

    /** @return the image copy update for one task, followed by the product status updates it may imply */
    static List<WriteModel<Document>> updatesFor(Document task) {
        String requestId = task.getString(Schema.REQUEST_ID);
        String taskId = task.getString(Schema.TASK_ID);
        String status = copyStatus(task.getString(Schema.STATUS));
        long version = ((Number) task.get(Schema.VERSION)).longValue();

        List<Bson> imageFields = new ArrayList<>();
        imageFields.add(Updates.set("images.$[image].status", status));
        imageFields.add(Updates.set("images.$[image].attempts", task.get(Schema.ATTEMPTS)));
        imageFields.add(Updates.set("images.$[image].error", task.get(Schema.ERROR)));
        imageFields.add(Updates.set("images.$[image].compressedUrl", task.get(Schema.COMPRESSED_URL)));
        imageFields.add(Updates.set("images.$[image].outputKey",
                Schema.COMPLETED.equals(status) ? task.get(Schema.Tasks.OUTPUT_KEY) : null));
        imageFields.add(Updates.set("images.$[image].version", version));
        if (Schema.PROCESSING.equals(status)) {
            imageFields.add(Updates.set(Schema.STATUS, Schema.PROCESSING));
        }
        Bson olderCopy = and(eq(Schema.REQUEST_ID, requestId),
                elemMatch(Products.IMAGES, and(eq(Schema.TASK_ID, taskId), lt(Schema.VERSION, version))));
        UpdateOptions thisTask = new UpdateOptions().arrayFilters(List.of(eq("image.taskId", taskId)));

        List<WriteModel<Document>> writes = new ArrayList<>(5);
        writes.add(new UpdateManyModel<>(olderCopy, Updates.combine(imageFields), thisTask));
        if (!Schema.PROCESSING.equals(status)) {
            writes.addAll(statusUpdates(and(eq(Schema.REQUEST_ID, requestId), eq(Products.IMAGES_TASK_ID, taskId))));
        }
        return writes;
    }

    /**
     * Sets {@code status} of the selected products from their image copies, one conditional update
     * per outcome; each is evaluated atomically against the document, so concurrent updates of
     * different images of one product converge.
     */
    private static List<WriteModel<Document>> statusUpdates(Bson products) {
        Bson anyOpen = elemMatch(Products.IMAGES, in(Schema.STATUS, Schema.PENDING, Schema.PROCESSING));
        Bson anyStarted = elemMatch(Products.IMAGES, ne(Schema.STATUS, Schema.PENDING));
        Bson anyFailed = elemMatch(Products.IMAGES, eq(Schema.STATUS, Schema.FAILED));
        Bson anyNotCompleted = elemMatch(Products.IMAGES, ne(Schema.STATUS, Schema.COMPLETED));
        return List.of(
                new UpdateManyModel<>(and(products, not(anyStarted)), Updates.set(Schema.STATUS, Schema.PENDING)),
                new UpdateManyModel<>(and(products, anyOpen, anyStarted), Updates.set(Schema.STATUS, Schema.PROCESSING)),
                new UpdateManyModel<>(and(products, not(anyNotCompleted)), Updates.set(Schema.STATUS, Schema.COMPLETED)),
                new UpdateManyModel<>(and(products, not(anyOpen), anyFailed), Updates.set(Schema.STATUS, Schema.FAILED)));
    }

    /** @return the status word an image copy shows for a task status ({@code creating} shows as pending) */
    static String copyStatus(String taskStatus) {
        return Schema.Tasks.CREATING.equals(taskStatus) ? Schema.PENDING : taskStatus;
    }
}
