package io.imgpipe.local;

import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.ProductRepositoryProvider;
import io.imgpipe.spi.ProviderConfig;

/**
 * Provides an {@link InMemoryProductRepository} under the name {@value #NAME}. Reads no
 * properties. Each {@link #create} returns a new, empty repository owned by the caller.
 * Registered in {@code META-INF/services/io.imgpipe.spi.ProductRepositoryProvider}.
 */
public final class InMemoryProductRepositoryProvider implements ProductRepositoryProvider {

    /** The name this provider is chosen by. */
    public static final String NAME = "memory";

    /** Creates the provider (for {@link java.util.ServiceLoader}). */
    public InMemoryProductRepositoryProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * {@return a new, empty repository}
     *
     * @param config ignored
     */
    @Override
    public ProductRepository create(ProviderConfig config) {
        return new InMemoryProductRepository();
    }
}
