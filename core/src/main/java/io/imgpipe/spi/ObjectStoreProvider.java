package io.imgpipe.spi;

/**
 * Creates {@link ObjectStore}s by name; implementations are listed in
 * {@code META-INF/services/io.imgpipe.spi.ObjectStoreProvider}.
 */
public interface ObjectStoreProvider extends ComponentProvider<ObjectStore> {
}
