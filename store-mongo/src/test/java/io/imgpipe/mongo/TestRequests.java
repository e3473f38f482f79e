package io.imgpipe.mongo;

import io.imgpipe.spi.NewImage;
import io.imgpipe.spi.NewProduct;
import io.imgpipe.spi.NewRequest;
import io.imgpipe.spi.NewTask;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link NewRequest}s the way the engine does: one task per distinct URL of the request,
 * named after the first image that uses it, with the output key
 * {@code <requestId>/<serial>-<position>.jpg}.
 */
final class TestRequests {

    private TestRequests() {
    }

    /**
     * @param requestId the request id
     * @param createdAt its submission time
     * @param urlsPerProduct per product (serial numbers 1, 2, ...), its image URLs in cell order
     */
    static NewRequest request(String requestId, Instant createdAt, List<List<String>> urlsPerProduct) {
        return request(requestId, createdAt, Map.of(), urlsPerProduct);
    }

    static NewRequest request(String requestId, Instant createdAt, Map<String, String> metadata,
            List<List<String>> urlsPerProduct) {
        Map<String, NewTask> tasks = new LinkedHashMap<>();
        List<NewProduct> products = new ArrayList<>(urlsPerProduct.size());
        for (int row = 0; row < urlsPerProduct.size(); row++) {
            long serial = row + 1;
            List<NewImage> images = new ArrayList<>();
            List<String> urls = urlsPerProduct.get(row);
            for (int i = 0; i < urls.size(); i++) {
                int position = i + 1;
                URI url = URI.create(urls.get(i));
                NewTask task = tasks.computeIfAbsent(url.toString(), u -> new NewTask("t" + (tasks.size() + 1), url,
                        requestId + "/" + serial + "-" + position + ".jpg"));
                images.add(new NewImage(position, url, task.taskId()));
            }
            products.add(new NewProduct(row, serial, "Product " + serial, images));
        }
        return new NewRequest(requestId, createdAt, metadata, products, new ArrayList<>(tasks.values()));
    }

    /** A request of {@code rows} products with {@code imagesPerRow} distinct URLs each. */
    static NewRequest large(String requestId, Instant createdAt, int rows, int imagesPerRow) {
        List<List<String>> urls = new ArrayList<>(rows);
        for (int row = 0; row < rows; row++) {
            List<String> cell = new ArrayList<>(imagesPerRow);
            for (int i = 0; i < imagesPerRow; i++) {
                cell.add("https://images.example.com/p" + row + "/" + i + ".jpg");
            }
            urls.add(cell);
        }
        return request(requestId, createdAt, urls);
    }
}
