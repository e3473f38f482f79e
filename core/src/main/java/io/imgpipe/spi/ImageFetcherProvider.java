package io.imgpipe.spi;

/**
 * Creates {@link ImageFetcher}s by name; implementations are listed in
 * {@code META-INF/services/io.imgpipe.spi.ImageFetcherProvider}.
 */
public interface ImageFetcherProvider extends ComponentProvider<ImageFetcher> {
}
