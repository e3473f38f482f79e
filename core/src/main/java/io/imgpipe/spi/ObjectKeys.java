package io.imgpipe.spi;

/**
 * The rules every {@link ObjectStore} key follows, so that the same key is valid and safe in
 * every store: 1 to 1024 characters; segments separated by {@code /}; each segment non-empty,
 * neither {@code .} nor {@code ..}, and made of ASCII letters, digits, {@code .}, {@code _} and
 * {@code -}. No leading or trailing slash.
 */
public final class ObjectKeys {

    private static final int MAX_LENGTH = 1024;
    /** The characters a segment may use, by ASCII code. */
    private static final boolean[] ALLOWED = new boolean[128];

    static {
        for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-".toCharArray()) {
            ALLOWED[c] = true;
        }
    }

    private ObjectKeys() {
    }

    /**
     * {@return the key}
     *
     * @param key a candidate key
     * @throws IllegalArgumentException naming the key and the rule it breaks
     */
    public static String requireValid(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("object key must not be empty");
        }
        if (key.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("object key longer than " + MAX_LENGTH + " characters: " + key.substring(0, 64) + "...");
        }
        int start = 0;
        while (start <= key.length()) {
            int end = key.indexOf('/', start);
            if (end < 0) {
                end = key.length();
            }
            if (!validSegment(key, start, end)) {
                throw new IllegalArgumentException("invalid object key '" + key
                        + "': segments must be non-empty, not '.' or '..', and use only A-Z a-z 0-9 . _ -");
            }
            start = end + 1;
        }
        return key;
    }

    /** The rule of one segment, {@code key[start, end)}, checked without a regular expression (keys are checked per image). */
    private static boolean validSegment(String key, int start, int end) {
        int length = end - start;
        if (length == 0 || (length == 1 && key.charAt(start) == '.')
                || (length == 2 && key.charAt(start) == '.' && key.charAt(start + 1) == '.')) {
            return false;
        }
        for (int i = start; i < end; i++) {
            char c = key.charAt(i);
            if (c >= ALLOWED.length || !ALLOWED[c]) {
                return false;
            }
        }
        return true;
    }
}
