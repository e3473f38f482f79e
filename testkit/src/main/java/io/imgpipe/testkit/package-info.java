/**
 * Test kit for people who write their own store or compressor: the contract suites every
 * {@code ProductRepository} ({@link io.imgpipe.testkit.ProductRepositoryContract}),
 * {@code ObjectStore} ({@link io.imgpipe.testkit.ObjectStoreContract}) and {@code ImageCompressor}
 * ({@link io.imgpipe.testkit.ImageCompressorContract}) implementation's tests extend, a loopback
 * HTTP server with scripted replies ({@link io.imgpipe.testkit.TestHttpServer}), generated test
 * images ({@link io.imgpipe.testkit.TestImages}) and a decorator for injecting repository faults
 * ({@link io.imgpipe.testkit.ForwardingProductRepository}).
 *
 * <p>Add {@code io.imgpipe:imgpipe-testkit} with test scope; it brings JUnit Jupiter and AssertJ.
 */
package io.imgpipe.testkit;
