package io.imgpipe.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;

import com.mongodb.MongoException;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.UpdateResult;
import io.imgpipe.RepositoryException;
import io.imgpipe.mongo.Schema.Products;
import io.imgpipe.mongo.Schema.Requests;
import io.imgpipe.mongo.Schema.Tasks;
import io.imgpipe.spi.NewImage;
import io.imgpipe.spi.NewProduct;
import io.imgpipe.spi.NewRequest;
import io.imgpipe.spi.NewTask;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a new request without transactions, in steps that keep it invisible until its commit:
 * <ol>
 *   <li>{@link #begin}: the request document, {@code state: "creating"}, with a creation token;
 *   <li>{@link #insertTasks}: the tasks, {@code status: "creating"} and no {@code availableAt}
 *       (never claimable), in batches;
 *   <li>{@link #insertProducts}: the products, in batches;
 *   <li>{@link #commit}: the request flips to {@code committed} if still {@code creating} under the
 *       same token (the commit point: from here on it is visible and durable);
 *   <li>{@link #releaseTasks}: its tasks become {@code pending}, claimable at once, and the request
 *       {@code open}.
 * </ol>
 * A creator that dies before its commit leaves a {@code creating} request that housekeeping
 * deletes after the creation timeout; one that dies between commit and release leaves a
 * {@code committed} request whose tasks housekeeping releases.
 */
final class RequestCreator {

    private static final Logger LOG = LoggerFactory.getLogger(RequestCreator.class);

    private final MongoCollections collections;
    private final Turns turns;
    private final int batchSize;
    private final Clock clock;

    RequestCreator(MongoCollections collections, Turns turns, int batchSize, Clock clock) {
        this.collections = collections;
        this.turns = turns;
        this.batchSize = batchSize;
        this.clock = clock;
    }

    void create(NewRequest request) {
        requireValidTaskIds(request);
        String requestId = request.requestId();
        String token = UUID.randomUUID().toString();
        begin(request, token);
        try {
            insertTasks(request, token);
            insertProducts(request, token);
            commit(requestId, token);
        } catch (RuntimeException e) {
            if (e instanceof MongoException && committedUnder(requestId, token)) {
                LOG.info("Request {} was committed although the commit reported {}", requestId, e.toString());
            } else {
                discard(requestId, token, e);
                throw e instanceof MongoException
                        ? MongoErrors.translate("creating request " + requestId, (MongoException) e)
                        : e;
            }
        }
        try {
            releaseTasks(requestId);
        } catch (MongoException e) {
            LOG.warn("Request {} is stored but releasing its tasks failed ({}); housekeeping will release them",
                    requestId, e.toString());
        }
    }

    void begin(NewRequest request, String token) {
        Document creation = new Document("token", token).append("startedAt", Date.from(clock.instant()));
        long seq;
        try {
            seq = turns.take(1);
        } catch (MongoException e) {
            throw MongoErrors.translate("creating request " + request.requestId(), e);
        }
        Document doc = new Document(Schema.ID, request.requestId())
                .append(Schema.REQUEST_ID, request.requestId())
                .append(Requests.STATE, Requests.CREATING)
                .append(Schema.STATUS, Schema.PENDING)
                .append(Schema.CREATED_AT, Date.from(request.createdAt()))
                .append(Schema.FINISHED_AT, null)
                .append(Requests.METADATA, new Document(new HashMap<String, Object>(request.metadata())))
                .append(Requests.PRODUCT_COUNT, request.products().size())
                .append(Requests.IMAGE_COUNT, request.imageCount())
                .append(Requests.TASK_COUNT, request.tasks().size())
                .append(Requests.SEQ, seq)
                .append(Requests.LAST_SERVED, 0L)
                .append(Requests.IDLE_UNTIL, Tasks.availableAtOnce())
                .append(Requests.IDLE_VERSION, 0L)
                .append(Requests.CREATION, creation);
        try {
            collections.requests().insertOne(doc);
        } catch (MongoException e) {
            if (MongoErrors.isDuplicateKey(e)) {
                throw new RepositoryException("a request with id " + request.requestId() + " already exists", e, false);
            }
            throw MongoErrors.translate("creating request " + request.requestId(), e);
        }
    }

    /**
     * Writes the tasks in batches; before each batch it checks (one lookup by {@code _id}) that
     * the creation is still this creator's, so a creator that was given up stops within one batch.
     */
    void insertTasks(NewRequest request, String token) {
        Map<String, Integer> imagesPerTask = new HashMap<>();
        Map<String, Set<Integer>> ordinalsPerTask = new HashMap<>();
        List<NewProduct> products = inInputOrder(request);
        for (int ordinal = 0; ordinal < products.size(); ordinal++) {
            for (NewImage image : products.get(ordinal).images()) {
                imagesPerTask.merge(image.taskId(), 1, Integer::sum);
                ordinalsPerTask.computeIfAbsent(image.taskId(), id -> new LinkedHashSet<>()).add(ordinal);
            }
        }
        List<Document> batch = new ArrayList<>(Math.min(batchSize, request.tasks().size()));
        for (NewTask task : request.tasks()) {
            batch.add(new Document(Schema.ID, Ids.task(request.requestId(), task.taskId()))
                    .append(Schema.REQUEST_ID, request.requestId())
                    .append(Schema.TASK_ID, task.taskId())
                    .append(Schema.URL, task.url().toString())
                    .append(Schema.OUTPUT_KEY, task.outputKey())
                    .append(Schema.STATUS, Tasks.CREATING)
                    .append(Tasks.IMAGE_COUNT, imagesPerTask.getOrDefault(task.taskId(), 0))
                    .append(Tasks.PRODUCT_ORDINALS, new ArrayList<>(ordinalsPerTask.getOrDefault(task.taskId(), Set.of())))
                    .append(Tasks.FRESH, true)
                    .append(Schema.ATTEMPTS, 0)
                    .append(Tasks.CLAIMS, 0)
                    .append(Tasks.RELEASES, 0)
                    .append(Schema.COMPRESSED_URL, null)
                    .append(Schema.ERROR, null));
            if (batch.size() == batchSize) {
                insert(collections.tasks(), batch, request.requestId(), token);
            }
        }
        insert(collections.tasks(), batch, request.requestId(), token);
    }

    /** Writes the products in batches, checking before each batch as {@link #insertTasks} does. */
    void insertProducts(NewRequest request, String token) {
        List<NewProduct> products = inInputOrder(request);
        List<Document> batch = new ArrayList<>(Math.min(batchSize, products.size()));
        for (int ordinal = 0; ordinal < products.size(); ordinal++) {
            NewProduct product = products.get(ordinal);
            List<Document> images = new ArrayList<>(product.images().size());
            for (NewImage image : product.images()) {
                images.add(new Document(Products.POSITION, image.position())
                        .append(Schema.URL, image.url().toString())
                        .append(Schema.TASK_ID, image.taskId())
                        .append(Schema.STATUS, Schema.PENDING)
                        .append(Schema.COMPRESSED_URL, null)
                        .append(Schema.OUTPUT_KEY, null)
                        .append(Schema.ERROR, null)
                        .append(Schema.ATTEMPTS, 0));
            }
            batch.add(new Document(Schema.ID, Ids.product(request.requestId(), ordinal))
                    .append(Schema.REQUEST_ID, request.requestId())
                    .append(Products.ROW_INDEX, product.rowIndex())
                    .append(Products.SERIAL_NUMBER, product.serialNumber())
                    .append(Products.PRODUCT_NAME, product.productName())
                    .append(Schema.STATUS, Schema.PENDING)
                    .append(Products.IMAGES, images));
            if (batch.size() == batchSize) {
                insert(collections.products(), batch, request.requestId(), token);
            }
        }
        insert(collections.products(), batch, request.requestId(), token);
    }

    void commit(String requestId, String token) {
        UpdateResult result = collections.requests().updateOne(
                and(eq(Schema.ID, requestId), eq(Requests.STATE, Requests.CREATING), eq(Requests.CREATION_TOKEN, token)),
                Updates.combine(Updates.set(Requests.STATE, Requests.COMMITTED),
                        Updates.set(Requests.CREATION_COMMITTED_AT, Date.from(clock.instant()))));
        if (result.getMatchedCount() == 0) {
            throw givenUp(requestId);
        }
    }

    /**
     * Makes a committed request's tasks claimable and opens it. Idempotent: housekeeping runs it for
     * requests left {@code committed} by a creator that died.
     */
    void releaseTasks(String requestId) {
        collections.tasks().updateMany(and(eq(Schema.REQUEST_ID, requestId), eq(Schema.STATUS, Tasks.CREATING)),
                Updates.combine(Updates.set(Schema.STATUS, Schema.PENDING),
                        Updates.set(Tasks.AVAILABLE_AT, Tasks.availableAtOnce())));
        collections.requests().updateOne(and(eq(Schema.ID, requestId), eq(Requests.STATE, Requests.COMMITTED)),
                Updates.set(Requests.STATE, Requests.OPEN));
    }

    /**
     * Gives up a failed create: marks the request {@code abandoned} if it is still this creator's,
     * and deletes what it wrote if the request is this creator's and not committed (or is gone).
     * The marker is left for housekeeping, which deletes the rows again (a batch whose reply was
     * lost may still land) and removes it after the creation timeout. Best effort: whatever is left
     * is deleted by housekeeping.
     */
    private void discard(String requestId, String token, RuntimeException failure) {
        try {
            collections.requests().updateOne(
                    and(eq(Schema.ID, requestId), eq(Requests.CREATION_TOKEN, token), eq(Requests.STATE, Requests.CREATING)),
                    abandon(clock.instant()));
            Document current = collections.requests().find(eq(Schema.ID, requestId))
                    .projection(new Document(Requests.CREATION, 1).append(Requests.STATE, 1)).first();
            boolean ours = current == null || (token.equals(creationToken(current))
                    && Requests.ABANDONED.equals(current.getString(Requests.STATE)));
            if (ours) {
                deleteAll(collections, requestId);
            }
        } catch (MongoException e) {
            failure.addSuppressed(e);
            LOG.warn("Could not delete the partial request {} ({}); housekeeping will delete it", requestId, e.toString());
        }
    }

    /** {@return whether the request is past its commit under this creator's token} */
    private boolean committedUnder(String requestId, String token) {
        try {
            Document current = collections.requests().find(eq(Schema.ID, requestId))
                    .projection(new Document(Requests.CREATION, 1).append(Requests.STATE, 1)).first();
            if (current == null || !token.equals(creationToken(current))) {
                return false;
            }
            String state = current.getString(Requests.STATE);
            return !Requests.CREATING.equals(state) && !Requests.ABANDONED.equals(state);
        } catch (MongoException e) {
            LOG.debug("Could not read back request {} after a failed commit", requestId, e);
            return false;
        }
    }

    /** {@return the update that gives a creation up at {@code now}} */
    static Bson abandon(Instant now) {
        return Updates.combine(Updates.set(Requests.STATE, Requests.ABANDONED),
                Updates.set(Requests.CREATION_ABANDONED_AT, Date.from(now)));
    }

    private static String creationToken(Document request) {
        Document creation = request.get(Requests.CREATION, Document.class);
        return creation == null ? null : creation.getString("token");
    }

    /** Deletes a request's tasks and products (not its request document). */
    static void deleteAll(MongoCollections collections, String requestId) {
        collections.tasks().deleteMany(eq(Schema.REQUEST_ID, requestId));
        collections.products().deleteMany(eq(Schema.REQUEST_ID, requestId));
    }

    private void insert(com.mongodb.client.MongoCollection<Document> collection, List<Document> batch,
            String requestId, String token) {
        if (batch.isEmpty()) {
            return;
        }
        if (!stillCreating(requestId, token)) {
            throw givenUp(requestId);
        }
        collection.insertMany(batch, new InsertManyOptions().ordered(false));
        batch.clear();
    }

    private boolean stillCreating(String requestId, String token) {
        return collections.requests()
                .find(and(eq(Schema.ID, requestId), eq(Requests.STATE, Requests.CREATING), eq(Requests.CREATION_TOKEN, token)))
                .projection(new Document(Schema.ID, 1)).first() != null;
    }

    private static RepositoryException givenUp(String requestId) {
        return new RepositoryException("creating request " + requestId + " failed: housekeeping gave it up as "
                + "abandoned before it was committed (it took longer than MongoRepositoryConfig.creationTimeout)",
                null, true);
    }

    /** {@return the products in input order: a product's place in it is its ordinal} */
    private static List<NewProduct> inInputOrder(NewRequest request) {
        List<NewProduct> products = new ArrayList<>(request.products());
        products.sort(Comparator.comparingInt(NewProduct::rowIndex));
        return products;
    }

    private static void requireValidTaskIds(NewRequest request) {
        for (NewTask task : request.tasks()) {
            if (task.taskId().isEmpty() || task.taskId().indexOf('/') >= 0) {
                throw new IllegalArgumentException("task id '" + task.taskId() + "' of request " + request.requestId()
                        + " must be non-empty and must not contain '/'");
            }
        }
    }
}
