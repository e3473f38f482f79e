package io.imgpipe.spi;

/**
 * Creates {@link ImageCompressor}s by name; implementations are listed in
 * {@code META-INF/services/io.imgpipe.spi.ImageCompressorProvider}.
 */
public interface ImageCompressorProvider extends ComponentProvider<ImageCompressor> {
}
