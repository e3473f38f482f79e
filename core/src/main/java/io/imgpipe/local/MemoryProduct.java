package io.imgpipe.local;

import io.imgpipe.spi.ImageRecord;
import io.imgpipe.spi.NewProduct;
import io.imgpipe.spi.ProductRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * A stored product of an {@link InMemoryProductRepository}: the product as submitted and, per
 * image, the task that produces it. Immutable; {@link #toRecord()} reads task state and so must
 * run under the repository's lock.
 *
 * @param product the product as submitted
 * @param imageTasks the task of each image, in the order of {@code product.images()}
 */
record MemoryProduct(NewProduct product, List<MemoryTask> imageTasks) {

    int rowIndex() {
        return product.rowIndex();
    }

    ProductRecord toRecord() {
        List<ImageRecord> images = new ArrayList<>(imageTasks.size());
        for (int i = 0; i < imageTasks.size(); i++) {
            images.add(imageTasks.get(i).toImageRecord(product.images().get(i)));
        }
        return new ProductRecord(product.rowIndex(), product.serialNumber(), product.productName(), images);
    }
}
