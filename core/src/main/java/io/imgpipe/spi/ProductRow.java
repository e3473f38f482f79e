package io.imgpipe.spi;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * One validated row of an uploaded CSV.
 *
 * @param line the 1-based physical line the row starts on, for messages
 * @param serialNumber the row's {@code S. No.}, or its 1-based position among the data rows when
 *     the file has no {@code S. No.} column; unique within the file
 * @param productName the trimmed product name; never blank
 * @param imageUrls the absolute http(s) URLs of the row's images, in cell order; at least one
 */
public record ProductRow(long line, long serialNumber, String productName, List<URI> imageUrls) {

    /** Copies the list and checks required parts are present. */
    public ProductRow {
        Objects.requireNonNull(productName, "productName");
        imageUrls = List.copyOf(imageUrls);
    }
}
