package io.imgpipe.server;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fixed set of small files from the class path (the console, the OpenAPI document), read once
 * and served from memory with their content type, a strong {@code ETag} and
 * {@code Cache-Control: no-cache}: browsers keep them but ask again each time, and get a
 * {@code 304} while they are unchanged, so a new version of the server is picked up at once.
 * Anything not in the set is a {@code 404}. Thread-safe.
 */
final class BundledFiles {

    private static final String NOT_FOUND = "File not found";

    private final Map<String, File> files;
    private final Map<String, String> headers;

    private BundledFiles(Map<String, File> files, Map<String, String> headers) {
        this.files = files;
        this.headers = headers;
    }

    /**
     * Reads the files.
     *
     * @param directory the class-path directory holding them, ending with {@code /}
     * @param types each file's name and content type
     * @param headers added to every answer (for example a {@code Content-Security-Policy})
     * @return the files, ready to serve
     * @throws IllegalStateException if one is missing: the jar is broken
     */
    static BundledFiles load(String directory, Map<String, String> types, Map<String, String> headers) {
        Map<String, File> files = new LinkedHashMap<>();
        types.forEach((name, type) -> files.put(name, read(directory + name, type)));
        return new BundledFiles(Map.copyOf(files), Map.copyOf(headers));
    }

    /**
     * Answers with a file: {@code 200} with it, {@code 304} if the client's {@code If-None-Match}
     * names its current version, {@code 404} if there is no such file.
     *
     * @param ctx the exchange
     * @param name the file's name
     */
    void serve(Context ctx, String name) {
        File file = files.get(name);
        headers.forEach(ctx::header);
        ctx.header("X-Content-Type-Options", "nosniff");
        if (file == null) {
            ctx.status(HttpStatus.NOT_FOUND).json(ApiResponses.ErrorBody.of(NOT_FOUND));
            return;
        }
        ctx.header("Cache-Control", "no-cache");
        ctx.header("ETag", file.etag());
        if (matches(ctx.header("If-None-Match"), file.etag())) {
            ctx.status(HttpStatus.NOT_MODIFIED);
            return;
        }
        ctx.contentType(file.contentType());
        ctx.result(file.bytes());
    }

    /** @return whether a file of that name is served */
    boolean contains(String name) {
        return files.containsKey(name);
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    private static File read(String resource, String contentType) {
        byte[] bytes;
        try (InputStream in = BundledFiles.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing from the class path: " + resource);
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        return new File(bytes, contentType, '"' + digest(bytes) + '"');
    }

    private static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JVM", e);
        }
    }

    private record File(byte[] bytes, String contentType, String etag) {
    }
}
