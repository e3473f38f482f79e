package io.imgpipe.server;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.Part;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletMultiPartFormData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@code multipart/form-data} upload with Jetty's parser, streaming file parts to
 * temporary files (at most {@value #IN_MEMORY_BYTES} bytes of a part are held in memory) and
 * refusing, while reading, a file part over the limit or a request over the limit plus
 * {@value #FORM_OVERHEAD_BYTES} bytes for boundaries and small fields. A declared
 * {@code Content-Length} over that is refused before anything is read.
 *
 * <p>The body must arrive within a deadline, however steadily it trickles: each read is checked
 * against it, and a read that waits for bytes is bounded by the connection's idle timeout. A
 * malformed body is refused with a fixed sentence saying what is wrong, never with a parser's
 * exception text. {@link #deleteFiles()} deletes the temporary files.
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

    private static final Logger log = LoggerFactory.getLogger(MultipartUpload.class);
    private static final String MULTIPART_CONFIG_ATTRIBUTE = "org.eclipse.jetty.multipartConfig";
    private static final Pattern BOUNDARY = Pattern.compile("(?i);\\s*boundary\\s*=\\s*(\"[^\"]+\"|[^;\\s]+)");
    private static final String MALFORMED = "Malformed multipart/form-data upload: ";
    private static final String ENDED_EARLY = "the body ended before its closing boundary (check that it is complete"
            + " and uses the boundary declared in the Content-Type header)";
    private static final String NO_NAME = "a part has no Content-Disposition header with a form-data name";
    private static final String SHAPE = " (each part needs a 'Content-Disposition: form-data; name=...' header, and the"
            + " body must end with the closing boundary)";

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
     * @param timeout the longest the whole body may take to arrive
     * @return the parts
     * @throws UploadRefusedException with status 400 if the request is not multipart or is
     *     malformed, 408 if its body does not arrive in time, 413 if it is too large
     * @throws IOException if reading the request fails for another reason
     */
    static MultipartUpload read(HttpServletRequest request, Path tempDir, long maxFileBytes, Duration timeout)
            throws IOException {
        String contentType = request.getContentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new UploadRefusedException(400, "Expected a multipart/form-data upload with the CSV in a part named 'file'");
        }
        if (!BOUNDARY.matcher(contentType).find()) {
            throw new UploadRefusedException(400, MALFORMED + "the Content-Type header has no boundary parameter"
                    + " (multipart/form-data; boundary=...)");
        }
        long maxRequestBytes = maxFileBytes + FORM_OVERHEAD_BYTES;
        if (request.getContentLengthLong() > maxRequestBytes) {
            throw tooLarge(maxFileBytes);
        }
        request.setAttribute(MULTIPART_CONFIG_ATTRIBUTE,
                new MultipartConfigElement(tempDir.toString(), maxFileBytes, maxRequestBytes, IN_MEMORY_BYTES));
        try {
            MultipartUpload upload = new MultipartUpload(
                    ServletMultiPartFormData.from(new DeadlineRequest(request, timeout)).join().getParts());
            if (upload.parts.stream().anyMatch(part -> part.getName() == null || part.getName().isBlank())) {
                upload.deleteFiles();
                throw new UploadRefusedException(400, MALFORMED + NO_NAME + SHAPE);
            }
            return upload;
        } catch (CompletionException e) {
            throw refusal(e.getCause() == null ? e : e.getCause(), maxFileBytes, timeout);
        } catch (RuntimeException e) {
            throw refusal(e, maxFileBytes, timeout);
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

    /** Deletes the temporary files of the parts. Idempotent. */
    void deleteFiles() {
        for (Part part : parts) {
            try {
                part.delete();
            } catch (IOException | RuntimeException e) {
                log.debug("cannot delete the temporary file of part {}", part.getName(), e);
            }
        }
    }

    /** Turns a failure to read the body into the answer to give: 408, 413 or 400 with a fixed sentence. */
    private static IOException refusal(Throwable failure, long maxFileBytes, Duration timeout) {
        if (has(failure, UploadTimeoutException.class)) {
            return new UploadRefusedException(408, "The upload did not arrive within " + timeout.toSeconds()
                    + " seconds; send it faster, or a smaller file");
        }
        if (has(failure, TimeoutException.class)) {
            return new UploadRefusedException(408, "The upload stalled: nothing arrived for too long");
        }
        if (isSizeLimit(failure)) {
            return tooLarge(maxFileBytes);
        }
        if (has(failure, EOFException.class)) {
            return new UploadRefusedException(400, MALFORMED + ENDED_EARLY);
        }
        log.info("malformed multipart upload: {}", String.valueOf(failure));
        return new UploadRefusedException(400, MALFORMED + problem(failure) + SHAPE);
    }

    /** Says what is wrong with a malformed body in a fixed sentence, chosen from the parser's messages. */
    private static String problem(Throwable failure) {
        String message = allMessages(failure);
        if (message.contains("content-disposition") || message.contains("name")) {
            return NO_NAME;
        }
        if (message.contains("header")) {
            return "a part's headers are malformed";
        }
        if (message.contains("boundary") || message.contains("preamble")) {
            return "the body does not use the boundary declared in the Content-Type header";
        }
        if (message.contains("incomplete") || message.contains("eof") || message.contains("early")) {
            return ENDED_EARLY;
        }
        return "the body is not valid multipart/form-data";
    }

    private static String allMessages(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            text.append(' ').append(t.getMessage());
        }
        return text.toString().toLowerCase(Locale.ROOT);
    }

    private static boolean has(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSizeLimit(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (t instanceof IllegalStateException && message.startsWith("max ") && message.contains("exceeded")) {
                return true;
            }
        }
        return false;
    }

    private static UploadRefusedException tooLarge(long maxFileBytes) {
        return new UploadRefusedException(413, "The upload is too large: the CSV may have at most " + maxFileBytes + " bytes");
    }

    /** The request seen by the parser: its body is read through a {@link DeadlineInputStream}. */
    private static final class DeadlineRequest extends HttpServletRequestWrapper {

        private final DeadlineInputStream body;

        DeadlineRequest(HttpServletRequest request, Duration timeout) throws IOException {
            super(request);
            this.body = new DeadlineInputStream(request.getInputStream(), timeout);
        }

        @Override
        public ServletInputStream getInputStream() {
            return body;
        }
    }

    /** A request body that fails with {@link UploadTimeoutException} once read past its deadline. */
    private static final class DeadlineInputStream extends ServletInputStream {

        private final ServletInputStream in;
        private final long deadline;

        DeadlineInputStream(ServletInputStream in, Duration timeout) {
            this.in = in;
            this.deadline = System.nanoTime() + timeout.toNanos();
        }

        @Override
        public int read() throws IOException {
            checkDeadline();
            int value = in.read();
            checkDeadline();
            return value;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            checkDeadline();
            int read = in.read(buffer, offset, length);
            checkDeadline();
            return read;
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }

        private void checkDeadline() throws UploadTimeoutException {
            if (System.nanoTime() - deadline > 0) {
                throw new UploadTimeoutException();
            }
        }
    }

    /** The body of an upload did not arrive before its deadline. */
    private static final class UploadTimeoutException extends IOException {

        private static final long serialVersionUID = 1L;

        UploadTimeoutException() {
            super("upload deadline passed");
        }
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
