package io.imgpipe;

import java.util.List;
import java.util.Objects;

/**
 * The status of one product of a request.
 *
 * @param serialNumber the product's {@code S. No.}
 * @param productName the product name
 * @param status derived from its images (see {@link Status})
 * @param images its images, in cell order
 */
public record ProductStatus(long serialNumber, String productName, Status status, List<ImageStatus> images) {

    /** Copies the list and checks required parts are present. */
    public ProductStatus {
        Objects.requireNonNull(productName, "productName");
        Objects.requireNonNull(status, "status");
        images = List.copyOf(images);
    }
}
