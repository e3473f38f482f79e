package io.imgpipe.local;

import io.imgpipe.spi.ProductRepository;
import io.imgpipe.testkit.ProductRepositoryContract;

class InMemoryProductRepositoryTest extends ProductRepositoryContract {

    @Override
    protected ProductRepository newRepository() {
        return new InMemoryProductRepository();
    }
}
