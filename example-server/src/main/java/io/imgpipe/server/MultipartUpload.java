package io.imgpipe.server;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a {@code multipart/form-data} upload with Jetty's parser, streaming file parts to
 * temporary files (at most {@value #IN_MEMORY_BYTES} bytes of a part are held in memory) and
 * refusing, while reading, a file part over the limit or a request over the limit plus
 * {@value #FORM_OVERHEAD_BYTES} bytes for boundaries and small fields. A declared
 * {@code Content-Length} over that is refused before anything is read. Jetty deletes the
 * temporary files when the request ends.
 *
 * <p>One instance per request; not thread-safe.
 */
final class MultipartUpload {

    /** Bytes allowed on top of the file for boundaries, part headers and form fields. */
    static final long FORM_OVERHEAD_BYTES = 64 * 1024;
    /** The most bytes of one part kept in memory before it goes to a temporary file. */
    static final int IN_MEMORY_BYTES = 64 * 1024;
    /** The longest form field read. */
    static final int MAX_FIELD_CHARS = 4096;

    private static final String MULTIPART_CONFIG_ATTRIBUTE = "org.eclipse.jetty.multipartConfig";

    private final Collection<Part> parts;

    private MultipartUpload(Collection<Part> parts) {
        this.parts = parts;
    }

    /**
     * Parses the request's parts.
     *
     * @param request the request
     * @param tempDir where file parts are spooled
     * @param maxFileBytes the largest file part accepted
     * @return the parts
     * @throws UploadRefusedException with status 400 if the request is not multipart or is
     *     malformed, 413 if it is too large
     * @throws IOException if reading the request fails for another reason
     */
    static MultipartUpload read(HttpServletRequest request, Path tempDir, long maxFileBytes) throws IOException {
        String contentType = request.getContentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new UploadRefusedException(400, "Expected a multipart/form-data upload with the CSV in a part named 'file'");
        }
        long maxRequestBytes = maxFileBytes + FORM_OVERHEAD_BYTES;
        if (request.getContentLengthLong() > maxRequestBytes) {
            throw tooLarge(maxFileBytes);
        }
        request.setAttribute(MULTIPART_CONFIG_ATTRIBUTE,
                new MultipartConfigElement(tempDir.toString(), maxFileBytes, maxRequestBytes, IN_MEMORY_BYTES));
        try {
            return new MultipartUpload(request.getParts());
        } catch (IllegalStateException e) {
            throw sizeOrMalformed(e, maxFileBytes);
        } catch (ServletException e) {
            throw sizeOrMalformed(e, maxFileBytes);
        } catch (IOException e) {
            if (isSizeLimit(e)) {
                throw tooLarge(maxFileBytes);
            }
            throw e;
        }
    }

    /**
     * @param name a part name
     * @return the first part of that name
     */
    Optional<Part> part(String name) {
        return parts.stream().filter(part -> name.equals(part.getName())).findFirst();
    }

    /**
     * @param name a form field
     * @return its value, stripped, or empty if absent or blank
     * @throws UploadRefusedException with status 400 if it is longer than {@value #MAX_FIELD_CHARS} characters
     * @throws IOException if reading it fails
     */
    Optional<String> field(String name) throws IOException {
        Optional<Part> part = part(name);
        if (part.isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes;
        try (InputStream in = part.get().getInputStream()) {
            bytes = in.readNBytes(MAX_FIELD_CHARS * 4 + 1);
        }
        String value = new String(bytes, StandardCharsets.UTF_8).strip();
        if (value.length() > MAX_FIELD_CHARS) {
            throw new UploadRefusedException(400, "The form field '" + name + "' is longer than " + MAX_FIELD_CHARS
                    + " characters");
        }
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private static UploadRefusedException sizeOrMalformed(Exception e, long maxFileBytes) {
        if (isSizeLimit(e)) {
            return tooLarge(maxFileBytes);
        }
        return new UploadRefusedException(400, "Malformed multipart upload: " + rootMessage(e));
    }

    private static boolean isSizeLimit(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (t instanceof IllegalStateException && message.startsWith("max ") && message.contains("exceeded")) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static UploadRefusedException tooLarge(long maxFileBytes) {
        return new UploadRefusedException(413, "The upload is too large: the CSV may have at most " + maxFileBytes + " bytes");
    }

    /** An upload refused before it reached the engine, with the HTTP status to answer. */
    static final class UploadRefusedException extends IOException {

        private static final long serialVersionUID = 1L;

        private final int status;
        private final String field;

        /**
         * @param status the HTTP status to answer
         * @param message what is wrong
         */
        UploadRefusedException(int status, String message) {
            this(status, null, message);
        }

        /**
         * @param status the HTTP status to answer
         * @param field the form part or field concerned, or {@code null}
         * @param message what is wrong
         */
        UploadRefusedException(int status, String field, String message) {
            super(message);
            this.status = status;
            this.field = field;
        }

        int status() {
            return status;
        }

        /** @return the form part or field concerned, or {@code null} */
        String field() {
            return field;
        }

        /**
         * @return {@code true} when the refusal came before the request body was read to its end
         *     (not multipart, or too large), so the connection must not be reused
         */
        boolean bodyMayBeUnread() {
            return field == null;
        }
    }
}
