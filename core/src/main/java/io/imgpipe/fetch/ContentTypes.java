package io.imgpipe.fetch;

import java.util.Locale;
import java.util.Set;

/** Recognises declared {@code Content-Type}s that are certainly not images. */
final class ContentTypes {

    private static final Set<String> NON_IMAGE_PREFIXES = Set.of("text/", "audio/", "video/", "font/", "multipart/", "message/", "model/");
    private static final Set<String> NON_IMAGE_TYPES = Set.of("application/javascript", "application/ecmascript",
            "application/x-javascript", "application/pdf", "application/x-www-form-urlencoded");

    private ContentTypes() {
    }

    /**
     * A missing type, {@code image/*}, {@code application/octet-stream} and types not known to be
     * something else are not refused here: the body's magic bytes decide.
     *
     * @param contentType a {@code Content-Type} header value, or {@code null}
     * @return {@code true} if it declares a non-image body, such as HTML, text, JSON or XML
     */
    static boolean declaresNonImage(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return false;
        }
        String mime = mimeType(contentType);
        if (mime.startsWith("image/")) {
            return false;
        }
        for (String prefix : NON_IMAGE_PREFIXES) {
            if (mime.startsWith(prefix)) {
                return true;
            }
        }
        return NON_IMAGE_TYPES.contains(mime) || mime.endsWith("/json") || mime.endsWith("+json")
                || mime.endsWith("/xml") || mime.endsWith("+xml");
    }

    /**
     * {@return its media type, lower case, parameters removed}
     *
     * @param contentType a header value
     */
    static String mimeType(String contentType) {
        int semicolon = contentType.indexOf(';');
        String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return type.trim().toLowerCase(Locale.ROOT);
    }
}
