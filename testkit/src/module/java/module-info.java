/**
 * imgpipe testkit: contract suites (JUnit Jupiter) for {@code ProductRepository},
 * {@code ObjectStore} and {@code ImageCompressor} implementations, a loopback HTTP server and
 * generated test images.
 */
module io.imgpipe.testkit {
    requires transitive io.imgpipe.core;
    requires transitive java.desktop;
    requires transitive org.junit.jupiter.api;
    requires transitive org.junit.jupiter.params;
    requires transitive org.assertj.core;
    requires jdk.httpserver;

    exports io.imgpipe.testkit;
    // JUnit calls the suites' package-private test methods reflectively
    opens io.imgpipe.testkit to org.junit.platform.commons;
}
