package io.imgpipe.server;

import io.imgpipe.ObjectStoreException;
import io.imgpipe.local.FileSystemObjectStore;
import io.imgpipe.server.ApiResponses.ErrorBody;
import io.imgpipe.spi.ObjectKeys;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /files/{key}}: serves the images of the local object store, so every
 * {@code compressedUrl} opens in a browser. The key is checked with {@link ObjectKeys} and
 * resolved by {@link FileSystemObjectStore#pathOf}, which refuses anything leading outside the
 * store's root (no {@code ..}, no symbolic link out); only regular files are served, never
 * directories or links. The type comes from the extension; {@code nosniff} stops browsers from
 * guessing another. Thread-safe.
 */
final class FileServing {

    private static final Map<String, String> TYPES = Map.of(
            "jpg", "image/jpeg",
            "jpeg", "image/jpeg",
            "png", "image/png",
            "webp", "image/webp",
            "gif", "image/gif");
    private static final String NOT_FOUND = "File not found";

    private final FileSystemObjectStore store;

    /** @param store the store whose files are served */
    FileServing(FileSystemObjectStore store) {
        this.store = store;
    }

    /** @param ctx the exchange; the path parameter {@code key} holds the object key */
    void serve(Context ctx) throws IOException {
        String key = ctx.pathParam("key");
        Path file;
        try {
            ObjectKeys.requireValid(key);
            file = store.pathOf(key);
        } catch (IllegalArgumentException | ObjectStoreException e) {
            ctx.status(HttpStatus.NOT_FOUND).json(ErrorBody.of(NOT_FOUND));
            return;
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            ctx.status(HttpStatus.NOT_FOUND).json(ErrorBody.of(NOT_FOUND));
            return;
        }
        if (!attributes.isRegularFile()) {
            ctx.status(HttpStatus.NOT_FOUND).json(ErrorBody.of(NOT_FOUND));
            return;
        }
        ctx.contentType(contentType(key));
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "public, max-age=86400");
        ctx.res().setContentLengthLong(attributes.size());
        ctx.result(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS));
    }

    static String contentType(String key) {
        int dot = key.lastIndexOf('.');
        String extension = dot < 0 ? "" : key.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(extension, "application/octet-stream");
    }
}
