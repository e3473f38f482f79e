package io.imgpipe.mongo;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
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
 * Reads a request's products page by page, joined with their tasks: in input order a page is a
 * run of product {@code _id}s ({@code <requestId>/<ordinal>}, ordinals in input order) fetched with
 * one {@code $in} on {@code _id}; in serial-number order, the next products after the last one
 * read, through the {@code request_serial} index; then the tasks of the page's unfinished image
 * copies with one more query (a copy that shows an outcome is exact and needs no task). No cursor
 * stays open while the caller consumes a page.
 */
final class ProductPages {

    private static final Logger LOG = LoggerFactory.getLogger(ProductPages.class);

    private static final Bson TASK_FIELDS = Projections.include(Schema.TASK_ID, Schema.STATUS, Schema.OUTPUT_KEY,
            Schema.COMPRESSED_URL, Schema.ERROR, Schema.ATTEMPTS, Schema.SOURCE_BYTES, Schema.OUTPUT_BYTES,
            Schema.WIDTH, Schema.HEIGHT);

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
     * Calls {@code action} with each product of the request, by serial number then row index, with
     * its tasks' current state: pages of up to the page size read through the {@code request_serial}
     * index with keyset bounds (the serial number and row index of the page's last product).
     */
    void forEachBySerial(String requestId, Consumer<ProductRecord> action) {
        Bson ofRequest = eq(Schema.REQUEST_ID, requestId);
        Bson order = Sorts.ascending(Products.SERIAL_NUMBER, Products.ROW_INDEX);
        Bson filter = ofRequest;
        while (true) {
            List<Document> products = collections.products().find(filter).sort(order).limit(pageSize)
                    .into(new ArrayList<>(pageSize));
            Map<String, Document> tasks = tasksOf(requestId, products);
            for (Document product : products) {
                action.accept(toRecord(product, tasks));
            }
            if (products.size() < pageSize) {
                return;
            }
            Document last = products.get(products.size() - 1);
            Object serial = last.get(Products.SERIAL_NUMBER);
            Object rowIndex = last.get(Products.ROW_INDEX);
            filter = Filters.and(ofRequest, Filters.or(Filters.gt(Products.SERIAL_NUMBER, serial),
                    Filters.and(Filters.eq(Products.SERIAL_NUMBER, serial), Filters.gt(Products.ROW_INDEX, rowIndex))));
        }
    }

    /**
     * Rewrites the image copies and status of every product whose copies do not all show their
     * tasks' outcomes. Run when every task of the request has ended, so the tasks no longer change
     * and the rewrite is final.
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
                    Document fresh = new Document(image);
                    if (task != null && !ProductCopies.isFinal(image) && ProductCopies.hasEnded(task)) {
                        fresh.putAll(ProductCopies.outcome(task));
                    }
                    expected.add(fresh);
                    progress = progress.plus(Status.fromWireName(copyStatus(fresh.getString(Schema.STATUS))));
                }
                String status = Status.of(progress).wireName();
                if (!expected.equals(images) || !status.equals(product.getString(Schema.STATUS))) {
                    writes.add(new UpdateOneModel<>(eq(Schema.ID, product.get(Schema.ID)),
                            Updates.combine(Updates.set(Products.IMAGES, expected), Updates.set(Schema.STATUS, status))));
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
        for (String id : ids) {
            Document product = byId.get(id);
            if (product == null) {
                LOG.warn("Product {} of request {} is missing", id, requestId);
                continue;
            }
            products.add(product);
        }
        return new Page(products, tasksOf(requestId, products));
    }

    /** {@return the tasks of the products' image copies that do not show an outcome yet, by task id} */
    private Map<String, Document> tasksOf(String requestId, List<Document> products) {
        Set<String> taskIds = new LinkedHashSet<>();
        for (Document product : products) {
            for (Document image : ProductCopies.imageCopies(product)) {
                if (!ProductCopies.isFinal(image)) {
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
        return tasks;
    }

    /**
     * {@return the image as a record: from its copy if the copy shows an outcome, else from its task
     *     (whose {@code attempts} counts the tries that ended, plus the one in progress)}
     */
    private static ProductRecord toRecord(Document product, Map<String, Document> tasks) {
        List<ImageRecord> images = new ArrayList<>();
        for (Document image : ProductCopies.imageCopies(product)) {
            String taskId = image.getString(Schema.TASK_ID);
            Document task = ProductCopies.isFinal(image) ? null : tasks.get(taskId);
            Document source = task == null ? image : task;
            Status status = Status.fromWireName(copyStatus(source.getString(Schema.STATUS)));
            int attempts = TaskQueue.intOf(source, Schema.ATTEMPTS)
                    + (task != null && status == Status.PROCESSING ? 1 : 0);
            String error = status == Status.PENDING || status == Status.FAILED ? source.getString(Schema.ERROR) : null;
            URI url = URI.create(image.getString(Schema.URL));
            int position = image.getInteger(Products.POSITION);
            String compressedUrl = source.getString(Schema.COMPRESSED_URL);
            images.add(status == Status.COMPLETED
                    ? new ImageRecord(position, url, taskId, status, source.getString(Schema.OUTPUT_KEY),
                            compressedUrl == null ? null : URI.create(compressedUrl), null, attempts,
                            longOf(source, Schema.SOURCE_BYTES), longOf(source, Schema.OUTPUT_BYTES),
                            TaskQueue.intOf(source, Schema.WIDTH), TaskQueue.intOf(source, Schema.HEIGHT))
                    : new ImageRecord(position, url, taskId, status, null, null, error, attempts, 0, 0, 0, 0));
        }
        return new ProductRecord(product.getInteger(Products.ROW_INDEX), ((Number) product.get(Products.SERIAL_NUMBER)).longValue(),
                product.getString(Products.PRODUCT_NAME), images);
    }

    /**
     * {@return the status word an image shows for a task or copy status ({@code creating} shows as pending)}
     */
    static String copyStatus(String taskStatus) {
        return Tasks.CREATING.equals(taskStatus) ? Schema.PENDING : taskStatus;
    }

    private static long longOf(Document document, String field) {
        Object value = document.get(field);
        return value instanceof Number ? ((Number) value).longValue() : 0L;
    }

    private record Page(List<Document> products, Map<String, Document> tasks) {
    }
}
