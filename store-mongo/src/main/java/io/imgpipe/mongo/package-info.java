/**
 * A {@link io.imgpipe.spi.ProductRepository} on MongoDB ({@code mongodb-driver-sync}), shared by
 * many workers in many processes without transactions:
 * {@link io.imgpipe.mongo.MongoProductRepository} (built from a
 * {@link io.imgpipe.mongo.MongoRepositoryConfig}) and its provider
 * {@link io.imgpipe.mongo.MongoProductRepositoryProvider}, chosen by the name {@code mongo}.
 */
package io.imgpipe.mongo;
