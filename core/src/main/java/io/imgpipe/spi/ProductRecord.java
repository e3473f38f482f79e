package io.imgpipe.spi;

import java.util.List;
import java.util.Objects;

/**
 * A stored product with its images.
 *
 * @param rowIndex the 0-based position of the row in the uploaded file
 * @param serialNumber the product's {@code S. No.}
 * @param productName the product name
 * @param images the images, in cell order
 */
public record ProductRecord(int rowIndex, long serialNumber, String productName, List<ImageRecord> images) {

    /** Copies the list and checks required parts are present. */
    public ProductRecord {
        Objects.requireNonNull(productName, "productName");
        images = List.copyOf(images);
    }
}
