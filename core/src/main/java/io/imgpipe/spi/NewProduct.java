package io.imgpipe.spi;

import java.util.List;
import java.util.Objects;

/**
 * One product of a new request.
 *
 * @param rowIndex the 0-based position of the row in the uploaded file (input order)
 * @param serialNumber the product's {@code S. No.}, unique within the request
 * @param productName the product name
 * @param images the product's images, in cell order
 */
public record NewProduct(int rowIndex, long serialNumber, String productName, List<NewImage> images) {

    /** Copies the list and checks required parts are present. */
    public NewProduct {
        Objects.requireNonNull(productName, "productName");
        images = List.copyOf(images);
    }
}
