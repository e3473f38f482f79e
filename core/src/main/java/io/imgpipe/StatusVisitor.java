package io.imgpipe;

import java.io.IOException;

/**
 * Receives a request's status as {@link ProcessingEngine#streamStatus} reads it: the request
 * first, then its products one at a time, ordered by serial number, so that a caller can write a
 * status of any size without holding it in memory. Both methods run on the thread that called
 * {@code streamStatus}.
 */
public interface StatusVisitor {

    /**
     * Receives the request, before any of its products.
     *
     * @param request the request, with its progress when it was read
     * @throws IOException to stop streaming; {@code streamStatus} rethrows it
     */
    void request(RequestSummary request) throws IOException;

    /**
     * Receives the next product.
     *
     * @param product the product with its images' status when its page was read
     * @throws IOException to stop streaming; {@code streamStatus} rethrows it
     */
    void product(ProductStatus product) throws IOException;
}
