/**
 * The example server: the original system's REST API ({@code POST /product/upload},
 * {@code GET /product/status/{requestId}}, its {@code /csv}, {@code /health}) on Javalin, over a
 * {@link io.imgpipe.ProcessingEngine}. {@link io.imgpipe.server.Main} reads
 * {@link io.imgpipe.server.ServerConfig} from the environment and a {@code .env} file and runs a
 * {@link io.imgpipe.server.Server}, on an embedded MongoDB-compatible store and local files by
 * default, or on MongoDB and S3.
 */
package io.imgpipe.server;
