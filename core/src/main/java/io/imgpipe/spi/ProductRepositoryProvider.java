package io.imgpipe.spi;

/**
 * Creates {@link ProductRepository}s by name; implementations are listed in
 * {@code META-INF/services/io.imgpipe.spi.ProductRepositoryProvider}.
 */
public interface ProductRepositoryProvider extends ComponentProvider<ProductRepository> {
}
