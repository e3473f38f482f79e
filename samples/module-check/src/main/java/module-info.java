/** Uses the imgpipe library modules as a modular host does. */
module io.imgpipe.sample.modules {
    requires io.imgpipe.core;
    requires io.imgpipe.mongo;
    requires io.imgpipe.sql;
    requires io.imgpipe.s3;
    requires java.desktop;
    requires jdk.httpserver;

    uses io.imgpipe.spi.ProductRepositoryProvider;
    uses io.imgpipe.spi.ObjectStoreProvider;
}
