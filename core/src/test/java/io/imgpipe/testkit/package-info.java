/**
 * Test kit shipped in core's test-jar: the contract suites every {@code ProductRepository} and
 * {@code ObjectStore} implementation's tests extend, a loopback HTTP server with scripted
 * replies, and generated test images.
 */
package io.imgpipe.testkit;
