package io.imgpipe.mongo;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.imgpipe.Progress;
import io.imgpipe.Status;
import io.imgpipe.mongo.Schema.Products;
import io.imgpipe.mongo.Schema.Tasks;
import io.imgpipe.spi.ImageRecord;
import io.imgpipe.spi.ProductRecord;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a request's products page by page, joined with their tasks: a page is a run of product
 * {@code _id}s ({@code <requestId>/<ordinal>}, ordinals in input order) fetched with one
 * {@code $in} on {@code _id}, and the page's tasks with one more. No cursor stays open while the
 * caller consumes a page.
 */
final class ProductPages {

    private static final Logger LOG = LoggerFactory.getLogger(ProductPages.class);

    private static final Bson TASK_FIELDS = Projections.include(Schema.TASK_ID, Schema.STATUS, Tasks.OUTPUT_KEY,
            Schema.COMPRESSED_URL, Schema.ERROR, Schema.ATTEMPTS, Schema.VERSION, Schema.REQUEST_ID);

    private final MongoCollections collections;
    private final int pageSize;

    ProductPages(MongoCollections collections, int pageSize) {
        this.collections = collections;
        this.pageSize = pageSize;
    }

    /** Calls {@code action} with each product of the request, in input order, with its tasks' current state. */
    void forEach(String requestId, int productCount, Consumer<ProductRecord> action) {
        for (int start = 0; start < productCount; start += pageSize) {
            Page page = read(requestId, start, Math.min(start + pageSize, productCount));
            for (Document product : page.products()) {
                action.accept(toRecord(product, page.tasks()));
            }
        }
    }

    /**
     * Rewrites the image copies and status of every product whose copy differs from its tasks. Run
     * when every task of the request has ended, so the tasks no longer change and the rewrite is final.
     *
     * @return how many products were rewritten
     */
    int repair(String requestId, int productCount) {
        int repaired = 0;
        for (int start = 0; start < productCount; start += pageSize) {
            Page page = read(requestId, start, Math.min(start + pageSize, productCount));
            List<WriteModel<Document>> writes = new ArrayList<>();
            for (Document product : page.products()) {
                List<Document> images = ProductCopies.imageCopies(product);
                List<Document> expected = new ArrayList<>(images.size());
                Progress progress = Progress.empty();
                for (Document image : images) {
                    Document task = page.tasks().get(image.getString(Schema.TASK_ID));
                    Document fresh = task == null ? image : ProductCopies.refreshed(image, task);
                    expected.add(fresh);
                    progress = progress.plus(Status.fromWireName(fresh.getString(Schema.STATUS)));
                }
                String status = Status.of(progress).wireName();
                if (!expected.equals(images) || !status.equals(product.getString(Schema.STATUS))) {
                    writes.add(new UpdateOneModel<>(eq(Schema.ID, product.get(Schema.ID)),
                            Updates.combine(Updates.set(Products.IMAGES, expected), Updates.set(Schema.STATUS, status),
                                    Updates.inc(Products.REVISION, 1L))));
                }
            }
            if (!writes.isEmpty()) {
                collections.products().bulkWrite(writes, new BulkWriteOptions().ordered(false));
                repaired += writes.size();
            }
        }
        if (repaired > 0) {
            LOG.info("Repaired the image copies of {} products of request {}", repaired, requestId);
        }
        return repaired;
    }

    private Page read(String requestId, int fromOrdinal, int toOrdinal) {
        List<String> ids = new ArrayList<>(toOrdinal - fromOrdinal);
        for (int ordinal = fromOrdinal; ordinal < toOrdinal; ordinal++) {
            ids.add(Ids.product(requestId, ordinal));
        }
        Map<Object, Document> byId = new HashMap<>();
        for (Document product : collections.products().find(in(Schema.ID, ids)).batchSize(ids.size())) {
            byId.put(product.get(Schema.ID), product);
        }
        List<Document> products = new ArrayList<>(ids.size());
        Set<String> taskIds = new LinkedHashSet<>();
        for (String id : ids) {
            Document product = byId.get(id);
            if (product == null) {
                LOG.warn("Product {} of request {} is missing", id, requestId);
                continue;
            }
            products.add(product);
            for (Document image : ProductCopies.imageCopies(product)) {
                if (!isFinal(image)) {
                    taskIds.add(Ids.task(requestId, image.getString(Schema.TASK_ID)));
                }
            }
        }
        Map<String, Document> tasks = new HashMap<>();
        if (!taskIds.isEmpty()) {
            for (Document task : collections.tasks().find(in(Schema.ID, new ArrayList<>(taskIds)))
                    .projection(TASK_FIELDS).batchSize(taskIds.size())) {
                tasks.put(task.getString(Schema.TASK_ID), task);
            }
        }
        return new Page(products, tasks);
    }

    /**
     * A copy showing {@code completed} or {@code failed} is exact: tasks never leave those states,
     * and a copy only ever shows a state its task was in. Only the other copies need their task read.
     */
    private static boolean isFinal(Document image) {
        String status = image.getString(Schema.STATUS);
        return Schema.COMPLETED.equals(status) || Schema.FAILED.equals(status);
    }

    private static ProductRecord toRecord(Document product, Map<String, Document> tasks) {
        List<ImageRecord> images = new ArrayList<>();
        for (Document image : ProductCopies.imageCopies(product)) {
            String taskId = image.getString(Schema.TASK_ID);
            Document task = tasks.getOrDefault(taskId, image);
            Status status = Status.fromWireName(ProductCopies.copyStatus(task.getString(Schema.STATUS)));
            String compressedUrl = task.getString(Schema.COMPRESSED_URL);
            images.add(new ImageRecord(image.getInteger(Products.POSITION), URI.create(image.getString(Schema.URL)), taskId,
                    status,
                    status == Status.COMPLETED ? task.getString(Tasks.OUTPUT_KEY) : null,
                    status == Status.COMPLETED && compressedUrl != null ? URI.create(compressedUrl) : null,
                    task.getString(Schema.ERROR),
                    ((Number) task.get(Schema.ATTEMPTS, 0)).intValue()));
        }
        return new ProductRecord(product.getInteger(Products.ROW_INDEX), ((Number) product.get(Products.SERIAL_NUMBER)).longValue(),
                product.getString(Products.PRODUCT_NAME), images);
    }

    private record Page(List<Document> products, Map<String, Document> tasks) {
    }
}
