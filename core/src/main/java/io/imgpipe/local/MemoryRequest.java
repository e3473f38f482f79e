package io.imgpipe.local;

import io.imgpipe.Progress;
import io.imgpipe.Status;
import io.imgpipe.spi.NewImage;
import io.imgpipe.spi.NewProduct;
import io.imgpipe.spi.NewRequest;
import io.imgpipe.spi.NewTask;
import io.imgpipe.spi.RequestRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The mutable state of one request in an {@link InMemoryProductRepository}: its products and
 * tasks, image counts by status kept up to date as tasks move, and its finish and notification
 * state. Not thread-safe: every access after {@link #from} happens under the repository's lock.
 */
final class MemoryRequest {

    private final NewRequest request;
    private final long sequence;
    private final Map<String, MemoryTask> tasks;
    private final List<MemoryProduct> products;
    private final Map<Status, Integer> imageCounts = new EnumMap<>(Status.class);
    private final int imageCount;
    private int openTasks;
    private int failedTasks;
    private long lastServed;

    private Status finishedStatus;
    private Instant finishedAt;
    private boolean notificationOpen;
    private String notificationOwner;
    private Instant notificationExpiresAt;

    private MemoryRequest(NewRequest request, long sequence, LongSupplier taskSequences) {
        this.request = request;
        this.sequence = sequence;
        this.tasks = new HashMap<>(request.tasks().size() * 2);
        for (NewTask task : request.tasks()) {
            tasks.put(task.taskId(), new MemoryTask(this, task, taskSequences.getAsLong()));
        }
        List<MemoryProduct> stored = new ArrayList<>(request.products().size());
        int images = 0;
        for (NewProduct product : request.products()) {
            List<MemoryTask> imageTasks = new ArrayList<>(product.images().size());
            for (NewImage image : product.images()) {
                MemoryTask task = tasks.get(image.taskId());
                task.addImage();
                imageTasks.add(task);
            }
            images += imageTasks.size();
            stored.add(new MemoryProduct(product, List.copyOf(imageTasks)));
        }
        stored.sort(Comparator.comparingInt(MemoryProduct::rowIndex));
        this.products = List.copyOf(stored);
        this.imageCount = images;
        for (Status status : Status.values()) {
            imageCounts.put(status, 0);
        }
        imageCounts.put(Status.PENDING, images);
        this.openTasks = tasks.size();
    }

    /**
     * Builds the stored form of a new request, its tasks all {@code pending}.
     *
     * @param request the request as submitted
     * @param sequence orders requests by creation
     * @param taskSequences hands out a unique, increasing number per task
     * @return the stored request
     */
    static MemoryRequest from(NewRequest request, long sequence, LongSupplier taskSequences) {
        return new MemoryRequest(request, sequence, taskSequences);
    }

    String requestId() {
        return request.requestId();
    }

    long sequence() {
        return sequence;
    }

    /** {@return when a claim last took a task of this request, as a count of servings; 0 if never} */
    long lastServed() {
        return lastServed;
    }

    /**
     * Records when a claim last took a task of this request.
     *
     * @param serving the repository's count of servings when a claim took a task of this request
     */
    void served(long serving) {
        lastServed = serving;
    }

    Instant createdAt() {
        return request.createdAt();
    }

    Collection<MemoryTask> tasks() {
        return tasks.values();
    }

    MemoryTask task(String taskId) {
        return tasks.get(taskId);
    }

    /** {@return the products in input order ({@code rowIndex} ascending); immutable} */
    List<MemoryProduct> products() {
        return products;
    }

    boolean isFinished() {
        return finishedStatus != null;
    }

    /** {@return {@code true} when every task is completed or failed but the request is not finished} */
    boolean isFinishable() {
        return openTasks == 0 && !isFinished();
    }

    void taskMoved(MemoryTask task, Status from, Status to) {
        imageCounts.merge(from, -task.imageCount(), Integer::sum);
        imageCounts.merge(to, task.imageCount(), Integer::sum);
        if (!from.isTerminal() && to.isTerminal()) {
            openTasks--;
        }
        if (to == Status.FAILED) {
            failedTasks++;
        }
    }

    /**
     * Finishes the request and opens its notification.
     *
     * @param now when it finished
     * @param owner who holds the notification
     * @param notificationExpiry until when
     */
    void finish(Instant now, String owner, Instant notificationExpiry) {
        finishedStatus = failedTasks > 0 ? Status.FAILED : Status.COMPLETED;
        finishedAt = now;
        notificationOpen = true;
        holdNotification(owner, notificationExpiry);
    }

    boolean isNotificationOpen() {
        return notificationOpen;
    }

    String notificationOwner() {
        return notificationOwner;
    }

    Instant notificationExpiresAt() {
        return notificationExpiresAt;
    }

    void holdNotification(String owner, Instant expiresAt) {
        notificationOwner = owner;
        notificationExpiresAt = expiresAt;
    }

    void closeNotification() {
        notificationOpen = false;
        notificationOwner = null;
        notificationExpiresAt = null;
    }

    Progress progress() {
        return new Progress(imageCount, imageCounts.get(Status.PENDING), imageCounts.get(Status.PROCESSING),
                imageCounts.get(Status.COMPLETED), imageCounts.get(Status.FAILED));
    }

    RequestRecord toRecord() {
        Progress progress = progress();
        Status status = isFinished() ? finishedStatus : Status.of(progress);
        return new RequestRecord(request.requestId(), status, request.createdAt(), finishedAt, request.metadata(),
                products.size(), progress);
    }
}
