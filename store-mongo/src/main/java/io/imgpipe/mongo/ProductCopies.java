package io.imgpipe.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.nin;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.UpdateManyModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.imgpipe.mongo.Schema.Products;
import io.imgpipe.mongo.Schema.Tasks;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Copies each image's outcome into the product documents that show it: when a task ends
 * ({@code completed} or {@code failed}), the copies of its images (status, output URL and key,
 * sizes, error, attempts) and the products' {@code status}. Copies never show {@code processing}:
 * claims, retries and releases write no product, and reads join a copy that is not final with its
 * task. A final copy is exact (tasks never leave those states), so reads of finished images and of
 * finished requests need no join.
 *
 * <p>One ordered bulk write per outcome, with no read first: the image copies of the task in each
 * product that uses it ({@code images.$[image]} with an array filter on the task id), then the
 * product's status from its copies as the server sees them then: {@code completed} when every copy
 * is, {@code failed} when every copy is final and one failed, {@code processing} while final and
 * unfinished copies are mixed. Copies and statuses only move forward, so concurrent or repeated
 * writes converge. The tasks stay the truth: a process that dies between the task write and this
 * one leaves the copies behind, and they are repaired before the request finishes
 * ({@link ProductPages#repair}).
 */
final class ProductCopies {

    /** Copy statuses that are not an outcome ({@code processing} only in copies an earlier version wrote). */
    static final List<String> UNFINISHED = List.of(Schema.PENDING, Schema.PROCESSING);

    private static final BulkWriteOptions IN_ORDER = new BulkWriteOptions().ordered(true);
    private static final String IMAGE = "image";

    private final MongoCollections collections;

    ProductCopies(MongoCollections collections) {
        this.collections = collections;
    }

    /**
     * Copies an ended task's outcome into the products that use it.
     *
     * @param task the task as its final write left it, with {@code requestId}, {@code taskId},
     *     {@code productOrdinals} and the fields of {@link #outcome}
     */
    void recordOutcome(Document task) {
        List<String> productIds = productIds(task);
        if (productIds.isEmpty()) {
            return;
        }
        Bson products = in(Schema.ID, productIds);
        List<Bson> sets = new ArrayList<>();
        outcome(task).forEach((field, value) ->
                sets.add(Updates.set(Products.IMAGES + ".$[" + IMAGE + "]." + field, value)));
        UpdateOptions ofTheTask = new UpdateOptions()
                .arrayFilters(List.of(eq(IMAGE + "." + Schema.TASK_ID, task.getString(Schema.TASK_ID))));
        List<WriteModel<Document>> writes = List.of(
                new UpdateManyModel<>(products, Updates.combine(sets), ofTheTask),
                new UpdateManyModel<>(and(products, nin(Products.IMAGES_STATUS, Schema.PENDING, Schema.PROCESSING,
                        Schema.FAILED)), Updates.set(Schema.STATUS, Schema.COMPLETED)),
                new UpdateManyModel<>(and(products, eq(Products.IMAGES_STATUS, Schema.FAILED),
                        nin(Products.IMAGES_STATUS, UNFINISHED)), Updates.set(Schema.STATUS, Schema.FAILED)),
                new UpdateManyModel<>(and(products, in(Products.IMAGES_STATUS, UNFINISHED),
                        in(Products.IMAGES_STATUS, Schema.COMPLETED, Schema.FAILED)),
                        Updates.set(Schema.STATUS, Schema.PROCESSING)));
        collections.products().bulkWrite(writes, IN_ORDER);
    }

    /**
     * {@return the fields of an image copy that show its outcome, in copy field order}
     *
     * @param task an ended task
     */
    static Document outcome(Document task) {
        boolean completed = Schema.COMPLETED.equals(task.getString(Schema.STATUS));
        Document copy = new Document(Schema.STATUS, task.getString(Schema.STATUS))
                .append(Schema.COMPRESSED_URL, completed ? task.getString(Schema.COMPRESSED_URL) : null)
                .append(Schema.OUTPUT_KEY, completed ? task.getString(Schema.OUTPUT_KEY) : null)
                .append(Schema.ERROR, completed ? null : task.getString(Schema.ERROR))
                .append(Schema.ATTEMPTS, TaskQueue.intOf(task, Schema.ATTEMPTS));
        if (completed) {
            copy.append(Schema.SOURCE_BYTES, task.get(Schema.SOURCE_BYTES))
                    .append(Schema.OUTPUT_BYTES, task.get(Schema.OUTPUT_BYTES))
                    .append(Schema.WIDTH, task.get(Schema.WIDTH))
                    .append(Schema.HEIGHT, task.get(Schema.HEIGHT));
        }
        return copy;
    }

    /** {@return whether an image copy shows an outcome (and so is exact)} */
    static boolean isFinal(Document image) {
        return !UNFINISHED.contains(image.getString(Schema.STATUS));
    }

    /** {@return whether a task has ended ({@code completed} or {@code failed})} */
    static boolean hasEnded(Document task) {
        String status = task.getString(Schema.STATUS);
        return Schema.COMPLETED.equals(status) || Schema.FAILED.equals(status);
    }

    @SuppressWarnings("unchecked")
    static List<Document> imageCopies(Document product) {
        return Objects.requireNonNullElse((List<Document>) product.get(Products.IMAGES), List.of());
    }

    /**
     * {@return the {@code _id}s of the products using the task, from its ordinals (none for a task an
     *     early version wrote without them: its copies are repaired when the request finishes)}
     */
    private static List<String> productIds(Document task) {
        String requestId = task.getString(Schema.REQUEST_ID);
        List<?> ordinals = task.get(Tasks.PRODUCT_ORDINALS, List.class);
        List<String> ids = new ArrayList<>();
        if (ordinals != null) {
            for (Object ordinal : ordinals) {
                ids.add(Ids.product(requestId, ((Number) ordinal).intValue()));
            }
        }
        return ids;
    }
}
