/**
 * imgpipe store-mongo: a {@code ProductRepository} on MongoDB, shared by many workers in many
 * processes.
 */
module io.imgpipe.mongo {
    requires transitive io.imgpipe.core;
    requires transitive org.mongodb.driver.sync.client;
    requires org.mongodb.driver.core;
    requires org.mongodb.bson;
    requires org.slf4j;

    exports io.imgpipe.mongo;

    provides io.imgpipe.spi.ProductRepositoryProvider with io.imgpipe.mongo.MongoProductRepositoryProvider;
}
