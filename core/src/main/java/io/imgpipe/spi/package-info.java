/**
 * The service provider interface: the five slots of the engine ({@link io.imgpipe.spi.CsvIngestor},
 * {@link io.imgpipe.spi.ImageFetcher}, {@link io.imgpipe.spi.ImageCompressor},
 * {@link io.imgpipe.spi.ObjectStore}, {@link io.imgpipe.spi.ProductRepository}), the records they
 * exchange, and the provider factories used to choose an implementation by name or by discovery.
 *
 * <p>Every repository and object store implementation is expected to pass the contract suites
 * shipped in core's test-jar ({@code io.imgpipe.testkit}).
 */
package io.imgpipe.spi;
