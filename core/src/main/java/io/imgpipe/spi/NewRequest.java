package io.imgpipe.spi;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a repository stores for a new request: its products (with their images) and its
 * tasks. Every image names a task of the same request.
 *
 * @param requestId the request's id
 * @param createdAt when it was submitted
 * @param metadata caller-supplied attributes (for example a webhook URL), returned with the status
 * @param products the products, in input order; at least one
 * @param tasks the tasks, one per distinct source URL; at least one
 */
public record NewRequest(String requestId, Instant createdAt, Map<String, String> metadata,
        List<NewProduct> products, List<NewTask> tasks) {

    /** Copies the collections and checks that images and tasks refer to each other consistently. */
    public NewRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(createdAt, "createdAt");
        metadata = Map.copyOf(metadata);
        products = List.copyOf(products);
        tasks = List.copyOf(tasks);
        if (products.isEmpty() || tasks.isEmpty()) {
            throw new IllegalArgumentException("a request needs at least one product and one task");
        }
        Set<String> taskIds = new HashSet<>();
        for (NewTask task : tasks) {
            if (!taskIds.add(task.taskId())) {
                throw new IllegalArgumentException("duplicate task id " + task.taskId());
            }
        }
        for (NewProduct product : products) {
            for (NewImage image : product.images()) {
                if (!taskIds.contains(image.taskId())) {
                    throw new IllegalArgumentException("image " + image.url() + " of product " + product.serialNumber()
                            + " names unknown task " + image.taskId());
                }
            }
        }
    }

    /** {@return the number of images over all products} */
    public int imageCount() {
        return products.stream().mapToInt(p -> p.images().size()).sum();
    }
}
