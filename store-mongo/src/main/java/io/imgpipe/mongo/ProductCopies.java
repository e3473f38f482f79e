package io.imgpipe.mongo;

import static com.mongodb.client.model.Filters.in;

import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.imgpipe.Progress;
import io.imgpipe.Status;
import io.imgpipe.mongo.Schema.Products;
import io.imgpipe.mongo.Schema.Tasks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the copy of each image's task state inside the product documents (the {@code images}
 * array and the product's {@code status}) in step with the tasks, for people reading products
 * directly. The tasks stay the truth: the copy is written after the task, so it can lag after a
 * crash, and is repaired before a request finishes ({@link ProductPages#repair}).
 *
 * <p>A copy write reads the products that use the tasks (by {@code _id}, from the ordinals each task
 * lists), brings each image copy older than its task's {@code version} up to the task, recomputes the
 * product's status from all its copies, and writes the product only if its {@code revision} is still
 * the one read, incrementing it. A product that changed in between is read and written again, after
 * a short random pause, until the write lands (or the bound of {@link #MAX_ROUNDS} is hit). So
 * copies never move backwards, the status always matches the copies it was written with, and every
 * read and write is a lookup on {@code _id} (or on exactly the keys of the unique
 * {@code request_revision} index), never a scan.
 */
final class ProductCopies {

    private static final Logger LOG = LoggerFactory.getLogger(ProductCopies.class);

    /**
     * Rounds of read and conditional write before a copy is left to the repair at finish. Every
     * round at least one of the writers contending for a product wins, so with k writers on one
     * product the last is done within k rounds; the bound only stops a pathological loop.
     */
    static final int MAX_ROUNDS = 200;

    /** The longest pause, in milliseconds, between rounds; each pause is random up to the round number. */
    private static final int MAX_PAUSE_MILLIS = 20;

    private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);
    private static final Bson PRODUCT_FIELDS = Projections.include(Schema.REQUEST_ID, Schema.STATUS, Products.IMAGES,
            Products.REVISION);
    private static final List<String> COPIED_FIELDS = List.of(Schema.STATUS, Schema.ATTEMPTS, Schema.ERROR,
            Schema.COMPRESSED_URL, Tasks.OUTPUT_KEY, Schema.VERSION);

    private final MongoCollections collections;

    ProductCopies(MongoCollections collections) {
        this.collections = collections;
    }

    /**
     * Brings the copies of the given tasks' images up to the tasks' states.
     *
     * @param tasks task documents as just written, with {@code requestId}, {@code taskId},
     *     {@code status}, {@code version}, {@code attempts}, {@code error}, {@code compressedUrl},
     *     {@code outputKey} and {@code productOrdinals}
     * @return how many products were written
     */
    int update(List<Document> tasks) {
        Map<String, Map<String, Document>> tasksByProduct = tasksByProduct(tasks);
        Set<String> toWrite = tasksByProduct.keySet();
        int written = 0;
        for (int round = 1; !toWrite.isEmpty(); round++) {
            List<WriteModel<Document>> writes = new ArrayList<>();
            Set<String> writing = new LinkedHashSet<>();
            for (Document product : collections.products().find(in(Schema.ID, new ArrayList<>(toWrite)))
                    .projection(PRODUCT_FIELDS).batchSize(toWrite.size())) {
                Bson update = copyUpdate(product, tasksByProduct.get(product.getString(Schema.ID)));
                if (update != null) {
                    writes.add(new UpdateOneModel<>(unchangedSinceRead(product), update));
                    writing.add(product.getString(Schema.ID));
                }
            }
            if (writes.isEmpty()) {
                break;
            }
            BulkWriteResult result = collections.products().bulkWrite(writes, UNORDERED);
            written += result.getMatchedCount();
            if (result.getMatchedCount() == writes.size()) {
                break;
            }
            if (round == MAX_ROUNDS || !pauseBeforeRound(round)) {
                LOG.info("{} product(s) of request {} changed under each of {} copy writes; their copies are repaired "
                        + "before the request finishes", writes.size() - result.getMatchedCount(),
                        tasks.get(0).getString(Schema.REQUEST_ID), round);
                break;
            }
            toWrite = writing;
        }
        return written;
    }

    /**
     * Waits a random moment so that writers who lost a round together do not collide again in step.
     *
     * @return {@code false} if interrupted (the flag is restored and the copy left to the repair)
     */
    private static boolean pauseBeforeRound(int round) {
        int bound = Math.min(round, MAX_PAUSE_MILLIS) + 1;
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(bound));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * @return the update bringing the product's copies of these tasks up to date and its status in
     *     line with its copies, or {@code null} if nothing would change
     */
    static Bson copyUpdate(Document product, Map<String, Document> tasksById) {
        List<Document> images = imageCopies(product);
        List<Bson> sets = new ArrayList<>();
        Progress progress = Progress.empty();
        for (int i = 0; i < images.size(); i++) {
            Document image = images.get(i);
            Document task = tasksById.get(image.getString(Schema.TASK_ID));
            Document shown = image;
            if (task != null && version(image) < version(task)) {
                shown = refreshed(image, task);
                for (String field : COPIED_FIELDS) {
                    sets.add(Updates.set(Products.IMAGES + "." + i + "." + field, shown.get(field)));
                }
            }
            progress = progress.plus(Status.fromWireName(shown.getString(Schema.STATUS)));
        }
        String status = Status.of(progress).wireName();
        if (!status.equals(product.getString(Schema.STATUS))) {
            sets.add(Updates.set(Schema.STATUS, status));
        }
        if (sets.isEmpty()) {
            return null;
        }
        sets.add(Updates.inc(Products.REVISION, 1L));
        return Updates.combine(sets);
    }

    /**
     * @return a filter matching the product only while it is as read: exactly the keys of the unique
     *     {@code request_revision} index ({@code revision} is {@code null} for products written before it existed)
     */
    static Document unchangedSinceRead(Document product) {
        return new Document(Schema.REQUEST_ID, product.get(Schema.REQUEST_ID))
                .append(Schema.ID, product.get(Schema.ID))
                .append(Products.REVISION, product.get(Products.REVISION));
    }

    /** @return the image copy showing the task's current state */
    static Document refreshed(Document image, Document task) {
        String status = copyStatus(task.getString(Schema.STATUS));
        Document copy = new Document(image);
        copy.put(Schema.STATUS, status);
        copy.put(Schema.ATTEMPTS, task.get(Schema.ATTEMPTS));
        copy.put(Schema.ERROR, task.get(Schema.ERROR));
        copy.put(Schema.COMPRESSED_URL, task.get(Schema.COMPRESSED_URL));
        copy.put(Tasks.OUTPUT_KEY, Schema.COMPLETED.equals(status) ? task.get(Tasks.OUTPUT_KEY) : null);
        copy.put(Schema.VERSION, task.get(Schema.VERSION));
        return copy;
    }

    /** @return the status word an image copy shows for a task status ({@code creating} shows as pending) */
    static String copyStatus(String taskStatus) {
        return Tasks.CREATING.equals(taskStatus) ? Schema.PENDING : taskStatus;
    }

    @SuppressWarnings("unchecked")
    static List<Document> imageCopies(Document product) {
        return Objects.requireNonNullElse((List<Document>) product.get(Products.IMAGES), List.of());
    }

    /** Product {@code _id} to the tasks (by task id) whose copies it holds. */
    private Map<String, Map<String, Document>> tasksByProduct(List<Document> tasks) {
        Map<String, Map<String, Document>> byProduct = new LinkedHashMap<>();
        for (Document task : tasks) {
            for (String productId : productIds(task)) {
                byProduct.computeIfAbsent(productId, id -> new HashMap<>()).put(task.getString(Schema.TASK_ID), task);
            }
        }
        return byProduct;
    }

    /**
     * @return the {@code _id}s of the products using the task, from its ordinals, or, for a task
     *     written before tasks listed them, from the products that refer to it
     */
    private List<String> productIds(Document task) {
        String requestId = task.getString(Schema.REQUEST_ID);
        List<?> ordinals = task.get(Tasks.PRODUCT_ORDINALS, List.class);
        List<String> ids = new ArrayList<>();
        if (ordinals != null) {
            for (Object ordinal : ordinals) {
                ids.add(Ids.product(requestId, ((Number) ordinal).intValue()));
            }
            return ids;
        }
        for (Document product : collections.products()
                .find(new Document(Schema.REQUEST_ID, requestId).append(Products.IMAGES_TASK_ID, task.getString(Schema.TASK_ID)))
                .projection(Projections.include(Schema.ID))) {
            ids.add(product.getString(Schema.ID));
        }
        return ids;
    }

    private static long version(Document document) {
        Object version = document.get(Schema.VERSION);
        return version instanceof Number ? ((Number) version).longValue() : -1L;
    }
}
