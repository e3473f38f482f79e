package io.imgpipe.internal;

import io.imgpipe.SubmitOptions;
import io.imgpipe.spi.NewImage;
import io.imgpipe.spi.NewProduct;
import io.imgpipe.spi.NewRequest;
import io.imgpipe.spi.NewTask;
import io.imgpipe.spi.ProductRow;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns validated CSV rows into a {@link NewRequest}: one task per distinct source URL (so a URL
 * repeated within the request is fetched and compressed once), named after the first image that
 * uses it, with the deterministic output key {@code <requestId>/<serial>-<position>.<ext>}.
 */
public final class RequestPlanner {

    private final String outputExtension;

    /**
     * Creates a {@code RequestPlanner}.
     *
     * @param outputExtension the extension of the compressor's output, without a dot
     */
    public RequestPlanner(String outputExtension) {
        this.outputExtension = outputExtension;
    }

    /** {@return a new random request id (a UUID)} */
    public static String newRequestId() {
        return UUID.randomUUID().toString();
    }

    /**
     * {@return the key the task's output is stored under}
     *
     * @param requestId a request's id
     * @param taskId one of its tasks
     */
    public String outputKey(String requestId, String taskId) {
        return requestId + "/" + taskId + "." + outputExtension;
    }

    /**
     * {@return the request to store}
     *
     * @param requestId the new request's id
     * @param rows the validated rows, in input order
     * @param options the submission options
     * @param now the submission time
     */
    public NewRequest plan(String requestId, List<ProductRow> rows, SubmitOptions options, Instant now) {
        Map<URI, String> taskIdByUrl = new HashMap<>();
        List<NewTask> tasks = new ArrayList<>();
        List<NewProduct> products = new ArrayList<>(rows.size());
        for (int rowIndex = 0; rowIndex < rows.size(); rowIndex++) {
            ProductRow row = rows.get(rowIndex);
            List<NewImage> images = new ArrayList<>(row.imageUrls().size());
            int position = 1;
            for (URI url : row.imageUrls()) {
                String taskId = taskIdByUrl.get(url);
                if (taskId == null) {
                    taskId = row.serialNumber() + "-" + position;
                    taskIdByUrl.put(url, taskId);
                    tasks.add(new NewTask(taskId, url, outputKey(requestId, taskId)));
                }
                images.add(new NewImage(position, url, taskId));
                position++;
            }
            products.add(new NewProduct(rowIndex, row.serialNumber(), row.productName(), images));
        }
        return new NewRequest(requestId, now, options.metadata(), products, tasks);
    }
}
