/**
 * Local implementations of the storage slots, for tests, demos and single-machine deployments:
 * {@link io.imgpipe.local.InMemoryProductRepository} (provider name {@code memory}) keeps requests
 * and tasks in the heap, and {@link io.imgpipe.local.FileSystemObjectStore} (provider name
 * {@code filesystem}) keeps output images as files under a root directory. Both pass the contract
 * suites in core's test-jar, like the MongoDB and S3 adapters.
 */
package io.imgpipe.local;
