package io.imgpipe.sql;

import java.net.URI;

/**
 * Parses the stored URLs of a page of products, where most share their scheme and authority
 * (the outputs of one store, the images of one CDN). Parsing the authority again for each was
 * most of the cost of reading a large request: a URL that starts with the {@code scheme://authority/}
 * of one of the last {@value #BASES} authorities seen and continues with a plain relative path (segments of {@code A-Z a-z 0-9
 * . _ - ~}, never empty, {@code .} or {@code ..}) is resolved against that parsed base instead,
 * which gives the same {@link URI} (equal, and the same string). Any other URL is parsed in full.
 * Not thread-safe: one per page read.
 */
final class UriParser {

    private static final boolean[] PLAIN = new boolean[128];

    static {
        for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-~".toCharArray()) {
            PLAIN[c] = true;
        }
    }

    private static final int BASES = 4;

    private final String[] basePrefixes = new String[BASES];
    private final URI[] bases = new URI[BASES];
    private int nextSlot;

    /**
     * @param value a URL as stored (it was a valid URI when it was written)
     * @return the URI
     * @throws IllegalArgumentException if {@code value} is not a valid URI
     */
    URI parse(String value) {
        for (int i = 0; i < BASES && basePrefixes[i] != null; i++) {
            String prefix = basePrefixes[i];
            if (value.startsWith(prefix)) {
                if (bases[i] != null && isPlainPath(value, prefix.length())) {
                    return bases[i].resolve(URI.create(value.substring(prefix.length())));
                }
                return URI.create(value);
            }
        }
        URI uri = URI.create(value);
        remember(value, uri);
        return uri;
    }

    /**
     * Remembers {@code uri}'s {@code scheme://authority/}, with its parsed base if resolving
     * against it spells URLs exactly (else without, so that it is not probed again).
     */
    private void remember(String value, URI uri) {
        if (uri.getScheme() == null || uri.getRawAuthority() == null || uri.isOpaque()) {
            return;
        }
        String prefix = uri.getScheme() + "://" + uri.getRawAuthority() + "/";
        if (!value.startsWith(prefix)) {
            return;
        }
        URI candidate = URI.create(prefix);
        String probe = "a.b_c-d~/0.e";
        boolean exact = candidate.resolve(URI.create(probe)).toString().equals(prefix + probe);
        basePrefixes[nextSlot] = prefix;
        bases[nextSlot] = exact ? candidate : null;
        nextSlot = (nextSlot + 1) % BASES;
    }

    /** @return whether {@code value} from {@code start} is a non-empty relative path of plain segments, none a dot segment */
    private static boolean isPlainPath(String value, int start) {
        int end = value.length();
        if (start >= end) {
            return false;
        }
        int segmentStart = start;
        for (int i = start; i <= end; i++) {
            char c = i == end ? '/' : value.charAt(i);
            if (c == '/') {
                int length = i - segmentStart;
                if (length == 0 || (length == 1 && value.charAt(segmentStart) == '.')
                        || (length == 2 && value.charAt(segmentStart) == '.' && value.charAt(segmentStart + 1) == '.')) {
                    return false;
                }
                segmentStart = i + 1;
            } else if (c >= PLAIN.length || !PLAIN[c]) {
                return false;
            }
        }
        return true;
    }
}
